from __future__ import annotations

from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kommunpris.archive.services import import_finalists, import_winners, record_known_ceremonies
from kommunpris.audit.vocabulary import BOOTSTRAP
from kommunpris.awards.services import ensure_award
from kommunpris.commands import SiteLanguageCommand
from kommunpris.register.models import Municipality
from kommunpris.register.services import load_municipalities


class Command(SiteLanguageCommand):
    description = gettext_lazy(
        "Makes a new installation ready: the register of municipalities, the award and the "
        "archive 2001–2023 from data/. Can be run any number of times."
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
            _(
                "Done: %(municipalities)s municipalities, %(winners)s new winners (%(known)s "
                "were there already), %(candidacies)s new candidacies."
            )
            % {
                "municipalities": Municipality.objects.count(),
                "winners": winners.created,
                "known": winners.unchanged,
                "candidacies": finalists.created,
            }
        )
