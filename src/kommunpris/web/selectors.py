"""Reads that only the public pages need: the pieces of the home, list and detail pages."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count

from kommunpris.archive.selectors import Placing, placings_of_municipalities, public_winners
from kommunpris.awards.models import Award, Edition, Phase
from kommunpris.permissions import published_editions_q
from kommunpris.register.models import County, Municipality


def current_edition(award: Award, *, now: datetime | None = None) -> Edition | None:
    """The newest edition under way (not draft, not yet public), if any."""
    return (
        Edition.objects.filter(award=award)
        .exclude(phase=Phase.DRAFT)
        .exclude(published_editions_q(now=now))
        .select_related("award")
        .prefetch_related("award__names")
        .order_by("-year")
        .first()
    )


@dataclass(frozen=True)
class CountySummary:
    county: County
    municipality_count: int
    win_count: int


def county_summaries(*, now: datetime | None = None) -> list[CountySummary]:
    public = published_editions_q(now=now, prefix="municipalities__wins__edition__")
    rows = County.objects.annotate(
        municipality_count=Count("municipalities", distinct=True),
        win_count=Count("municipalities__wins", filter=public, distinct=True),
    ).order_by("code")
    return [CountySummary(c, c.municipality_count, c.win_count) for c in rows]


@dataclass(frozen=True)
class MunicipalityRow:
    municipality: Municipality
    placings: list[Placing]


def county_municipalities(county: County, *, now: datetime | None = None) -> list[MunicipalityRow]:
    municipalities = list(county.municipalities.order_by("name"))
    placings = placings_of_municipalities([m.code for m in municipalities], now=now)
    return [MunicipalityRow(m, placings[m.code]) for m in municipalities]


def winning_codes(*, now: datetime | None = None) -> set[str]:
    return set(public_winners(now=now).values_list("municipality_id", flat=True))


def municipalities_by_county() -> list[tuple[County, list[Municipality]]]:
    grouped: dict[str, list[Municipality]] = {}
    counties = {c.code: c for c in County.objects.all()}
    for m in Municipality.objects.order_by("name"):
        grouped.setdefault(m.county_id, []).append(m)
    return [(counties[code], grouped.get(code, [])) for code in sorted(counties)]
