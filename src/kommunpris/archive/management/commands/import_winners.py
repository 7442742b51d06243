from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from kommunpris.archive.announcement import AnnouncementError
from kommunpris.archive.services import import_winners
from kommunpris.audit.vocabulary import CLI

from ._common import add_award_argument, award_from_options, read_file


class Command(BaseCommand):
    help = "Importerar vinnarsidan (rubrik, inledning, vinnare med motiveringar) från en textfil."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", metavar="PATH")
        add_award_argument(parser)
        parser.add_argument(
            "--allow-off-cadence",
            action="store_true",
            help="Tillåt år som inte följer utmärkelsens rytm.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path = options["path"]
        data = read_file(path)
        award = award_from_options(options)
        try:
            result = import_winners(
                data=data, award=award, allow_off_cadence=options["allow_off_cadence"], actor=CLI
            )
        except AnnouncementError as exc:
            lines = "\n".join(f"{path}: {error}" for error in exc.errors)
            raise CommandError(f"{lines}\nIngenting importerades.") from None
        self.stdout.write(
            f"{path}: {result.created} nya vinnare, {result.updated} ändrade, "
            f"{result.unchanged} oförändrade."
        )
