"""The store of public answers each process keeps (kommunpris.web.page_store): a page many ask
for is made once per data version and clock epoch; a write, the clock, sessions and query
strings are all respected; the store has a bound."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from kommunpris.archive.services import import_winners
from kommunpris.awards.models import Award, Edition
from kommunpris.web.page_store import PageStore

from .conftest import seed_with_joint_winner


def _get(client: Client, path: str, **headers: str) -> tuple[int, bytes, int]:
    """Status, body and the number of queries it took."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path, headers=headers)
    return response.status_code, response.content, len(queries)


def test_a_public_page_is_made_once_and_given_out_again_for_one_query(
    client: Client, archive: Award, page_store: PageStore
) -> None:
    status, first, made = _get(client, "/vinnare/")
    again = _get(client, "/vinnare/")
    assert (status, made > 5) == (200, True)
    # The one query left reads the data version.
    assert again == (200, first, 1)
    assert list(page_store.entries) == ["http://testserver/vinnare/"]
    english = _get(client, "/en/vinnare/")
    assert english[1] != first and english[2] > 1


def test_a_write_shows_at_once(client: Client, archive: Award, page_store: PageStore) -> None:
    before = _get(client, "/vinnare/")[1].decode()
    import_winners(data=seed_with_joint_winner(), award=archive)
    after = _get(client, "/vinnare/")[1].decode()
    assert "Mora kommun, Orsa kommun och Älvdalens kommun" not in before
    assert "Mora kommun, Orsa kommun och Älvdalens kommun" in after


def test_the_winner_shows_the_moment_the_embargo_lifts(
    client: Client, decided_2025: Callable[..., Edition], page_store: PageStore
) -> None:
    now = timezone.now()
    with time_machine.travel(now, tick=False):
        edition = decided_2025(publish_in=timedelta(seconds=20))
        assert "Kiruna kommun" not in _get(client, "/vinnare/2025/")[1].decode()
        assert _get(client, "/vinnare/2025/")[2] == 1
    assert edition.publish_at is not None
    with time_machine.travel(edition.publish_at - timedelta(microseconds=1), tick=False):
        assert "Kiruna kommun" not in _get(client, "/vinnare/2025/")[1].decode()
    with time_machine.travel(edition.publish_at, tick=False):
        assert "Kiruna kommun" in _get(client, "/vinnare/2025/")[1].decode()
    # A clock set back (a test, a server's clock corrected) never gets the later answer either.
    with time_machine.travel(now, tick=False):
        assert "Kiruna kommun" not in _get(client, "/vinnare/2025/")[1].decode()


def test_nothing_is_given_out_after_a_minute_even_if_nothing_was_written(
    client: Client, archive: Award, page_store: PageStore
) -> None:
    now = timezone.now()
    with time_machine.travel(now, tick=False):
        _get(client, "/vinnare/")
    with time_machine.travel(now + timedelta(seconds=59), tick=False):
        assert _get(client, "/vinnare/")[2] == 1
    with time_machine.travel(now + timedelta(seconds=60), tick=False):
        assert _get(client, "/vinnare/")[2] > 1


def test_sessions_query_strings_and_private_pages_are_never_kept(
    client: Client, archive: Award, page_store: PageStore
) -> None:
    _get(client, "/sok/?q=Kalix")
    _get(client, "/api/v1/municipalities?q=Kalix")
    _get(client, "/logga-in/")
    _get(client, "/arbetsyta/")
    _get(client, "/vinnare/finns-inte/")
    assert list(page_store.entries) == []
    signed_in = Client()
    signed_in.cookies["sessionid"] = "not-a-session-of-anyone"
    _get(signed_in, "/vinnare/")
    assert list(page_store.entries) == []
    # Nor is a kept answer given to someone with a session.
    _get(client, "/vinnare/")
    assert _get(signed_in, "/vinnare/")[2] > 1


def test_the_store_keeps_the_answers_given_out_most_recently(
    client: Client, archive: Award, page_store: PageStore, settings: object
) -> None:
    settings.KOMMUNPRIS_PAGE_STORE_ENTRIES = 2  # type: ignore[attr-defined]
    for path in ("/vinnare/", "/kommun/", "/vinnare/", "/lan/"):
        _get(client, path)
    assert list(page_store.entries) == ["http://testserver/vinnare/", "http://testserver/lan/"]


def test_the_store_keeps_no_more_bytes_than_its_budget(
    client: Client, archive: Award, page_store: PageStore, settings: object
) -> None:
    settings.KOMMUNPRIS_PAGE_STORE_BYTES = 150_000  # type: ignore[attr-defined]
    for path in ("/lan/", "/vinnare/", "/kommun/0180/", "/karta/"):
        _get(client, path)
    # The map (137 kB, twice that with room for its compressed copy) is larger than the budget
    # on its own; the oldest answer (the counties) went to make room for the municipality.
    assert list(page_store.entries) == [
        "http://testserver/vinnare/",
        "http://testserver/kommun/0180/",
    ]
    assert page_store.size <= 150_000
