"""The archive as open data: rows for the JSON and CSV exports, the API and the downloads."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from typing import Any

from django.utils import timezone

from .models import Winner

WINNER_FIELDS = [
    "year",
    "award_name",
    "municipality_code",
    "municipality",
    "display_name",
    "county_code",
    "county",
    "motivation",
    "ceremony_date",
]


def winner_row(winner: Winner) -> dict[str, Any]:
    edition = winner.edition
    municipality = winner.municipality
    return {
        "year": edition.year,
        "award_name": edition.name,
        "municipality_code": municipality.code,
        "municipality": municipality.name,
        "display_name": winner.display_name,
        "county_code": municipality.county.code,
        "county": municipality.county.name,
        "motivation": winner.motivation,
        "ceremony_date": (
            timezone.localtime(edition.ceremony_at).date().isoformat()
            if edition.ceremony_at
            else None
        ),
    }


def winners_csv(winners: Iterable[Winner]) -> str:
    """UTF-8 with BOM (the caller encodes) and ';' as separator, as Swedish spreadsheets expect."""
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.DictWriter(buffer, fieldnames=WINNER_FIELDS, delimiter=";", lineterminator="\r\n")
    writer.writeheader()
    for winner in winners:
        row = winner_row(winner)
        writer.writerow({k: "" if v is None else v for k, v in row.items()})
    return buffer.getvalue()
