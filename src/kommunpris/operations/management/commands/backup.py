"""`kommunpris backup FILE`: the database and the uploaded files in one checked file."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from kommunpris.operations.services import BackupError, create_backup


class Command(BaseCommand):
    help = (
        "Skriver en säkerhetskopia av hela installationen (databasen och uppladdade filer) till "
        "FILE, med kontrollsummor. Filen innehåller personuppgifter: förvara den därefter."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "path", metavar="FILE", help="Ny fil, t.ex. kommunpris-2027-11-10.tar.gz"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            result = create_backup(path=Path(options["path"]))
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(
            f"Säkerhetskopian är skriven till {result.path} ({result.size} byte): "
            f"{result.rows} rader ur databasen och {result.files} uppladdade filer.\n"
            f"SHA-256 för filen: {result.sha256}\n"
            f"Signerad med säkerhetskopieringsnyckeln {result.key_id} (KOMMUNPRIS_BACKUP_KEY)."
        )
