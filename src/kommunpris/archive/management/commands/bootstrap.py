from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand

from kommunpris.archive.services import import_finalists, import_winners, record_known_ceremonies
from kommunpris.audit.vocabulary import BOOTSTRAP
from kommunpris.awards.services import ensure_award
from kommunpris.register.models import Municipality
from kommunpris.register.services import load_municipalities


class Command(BaseCommand):
    help = (
        "Gör en ny installation klar: kommunregistret, utmärkelsen och arkivet 2001–2023 "
        "ur data/. Kan köras hur många gånger som helst."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        if Municipality.objects.count() < 290:
            load_municipalities(actor=BOOTSTRAP)
        award = ensure_award(actor=BOOTSTRAP)
        data = settings.DATA_DIR
        winners = import_winners(
            data=(data / "winners-2001-2023.txt").read_bytes(), award=award, actor=BOOTSTRAP
        )
        finalists = import_finalists(
            data=(data / "finalists.csv").read_bytes(), award=award, actor=BOOTSTRAP
        )
        record_known_ceremonies(
            data=(data / "ceremonies.csv").read_bytes(), award=award, actor=BOOTSTRAP
        )
        self.stdout.write(
            f"Klart: {Municipality.objects.count()} kommuner, "
            f"{winners.created} nya vinnare ({winners.unchanged} fanns redan), "
            f"{finalists.created} nya kandidaturer."
        )
