"""The archive as open data: rows for the JSON and CSV exports, the API and the downloads."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.utils import timezone

from kommunpris.spreadsheets import csv_text

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
    """kommunpris.spreadsheets' CSV (the caller encodes it as UTF-8): one row per winner."""
    rows = (winner_row(winner) for winner in winners)
    return csv_text(WINNER_FIELDS, ([row[field] for field in WINNER_FIELDS] for row in rows))
