"""The public calendar feed of an edition's dates: what it holds (only the public dates), that a
calendar program reads it, that it is linked from the edition page, and that it tells nothing
of the jury's work or the decision before the publication time."""

from __future__ import annotations

from datetime import UTC, date, datetime

import icalendar
import pytest
from django.test import Client

from kommunpris.awards.models import Phase
from kommunpris.awards.services import change_edition
from kommunpris.nominations.models import Stage
from kommunpris.reminders.models import RoundDeadline

from .conftest import CEREMONY, NOMINATIONS_CLOSE, SUPPLEMENT_CLOSE, at

URL = "/vinnare/2027/kalender.ics"


def events(response) -> list[icalendar.Event]:
    calendar = icalendar.Calendar.from_ical(response.content)
    return list(calendar.walk("VEVENT"))


def test_the_feed_holds_the_editions_public_dates(call):
    feed = Client().get(URL)

    assert feed.status_code == 200
    assert feed["Content-Type"] == "text/calendar; charset=utf-8"
    assert feed["Content-Disposition"] == 'inline; filename="digitaliseringskommun-2027.ics"'
    calendar = icalendar.Calendar.from_ical(feed.content)
    assert str(calendar["X-WR-CALNAME"]) == "Sveriges DigitaliseringsKommun 2027"
    assert str(calendar["URL"]) == "https://kommunpris.example.se/vinnare/2027/"
    assert [
        (
            str(e["UID"]),
            e.decoded("DTSTART"),
            str(e["SUMMARY"]),
            str(e.get("LOCATION", "")),
            str(e["URL"]),
        )
        for e in events(feed)
    ] == [
        (
            "digitaliseringskommun-2027-nominations-close@kommunpris.example.se",
            NOMINATIONS_CLOSE.astimezone(UTC),
            "Sista dag att nominera – Sveriges DigitaliseringsKommun 2027",
            "",
            "https://kommunpris.example.se/nominera/",
        ),
        (
            "digitaliseringskommun-2027-supplement-close@kommunpris.example.se",
            SUPPLEMENT_CLOSE.astimezone(UTC),
            "Sista dag för kommunernas egna svar – Sveriges DigitaliseringsKommun 2027",
            "",
            "https://kommunpris.example.se/vinnare/2027/",
        ),
        (
            "digitaliseringskommun-2027-ceremony@kommunpris.example.se",
            CEREMONY.astimezone(UTC),
            "Gala: Sveriges DigitaliseringsKommun 2027",
            "Kvalitetsmässan",
            "https://kommunpris.example.se/vinnare/2027/",
        ),
    ]
    # DTSTAMP: when the dates were last set (the edition's creation), the same at every fetch.
    stamps = {e.decoded("DTSTAMP") for e in events(feed)}
    assert stamps == {at(2027, 3, 1, 9, 0).astimezone(UTC)}
    assert Client().get(URL).content == feed.content


def test_changed_dates_show_in_the_feed_with_a_new_stamp(call):
    call.move_to(at(2027, 4, 2, 10, 30))
    change_edition(edition=call.edition, actor=call.organiser, ceremony_at=at(2027, 11, 17, 18, 0))

    feed = Client().get(URL)

    gala = next(e for e in events(feed) if "ceremony" in str(e["UID"]))
    assert gala.decoded("DTSTART") == datetime(2027, 11, 17, 17, 0, tzinfo=UTC)
    assert gala.decoded("DTSTAMP") == datetime(2027, 4, 2, 8, 30, tzinfo=UTC)


def test_the_english_feed_and_a_gala_known_only_by_its_day(call):
    edition = call.edition
    edition.ceremony_date_only = True
    edition.save(update_fields=["ceremony_date_only"])

    feed = Client().get("/en" + URL)

    summaries = [str(e["SUMMARY"]) for e in events(feed)]
    assert summaries == [
        "Last day to nominate – Sveriges DigitaliseringsKommun 2027",
        "Last day for the municipalities' own answers – Sveriges DigitaliseringsKommun 2027",
        "Gala: Sveriges DigitaliseringsKommun 2027",
    ]
    assert events(feed)[2].decoded("DTSTART") == date(2027, 11, 10)
    assert "DTSTART;VALUE=DATE:20271110" in feed.content.decode()


def test_a_draft_edition_has_no_feed(call):
    call.edition.phase = Phase.DRAFT
    call.edition.save(update_fields=["phase"])
    assert Client().get(URL).status_code == 404


def test_the_edition_page_links_to_the_feed(call):
    page = Client().get("/vinnare/2027/")
    assert (
        '<a href="/vinnare/2027/kalender.ics" type="text/calendar">'
        "Upplagans datum till din kalender (iCalendar)</a>"
    ) in page.content.decode()


@pytest.mark.parametrize("path", [URL, "/en" + URL])
def test_the_feed_is_open_data_anyone_may_fetch_and_cache(call, path):
    feed = Client().get(path, HTTP_ORIGIN="https://example.org")
    assert feed["Access-Control-Allow-Origin"] == "*"
    assert "public" in feed["Cache-Control"]
    assert 'rel="license"' in feed["Link"]
    again = Client().get(path, HTTP_IF_NONE_MATCH=feed["ETag"])
    assert again.status_code == 304


def test_nothing_of_the_jury_is_in_the_feed(call):
    """A round's last day, set by the chair, stays in the desk."""
    RoundDeadline.objects.create(
        edition=call.edition,
        stage=Stage.CANDIDACY,
        closes_at=at(2027, 9, 20, 17, 0),
        set_at=at(2027, 5, 1, 9, 0),
        set_by="ordforande@example.se",
    )
    body = Client().get(URL).content.decode()
    assert len(events(Client().get(URL))) == 3
    assert "20270920" not in body
