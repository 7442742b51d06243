"""Reads that only the public pages need: the pieces of the home, list and detail pages."""

from __future__ import annotations

from collections.abc import Sequence
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
    municipalities = list(county.municipalities.order_by("sort_key"))
    placings = placings_of_municipalities([m.code for m in municipalities], now=now)
    return [MunicipalityRow(m, placings[m.code]) for m in municipalities]


def winning_codes(*, now: datetime | None = None) -> set[str]:
    return set(public_winners(now=now).values_list("municipalities__code", flat=True))


def municipalities_by_county() -> list[tuple[County, list[Municipality]]]:
    grouped: dict[str, list[Municipality]] = {}
    counties = {c.code: c for c in County.objects.all()}
    for m in Municipality.objects.order_by("sort_key"):
        grouped.setdefault(m.county_id, []).append(m)
    return [(counties[code], grouped.get(code, [])) for code in sorted(counties)]


# ---------------------------------------------------------------------------------------------
# The map: every municipality with its best public placing.


@dataclass(frozen=True)
class MapEntry:
    """A municipality as the map draws it: its best public placing decides the colour.

    `stage` is "winner", "finalist", "nominee" or "" (never shortlisted); `award_name` is the
    name the award carried in the year of that placing (the colour); `partners` are the other
    members when that placing was a joint candidacy.
    """

    municipality: Municipality
    stage: str
    year: int | None
    award_name: str
    partners: tuple[str, ...]
    placings: tuple[Placing, ...]

    @property
    def code(self) -> str:
        return self.municipality.code

    @property
    def is_joint(self) -> bool:
        return bool(self.partners)


_STAGE_ORDER = {"winner": 3, "finalist": 2, "nominee": 1}


def _best(placings: Sequence[Placing]) -> Placing | None:
    return max(placings, key=lambda p: (_STAGE_ORDER.get(p.stage, 0), p.edition.year), default=None)


def map_entries(
    *, award: Award | None = None, county: County | None = None, now: datetime | None = None
) -> list[MapEntry]:
    """Every municipality (of a county, if given) with its public placings, by name.

    Only editions whose decision is public count (the embargo rule of kommunpris.permissions),
    so an embargoed winner or finalist is drawn like any other municipality.
    """
    municipalities = Municipality.objects.select_related("county").order_by("sort_key")
    if county is not None:
        municipalities = municipalities.filter(county=county)
    rows = list(municipalities)
    placings = placings_of_municipalities([m.code for m in rows], now=now)
    return [map_entry(m, placings[m.code], award=award) for m in rows]


def map_entry(
    municipality: Municipality, placings: Sequence[Placing], *, award: Award | None
) -> MapEntry:
    """A municipality's map entry from its public placings (as placings_of_municipalities gives)."""
    own = [p for p in placings if award is None or p.edition.award_id == award.pk]
    best = _best(own)
    partners: tuple[str, ...] = ()
    together = (
        best.winner.places
        if best is not None and best.winner is not None
        else best.candidacy.municipalities
        if best is not None and best.candidacy is not None
        else []
    )
    if len(together) > 1:
        partners = tuple(other.name for other in together if other.code != municipality.code)
    return MapEntry(
        municipality=municipality,
        stage=best.stage if best else "",
        year=best.edition.year if best else None,
        award_name=best.edition.name if best else "",
        partners=partners,
        placings=tuple(own),
    )
