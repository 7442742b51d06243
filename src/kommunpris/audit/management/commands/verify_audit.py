"""`kommunpris verify_audit`: checks the audit log's hash chain and its database protection."""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandError, CommandParser
from django.db import connection
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kommunpris.audit import protection
from kommunpris.audit.verification import verify_chain
from kommunpris.commands import SiteLanguageCommand


class Command(SiteLanguageCommand):
    description = gettext_lazy(
        "Checks that the audit log is unbroken: no event changed, removed or put in afterwards. "
        "Exits with an error code and names the first broken event."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--checkpoint",
            metavar="HASH",
            help=_(
                "A checksum from an earlier run; it must still be in the log (finds a log that "
                "was cut short or rewritten)."
            ),
        )
        parser.add_argument(
            "--reinstall-protection",
            action="store_true",
            help=_(
                "Put the database's protection (triggers) back if it is missing, after the check."
            ),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        report = verify_chain(checkpoint=options["checkpoint"])
        if report.first_break is not None:
            raise CommandError(
                _("The audit log is broken. %(reason)s") % {"reason": report.first_break.message}
            )
        self.stdout.write(
            _("The audit log is unbroken: %(events)s events. Latest checksum: %(head)s")
            % {"events": report.events, "head": report.head_hash}
        )
        if report.protected or not protection.is_supported(connection):
            return
        if options["reinstall_protection"]:
            protection.install(connection)
            self.stdout.write(
                _("The database's protection against changing and removing events is back.")
            )
            return
        raise CommandError(
            _(
                "The database's protection against changing and removing events is missing (the "
                "triggers on the table audit_auditevent): someone has removed it, or a migration "
                "has rebuilt the table. Put it back with kommunpris verify_audit "
                "--reinstall-protection."
            )
        )
