"""Shared pieces of the edition commands: naming the award and the edition, reading times."""

from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from django.core.management.base import CommandError, CommandParser

from kommunpris.awards.models import Award, Edition
from kommunpris.awards.selectors import AwardNotFound, award, edition

STOCKHOLM = ZoneInfo("Europe/Stockholm")


def add_award_argument(parser: CommandParser) -> None:
    parser.add_argument(
        "--award", metavar="SLUG", help="Utmärkelsens kortnamn (standard: digitaliseringskommun)."
    )


def award_from_options(options: dict[str, object]) -> Award:
    try:
        return award(str(options["award"]) if options.get("award") else None)
    except AwardNotFound as exc:
        raise CommandError(str(exc)) from None


def edition_from_options(options: dict[str, object]) -> Edition:
    the_award = award_from_options(options)
    year = int(str(options["year"]))
    found = edition(the_award, year)
    if found is None:
        raise CommandError(
            f"{the_award.name_in(year)} {year} finns inte. Skapa den först med "
            f"`kommunpris create_edition --year {year} …`."
        )
    return found


def parse_moment(text: str, *, option: str, end_of_day: bool) -> datetime:
    """Swedish local time: '2027-04-29' (a deadline: the end of that day) or '2027-11-10T18:00'."""
    try:
        if len(text) == 10:
            day = date.fromisoformat(text)
            if not end_of_day:
                raise CommandError(
                    f"{option} {text}: ange även klockslaget, t.ex. {text}T18:00 (svensk tid)."
                )
            return datetime.combine(day, time(23, 59, 59), tzinfo=STOCKHOLM)
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise CommandError(
            f"{option} {text}: okänt datum. Skriv t.ex. 2027-04-29 eller 2027-11-10T18:00."
        ) from None
    return moment if moment.tzinfo else moment.replace(tzinfo=STOCKHOLM)
