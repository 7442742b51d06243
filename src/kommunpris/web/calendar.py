"""An edition's public dates as an iCalendar feed (RFC 5545) that calendar programs subscribe to.

Only what the edition's public page shows goes in: the last day to nominate, the municipalities'
last day for their own answers and documents, the gala with its venue, and the announcement of
the winner when it is not at the gala. Nothing of the jury's work (rounds, their last days, who
is a nominee or finalist) and no winner: the feed reads the same before and after a decision,
apart from those dates. Times are written in UTC, which every calendar shows in its own zone;
a gala known only by its day is an all-day event.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from urllib.parse import urlsplit

import icalendar
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from kommunpris.awards.models import Edition
from kommunpris.mail.links import absolute_url

# How often a subscribed calendar should fetch the feed again.
REFRESH = timedelta(hours=12)


@dataclass(frozen=True)
class PublicDate:
    key: str  # stable within the edition: part of the event's UID
    summary: str
    description: str
    start: datetime | date
    url: str = ""
    location: str = ""


def public_dates(edition: Edition, *, language: str) -> list[PublicDate]:
    """The edition's public dates, earliest first (only those it has)."""
    title = edition.title
    page = absolute_url("edition", language=language, year=edition.year)
    found: list[PublicDate] = []
    if edition.nominations_close_at is not None:
        found.append(
            PublicDate(
                "nominations-close",
                _("Last day to nominate – %(title)s") % {"title": title},
                _(
                    "Anyone may nominate a municipality for %(title)s while the call is open; "
                    "this is its last moment."
                )
                % {"title": title},
                edition.nominations_close_at,
                absolute_url("nominate", language=language),
            )
        )
    if edition.supplement_close_at is not None:
        found.append(
            PublicDate(
                "supplement-close",
                _("Last day for the municipalities' own answers – %(title)s") % {"title": title},
                _(
                    "Nominated municipalities add their own answers and documents until this "
                    "moment; then the jury's work begins."
                ),
                edition.supplement_close_at,
                page,
            )
        )
    if edition.ceremony_at is not None:
        start: datetime | date = edition.ceremony_at
        if edition.ceremony_date_only:
            start = timezone.localtime(edition.ceremony_at).date()
        found.append(
            PublicDate(
                "ceremony",
                _("Gala: %(title)s") % {"title": title},
                _("The award is presented."),
                start,
                page,
                edition.venue,
            )
        )
    if edition.publish_at is not None and edition.publish_at != edition.ceremony_at:
        found.append(
            PublicDate(
                "announcement",
                _("The winner is announced – %(title)s") % {"title": title},
                _("The jury's decision becomes public."),
                edition.publish_at,
                page,
            )
        )
    return sorted(found, key=lambda d: _sort_key(d.start))


def _sort_key(moment: datetime | date) -> datetime:
    if isinstance(moment, datetime):
        return moment
    return datetime(moment.year, moment.month, moment.day, tzinfo=UTC)


def _host() -> str:
    return urlsplit(str(settings.KOMMUNPRIS_SITE_URL)).hostname or "kommunpris"


def edition_calendar(edition: Edition, *, language: str, stamp: datetime) -> bytes:
    """The feed: one VEVENT per public date. `stamp` (DTSTAMP) is when the dates were last
    changed, so the same dates give the same bytes."""
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//kommunpris//Sveriges DigitaliseringsKommun//SV")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("name", edition.title)
    calendar.add("x-wr-calname", edition.title)
    calendar.add("x-wr-timezone", settings.TIME_ZONE)
    calendar.add("url", absolute_url("edition", language=language, year=edition.year))
    calendar.add("refresh-interval", REFRESH, parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", REFRESH)
    stamp = stamp.astimezone(UTC)
    for item in public_dates(edition, language=language):
        event = icalendar.Event()
        event.add("uid", f"{edition.award.slug}-{edition.year}-{item.key}@{_host()}")
        event.add("dtstamp", stamp)
        event.add(
            "dtstart",
            item.start.astimezone(UTC) if isinstance(item.start, datetime) else item.start,
        )
        event.add("summary", item.summary)
        event.add("description", item.description)
        if item.location:
            event.add("location", item.location)
        if item.url:
            event.add("url", item.url)
        event.add("transp", "TRANSPARENT")
        calendar.add_component(event)
    return bytes(calendar.to_ical())
