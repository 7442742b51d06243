"""`kommunpris restore FILE`: load a backup into an empty installation (or replace one, --force)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from kommunpris.audit.vocabulary import CLI
from kommunpris.operations.services import BackupError, restore_backup


class Command(BaseCommand):
    help = (
        "Återställer en säkerhetskopia från kommunpris backup till en tom databas. Hela filen "
        "kontrolleras först; en skadad eller ändrad fil vägras och ingenting ändras."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", metavar="FILE")
        parser.add_argument(
            "--force",
            action="store_true",
            help="Ersätt allt som finns i databasen och bland de uppladdade filerna.",
        )
        parser.add_argument(
            "--sha256",
            metavar="HEX",
            help="Filens kontrollsumma som kommunpris backup skrev ut; kontrolleras först.",
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
            f"Återställt från säkerhetskopian gjord {result.backup_created_at}: "
            f"{result.rows} rader och {result.files} uppladdade filer."
        )
        if result.older_schema:
            self.stdout.write(
                "Säkerhetskopian gjordes före migreringarna "
                + ", ".join(result.older_schema)
                + "; kontrollera innehållet."
            )
        if result.trusted_by == "sha256":
            self.stdout.write(
                "Filen godtogs på den SHA-256 du angav (inte på en signatur från den här "
                "installationen)."
            )
        if result.audit_intact:
            self.stdout.write("Granskningsloggen är obruten.")
        else:
            self.stderr.write(
                "Varning: granskningsloggen i säkerhetskopian är bruten. Kör kommunpris "
                "verify_audit för att se var."
            )
