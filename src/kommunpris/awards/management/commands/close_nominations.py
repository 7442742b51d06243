"""`kommunpris close_nominations`: the call for nominations ends (nominations_open → closed)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from kommunpris.audit.vocabulary import CLI
from kommunpris.awards.services import EditionError, close_nominations

from ._edition_options import add_award_argument, edition_from_options


class Command(BaseCommand):
    help = "Stänger nomineringen till en upplaga."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--year", type=int, required=True, help="Upplagans år, t.ex. 2027.")
        add_award_argument(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        edition = edition_from_options(options)
        try:
            edition = close_nominations(edition=edition, actor=CLI)
        except EditionError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(f"Nomineringen till {edition.title} är stängd.")
