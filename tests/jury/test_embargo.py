"""The embargo, at each of its three times: before the chair's announcement of the nominees no
public surface reveals who is a nominee, before the finalists' who is a finalist, before the gala
the winner or any score; at each time they appear everywhere with no manual step.

Every public URL is crawled (links followed from / and /en/, the API paths of the OpenAPI
document, the feed, downloads and exports) with the clock set by time-machine: while the jury is
still reviewing (the baseline), and just before and just after each of the three publication
times — the nominees in May, the finalists in June, the winner at the gala. Before each time
every page must read exactly as after the previous one (the baseline, first), apart from the
edition's phase and the announced publication times.

The crawls around each time run with the store of public answers that production keeps in each
process (kommunpris.web.page_store), 31 seconds apart (within the time it keeps an answer), and
every public answer just before a time tells caches to keep it no longer than to that time.
"""

from __future__ import annotations

import io
import json
import re
from datetime import datetime, timedelta
from html import unescape
from typing import Any
from urllib.parse import unquote_plus, urljoin, urlsplit
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.cache import cache
from django.core.management import call_command
from django.test import Client

from kommunpris.awards.models import Phase
from kommunpris.jury import services
from kommunpris.jury.announcements import announce_stage
from kommunpris.nominations.models import Stage

STOCKHOLM = ZoneInfo("Europe/Stockholm")
REVIEW = datetime(2029, 5, 2, 9, 0, tzinfo=STOCKHOLM)
NOMINEES = datetime(2029, 5, 10, 10, 0, tzinfo=STOCKHOLM)
FINALISTS = datetime(2029, 6, 14, 10, 0, tzinfo=STOCKHOLM)
GALA = datetime(2029, 11, 14, 18, 0, tzinfo=STOCKHOLM)
CHOOSING_FINALISTS = datetime(2029, 6, 1, 9, 0, tzinfo=STOCKHOLM)
DELIBERATION = datetime(2029, 10, 1, 9, 0, tzinfo=STOCKHOLM)


BEFORE = timedelta(seconds=30)  # within a minute of the time: answers say max-age=30
AFTER = timedelta(seconds=1)
DISPLAY_NAME = "Ovanåkers kommun"
MOTIVATION = "Ovanåker visar att en liten kommun kan leda digitaliseringen i hela Hälsingland."
COMMENT = "Hemlig jurykommentar om {name}"
NOT_PUBLIC = ("/arbetsyta/", "/en/arbetsyta/", "/admin/", "/logga-in/", "/en/logga-in/", "/static/")


def _fill(path: str, year: int) -> list[str]:
    """Concrete URLs for an API path template of the OpenAPI document."""
    if "{" not in path:
        return [path]
    values = {
        "year": [str(year)],
        "slug": ["digitaliseringskommun"],
        "code": ["21"] if "/counties/" in path else ["2121", "2262"],
    }
    urls = [path]
    for name, options in values.items():
        urls = [u.replace("{" + name + "}", option) for u in urls for option in options]
    return [u for u in urls if "{" not in u]


def max_age(response: Any) -> int | None:
    """The seconds a public answer says a cache may keep it (None: not a public answer)."""
    directives = [d.strip() for d in response.get("Cache-Control", "").split(",")]
    if "public" not in directives:
        return None
    return int(next(d for d in directives if d.startswith("max-age=")).split("=")[1])


def crawl(year: int, kept_for: dict[str, int | None] | None = None) -> dict[str, str]:
    """Every public URL and what it answers, as text; `kept_for` gets each answer's max-age."""
    client = Client()
    found: dict[str, str] = {}
    openapi = client.get("/api/v1/openapi.json")
    assert openapi.status_code == 200
    api_paths = [
        url
        for path, operations in json.loads(openapi.content)["paths"].items()
        if "get" in operations
        for url in _fill(path, year)
    ]
    queue = [
        "/",
        "/en/",
        "/feed/",
        "/robots.txt",
        "/sitemap.xml",
        "/api/v1/openapi.json",
        "/api/v1/docs",
        "/api/v1/municipalities?q=Ovanåker",
        "/sok/?q=Ovanåker",
        "/sok/?q=Ovanåkers+kommun",
        "/sok/?q=2121",
        "/sok/?q=finalist+2029",
        "/en/sok/?q=Ovanåker",
        "/api/v1/editions?award=digitaliseringskommun",
        *api_paths,
    ]
    while queue:
        url = queue.pop()
        if url in found or url.startswith(NOT_PUBLIC):
            continue
        response = client.get(url)
        if kept_for is not None:
            kept_for[url] = max_age(response)
        if response.status_code in (301, 302):
            queue.append(response["Location"])
            found[url] = f"redirect {response['Location']}"
            continue
        body = response.content.decode("utf-8", errors="replace")
        if response.status_code == 200 and "json" in response.get("Content-Type", ""):
            # Read JSON as a client does, whatever escaping the server chose.
            body = json.dumps(json.loads(body), ensure_ascii=False)
        found[url] = f"{response.status_code} {body}"
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            continue
        for href in re.findall(r'href="([^"#]+)"', body):
            target = urlsplit(urljoin(url, unescape(href)))
            if target.netloc and target.netloc != "testserver":
                continue
            link = target.path + (f"?{target.query}" if target.query else "")
            if link not in found:
                queue.append(link)
    exported = io.StringIO()
    call_command("export_winners", stdout=exported)
    found["kommunpris export_winners"] = exported.getvalue()
    return found


_PHASE = re.compile(
    r"jury_review|deliberation|decided|Juryns bedömning|Överläggning|Beslutad|"
    r"Jury review|Deliberation|Decided"
)
_STATUS = re.compile(r'<section aria-labelledby="status-heading">.*?</section>\s*', re.S)
_ANNOUNCED_TIME = re.compile(r'\n[ \t]*<p class="announcement">.*?</p>')
_ANNOUNCEMENT = re.compile(
    r"(The winner will be announced|The winner is announced|Vinnaren offentliggörs|"
    r"Vinnaren tillkännages)[^<]*"
)


# In an edition's calendar feed the publication time is an event of its own.
_CALENDAR_ANNOUNCEMENT = re.compile(
    r"BEGIN:VEVENT\r\n(?:(?!END:VEVENT).)*?-announcement@.*?END:VEVENT\r\n", re.S
)


def normalise(body: str) -> str:
    """Leaves out what may differ before a publication time: the phase and the announced
    publication times."""
    body = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", body)
    body = _CALENDAR_ANNOUNCEMENT.sub("", body)
    body = _STATUS.sub("", body)
    body = _ANNOUNCED_TIME.sub("", body)
    body = _ANNOUNCEMENT.sub("ANNOUNCEMENT", body)
    return _PHASE.sub("PHASE", body)


def text_of(body: str) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", "", body)).split())


# Municipality codes of the shortlist: Ovanåker, Timrå, Kiruna, Mora (first of the joint one).
SHORTLISTED_CODES = ("2121", "2262", "2584", "2062")


def crawl_around(moment: datetime, page_store: Any) -> tuple[dict[str, str], dict[str, str]]:
    """The public site 30 seconds before `moment` and one second after, through the page store;
    every public answer before says it may be kept to `moment` and not longer, after a minute."""
    page_store.clear()
    kept_before: dict[str, int | None] = {}
    kept_after: dict[str, int | None] = {}
    with time_machine.travel(moment - BEFORE, tick=False):
        before = crawl(2029, kept_before)
    assert len(page_store.entries) > 2 * 290
    with time_machine.travel(moment + AFTER, tick=False):
        after = crawl(2029, kept_after)
    public_before = {u: age for u, age in kept_before.items() if age is not None}
    assert len(public_before) > 2 * 290
    assert set(public_before.values()) == {30}, moment
    assert {age for age in kept_after.values() if age is not None} == {60}, moment
    assert set(public_before) == {u for u, age in kept_after.items() if age is not None}
    return before, after


def assert_unchanged(before: dict[str, str], reference: dict[str, str]) -> None:
    """Before a time every public answer is what it was after the one before (or in review)."""
    assert set(before) == set(reference)
    changed = [u for u in before if normalise(before[u]) != normalise(reference[u])]
    assert changed == []
    for url, body in before.items():
        for code in SHORTLISTED_CODES:
            assert body.count(code) == reference[url].count(code), (url, code)
        assert "Hemlig jurykommentar" not in body, url


def changed_between(before: dict[str, str], after: dict[str, str]) -> set[str]:
    return {u for u in after if normalise(after[u]) != normalise(before[u])}


def review_and_score(jury: Any) -> None:
    services.open_round(edition=jury.edition, stage=Stage.CANDIDACY, actor=jury.chair)
    criteria = jury.criteria()
    for candidacy, value in (
        (jury.ovanaker, 4),
        (jury.joint, 3),
        (jury.timra, 3),
        (jury.kiruna, 1),
    ):
        services.save_score_sheet(
            scoring_round=jury.round(Stage.CANDIDACY),
            candidacy=candidacy,
            actor=jury.anna,
            entries={
                c.pk: services.EntryInput(value, COMMENT.format(name=c.name)) for c in criteria
            },
            comment=COMMENT.format(name=candidacy.name),
            submit=True,
        )


@pytest.fixture
def reviewing(jury):
    """2029 under review in May: Anna has scored four candidacies; nothing is chosen yet."""
    cache.clear()
    with time_machine.travel(REVIEW, tick=False):
        review_and_score(jury)
    return jury


def test_embargo_each_stage_is_revealed_at_its_own_time_and_not_a_second_before(
    reviewing, page_store
):
    jury = reviewing
    with time_machine.travel(REVIEW, tick=False):
        baseline = crawl(2029)
        # The nominees: Ovanåker, Timrå, Kiruna and Mora–Orsa–Älvdalen; Ljusdal stays out.
        services.close_round(scoring_round=jury.round(Stage.CANDIDACY), actor=jury.chair)
        for candidacy in (jury.ovanaker, jury.timra, jury.joint, jury.kiruna):
            services.move_candidacy(candidacy=candidacy, stage=Stage.NOMINEE, actor=jury.chair)
        announce_stage(
            edition=jury.edition, stage=Stage.NOMINEE, publish_at=NOMINEES, actor=jury.chair
        )

    # -- the nominees ---------------------------------------------------------------------------
    before, nominees = crawl_around(NOMINEES, page_store)
    assert_unchanged(before, baseline)
    assert "De nominerade offentliggörs 10 maj 2029, 10:00." in text_of(before["/vinnare/2029/"])
    assert {
        "/",
        "/vinnare/2029/",
        "/en/vinnare/2029/",
        "/karta/",
        "/kommun/2584/",
        "/lan/25/",
        "/kommun/kommuner.csv",
        "/kommun/kommuner.json",
        "/feed/",
        "/api/v1/editions",
        "/api/v1/editions/2029",
        "/datasets/dcat",
    } <= changed_between(before, nominees)
    edition_page = text_of(nominees["/vinnare/2029/"])
    for shown in (
        "Ovanåker – nominerad",
        "Timrå – nominerad",
        "Kiruna – nominerad",
        "Mora, Orsa och Älvdalen – nominerad (gemensam kandidatur)",
    ):
        assert shown in edition_page, edition_page
    assert "Ljusdal" not in edition_page
    assert "– finalist" not in edition_page
    api = json.loads(nominees["/api/v1/editions/2029"].split(" ", 1)[1])
    assert (api["nominees_public"], api["finalists_public"], api["finalists"]) == (True, False, [])
    assert [n["name"] for n in api["nominees"]] == [  # in Swedish alphabetical order
        "Kiruna",
        "Mora, Orsa och Älvdalen",
        "Ovanåker",
        "Timrå",
    ]
    assert "Sveriges DigitaliseringsKommun 2029: de nominerade" in nominees["/feed/"]
    assert 'href="/vinnare/2029/"' in nominees["/kommun/2584/"]
    assert 'href="/vinnare/2029/"' not in nominees["/kommun/2161/"]

    with time_machine.travel(CHOOSING_FINALISTS, tick=False):
        for candidacy in (jury.ovanaker, jury.timra, jury.joint):
            services.move_candidacy(candidacy=candidacy, stage=Stage.FINALIST, actor=jury.chair)
        announce_stage(
            edition=jury.edition, stage=Stage.FINALIST, publish_at=FINALISTS, actor=jury.chair
        )

    # -- the finalists: chosen in June, shown as nominees until their own time -----------------
    before, finalists = crawl_around(FINALISTS, page_store)
    assert_unchanged(before, nominees)
    assert {
        "/vinnare/2029/",
        "/en/vinnare/2029/",
        "/karta/",
        "/kommun/2121/",
        "/kommun/kommuner.csv",
        "/feed/",
        "/api/v1/editions/2029",
    } <= changed_between(before, finalists)
    edition_page = text_of(finalists["/vinnare/2029/"])
    assert "Timrå – finalist" in edition_page
    assert "Mora, Orsa och Älvdalen – finalist (gemensam kandidatur)" in edition_page
    assert "Kiruna – nominerad" in edition_page
    api = json.loads(finalists["/api/v1/editions/2029"].split(" ", 1)[1])
    assert [f["name"] for f in api["finalists"]] == ["Mora, Orsa och Älvdalen", "Ovanåker", "Timrå"]
    assert [n["name"] for n in api["nominees"]] == ["Kiruna"]
    assert "Sveriges DigitaliseringsKommun 2029: finalisterna" in finalists["/feed/"]

    with time_machine.travel(DELIBERATION, tick=False):
        services.start_deliberation(edition=jury.edition, actor=jury.chair)
        ranks = {jury.ovanaker.pk: 1, jury.timra.pk: 2, jury.joint.pk: 3}
        services.cast_ballot(edition=jury.edition, actor=jury.anna, ranks=ranks)
        services.cast_ballot(edition=jury.edition, actor=jury.chair, ranks=ranks)
        services.record_decision(
            edition=jury.edition,
            candidacy=jury.ovanaker,
            display_name=DISPLAY_NAME,
            motivation=MOTIVATION,
            motivation_en="Ovanåker shows the way.",
            publish_at=GALA,
            actor=jury.chair,
        )
    jury.refresh()
    assert jury.edition.phase == Phase.DECIDED

    # -- the winner -----------------------------------------------------------------------------
    before, after = crawl_around(GALA, page_store)
    assert_unchanged(before, finalists)
    # The crawl reached the whole public site: every municipality page in both languages.
    assert len([u for u in before if re.fullmatch(r"(/en)?/kommun/\d{4}/", u)]) == 2 * 290
    for url, body in before.items():
        # (A search page repeats what was asked; the comparison above covers its answer.)
        assert DISPLAY_NAME not in body or DISPLAY_NAME in unquote_plus(url), url
        assert MOTIVATION not in body, url

    # After the gala the decision is everywhere, with no manual step.
    shows_winner = {u for u, body in after.items() if DISPLAY_NAME in body}
    assert {
        "/karta/",
        "/sok/?q=Ovanåker",
        "/teman/",
        "/kommun/2121/",
        "/lan/21/",
        "/en/kommun/2121/",
        "/api/v1/themes",
    } <= changed_between(before, after)
    assert {
        "/",
        "/en/",
        "/vinnare/",
        "/vinnare/2029/",
        "/en/vinnare/2029/",
        "/vinnare/vinnare.csv",
        "/vinnare/vinnare.json",
        "/vinnare/vinnare.txt",
        "/feed/",
        "/api/v1/winners",
        "/api/v1/editions/2029",
        "kommunpris export_winners",
    } <= shows_winner
    assert MOTIVATION in after["/vinnare/2029/"]
    assert '"municipality_code": "2121"' in after["/api/v1/winners"]
    assert any(after[u].count("2121") > before[u].count("2121") for u in after)
    edition_page = text_of(after["/vinnare/2029/"])
    assert "Timrå – finalist" in edition_page
    assert "Mora, Orsa och Älvdalen – finalist (gemensam kandidatur)" in edition_page
    assert "Kiruna – nominerad" in edition_page, edition_page
    for url, body in after.items():
        assert "Hemlig jurykommentar" not in body, url
