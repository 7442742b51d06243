"""The desk at the size of the whole country: an edition simulated through the services
(`kommunpris simulate_edition`: 290 candidacies, 20,000 confirmed nominations, 15 jurors with
conflicts, three rounds fully scored, a ballot), then its heaviest pages and exports measured in
queries and milliseconds through Django's client, signed in as the chair and as an organiser.
For people to read, never asserted (tests/jury/test_national.py holds the query counts).

    .venv/bin/python bench/national.py                    # a fresh SQLite file, simulated now
    scripts/with-postgres .venv/bin/python bench/national.py
    .venv/bin/python bench/national.py --database-url sqlite:////tmp/x.sqlite3 --year 2031
        (a database that already holds the simulated edition: it is measured again)

The simulation takes some minutes; its time is printed first.
"""

from __future__ import annotations

import argparse
import io
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

RUNS = 5


def _fresh_postgres_database(url: str) -> str:
    import psycopg

    name = f"kommunpris_national_{os.getpid()}"
    admin = urlunsplit(urlsplit(url)._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}"')
        connection.execute(
            f"CREATE DATABASE \"{name}\" TEMPLATE template0 ENCODING 'UTF8' LOCALE 'C.UTF-8'"
        )
    return urlunsplit(urlsplit(url)._replace(path=f"/{name}"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", help="a database that already holds the edition")
    parser.add_argument("--year", type=int, default=2031, help="the simulated edition's year")
    args = parser.parse_args()
    if args.database_url:
        os.environ["DATABASE_URL"] = args.database_url
    elif os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")):
        os.environ["DATABASE_URL"] = _fresh_postgres_database(os.environ["DATABASE_URL"])
    else:
        folder = tempfile.mkdtemp(prefix="kommunpris-national-")
        os.environ["DATABASE_URL"] = f"sqlite:///{folder}/national.sqlite3"
    # The test settings: in-process clients, fast password hashing, no mail leaves.
    os.environ["DJANGO_SETTINGS_MODULE"] = "kommunpris.settings.test"

    import django

    django.setup()
    from django.core.management import call_command

    from kommunpris.awards.selectors import award, edition

    call_command("migrate", verbosity=0)
    call_command("bootstrap", stdout=io.StringIO())
    if edition(award(), args.year) is None:
        print(f"Simulating the edition {args.year} at national scale…", flush=True)
        started = time.perf_counter()
        call_command("simulate_edition", year=args.year, stdout=sys.stdout)
        print(f"simulate_edition: {time.perf_counter() - started:.0f} s in all.\n", flush=True)
    from django.db import connection

    # What the database's own statistics would know of the new rows on a running server
    # (PostgreSQL's autovacuum analyses a table after that many writes).
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    measure(args.year)


def _timed(run: Callable[[], Any]) -> tuple[float, int, Any]:
    """Median milliseconds of RUNS runs, the queries of one, and its result."""
    from django.db import connection

    queries: list[str] = []

    def count(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        queries.append(sql)
        return execute(sql, params, many, context)

    # Counted as they are sent (a request empties connection.queries when it starts).
    with connection.execute_wrapper(count):
        result = run()
    times = []
    for _ in range(RUNS):
        started = time.perf_counter()
        run()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times), len(queries), result


def measure(year: int) -> None:
    from django.contrib.auth.models import User
    from django.test import Client
    from django.urls import reverse

    from kommunpris.accounts.testing import sign_in_verified
    from kommunpris.awards.selectors import award, edition
    from kommunpris.jury import selectors
    from kommunpris.jury.aggregation import CriterionWeight, Score, aggregate_round
    from kommunpris.jury.models import Criterion, ScoreEntry
    from kommunpris.nominations.models import Candidacy, Nomination

    the_edition = edition(award(), year)
    assert the_edition is not None
    chair_seat = selectors.chair_of(the_edition)
    assert chair_seat is not None
    chair = Client()
    sign_in_verified(chair, chair_seat.user)
    organiser_user = User.objects.filter(is_staff=True, is_active=True).first()
    if organiser_user is None:
        organiser_user = User.objects.create_user(
            "bench-organiser@bench.invalid", "bench-organiser@bench.invalid", is_staff=True
        )
    organiser = Client()
    sign_in_verified(organiser, organiser_user)
    first_round = selectors.scoring_round(the_edition, "candidacy")
    assert first_round is not None
    busiest = (
        Candidacy.objects.filter(edition=the_edition)
        .order_by("-nominations__id")
        .values_list("pk", flat=True)
        .first()
    )
    print(
        f"{the_edition.title}: {Candidacy.objects.filter(edition=the_edition).count()} "
        f"candidacies, {Nomination.objects.filter(edition=the_edition).count()} nominations, "
        f"{ScoreEntry.objects.filter(sheet__round__edition=the_edition).count()} scores.\n"
    )
    print(f"{'what':<58}{'queries':>8}{'median ms':>11}{'bytes':>10}")

    def page(client: Client, url: str) -> Callable[[], int]:
        def run() -> int:
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)
            body = response.getvalue()
            return len(body)

        return run

    def row(what: str, run: Callable[[], Any]) -> None:
        ms, queries, size = _timed(run)
        shown = f"{size:>10}" if isinstance(size, int) else ""
        print(f"{what:<58}{queries:>8}{ms:>11.1f}{shown}", flush=True)

    for stage in ("candidacy", "nominee", "finalist"):
        url = reverse("desk:jury-results", kwargs={"year": year, "stage": stage})
        row(f"chair's results table {url}", page(chair, url))
    row(
        "  the table's selector alone (round_results)",
        lambda: selectors.round_results(first_round, chair_seat.user),
    )
    rubric = list(Criterion.objects.filter(edition=the_edition))
    scores = [
        Score(juror, candidacy, criterion, value)
        for juror, candidacy, criterion, value in ScoreEntry.objects.filter(
            sheet__round=first_round, sheet__submitted_at__isnull=False, value__isnull=False
        ).values_list("sheet__juror_id", "sheet__candidacy_id", "criterion_id", "value")
    ]
    weights = [CriterionWeight(c.pk, float(c.weight)) for c in rubric]
    row(
        f"  aggregation alone ({len(scores)} scores, pure Python)",
        lambda: aggregate_round(criteria=weights, scores=scores),
    )
    url = reverse("desk:jury-round", kwargs={"year": year, "stage": "candidacy"})
    row(f"chair's round page {url}", page(chair, url))
    url = reverse("desk:jury-candidacy", kwargs={"year": year, "pk": busiest})
    row(f"the most nominated candidacy (jury, first page) {url}", page(chair, url))
    url = reverse("desk:nominations-field", kwargs={"year": year})
    row(f"organiser's field view {url}", page(organiser, url))
    url = reverse("desk:nominations-list", kwargs={"year": year})
    row(f"organiser's nominations, first page {url}", page(organiser, url))
    row("  page 100", page(organiser, url + "?page=100"))
    row("  search the texts for 'bygglov'", page(organiser, url + "?q=bygglov"))
    row("  search for a nominator's name", page(organiser, url + "?q=Lindqvist"))
    url = reverse("desk:nominations-csv", kwargs={"year": year})
    row(f"nominations CSV, streamed {url}", page(organiser, url))
    url = reverse("desk:nominations-candidacies-csv", kwargs={"year": year})
    row(f"candidacies CSV, streamed {url}", page(organiser, url))
    url = reverse("desk:jury-results-csv", kwargs={"year": year, "stage": "candidacy"})
    row(f"results CSV {url}", page(chair, url))


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))
    main()
