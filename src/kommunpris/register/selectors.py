"""Reads of the municipality register."""

from __future__ import annotations

from functools import lru_cache

from django.db.models import QuerySet

from .models import County, Municipality
from .resolver import Match, Resolver


def municipalities() -> QuerySet[Municipality]:
    return Municipality.objects.select_related("county").order_by("sort_key")


def counties() -> QuerySet[County]:
    return County.objects.order_by("code")


def municipality(code: str) -> Municipality:
    return Municipality.objects.select_related("county").get(code=code)


@lru_cache(maxsize=1)
def _cached_resolver(_version: tuple[int, str]) -> Resolver:
    return Resolver(Municipality.objects.values_list("code", "name"))


def resolver() -> Resolver:
    """The resolver over the current register, rebuilt only when the register changes."""
    count = Municipality.objects.count()
    last = Municipality.objects.order_by("-code").values_list("code", flat=True).first() or ""
    return _cached_resolver((count, last))


def resolve(written: str) -> Match:
    """Code and register name for a written municipality; raises MunicipalityNotFound."""
    return resolver().resolve(written)
