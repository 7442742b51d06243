"""`kommunpris purge_personal_data`: keep the privacy notice's promise on retention (run daily)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

from kommunpris.audit.vocabulary import CLI
from kommunpris.commands import SiteLanguageCommand
from kommunpris.nominations.services import (
    MAIL_KEPT_DAYS,
    UNCONFIRMED_KEPT_DAYS,
    purge_personal_data,
)


class Command(SiteLanguageCommand):
    def describe(self) -> str:
        return _(
            "Deletes unconfirmed nominations and changes after %(days)s days, and the "
            "nominators' names, e-mail addresses and organisations and the municipalities' "
            "contacts once the retention period after the edition's announcement has passed "
            "(KOMMUNPRIS_NOMINATOR_RETENTION_DAYS). The nominations' texts are kept. Run daily "
            "(e.g. from cron); a second run the same day does nothing."
        ) % {"days": UNCONFIRMED_KEPT_DAYS}

    def handle(self, *args: Any, **options: Any) -> None:
        days = settings.KOMMUNPRIS_NOMINATOR_RETENTION_DAYS
        purged = purge_personal_data(actor=CLI)
        lines = [
            (
                _("unconfirmed nominations deleted (older than %(days)s days)")
                % {"days": UNCONFIRMED_KEPT_DAYS},
                purged.unconfirmed_deleted,
            ),
            (
                _("unconfirmed changes dropped (older than %(days)s days)")
                % {"days": UNCONFIRMED_KEPT_DAYS},
                purged.updates_dropped,
            ),
            (
                _("nominators' names, e-mail addresses and organisations erased"),
                purged.nominators_erased,
            ),
            (_("municipalities' contacts deleted"), purged.contacts_deleted),
            (_("contacts' addresses erased from attachments"), purged.uploaders_erased),
            (
                _("e-mail messages deleted from the mail log (older than %(days)s days)")
                % {"days": MAIL_KEPT_DAYS},
                purged.mails_deleted,
            ),
        ]
        self.stdout.write(
            _(
                "Purge of personal data (contact details are kept %(days)s days after the "
                "edition's winner has been announced):"
            )
            % {"days": days}
        )
        for label, count in lines:
            self.stdout.write(f"  {label}: {count}")
        if not any(count for _label, count in lines):
            self.stdout.write(_("Nothing to purge."))
        for title in purged.without_publish_at:
            self.stderr.write(
                _(
                    "Warning: %(title)s is announced but has no publication time, so the "
                    "retention period cannot be counted and its personal data are not purged; "
                    "the edition needs a publication time."
                )
                % {"title": title}
            )
