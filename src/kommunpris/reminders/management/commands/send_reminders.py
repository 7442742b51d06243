"""`kommunpris send_reminders`: queue every reminder that is due now (the mail worker sends them).

Run every quarter of an hour by deploy/systemd/kommunpris-reminders.timer; running it more
often, or twice at once, sends nobody a reminder twice.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from kommunpris.audit.vocabulary import SYSTEM
from kommunpris.commands import SiteLanguageCommand
from kommunpris.reminders.models import Kind
from kommunpris.reminders.services import send_due_reminders


class Command(SiteLanguageCommand):
    description = gettext_lazy(
        "Queues the reminders that are due now: to the municipalities' contacts before the last "
        "day for their own answers, to jury members before a round's last day and to "
        "nominators whose confirmation link stops working soon. Each person gets each reminder "
        "once; the mail worker sends them."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        sent = send_due_reminders(actor=SYSTEM)
        labels = {
            Kind.CONTACT_SUPPLEMENT: _("to municipality contacts"),
            Kind.JUROR_ROUND: _("to jury members"),
            Kind.NOMINATOR_CONFIRMATION: _("to nominators"),
        }
        parts = ", ".join(f"{sent.counts[kind]} {label}" for kind, label in labels.items())
        self.stdout.write(
            ngettext(
                "%(count)s reminder queued (%(parts)s).",
                "%(count)s reminders queued (%(parts)s).",
                sent.total,
            )
            % {"count": sent.total, "parts": parts}
        )
