"""The jury packet of a simulated edition (`kommunpris simulate_edition`, three rounds scored):
its packets laid out as PDF by WeasyPrint and a round's ZIP streamed, measured in queries,
milliseconds and bytes through Django's client, signed in as the chair. For people to read,
never asserted. The default size is the award as it runs (45 candidacies, 300 nominations);
`--candidacies 290 --nominations 20000` is the whole country, as bench/national.py.

    .venv/bin/python bench/packet.py                    # a fresh SQLite file, simulated now
    .venv/bin/python bench/packet.py --database-url sqlite:////tmp/x.sqlite3 --year 2031
        (a database that already holds the simulated edition, e.g. bench/national.py's)
"""

from __future__ import annotations

import argparse
import io
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

from national import _fresh_postgres_database

RUNS = 3


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", help="a database that already holds the edition")
    parser.add_argument("--year", type=int, default=2031, help="the simulated edition's year")
    parser.add_argument("--candidacies", type=int, default=45)
    parser.add_argument("--nominations", type=int, default=300)
    args = parser.parse_args()
    if args.database_url:
        os.environ["DATABASE_URL"] = args.database_url
    elif os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")):
        os.environ["DATABASE_URL"] = _fresh_postgres_database(os.environ["DATABASE_URL"])
    else:
        folder = tempfile.mkdtemp(prefix="kommunpris-packet-")
        os.environ["DATABASE_URL"] = f"sqlite:///{folder}/national.sqlite3"
    os.environ["DJANGO_SETTINGS_MODULE"] = "kommunpris.settings.test"

    import django

    django.setup()
    from django.core.management import call_command

    from kommunpris.awards.selectors import award, edition

    call_command("migrate", verbosity=0)
    call_command("bootstrap", stdout=io.StringIO())
    if edition(award(), args.year) is None:
        print(f"Simulating the edition {args.year} at national scale…", flush=True)
        call_command(
            "simulate_edition",
            year=args.year,
            candidacies=args.candidacies,
            nominations=args.nominations,
            stdout=io.StringIO(),
        )
    measure(args.year)


def measure(year: int) -> None:
    from django.db import connection
    from django.db.models import Count
    from django.test import Client
    from django.urls import reverse

    from kommunpris.accounts.testing import sign_in_verified
    from kommunpris.awards.selectors import award, edition
    from kommunpris.jury import selectors
    from kommunpris.nominations.models import Candidacy

    the_edition = edition(award(), year)
    assert the_edition is not None
    seat = selectors.chair_of(the_edition)
    assert seat is not None
    chair = Client()
    sign_in_verified(chair, seat.user)
    by_nominations = (
        Candidacy.objects.filter(edition=the_edition)
        .annotate(n=Count("nominations"))
        .order_by("-n")
        .values_list("pk", "n")
    )
    busiest, most = by_nominations[0]
    median_pk, median_n = by_nominations[len(by_nominations) // 2]
    print(f"{'what':<62}{'queries':>8}{'median ms':>11}{'bytes':>11}")

    def row(what: str, url: str, runs: int = RUNS) -> None:
        queries: list[str] = []

        def count(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
            queries.append(sql)
            return execute(sql, params, many, context)

        times, size = [], 0
        for run in range(runs):
            started = time.perf_counter()
            if run == 0:
                with connection.execute_wrapper(count):
                    response = chair.get(url)
                    size = len(response.getvalue())
            else:
                response = chair.get(url)
                response.getvalue()
            assert response.status_code == 200, (url, response.status_code)
            times.append((time.perf_counter() - started) * 1000)
        median = sorted(times)[len(times) // 2]
        print(f"{what:<62}{len(queries):>8}{median:>11.0f}{size:>11}", flush=True)

    def packet(name: str, **kwargs: Any) -> str:
        return reverse(f"desk:jury-{name}", kwargs={"year": year, **kwargs})

    row(
        f"packet page, the median candidacy ({median_n} nominations)",
        packet("packet", pk=median_pk),
    )
    row(
        f"packet PDF, the median candidacy ({median_n} nominations)",
        packet("packet-pdf", pk=median_pk),
    )
    row(f"packet PDF, the most nominated ({most} nominations)", packet("packet-pdf", pk=busiest))
    for stage in ("finalist", "nominee"):
        count = len(selectors.candidacies_for(the_edition, seat.user, stage=stage))
        row(f"round PDF, {stage} ({count} candidacies)", packet("round-packet-pdf", stage=stage), 1)
        row(f"round ZIP, {stage} ({count} candidacies)", packet("round-packet-zip", stage=stage), 1)
    count = len(selectors.candidacies_for(the_edition, seat.user))
    row(f"round page, every candidacy ({count})", packet("round-packet", stage="candidacy"), 1)


if __name__ == "__main__":
    main()
