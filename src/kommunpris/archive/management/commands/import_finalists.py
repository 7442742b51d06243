from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from kommunpris.archive.announcement import AnnouncementError
from kommunpris.archive.services import import_finalists
from kommunpris.audit.vocabulary import CLI

from ._common import add_award_argument, award_from_options, read_file


class Command(BaseCommand):
    help = (
        "Importerar tidigare upplagors finalister och nominerade "
        "(CSV: year,stage,municipalities,source)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", metavar="PATH")
        add_award_argument(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        path = options["path"]
        data = read_file(path)
        award = award_from_options(options)
        try:
            result = import_finalists(data=data, award=award, actor=CLI)
        except AnnouncementError as exc:
            lines = "\n".join(f"{path}: {error}" for error in exc.errors)
            raise CommandError(f"{lines}\nIngenting importerades.") from None
        self.stdout.write(
            f"{path}: {result.created} nya kandidaturer, {result.updated} ändrade, "
            f"{result.unchanged} oförändrade."
        )
