"""The flagship award as the public record describes it."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class AwardDefinition:
    slug: str
    names: tuple[tuple[int, str], ...]
    founded_year: int
    cadence_years: int
    venue: str
    organiser: str


DIGITALISERINGSKOMMUN = AwardDefinition(
    slug="digitaliseringskommun",
    names=((2001, "Sveriges IT-kommun"), (2017, "Sveriges DigitaliseringsKommun")),
    founded_year=2001,
    cadence_years=2,
    venue="Kvalitetsmässan",
    organiser="Kvalitetsmässan",
)
