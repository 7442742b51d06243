"""The archive as open data: rows for the JSON and CSV exports, the API and the downloads."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.utils import timezone

from kommunpris.register.models import Municipality
from kommunpris.spreadsheets import csv_text

from .models import Winner
from .selectors import Placing

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
# In the CSV, the columns about the municipality list every member of a joint win, in the same
# order in each column, separated by this.
JOINT_SEPARATOR = ", "


def _municipality(m: Municipality) -> dict[str, str]:
    return {"code": m.code, "name": m.name, "county_code": m.county.code, "county": m.county.name}


def winner_row(winner: Winner) -> dict[str, Any]:
    """The winner as the JSON download and the API give it.

    `municipalities` lists every winning municipality (several for a joint win); the single
    `municipality_code` … `county` fields are its first, kept for the API's version 1 clients.
    """
    edition = winner.edition
    places = winner.places
    first = places[0]
    return {
        "year": edition.year,
        "award_name": edition.name,
        "municipality_code": first.code,
        "municipality": first.name,
        "display_name": winner.display_name,
        "county_code": first.county.code,
        "county": first.county.name,
        "motivation": winner.motivation,
        "ceremony_date": (
            timezone.localtime(edition.ceremony_at).date().isoformat()
            if edition.ceremony_at
            else None
        ),
        "joint": len(places) > 1,
        "municipalities": [_municipality(m) for m in places],
    }


def winner_csv_row(winner: Winner) -> dict[str, Any]:
    """The winner as one CSV row: every member of a joint win in the municipality columns."""
    row = winner_row(winner)
    members = row.pop("municipalities")
    row.pop("joint")
    for column, key in [
        ("municipality_code", "code"),
        ("municipality", "name"),
        ("county_code", "county_code"),
        ("county", "county"),
    ]:
        row[column] = JOINT_SEPARATOR.join(m[key] for m in members)
    return row


def winners_csv(winners: Iterable[Winner]) -> str:
    """kommunpris.spreadsheets' CSV (the caller encodes it as UTF-8): one row per winner, every
    member of a joint win in the municipality columns."""
    rows = (winner_csv_row(winner) for winner in winners)
    return csv_text(WINNER_FIELDS, ([row[field] for field in WINNER_FIELDS] for row in rows))


MUNICIPALITY_RESULT_FIELDS = [
    "municipality_code",
    "municipality",
    "county_code",
    "county",
    "winner",
    "finalist",
    "nominee",
]


def municipality_result_row(municipality: Municipality, placings: list[Placing]) -> dict[str, Any]:
    """A municipality with the years it won, was a finalist and was a nominee (newest first)."""

    def years(stage: str) -> list[int]:
        return [p.edition.year for p in placings if p.stage == stage]

    return {
        "municipality_code": municipality.code,
        "municipality": municipality.name,
        "county_code": municipality.county.code,
        "county": municipality.county.name,
        "winner": years("winner"),
        "finalist": years("finalist"),
        "nominee": years("nominee"),
    }


def municipality_results_csv(rows: Iterable[tuple[Municipality, list[Placing]]]) -> str:
    """As winners_csv; the years of each stage in one cell, separated by JOINT_SEPARATOR."""

    def cells(row: dict[str, Any]) -> list[Any]:
        return [
            JOINT_SEPARATOR.join(map(str, v)) if isinstance(v, list) else v
            for v in (row[field] for field in MUNICIPALITY_RESULT_FIELDS)
        ]

    return csv_text(
        MUNICIPALITY_RESULT_FIELDS,
        (cells(municipality_result_row(municipality, placings)) for municipality, placings in rows),
    )
