"""The API's response shapes; they are the OpenAPI document's schemas."""

from __future__ import annotations

from datetime import date

from ninja import Schema


class ErrorOut(Schema):
    detail: str
    candidates: list[str] = []


class AwardNameOut(Schema):
    name: str
    from_year: int


class AwardOut(Schema):
    slug: str
    name: str
    names: list[AwardNameOut]
    founded_year: int
    cadence_years: int
    venue: str
    is_default: bool


class MunicipalityOut(Schema):
    code: str
    name: str
    county_code: str
    county: str


class CountyOut(Schema):
    code: str
    name: str


class CountyDetailOut(CountyOut):
    municipalities: list[MunicipalityOut]


class CandidacyOut(Schema):
    stage: str
    name: str
    municipalities: list[MunicipalityOut]
    joint: bool


class WinnerOut(Schema):
    """A winner. `municipalities` lists every winning municipality (several when a joint
    candidacy won); `municipality_code`, `municipality`, `county_code` and `county` are the
    first of them, kept for clients written before joint winners."""

    year: int
    award_name: str
    municipality_code: str
    municipality: str
    display_name: str
    county_code: str
    county: str
    motivation: str
    ceremony_date: date | None
    joint: bool
    municipalities: list[MunicipalityOut]


class EditionOut(Schema):
    """An edition. The jury announces its nominees and its finalists each at its own time,
    before the winner: `nominees` lists them once `nominees_public`, `finalists` once
    `finalists_public`, and both are true once the decision is public. While only the nominees
    are public, the finalists among them are listed as nominees."""

    award: str
    year: int
    name: str
    phase: str
    ceremony_date: date | None
    venue: str
    decision_public: bool
    nominees_public: bool
    finalists_public: bool
    winner: WinnerOut | None
    finalists: list[CandidacyOut]
    nominees: list[CandidacyOut]


class ThemeYearOut(Schema):
    year: int
    award_name: str
    words: list[str]


class ThemeOut(Schema):
    key: str
    name: str
    name_en: str
    seeds: list[str]
    motivations: int
    years: list[ThemeYearOut]


class MatchedWordOut(Schema):
    text: str
    start: int
    end: int
    seed: str


class MotivationThemeOut(Schema):
    key: str
    name: str
    words: list[MatchedWordOut]


class MotivationThemesOut(Schema):
    year: int
    award_name: str
    municipality_code: str
    municipality_codes: list[str]
    display_name: str
    motivation: str
    themes: list[MotivationThemeOut]
