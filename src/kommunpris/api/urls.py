"""The read-only open-data API, version 1, with its OpenAPI document at /api/v1/openapi.json."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Status

from kommunpris.archive.exports import winner_row
from kommunpris.archive.selectors import (
    finalists_of,
    motivation_themes,
    public_editions,
    public_winners,
)
from kommunpris.archive.textanalysis import THEMES
from kommunpris.awards.models import Award, Edition
from kommunpris.awards.selectors import award, awards, editions
from kommunpris.errors import DomainError, NotFound, http_status
from kommunpris.nominations.models import Candidacy, Stage
from kommunpris.permissions import decision_is_public, may_view_edition_page
from kommunpris.register.models import County, Municipality
from kommunpris.register.resolver import MunicipalityNotFound
from kommunpris.register.selectors import counties, municipalities, resolver

from .openapi import OpenDataAPI
from .schemas import (
    AwardOut,
    CandidacyOut,
    CountyDetailOut,
    CountyOut,
    EditionOut,
    ErrorOut,
    MatchedWordOut,
    MotivationThemeOut,
    MotivationThemesOut,
    MunicipalityOut,
    ThemeOut,
    ThemeYearOut,
    WinnerOut,
)

api = OpenDataAPI(
    title="kommunpris öppna data",
    version="1",
    description=(
        "Öppna data om Sveriges DigitaliseringsKommun (tidigare Sveriges IT-kommun): "
        "utmärkelser, upplagor, vinnare med juryns motiveringar, finalister, kommuner och län. "
        "Endast läsning. Kommunkoder och länskoder är SCB:s, som text med inledande nollor."
    ),
    urls_namespace="api-v1",
    docs_url="/docs",
)


@api.exception_handler(DomainError)
def domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
    """The API's side of the one mapping (kommunpris.errors): the status of the error's kind
    and its message as `detail`, like every other error answer here."""
    return api.create_response(request, {"detail": str(exc)}, status=http_status(exc))


def _award(slug: str | None) -> Award:
    return award(slug)  # AwardNotFound is a NotFound: 404 with its message


def _municipality(m: Municipality) -> MunicipalityOut:
    return MunicipalityOut(
        code=m.code, name=m.name, county_code=m.county.code, county=m.county.name
    )


def _award_out(a: Award) -> AwardOut:
    return AwardOut(
        slug=a.slug,
        name=a.current_name,
        names=[{"name": n.name, "from_year": n.from_year} for n in a.names.all()],  # type: ignore[misc]
        founded_year=a.founded_year,
        cadence_years=a.cadence_years,
        venue=a.venue,
        is_default=a.is_default,
    )


def _candidacy(c: Candidacy) -> CandidacyOut:
    return CandidacyOut(
        stage=c.stage,
        name=c.name,
        municipalities=[
            MunicipalityOut(code=m.code, name=m.name, county_code=m.county_id, county=m.county.name)
            for m in c.municipalities
        ],
        joint=c.is_joint,
    )


def _edition_out(e: Edition, loaded: Edition | None) -> EditionOut:
    shortlist = finalists_of(loaded) if loaded is not None else []
    winner = getattr(loaded, "winner", None) if loaded is not None else None
    return EditionOut(
        award=e.award.slug,
        year=e.year,
        name=e.name,
        phase=e.phase,
        ceremony_date=timezone.localtime(e.ceremony_at).date() if e.ceremony_at else None,
        venue=e.venue,
        decision_public=loaded is not None,
        winner=WinnerOut(**winner_row(winner)) if winner is not None else None,
        finalists=[_candidacy(c) for c in shortlist if c.stage == Stage.FINALIST],
        nominees=[_candidacy(c) for c in shortlist if c.stage == Stage.NOMINEE],
    )


@api.get("/awards", response=list[AwardOut], tags=["utmärkelser"], summary="Alla utmärkelser")
def list_awards(request: HttpRequest) -> list[AwardOut]:
    return [_award_out(a) for a in awards()]


@api.get(
    "/awards/{slug}",
    response={200: AwardOut, 404: ErrorOut},
    tags=["utmärkelser"],
    summary="En utmärkelse",
)
def get_award(request: HttpRequest, slug: str) -> AwardOut:
    return _award_out(_award(slug))


def _public_loaded(the_award: Award) -> dict[int, Edition]:
    return {e.year: e for e in public_editions(award=the_award)}


@api.get(
    "/editions",
    response={200: list[EditionOut], 404: ErrorOut},
    tags=["upplagor"],
    summary="Upplagor",
)
def list_editions(request: HttpRequest, award: str | None = None) -> list[EditionOut]:
    the_award = _award(award)
    loaded = _public_loaded(the_award)
    return [
        _edition_out(e, loaded.get(e.year)) for e in editions(the_award) if may_view_edition_page(e)
    ]


@api.get(
    "/editions/{year}",
    response={200: EditionOut, 404: ErrorOut},
    tags=["upplagor"],
    summary="En upplaga med vinnare och finalister",
)
def get_edition(request: HttpRequest, year: int, award: str | None = None) -> EditionOut:
    the_award = _award(award)
    found = editions(the_award).filter(year=year).first()
    if found is None or not may_view_edition_page(found):
        raise NotFound(_("Edition %(year)s does not exist.") % {"year": year})
    loaded = (
        public_editions(award=the_award).filter(pk=found.pk).first()
        if decision_is_public(found)
        else None
    )
    return _edition_out(found, loaded)


@api.get(
    "/winners", response={200: list[WinnerOut], 404: ErrorOut}, tags=["vinnare"], summary="Vinnare"
)
def list_winners(request: HttpRequest, award: str | None = None) -> list[WinnerOut]:
    return [WinnerOut(**winner_row(w)) for w in public_winners(award=_award(award))]


@api.get(
    "/municipalities",
    response={200: list[MunicipalityOut], 404: ErrorOut},
    tags=["kommuner"],
    summary="Kommuner; med ?q= den kommun ett skrivet namn avser",
)
def list_municipalities(
    request: HttpRequest, q: str | None = None
) -> list[MunicipalityOut] | Status[ErrorOut]:
    """All 290 municipalities; `q` ("Sundsvalls kommun", "Falu kommun") narrows to one."""
    rows = municipalities()
    if q is not None and q.strip():
        try:
            match = resolver().resolve(q[:200])
        except MunicipalityNotFound as exc:
            return Status(404, ErrorOut(detail=exc.message, candidates=exc.candidates))
        rows = rows.filter(code=match.code)
    return [_municipality(m) for m in rows]


@api.get(
    "/municipalities/{code}",
    response={200: MunicipalityOut, 404: ErrorOut},
    tags=["kommuner"],
    summary="En kommun",
)
def get_municipality(request: HttpRequest, code: str) -> MunicipalityOut:
    found = municipalities().filter(code=code).first()
    if found is None:
        raise NotFound(
            _("There is no municipality with the code '%(code)s'. The code has four digits.")
            % {"code": code}
        )
    return _municipality(found)


@api.get("/counties", response=list[CountyOut], tags=["län"], summary="Län")
def list_counties(request: HttpRequest) -> list[CountyOut]:
    return [CountyOut(code=c.code, name=c.name) for c in counties()]


@api.get(
    "/counties/{code}",
    response={200: CountyDetailOut, 404: ErrorOut},
    tags=["län"],
    summary="Ett län med dess kommuner",
)
def get_county(request: HttpRequest, code: str) -> CountyDetailOut:
    found: County | None = counties().filter(code=code).first()
    if found is None:
        raise NotFound(
            _("There is no county with the code '%(code)s'. The code has two digits.")
            % {"code": code}
        )
    return CountyDetailOut(
        code=found.code,
        name=found.name,
        municipalities=[_municipality(m) for m in municipalities().filter(county=found)],
    )


@api.get(
    "/themes",
    response={200: list[ThemeOut], 404: ErrorOut},
    tags=["teman"],
    summary="Rubrikens teman och i vilka års motiveringar de förekommer",
)
def list_themes(request: HttpRequest, award: str | None = None) -> list[ThemeOut]:
    """The seven themes of the default rubric, their seed words, and per public motivation
    the words that speak of each (Swedish stemming and compound splitting)."""
    found = motivation_themes(award=_award(award))
    return [
        ThemeOut(
            key=theme.key,
            name=theme.name_sv,
            name_en=theme.name_en,
            seeds=list(theme.seeds),
            motivations=sum(1 for m in found if theme.key in m.themes),
            years=[
                ThemeYearOut(
                    year=m.winner.edition.year,
                    award_name=m.winner.edition.name,
                    words=[w.text for w in m.themes[theme.key]],
                )
                for m in found
                if theme.key in m.themes
            ],
        )
        for theme in THEMES
    ]


@api.get(
    "/themes/motivations",
    response={200: list[MotivationThemesOut], 404: ErrorOut},
    tags=["teman"],
    summary="Varje publicerad motivering med de teman den talar om",
)
def list_motivation_themes(
    request: HttpRequest, award: str | None = None
) -> list[MotivationThemesOut]:
    """Each public winner's motivation, oldest first, with the words (and their character
    offsets in the motivation) that speak of each theme."""
    names = {theme.key: theme.name_sv for theme in THEMES}
    return [
        MotivationThemesOut(
            year=m.winner.edition.year,
            award_name=m.winner.edition.name,
            municipality_code=m.winner.codes[0],
            municipality_codes=m.winner.codes,
            display_name=m.winner.display_name,
            motivation=m.winner.motivation,
            themes=[
                MotivationThemeOut(
                    key=key,
                    name=names[key],
                    words=[
                        MatchedWordOut(text=w.text, start=w.start, end=w.end, seed=w.seed)
                        for w in words
                    ],
                )
                for key, words in m.themes.items()
            ],
        )
        for m in motivation_themes(award=_award(award))
    ]
