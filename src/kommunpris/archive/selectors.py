"""Reads of the archive, each filtered through the embargo rule in kommunpris.permissions."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import datetime

from django.db.models import Prefetch, QuerySet

from kommunpris.awards.models import Award, Edition
from kommunpris.nominations.models import Candidacy, CandidacyMember, Stage
from kommunpris.permissions import published_editions_q
from kommunpris.register.models import Municipality

from .announcement import AnnouncedWinner, Announcement
from .models import ArchivePage, Winner, WinnerMunicipality
from .textanalysis import MatchedWord, themes_in


def winner_members() -> Prefetch:  # type: ignore[type-arg]
    """A winner's municipalities with their counties, in stated order (Winner.places)."""
    return Prefetch(
        "members",
        queryset=WinnerMunicipality.objects.select_related("municipality__county").order_by(
            "position"
        ),
    )


def public_winners(*, award: Award | None = None, now: datetime | None = None) -> QuerySet[Winner]:
    """Winners whose edition's decision is public, newest first."""
    winners = Winner.objects.filter(published_editions_q(now=now, prefix="edition__"))
    if award is not None:
        winners = winners.filter(edition__award=award)
    return (
        winners.select_related("edition__award")
        .prefetch_related("edition__award__names", winner_members())
        .order_by("edition__award__slug", "-edition__year")
    )


def public_winner(edition: Edition, *, now: datetime | None = None) -> Winner | None:
    return public_winners(now=now).filter(edition=edition).first()


def _candidacies_prefetch() -> Prefetch:  # type: ignore[type-arg]
    return Prefetch(
        "candidacies",
        queryset=Candidacy.objects.exclude(stage=Stage.CANDIDACY).prefetch_related(
            Prefetch(
                "members", queryset=CandidacyMember.objects.select_related("municipality__county")
            )
        ),
        to_attr="shortlisted",
    )


def public_editions(*, award: Award, now: datetime | None = None) -> QuerySet[Edition]:
    """Editions whose decision is public, with winner and shortlisted candidacies loaded."""
    return (
        Edition.objects.filter(published_editions_q(now=now), award=award)
        .select_related("award", "winner")
        .prefetch_related(
            "award__names",
            _candidacies_prefetch(),
            Prefetch("winner__members", queryset=winner_members().queryset),
        )
        .order_by("-year")
    )


def finalists_of(edition: Edition) -> list[Candidacy]:
    """Finalists (then nominees) of an edition loaded by public_editions, in stated order."""
    shortlisted: list[Candidacy] = getattr(edition, "shortlisted", [])
    return sorted(shortlisted, key=lambda c: (-Stage.rank(c.stage), c.pk))


def archive_page(award: Award) -> ArchivePage | None:
    return ArchivePage.objects.filter(award=award).first()


def public_announcement(*, award: Award, now: datetime | None = None) -> Announcement:
    """The winners page as a document, ready to render back to the announcement text."""
    page = archive_page(award)
    announcement = Announcement(title=page.title if page else "", intro=page.intro if page else "")
    for w in public_winners(award=award, now=now):
        announcement.winners.append(
            AnnouncedWinner(
                line=0,
                award_name=w.edition.name,
                year=w.edition.year,
                display_name=w.display_name,
                motivation=w.motivation,
                opening_quote=w.opening_quote,
                closing_quote=w.closing_quote,
            )
        )
    return announcement


@dataclass(frozen=True)
class Placing:
    edition: Edition
    stage: str  # "winner", "finalist" or "nominee"
    candidacy: Candidacy | None
    winner: Winner | None


def placings_of_municipalities(
    codes: list[str], *, now: datetime | None = None
) -> dict[str, list[Placing]]:
    """Every public win and shortlisting of the given municipalities, newest first."""
    result: dict[str, list[Placing]] = {code: [] for code in codes}
    for w in public_winners(now=now).filter(municipalities__code__in=codes).distinct():
        for code in w.codes:
            if code in result:
                result[code].append(Placing(w.edition, "winner", None, w))
    won = {(p.edition.pk, code) for code, ps in result.items() for p in ps}
    members = (
        CandidacyMember.objects.filter(
            published_editions_q(now=now, prefix="edition__"),
            municipality_id__in=codes,
        )
        .exclude(candidacy__stage=Stage.CANDIDACY)
        .select_related("edition__award", "candidacy")
        .prefetch_related(
            "edition__award__names",
            Prefetch(
                "candidacy__members",
                queryset=CandidacyMember.objects.select_related("municipality"),
            ),
        )
    )
    for member in members:
        if (member.edition_id, member.municipality_id) in won:
            continue
        result[member.municipality_id].append(
            Placing(member.edition, member.candidacy.stage, member.candidacy, None)
        )
    for placings in result.values():
        placings.sort(key=lambda p: (-p.edition.year, p.edition.award.slug))
    return result


def municipality_results(
    *, award: Award, now: datetime | None = None
) -> list[tuple[Municipality, list[Placing]]]:
    """Every municipality in Swedish order with its public placings in the award, newest first."""
    rows = list(Municipality.objects.select_related("county").order_by("sort_key"))
    placings = placings_of_municipalities([m.code for m in rows], now=now)
    return [(m, [p for p in placings[m.code] if p.edition.award_id == award.pk]) for m in rows]


# ---------------------------------------------------------------------------------------------
# What juries have valued: the rubric themes each public motivation speaks of.


@dataclass(frozen=True)
class MotivationThemes:
    """A public winner and, per rubric theme it speaks of, the words that show it."""

    winner: Winner
    themes: dict[str, tuple[MatchedWord, ...]]


@functools.lru_cache(maxsize=512)
def _themes_of(text: str) -> tuple[tuple[str, tuple[MatchedWord, ...]], ...]:
    # Keyed on the text itself, so an edited motivation is analysed afresh.
    return tuple((key, tuple(words)) for key, words in themes_in(text).items())


def motivation_themes(
    *, award: Award | None = None, now: datetime | None = None
) -> list[MotivationThemes]:
    """Every public winner's motivation with its themes (DESIGN.md's rubric), oldest first."""
    winners = sorted(public_winners(award=award, now=now), key=lambda w: w.edition.year)
    return [MotivationThemes(w, dict(_themes_of(w.motivation))) for w in winners]
