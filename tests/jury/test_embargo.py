"""The embargo: before the publication time no public surface reveals the winner, the finalists
or any score; at the publication time they appear everywhere with no manual step.

Every public URL is crawled (links followed from / and /en/, the API paths of the OpenAPI
document, the feed, downloads and exports) three times with the clock set by time-machine:
while the jury is still reviewing (the baseline), just before the gala after the decision, and
just after the gala. Before the gala every page must read exactly as in the baseline, apart from
the edition's phase and its announced publication time.

The crawls around the gala run with the store of public answers that production keeps in each
process (kommunpris.web.page_store), 31 seconds apart (within the time it keeps an answer), and
every public answer just before the gala tells caches to keep it no longer than to the gala.
"""

from __future__ import annotations

import io
import json
import re
from datetime import datetime
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
from kommunpris.nominations.models import Stage

STOCKHOLM = ZoneInfo("Europe/Stockholm")
GALA = datetime(2029, 11, 14, 18, 0, tzinfo=STOCKHOLM)
REVIEW = datetime(2029, 10, 1, 9, 0, tzinfo=STOCKHOLM)
JUST_BEFORE = datetime(2029, 11, 14, 17, 59, 30, tzinfo=STOCKHOLM)
JUST_AFTER = datetime(2029, 11, 14, 18, 0, 1, tzinfo=STOCKHOLM)

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
_ANNOUNCEMENT = re.compile(
    r"(The winner will be announced|The winner is announced|Vinnaren offentliggörs|"
    r"Vinnaren tillkännages)[^<]*"
)


def normalise(body: str) -> str:
    """Leaves out what may differ before the gala: the phase and the announced publication time."""
    body = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", body)
    body = _STATUS.sub("", body)
    body = _ANNOUNCEMENT.sub("ANNOUNCEMENT", body)
    return _PHASE.sub("PHASE", body)


@pytest.fixture
def decided(jury):
    """Ovanåker wins 2029 at the gala; Timrå and the joint candidacy are the other finalists."""
    cache.clear()
    with time_machine.travel(REVIEW, tick=False):
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
        baseline = crawl(jury.edition.year)
        services.close_round(scoring_round=jury.round(Stage.CANDIDACY), actor=jury.chair)
        for candidacy in (jury.ovanaker, jury.timra, jury.joint):
            services.move_candidacy(candidacy=candidacy, stage=Stage.FINALIST, actor=jury.chair)
        services.move_candidacy(candidacy=jury.kiruna, stage=Stage.NOMINEE, actor=jury.chair)
        services.start_deliberation(edition=jury.edition, actor=jury.chair)
        finalists = {jury.ovanaker.pk: 1, jury.timra.pk: 2, jury.joint.pk: 3}
        services.cast_ballot(edition=jury.edition, actor=jury.anna, ranks=finalists)
        services.cast_ballot(edition=jury.edition, actor=jury.chair, ranks=finalists)
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
    jury.extra["baseline"] = baseline
    return jury


def test_embargo_nothing_is_revealed_before_the_gala_and_everything_after(decided, page_store):
    baseline = decided.extra["baseline"]
    kept_before: dict[str, int | None] = {}
    kept_after: dict[str, int | None] = {}
    with time_machine.travel(JUST_BEFORE, tick=False):
        before = crawl(2029, kept_before)
    assert len(page_store.entries) > 2 * 290
    with time_machine.travel(JUST_AFTER, tick=False):
        after = crawl(2029, kept_for=kept_after)

    # Every public answer may be kept until the gala and not a second longer, then a minute.
    public_before = {u: age for u, age in kept_before.items() if age is not None}
    assert len(public_before) > 2 * 290
    assert set(public_before.values()) == {30}
    assert {age for age in kept_after.values() if age is not None} == {60}
    assert set(public_before) == {u for u, age in kept_after.items() if age is not None}

    # The crawl reached the whole public site: every municipality page in both languages.
    assert len([u for u in before if re.fullmatch(r"(/en)?/kommun/\d{4}/", u)]) == 2 * 290
    assert set(before) == set(baseline)

    # Before the gala every public answer is what it was while the jury was still reviewing.
    changed = [u for u in before if normalise(before[u]) != normalise(baseline[u])]
    assert changed == []
    for url, body in before.items():
        # (A search page repeats what was asked; the baseline comparison covers its answer.)
        assert DISPLAY_NAME not in body or DISPLAY_NAME in unquote_plus(url), url
        assert MOTIVATION not in body, url
        assert "Hemlig jurykommentar" not in body, url
        assert body.count("2121") == baseline[url].count("2121"), url

    # After the gala the decision is everywhere, with no manual step.
    shows_winner = {u for u, body in after.items() if DISPLAY_NAME in body}
    changed_at_gala = {u for u in after if normalise(after[u]) != normalise(before[u])}
    assert {
        "/karta/",
        "/sok/?q=Ovanåker",
        "/teman/",
        "/kommun/2121/",
        "/lan/21/",
        "/en/kommun/2121/",
        "/api/v1/themes",
    } <= changed_at_gala
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
    assert 'href="/vinnare/2029/"' in after["/kommun/2121/"]
    assert 'href="/vinnare/2029/"' not in before["/kommun/2121/"]
    assert any(after[u].count("2121") > before[u].count("2121") for u in after)
    edition_page = " ".join(unescape(re.sub(r"<[^>]+>", "", after["/vinnare/2029/"])).split())
    assert "Timrå – finalist" in edition_page
    assert "Mora, Orsa och Älvdalen – finalist (gemensam kandidatur)" in edition_page
    assert "Kiruna – nominerad" in edition_page, edition_page
    for url, body in after.items():
        assert "Hemlig jurykommentar" not in body, url
