"""Honest HTTP caching of public answers: any cache may keep one until the next moment the clock
changes what the public may see (an embargo lifting), a minute at most; validators with 304;
gzip for clients that take it; no cookie and no Vary on cookie or language; a page with a form
is the visitor's own. (Every URL of the site is checked for these headers by the permission
matrix, tests/permissions/test_matrix.py; the whole public site around a gala by
tests/jury/test_embargo.py.)"""

from __future__ import annotations

import gzip
import re
from collections.abc import Callable
from datetime import timedelta

import time_machine
from django.test import Client
from django.utils import timezone
from django.utils.http import http_date

from kommunpris.archive.services import import_winners
from kommunpris.awards.models import Award, Edition
from kommunpris.permissions import PUBLIC_CLOCK_FIELDS

from .conftest import open_call_2027, seed_with_joint_winner

# Every kind of public answer an embargoed winner could show in.
PUBLIC = [
    "/",
    "/vinnare/",
    "/vinnare/2025/",
    "/en/vinnare/2025/",
    "/kommun/2584/",
    "/lan/25/",
    "/karta/",
    "/teman/",
    "/sok/?q=Kiruna",
    "/vinnare/vinnare.csv",
    "/kommun/kommuner.json",
    "/feed/",
    "/sitemap.xml",
    "/datasets/dcat",
    "/api/v1/winners",
    "/api/v1/editions/2025",
    "/api/v1/municipalities/2584",
]


def _max_age(response: object) -> int:
    header = response["Cache-Control"]  # type: ignore[index]
    assert re.fullmatch(r"public, max-age=\d+", header), header
    return int(header.rsplit("=", 1)[1])


def test_no_public_answer_may_be_kept_past_the_publication_of_a_decision(
    client: Client, decided_2025: Callable[..., Edition]
) -> None:
    now = timezone.now().replace(microsecond=0)
    with time_machine.travel(now, tick=False):
        edition = decided_2025(publish_in=timedelta(seconds=30))
        before = {path: client.get(path) for path in PUBLIC}
    assert {path: (r.status_code, _max_age(r)) for path, r in before.items()} == {
        path: (200, 30) for path in PUBLIC
    }
    assert all("Kiruna kommun" not in r.content.decode() for r in before.values())

    with time_machine.travel(edition.publish_at, tick=False):
        after = {path: client.get(path) for path in PUBLIC}
    assert {path: (r.status_code, _max_age(r)) for path, r in after.items()} == {
        path: (200, 60) for path in PUBLIC
    }
    assert "Kiruna kommun" in after["/vinnare/2025/"].content.decode()
    assert "Kiruna kommun" in after["/api/v1/winners"].content.decode()


def test_no_public_answer_is_kept_past_any_moment_the_clock_changes_what_is_public(
    client: Client, award: Award
) -> None:
    """Each time at which an edition's public face changes with no write — the nominees', the
    finalists' and the winner's publication, the close of the call and of the municipalities'
    texts, the gala — bounds how long any cache may keep a public answer."""
    now = timezone.now().replace(microsecond=0)
    with time_machine.travel(now, tick=False):
        edition = open_call_2027(award, now=now)
        as_made = {name: getattr(edition, name) for name in PUBLIC_CLOCK_FIELDS}
        paths = ["/", "/vinnare/", "/vinnare/2027/", "/feed/", "/api/v1/editions/2027"]
        kept = {}
        for seconds, name in enumerate(PUBLIC_CLOCK_FIELDS, start=20):
            Edition.objects.filter(pk=edition.pk).update(
                **{**as_made, name: now + timedelta(seconds=seconds)}
            )
            kept[name] = {_max_age(client.get(path)) for path in paths}
    assert kept == {name: {seconds} for seconds, name in enumerate(PUBLIC_CLOCK_FIELDS, start=20)}
    assert {"nominees_publish_at", "finalists_publish_at", "publish_at"} <= set(kept)


def test_a_page_that_is_not_there_may_be_kept_as_briefly(client: Client, archive: Award) -> None:
    response = client.get("/vinnare/1999/")
    assert (response.status_code, _max_age(response)) == (404, 60)
    assert not response.cookies


def test_etag_and_last_modified_are_answered_with_304_until_a_write(
    client: Client, archive: Award
) -> None:
    # Last-Modified is the newest write (here the archive's import) once it is a second old.
    with time_machine.travel(timezone.now() + timedelta(seconds=5), tick=False):
        page = client.get("/vinnare/")
        etag, modified = page["ETag"], page["Last-Modified"]
        by_tag = client.get("/vinnare/", headers={"if-none-match": etag})
        by_date = client.get("/vinnare/", headers={"if-modified-since": modified})
        earlier = http_date(timezone.now().timestamp() - 3600 * 24 * 365 * 30)
        older = client.get("/vinnare/", headers={"if-modified-since": earlier})
    assert (by_tag.status_code, by_tag.content, by_tag["ETag"]) == (304, b"", etag)
    assert by_tag["Cache-Control"] == page["Cache-Control"]
    assert (by_date.status_code, by_date["Last-Modified"]) == (304, modified)
    assert (older.status_code, older.content) == (200, page.content)

    import_winners(data=seed_with_joint_winner(), award=archive)
    with time_machine.travel(timezone.now() + timedelta(seconds=5), tick=False):
        changed_by_tag = client.get("/vinnare/", headers={"if-none-match": etag})
        changed_by_date = client.get("/vinnare/", headers={"if-modified-since": modified})
    assert changed_by_tag.status_code == changed_by_date.status_code == 200
    assert "Mora kommun, Orsa kommun och Älvdalens kommun" in changed_by_tag.content.decode()
    assert changed_by_tag["ETag"] != etag
    assert changed_by_date["Last-Modified"] != modified


def test_public_answers_are_compressed_for_clients_that_take_gzip(
    client: Client, archive: Award
) -> None:
    plain = client.get("/vinnare/")
    packed = client.get("/vinnare/", headers={"accept-encoding": "gzip, deflate, br"})
    assert (plain.get("Content-Encoding"), packed["Content-Encoding"]) == (None, "gzip")
    assert gzip.decompress(packed.content) == plain.content
    assert packed["Content-Length"] == str(len(packed.content))
    assert plain["Content-Length"] == str(len(plain.content))
    assert plain["Vary"] == packed["Vary"] == "Accept-Encoding"
    assert packed["ETag"] != plain["ETag"]
    again = client.get(
        "/vinnare/", headers={"accept-encoding": "gzip", "if-none-match": packed["ETag"]}
    )
    assert again.status_code == 304


def test_the_language_comes_from_the_path_so_answers_do_not_vary_on_it(
    client: Client, archive: Award
) -> None:
    swedish = client.get("/vinnare/", headers={"accept-language": "en"})
    english = client.get("/en/vinnare/", headers={"accept-language": "sv"})
    assert '<html lang="sv">' in swedish.content.decode()
    assert '<html lang="en">' in english.content.decode()
    assert swedish.content == client.get("/vinnare/").content
    assert "Accept-Language" not in swedish["Vary"] + english["Vary"]


def test_only_the_page_with_a_form_sets_a_cookie_and_it_is_the_visitors_own(
    client: Client, award: Award
) -> None:
    open_call_2027(award, now=timezone.now())

    form = client.get("/nominera/")
    assert 'name="csrfmiddlewaretoken"' in form.content.decode()
    assert form["Cache-Control"] == "private, no-cache"
    assert "csrftoken" in form.cookies
    for path in ("/", "/vinnare/2027/", "/vinnare/", "/api/v1/editions/2027"):
        visitor = Client()
        response = visitor.get(path)
        assert (response.status_code, _max_age(response)) == (200, 60), path
        assert not response.cookies, path
        assert "Cookie" not in response.get("Vary", ""), path


def test_signed_in_answers_are_never_kept(client: Client, archive: Award) -> None:
    client.cookies["sessionid"] = "not-a-session-of-anyone"
    response = client.get("/vinnare/")
    assert "no-store" in response["Cache-Control"]
    assert "public" not in response["Cache-Control"]
