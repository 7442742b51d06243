"""Gala night through the production recipe's proxy cache (tests/recipe/conftest.py): nginx keeps
public answers exactly as long as the application says and never anyone's own; a spike on one
page reaches gunicorn once; and an edition decided to be published a minute ahead stays secret
through the cache however often its pages are fetched, and shows within max-age after."""

from __future__ import annotations

import json
import re
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime

import pytest

pytestmark = [pytest.mark.slow, pytest.mark.postgres]

# How long before the gala the decision is made (the demo edition takes some seconds to run).
AHEAD = timedelta(seconds=75)
CEILING = 60
# What only the decided edition's winner would put on a page (ASCII, as JSON may escape the rest).
MOTIVATION_MARK = "till en del av hela kommunens arbete"


def _cache(answer):
    return answer.headers["X-Cache-Status"]


def _max_age(answer) -> int:
    header = answer.headers["Cache-Control"]
    assert re.fullmatch(r"public, max-age=\d+", header), header
    return int(header.rsplit("=", 1)[1])


def _served(recipe, request_line: str, expected: int) -> int:
    """What gunicorn's access logs count, once they have caught up to `expected` (or 5 s)."""
    deadline = time.monotonic() + 5
    while (count := recipe.served(request_line)) < expected and time.monotonic() < deadline:
        time.sleep(0.05)
    return count


def test_nginx_keeps_a_public_page_as_long_as_the_application_says(recipe):
    visitor = recipe.visitor("127.0.0.11")
    first = visitor.get("/lan/03/")
    second = visitor.get("/lan/03/")
    assert (first.status, _cache(first), _max_age(first)) == (200, "MISS", CEILING)
    assert (second.status, _cache(second), second.text) == (200, "HIT", first.text)
    assert second.headers["ETag"] == first.headers["ETag"]
    assert "Set-Cookie" not in first.headers and "Set-Cookie" not in second.headers
    revalidated = visitor.get("/lan/03/", If_None_Match=first.headers["ETag"])
    assert (revalidated.status, _cache(revalidated)) == (304, "HIT")
    assert _served(recipe, "GET /lan/03/", 1) == 1

    # Someone with a session passes the cache, and the answer is theirs alone.
    signed_in = recipe.visitor("127.0.0.12")
    signed_in.cookies["__Host-sessionid"] = "not-a-session-of-anyone"
    own = signed_in.get("/lan/03/")
    assert (own.status, _cache(own)) == (200, "BYPASS")
    assert "no-store" in own.headers["Cache-Control"]
    assert _served(recipe, "GET /lan/03/", 2) == 2
    assert _cache(visitor.get("/lan/03/")) == "HIT"


def test_nginx_never_keeps_an_answer_that_sets_a_cookie(recipe):
    before = recipe.served("GET /nominera/")
    forms = [recipe.visitor(f"127.0.0.{n}").get("/nominera/") for n in (13, 14, 13)]
    assert [(a.status, _cache(a)) for a in forms] == [(200, "MISS")] * 3
    assert all(a.headers["Cache-Control"] == "private, no-cache" for a in forms)
    assert all("__Host-csrftoken=" in a.headers["Set-Cookie"] for a in forms)
    assert _served(recipe, "GET /nominera/", before + 3) == before + 3


def test_a_spike_on_one_page_reaches_gunicorn_once(recipe):
    path = "/kommun/2281/"
    with ThreadPoolExecutor(max_workers=24) as pool:
        answers = list(pool.map(lambda n: recipe.visitor(f"127.0.1.{n}").get(path), range(1, 61)))
    assert {(a.status, a.text) for a in answers} == {(200, answers[0].text)}
    assert _served(recipe, f"GET {path}", 1) == 1


def _leaks(path: str, text: str, year: int) -> list[str]:
    """What on this public answer would tell the decided edition's winner."""
    found = []
    if MOTIVATION_MARK in text:
        found.append("the motivation")
    if f"vinnare Sveriges DigitaliseringsKommun {year}" in text:
        found.append("the winner on the map")
    if path.startswith("/kommun/") and f'href="/vinnare/{year}/"' in text:
        found.append("a placing in the edition")
    if path == "/api/v1/winners" and year in [row["year"] for row in json.loads(text)]:
        found.append("a row of the winners")
    return found


def test_the_embargo_holds_through_the_cache_and_lifts_within_max_age(recipe):
    publish_at = (datetime.now(UTC) + AHEAD).replace(microsecond=0)
    # A gala falls in its edition's year or the next; the award is given in odd years, the
    # archive ends in 2023 and the recipe's own call is for a coming year.
    year = publish_at.year if publish_at.year % 2 else publish_at.year - 1
    made = recipe.kommunpris(
        "demo_edition", "--year", str(year), "--publish-at", publish_at.isoformat()
    )
    code = made.strip().splitlines()[-1].split()[0]
    display_name = recipe.query(
        "SELECT w.display_name FROM archive_winner w JOIN awards_edition e ON e.id = w.edition_id"
        " WHERE e.year = %s",
        year,
    )[0][0]
    assert datetime.now(UTC) < publish_at - timedelta(seconds=30), "the demo took too long"
    paths = [
        "/",
        "/en/",
        f"/vinnare/{year}/",
        f"/en/vinnare/{year}/",
        "/vinnare/",
        "/karta/",
        f"/kommun/{code}/",
        "/feed/",
        "/sitemap.xml",
        "/vinnare/vinnare.csv",
        "/api/v1/winners",
        f"/api/v1/editions/{year}",
        f"/api/v1/municipalities/{code}",
    ]
    visitors = [recipe.visitor(f"127.0.2.{n}") for n in range(1, 6)]

    # Before the gala: fetched again and again, from the cache and around it, nothing tells.
    leaks, statuses, fetches = [], set(), 0
    while datetime.now(UTC) < publish_at - timedelta(seconds=1):
        for path in paths:
            answer = visitors[fetches % len(visitors)].get(path)
            fetches += 1
            assert answer.status == 200, path
            statuses.add(_cache(answer))
            # No answer may be kept past the gala: a cache counts max-age from the answer's
            # Date, which nginx passes on from when the application made it.
            kept_until = parsedate_to_datetime(answer.headers["Date"]) + timedelta(
                seconds=_max_age(answer)
            )
            assert kept_until <= publish_at, (path, answer.headers["Cache-Control"], _cache(answer))
            assert answer.headers.get_all("Date") == [answer.headers["Date"]]
            leaks += [f"{path}: {leak}" for leak in _leaks(path, answer.text, year)]
            if path.endswith(f"/vinnare/{year}/") and display_name in answer.text:
                leaks.append(f"{path}: the winner's name")
        time.sleep(0.2)
    assert leaks == []
    assert fetches > 10 * len(paths)
    assert "HIT" in statuses

    # After it: the edition page through the cache shows the winner within max-age.
    while datetime.now(UTC) < publish_at:
        time.sleep(0.05)
    shown_at = None
    while datetime.now(UTC) < publish_at + timedelta(seconds=CEILING + 5):
        page = visitors[0].get(f"/vinnare/{year}/")
        if display_name in page.text and MOTIVATION_MARK in page.text:
            shown_at = datetime.now(UTC)
            break
        time.sleep(0.2)
    assert shown_at is not None, "the winner never showed"
    assert shown_at - publish_at <= timedelta(seconds=CEILING)
    for path in ("/vinnare/", "/feed/", "/api/v1/winners", "/vinnare/vinnare.csv"):
        deadline = publish_at + timedelta(seconds=CEILING + 5)
        while MOTIVATION_MARK not in visitors[1].get(path).text:
            assert datetime.now(UTC) < deadline, f"{path} never showed the winner"
            time.sleep(0.2)

    # Hundreds of fetches of the edition page; gunicorn made it a handful of times.
    edition_fetches = fetches // len(paths)
    assert recipe.served(f"GET /vinnare/{year}/") <= 6 < edition_fetches
