"""`kommunpris backup FILE`: the database and the uploaded files in one checked file."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import CommandError, CommandParser
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kommunpris.commands import SiteLanguageCommand
from kommunpris.operations.services import BackupError, create_backup


class Command(SiteLanguageCommand):
    description = gettext_lazy(
        "Writes a backup of the whole installation (the database and uploaded files) to FILE, "
        "with checksums. The file holds personal data: keep it accordingly."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "path", metavar="FILE", help=_("A new file, e.g. kommunpris-2027-11-10.tar.gz")
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            result = create_backup(path=Path(options["path"]))
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(
            _(
                "The backup is written to %(path)s (%(size)s bytes): %(rows)s rows from the "
                "database and %(files)s uploaded files.\n"
                "SHA-256 of the file: %(sha256)s\n"
                "Signed with the backup key %(key_id)s (KOMMUNPRIS_BACKUP_KEY)."
            )
            % {
                "path": result.path,
                "size": result.size,
                "rows": result.rows,
                "files": result.files,
                "sha256": result.sha256,
                "key_id": result.key_id,
            }
        )
