"""`kommunpris verify_audit`: checks the audit log's hash chain and its database protection."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection

from kommunpris.audit import protection
from kommunpris.audit.verification import verify_chain


class Command(BaseCommand):
    help = (
        "Kontrollerar att granskningsloggen är obruten: ingen händelse ändrad, borttagen eller "
        "inlagd i efterhand. Avslutar med felkod och namnger den första trasiga händelsen."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--checkpoint",
            metavar="HASH",
            help="En kontrollsumma från en tidigare körning; den måste finnas kvar i loggen "
            "(upptäcker en avkortad eller omskriven logg).",
        )
        parser.add_argument(
            "--reinstall-protection",
            action="store_true",
            help="Lägg tillbaka databasens skydd (triggrar) om det saknas, efter kontrollen.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        report = verify_chain(checkpoint=options["checkpoint"])
        if report.first_break is not None:
            raise CommandError(f"Granskningsloggen är bruten. {report.first_break.message}")
        self.stdout.write(
            f"Granskningsloggen är obruten: {report.events} händelser. "
            f"Senaste kontrollsumma: {report.head_hash}"
        )
        if report.protected or not protection.is_supported(connection):
            return
        if options["reinstall_protection"]:
            protection.install(connection)
            self.stdout.write("Databasens skydd mot ändring och borttagning är tillbaka.")
            return
        raise CommandError(
            "Databasens skydd mot ändring och borttagning av händelser saknas (triggrarna på "
            "tabellen audit_auditevent): någon har tagit bort det, eller en migrering har byggt om "
            "tabellen. Lägg tillbaka det med kommunpris verify_audit --reinstall-protection."
        )
