"""`kommunpris reopen_nominations`: a call closed before its deadline opens again."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from kommunpris import dates
from kommunpris.audit.vocabulary import CLI
from kommunpris.awards.services import EditionError, reopen_nominations

from ._edition_options import add_award_argument, edition_from_options


class Command(BaseCommand):
    help = (
        "Öppnar nomineringen till en upplaga igen, om den stängdes före sista dag för "
        "nomineringar (samma som knappen på arbetsytan)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--year", type=int, required=True, help="Upplagans år, t.ex. 2027.")
        add_award_argument(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        edition = edition_from_options(options)
        try:
            edition = reopen_nominations(edition=edition, actor=CLI)
        except EditionError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(
            f"Nomineringen till {edition.title} är öppen igen till och med "
            f"{dates.moment(edition.nominations_close_at, swedish=True)}."
        )
