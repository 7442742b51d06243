"""`kommunpris purge_nominator_data`: keep the privacy notice's promise on retention."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand

from kommunpris.nominations.services import UNCONFIRMED_KEPT_DAYS, purge_personal_data


class Command(BaseCommand):
    help = (
        f"Raderar obekräftade nomineringar efter {UNCONFIRMED_KEPT_DAYS} dagar, och nominerarnas "
        "namn och adresser samt kommunernas kontaktpersoner när lagringstiden efter upplagans "
        "tillkännagivande har gått ut. Kör dagligen (t.ex. från cron)."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        purged = purge_personal_data(actor="cli")
        self.stdout.write(
            f"{purged.unconfirmed_deleted} obekräftade nomineringar raderade, "
            f"{purged.nominators_erased} nominerares uppgifter raderade, "
            f"{purged.contacts_deleted} kontaktpersoner raderade "
            f"(lagringstid {settings.KOMMUNPRIS_NOMINATOR_RETENTION_DAYS} dagar)."
        )
