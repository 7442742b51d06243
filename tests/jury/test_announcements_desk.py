"""The chair's announcements through the desk: a page saying what becomes public when, then the
public side at controlled clock times (edition page, API, feed, map, CSV, home page)."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from html import unescape
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client

from kommunpris.audit.models import AuditEvent
from kommunpris.jury import services
from kommunpris.nominations.models import Stage

STOCKHOLM = ZoneInfo("Europe/Stockholm")
MAY = datetime(2029, 5, 2, 9, 0, tzinfo=STOCKHOLM)
NOMINEES = datetime(2029, 5, 10, 10, 0, tzinfo=STOCKHOLM)
FINALISTS = datetime(2029, 6, 14, 10, 0, tzinfo=STOCKHOLM)
PAGE = "/arbetsyta/jury/2029/offentliggoranden/"


def text(response) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", response.content.decode())).split())


@pytest.fixture
def shortlisted(jury):
    """Ovanåker and Timrå nominees, Ovanåker a finalist; the others stay candidacies."""
    for candidacy in (jury.ovanaker, jury.timra):
        services.move_candidacy(candidacy=candidacy, stage=Stage.NOMINEE, actor=jury.chair)
    services.move_candidacy(candidacy=jury.ovanaker, stage=Stage.FINALIST, actor=jury.chair)
    jury.refresh()
    return jury


def announce(browser: Client, stage: str, when: str, **more: str):
    return browser.post(
        PAGE, {"action": "announce", "stage": stage, f"{stage}-publish_at": when, **more}
    )


def test_chair_announces_nominees_after_a_page_saying_what_becomes_public_when(
    shortlisted, factories
):
    jury = shortlisted
    with time_machine.travel(MAY, tick=False):
        chair = factories.signed_in(jury.chair)
        page = chair.get(PAGE)
        assert page.status_code == 200
        assert "Offentliggör de nominerade…" in text(page)
        assert "inte offentliggjorda – konfidentiellt" in text(page)

        asked = announce(chair, "nominee", "2029-05-10T10:00")
        assert asked.status_code == 200
        said = text(asked)
        assert "Offentliggöra de nominerade i Sveriges DigitaliseringsKommun 2029?" in said
        assert (
            "Den 10 maj 2029 kl. 10:00 visar upplagans sida, kartan, kommunernas sidor, API:t, "
            "flödet och nedladdningarna de nominerade: Ovanåker; Timrå." in said
        )
        assert "Till dess visar inget offentligt vem som är nominerad." in said
        assert jury.edition.__class__.objects.get(pk=jury.edition.pk).nominees_publish_at is None

        done = announce(chair, "nominee", "2029-05-10T10:00", confirmed="yes")
        assert done.status_code == 302
        after = text(chair.get(PAGE))
        assert "De nominerade är offentliggjorda: offentliga från 10 maj 2029 kl. 10:00." in after
        assert "från 10 maj 2029, 10:00 – konfidentiellt till dess" in after
        assert "Flytta publiceringstiden…" in after
        assert AuditEvent.objects.filter(action="edition.announcement_made").count() == 1

    public = Client()
    with time_machine.travel(NOMINEES - timedelta(seconds=1), tick=False):
        before = text(public.get("/vinnare/2029/"))
        assert "De nominerade offentliggörs 10 maj 2029, 10:00." in before
        assert "Timrå" not in before
    with time_machine.travel(NOMINEES, tick=False):
        after = text(public.get("/vinnare/2029/"))
        assert "Nominerade Juryn har valt sina nominerade." in after
        assert "Ovanåker – nominerad" in after
        assert "Timrå – nominerad" in after
        assert "Kiruna" not in after
        assert "Juryn har offentliggjort sina nominerade." in text(public.get("/"))


def test_the_public_sees_each_stage_from_its_own_time_everywhere(shortlisted):
    jury = shortlisted
    with time_machine.travel(MAY, tick=False):
        from kommunpris.jury.announcements import announce_stage

        announce_stage(
            edition=jury.edition, stage=Stage.NOMINEE, publish_at=NOMINEES, actor=jury.chair
        )
        announce_stage(
            edition=jury.edition, stage=Stage.FINALIST, publish_at=FINALISTS, actor=jury.chair
        )
    public = Client()

    def seen(moment: datetime) -> dict[str, object]:
        with time_machine.travel(moment, tick=False):
            api = public.get("/api/v1/editions/2029").json()
            listed = {e["year"]: e for e in public.get("/api/v1/editions").json()}[2029]
            assert listed == api
            csv = public.get("/kommun/kommuner.csv").content.decode("utf-8-sig")
            feed = public.get("/feed/").content.decode()
            return {
                "api": (
                    api["nominees_public"],
                    api["finalists_public"],
                    [n["name"] for n in api["nominees"]],
                    [f["name"] for f in api["finalists"]],
                ),
                "csv": [line for line in csv.splitlines() if line.startswith(("2121", "2262"))],
                "feed": re.findall(r"<title>([^<]*2029[^<]*)</title>", feed),
                "map": "2029" in public.get("/kommun/2262/").content.decode(),
                "max_age": public.get("/vinnare/2029/")["Cache-Control"],
            }

    before = seen(NOMINEES - timedelta(seconds=30))
    assert before["api"] == (False, False, [], [])
    assert before["feed"] == []
    assert before["map"] is False
    assert before["max_age"] == "public, max-age=30"
    assert all(";2029" not in line for line in before["csv"]), before["csv"]

    nominees = seen(NOMINEES)
    assert nominees["api"] == (True, False, ["Ovanåker", "Timrå"], [])
    assert nominees["feed"] == ["Sveriges DigitaliseringsKommun 2029: de nominerade"]
    assert nominees["map"] is True
    assert any("2029" in line for line in nominees["csv"] if line.startswith("2262"))

    finalists = seen(FINALISTS)
    assert finalists["api"] == (True, True, ["Timrå"], ["Ovanåker"])
    assert finalists["feed"] == [
        "Sveriges DigitaliseringsKommun 2029: finalisterna",
        "Sveriges DigitaliseringsKommun 2029: de nominerade",
    ]


def test_only_the_chair_may_announce_and_bad_input_is_said_beside_the_form(shortlisted, factories):
    jury = shortlisted
    with time_machine.travel(MAY, tick=False):
        for person in (jury.anna, jury.organiser):
            browser = factories.signed_in(person)
            assert browser.get(PAGE).status_code == 200
            refused = announce(browser, "nominee", "2029-05-10T10:00", confirmed="yes")
            assert refused.status_code == 404
        organiser_page = text(factories.signed_in(jury.organiser).get(PAGE))
        assert "Timrå" not in organiser_page  # the organiser sees how many, not who

        chair = factories.signed_in(jury.chair)
        late = announce(chair, "finalist", "2031-06-14T10:00")
        assert late.status_code == 400
        assert "ligger utanför 2029–2030" in text(late)
        past = announce(chair, "nominee", "2029-05-01T10:00")
        assert past.status_code == 400
        assert "har redan passerat" in text(past)
    jury.edition.refresh_from_db()
    assert (jury.edition.nominees_publish_at, jury.edition.finalists_publish_at) == (None, None)


def test_chair_moves_and_withdraws_until_the_time_has_passed(shortlisted, factories):
    jury = shortlisted
    with time_machine.travel(MAY, tick=False):
        chair = factories.signed_in(jury.chair)
        announce(chair, "nominee", "2029-05-10T10:00", confirmed="yes")
        moved = chair.post(
            PAGE,
            {"action": "reschedule", "stage": "nominee", "nominee-publish_at": "2029-05-11T09:00"},
        )
        assert "De nominerade blir offentliga 11 maj 2029 kl. 09:00 i stället för 10 maj" in text(
            moved
        )
        chair.post(
            PAGE,
            {
                "action": "reschedule",
                "stage": "nominee",
                "nominee-publish_at": "2029-05-11T09:00",
                "confirmed": "yes",
            },
        )
        jury.edition.refresh_from_db()
        assert jury.edition.nominees_publish_at == datetime(2029, 5, 11, 9, 0, tzinfo=STOCKHOLM)

        asked = chair.post(PAGE, {"action": "withdraw", "stage": "nominee"})
        assert "Dra tillbaka offentliggörandet av de nominerade" in text(asked)
        chair.post(PAGE, {"action": "withdraw", "stage": "nominee", "confirmed": "yes"})
        jury.edition.refresh_from_db()
        assert jury.edition.nominees_publish_at is None

        announce(chair, "nominee", "2029-05-10T10:00", confirmed="yes")
    with time_machine.travel(NOMINEES, tick=False):
        chair = factories.signed_in(jury.chair)  # a new day: the session of May has ended
        page = text(chair.get(PAGE))
        assert "sedan 10 maj 2029, 10:00" in page
        assert "Dra tillbaka offentliggörandet…" not in page
        refused = chair.post(PAGE, {"action": "withdraw", "stage": "nominee", "confirmed": "yes"})
        assert refused.status_code == 302
        assert "kan inte längre flyttas eller dras tillbaka" in text(chair.get(PAGE))
    jury.edition.refresh_from_db()
    assert jury.edition.nominees_publish_at == NOMINEES


# Each limit counts the query for the data version every public answer makes (web.freshness).
@pytest.mark.parametrize(
    ("url", "limit"),
    [
        ("/vinnare/2029/", 8),
        ("/feed/", 12),
        ("/api/v1/editions", 10),
        ("/kommun/kommuner.csv", 10),
        ("/karta/", 10),
    ],
)
def test_announced_pages_read_a_fixed_number_of_queries(
    shortlisted, django_assert_max_num_queries, url, limit
):
    jury = shortlisted
    with time_machine.travel(MAY, tick=False):
        from kommunpris.jury.announcements import announce_stage

        announce_stage(
            edition=jury.edition, stage=Stage.NOMINEE, publish_at=NOMINEES, actor=jury.chair
        )
        announce_stage(
            edition=jury.edition, stage=Stage.FINALIST, publish_at=FINALISTS, actor=jury.chair
        )
    with time_machine.travel(FINALISTS, tick=False), django_assert_max_num_queries(limit):
        assert Client().get(url).status_code == 200
