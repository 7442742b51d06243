"""`kommunpris open_nominations`: the call for nominations opens (draft → nominations_open)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from kommunpris.audit.vocabulary import CLI
from kommunpris.awards.services import EditionError, OffCadence, open_nominations

from ._edition_options import add_award_argument, edition_from_options


class Command(BaseCommand):
    help = "Öppnar nomineringen till en upplaga (en gång, före sista dag för nomineringar)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--year", type=int, required=True, help="Upplagans år, t.ex. 2027.")
        add_award_argument(parser)
        parser.add_argument(
            "--off-cadence",
            action="store_true",
            help="Tillåt ett år utanför utmärkelsens ordning (vartannat år).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        edition = edition_from_options(options)
        try:
            edition = open_nominations(
                edition=edition, actor=CLI, allow_off_cadence=options["off_cadence"]
            )
        except OffCadence as exc:
            raise CommandError(f"{exc} Ge --off-cadence för att göra undantaget.") from None
        except EditionError as exc:
            raise CommandError(str(exc)) from None
        assert edition.nominations_close_at is not None
        self.stdout.write(
            f"Nomineringen till {edition.title} är öppen till och med "
            f"{timezone.localtime(edition.nominations_close_at):%Y-%m-%d %H:%M}."
        )
