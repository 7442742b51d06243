"""Shared pieces of the edition commands: naming the award and the edition, reading times."""

from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from django.core.management.base import CommandError, CommandParser
from django.utils.translation import gettext as _

from kommunpris.awards.models import Award, Edition
from kommunpris.awards.selectors import AwardNotFound, award, edition

STOCKHOLM = ZoneInfo("Europe/Stockholm")


def add_award_argument(parser: CommandParser) -> None:
    parser.add_argument(
        "--award",
        metavar="SLUG",
        help=_("The award's short name (default: digitaliseringskommun)."),
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
            _(
                "%(award)s %(year)s does not exist. Create it first with "
                "`kommunpris create_edition --year %(year)s …`."
            )
            % {"award": the_award.name_in(year), "year": year}
        )
    return found


def parse_moment(text: str, *, option: str, end_of_day: bool) -> datetime:
    """Swedish local time: '2027-04-29' (a deadline: the end of that day) or '2027-11-10T18:00'."""
    try:
        if len(text) == 10:
            day = date.fromisoformat(text)
            if not end_of_day:
                raise CommandError(
                    _(
                        "%(option)s %(text)s: give the time of day too, e.g. %(text)sT18:00 "
                        "(Swedish time)."
                    )
                    % {"option": option, "text": text}
                )
            return datetime.combine(day, time(23, 59, 59), tzinfo=STOCKHOLM)
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise CommandError(
            _("%(option)s %(text)s: unknown date. Write e.g. 2027-04-29 or 2027-11-10T18:00.")
            % {"option": option, "text": text}
        ) from None
    return moment if moment.tzinfo else moment.replace(tzinfo=STOCKHOLM)
