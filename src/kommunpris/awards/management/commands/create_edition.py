"""`kommunpris create_edition`: a new edition in draft, with its deadlines and gala."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from kommunpris.audit.vocabulary import CLI
from kommunpris.awards.services import EditionError, OffCadence, create_edition

from ._edition_options import add_award_argument, award_from_options, parse_moment


class Command(BaseCommand):
    help = (
        "Skapar en ny upplaga (fas: utkast) med sista dag för nomineringar, sista dag för "
        "kommunernas komplettering och galan. Tider i svensk tid."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--year", type=int, required=True, help="Upplagans år, t.ex. 2027.")
        add_award_argument(parser)
        parser.add_argument(
            "--nominations-close",
            required=True,
            metavar="DATUM",
            help="Sista dag för nomineringar (t.ex. 2027-04-29: dagen ut).",
        )
        parser.add_argument(
            "--supplement-close",
            required=True,
            metavar="DATUM",
            help="Sista dag för kommunernas egna svar och bilagor (t.ex. 2027-05-12).",
        )
        parser.add_argument(
            "--ceremony", required=True, metavar="TID", help="Galan, t.ex. 2027-11-10T18:00."
        )
        parser.add_argument("--venue", help="Platsen (standard: utmärkelsens, Kvalitetsmässan).")
        parser.add_argument(
            "--off-cadence",
            action="store_true",
            help="Tillåt ett år utanför utmärkelsens ordning (vartannat år).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        award = award_from_options(options)
        try:
            edition = create_edition(
                award=award,
                year=options["year"],
                nominations_close_at=parse_moment(
                    options["nominations_close"], option="--nominations-close", end_of_day=True
                ),
                supplement_close_at=parse_moment(
                    options["supplement_close"], option="--supplement-close", end_of_day=True
                ),
                ceremony_at=parse_moment(
                    options["ceremony"], option="--ceremony", end_of_day=False
                ),
                venue=options["venue"],
                allow_off_cadence=options["off_cadence"],
                actor=CLI,
            )
        except OffCadence as exc:
            raise CommandError(f"{exc} Ge --off-cadence för att göra undantaget.") from None
        except EditionError as exc:
            raise CommandError(str(exc)) from None
        assert edition.nominations_close_at and edition.supplement_close_at and edition.ceremony_at
        self.stdout.write(
            f"{edition.title} skapad (utkast). Nomineringar till och med "
            f"{timezone.localtime(edition.nominations_close_at):%Y-%m-%d %H:%M}, komplettering "
            f"till och med {timezone.localtime(edition.supplement_close_at):%Y-%m-%d %H:%M}, "
            f"gala {timezone.localtime(edition.ceremony_at):%Y-%m-%d %H:%M}. "
            f"Öppna nomineringen med `kommunpris open_nominations --year {edition.year}`."
        )
