"""`kommunpris send_reminders`: queue every reminder that is due now (the mail worker sends them).

Run every quarter of an hour by deploy/systemd/kommunpris-reminders.timer; running it more
often, or twice at once, sends nobody a reminder twice.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from kommunpris.audit.vocabulary import SYSTEM
from kommunpris.reminders.models import Kind
from kommunpris.reminders.services import send_due_reminders


class Command(BaseCommand):
    help = (
        "Köar de påminnelser som är dags nu: till kommunernas kontakter före sista dag för egna "
        "svar, till jurymedlemmar före en omgångs sista dag och till nominerande vars "
        "bekräftelselänk snart slutar gälla. Var och en får varje påminnelse en gång; "
        "e-postarbetaren skickar dem."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        sent = send_due_reminders(actor=SYSTEM)
        labels = {
            Kind.CONTACT_SUPPLEMENT: "till kommunkontakter",
            Kind.JUROR_ROUND: "till jurymedlemmar",
            Kind.NOMINATOR_CONFIRMATION: "till nominerande",
        }
        parts = ", ".join(f"{sent.counts[kind]} {label}" for kind, label in labels.items())
        queued = "påminnelse köad" if sent.total == 1 else "påminnelser köade"
        self.stdout.write(f"{sent.total} {queued} ({parts}).")
