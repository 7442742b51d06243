"""`kommunpris restore FILE`: load a backup into an empty installation (or replace one, --force)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import CommandError, CommandParser
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kommunpris.audit.vocabulary import CLI
from kommunpris.commands import SiteLanguageCommand
from kommunpris.operations.services import BackupError, restore_backup


class Command(SiteLanguageCommand):
    description = gettext_lazy(
        "Restores a backup from kommunpris backup into an empty database. The whole file is "
        "checked first; a damaged or altered file is refused and nothing changes."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", metavar="FILE")
        parser.add_argument(
            "--force",
            action="store_true",
            help=_("Replace everything in the database and among the uploaded files."),
        )
        parser.add_argument(
            "--sha256",
            metavar="HEX",
            help=_("The file's checksum as kommunpris backup printed it; checked first."),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            result = restore_backup(
                path=Path(options["path"]),
                force=options["force"],
                expected_sha256=options["sha256"],
                actor=CLI,
            )
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(
            _(
                "Restored from the backup made %(created_at)s: %(rows)s rows and %(files)s "
                "uploaded files."
            )
            % {
                "created_at": result.backup_created_at,
                "rows": result.rows,
                "files": result.files,
            }
        )
        if result.older_schema:
            self.stdout.write(
                _("The backup was made before the migrations %(migrations)s; check the content.")
                % {"migrations": ", ".join(result.older_schema)}
            )
        if result.trusted_by == "sha256":
            self.stdout.write(
                _(
                    "The file was accepted on the SHA-256 you gave (not on a signature from this "
                    "installation)."
                )
            )
        if result.audit_intact:
            self.stdout.write(_("The audit log is unbroken."))
        else:
            self.stderr.write(
                _(
                    "Warning: the audit log in the backup is broken. Run kommunpris verify_audit "
                    "to see where."
                )
            )
