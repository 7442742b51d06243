"""`kommunpris purge_personal_data`: keep the privacy notice's promise on retention (run daily)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand

from kommunpris.nominations.services import (
    MAIL_KEPT_DAYS,
    UNCONFIRMED_KEPT_DAYS,
    purge_personal_data,
)


class Command(BaseCommand):
    help = (
        f"Raderar obekräftade nomineringar och ändringar efter {UNCONFIRMED_KEPT_DAYS} dagar, "
        "och nominerarnas namn, e-postadresser och organisationer samt kommunernas "
        "kontaktpersoner när lagringstiden efter upplagans tillkännagivande har gått ut "
        "(KOMMUNPRIS_NOMINATOR_RETENTION_DAYS). Nomineringarnas texter sparas. Kör dagligen "
        "(t.ex. från cron); en andra körning samma dag gör ingenting."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        days = settings.KOMMUNPRIS_NOMINATOR_RETENTION_DAYS
        purged = purge_personal_data(actor="cli")
        lines = [
            (
                f"obekräftade nomineringar raderade (äldre än {UNCONFIRMED_KEPT_DAYS} dagar)",
                purged.unconfirmed_deleted,
            ),
            (
                f"obekräftade ändringar kastade (äldre än {UNCONFIRMED_KEPT_DAYS} dagar)",
                purged.updates_dropped,
            ),
            ("nominerares namn, e-postadress och organisation raderade", purged.nominators_erased),
            ("kommuners kontaktpersoner raderade", purged.contacts_deleted),
            ("kontaktpersoners adresser raderade från bilagor", purged.uploaders_erased),
            (
                f"e-postmeddelanden raderade ur e-postloggen (äldre än {MAIL_KEPT_DAYS} dagar)",
                purged.mails_deleted,
            ),
        ]
        self.stdout.write(
            f"Rensning av personuppgifter (kontaktuppgifter sparas {days} dagar efter att "
            "upplagans vinnare har tillkännagetts):"
        )
        for label, count in lines:
            self.stdout.write(f"  {label}: {count}")
        if not any(count for _label, count in lines):
            self.stdout.write("Inget att rensa.")
        for title in purged.without_publish_at:
            self.stderr.write(
                f"Varning: {title} är tillkännagiven men saknar publiceringstid, så "
                "lagringstiden kan inte räknas och dess personuppgifter rensas inte; upplagan "
                "behöver en publiceringstid."
            )
