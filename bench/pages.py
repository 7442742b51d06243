"""Benchmark of the public pages: median time and query count per page, through Django's client.

Run with `.venv/bin/python bench/pages.py` after `make run` has created and filled var/.
"""

from __future__ import annotations

import os
import statistics
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kommunpris.settings.development")

import django

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

PAGES = [
    "/",
    "/vinnare/",
    "/vinnare/2023/",
    "/kommun/",
    "/kommun/0180/",
    "/lan/",
    "/lan/01/",
    "/api/v1/winners",
    "/api/v1/editions",
    "/api/v1/municipalities",
    "/feed/",
    "/vinnare/vinnare.csv",
    "/kommun/kommuner.csv",
    "/datasets/dcat",
]
RUNS = 30


def main() -> None:
    client = Client()
    print(f"{'page':28} {'median ms':>10} {'p90 ms':>8} {'queries':>8} {'bytes':>8}")
    for page in PAGES:
        timings = []
        for _ in range(RUNS):
            start = time.perf_counter()
            response = client.get(page)
            timings.append((time.perf_counter() - start) * 1000)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(page)
        timings.sort()
        print(
            f"{page:28} {statistics.median(timings):10.1f} {timings[int(RUNS * 0.9)]:8.1f} "
            f"{len(queries):8d} {len(response.content):8d}"
        )


if __name__ == "__main__":
    main()
