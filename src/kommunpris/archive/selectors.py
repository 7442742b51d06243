"""Reads of the archive, each filtered through the embargo rule in kommunpris.permissions."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import datetime

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from kommunpris.awards.models import Award, Edition, Phase
from kommunpris.nominations.models import Candidacy, CandidacyMember, Stage
from kommunpris.permissions import (
    ANNOUNCED_STAGES,
    decision_is_public,
    public_stage_expression,
    publicly_shortlisted_q,
    published_editions_q,
    stage_announced_at,
    stage_is_public,
)
from kommunpris.register.collation import swedish_sort_key
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


def _public_shortlist(*, now: datetime | None) -> QuerySet[Candidacy]:
    """Candidacies of which the public may know a stage, each with `public_stage` ("finalist"
    or "nominee": what kommunpris.permissions lets the public know of it now) and its members."""
    return (
        Candidacy.objects.filter(publicly_shortlisted_q(now=now))
        .annotate(public_stage=public_stage_expression(now=now))
        .prefetch_related(
            Prefetch(
                "members", queryset=CandidacyMember.objects.select_related("municipality__county")
            )
        )
    )


def _candidacies_prefetch(*, now: datetime | None) -> Prefetch:  # type: ignore[type-arg]
    return Prefetch("candidacies", queryset=_public_shortlist(now=now), to_attr="shortlisted")


def public_editions(*, award: Award, now: datetime | None = None) -> QuerySet[Edition]:
    """Editions whose decision is public, with winner and shortlisted candidacies loaded."""
    return (
        Edition.objects.filter(published_editions_q(now=now), award=award)
        .select_related("award", "winner")
        .prefetch_related(
            "award__names",
            _candidacies_prefetch(now=now),
            Prefetch("winner__members", queryset=winner_members().queryset),
        )
        .order_by("-year")
    )


def with_public_shortlist(
    editions: QuerySet[Edition], *, now: datetime | None = None
) -> QuerySet[Edition]:
    """The editions with what the public may know of their shortlists loaded (finalists_of),
    whether or not their decision is public: the nominees and the finalists are announced on
    their own, before the winner."""
    return editions.prefetch_related(_candidacies_prefetch(now=now))


def finalists_of(edition: Edition) -> list[Candidacy]:
    """The public shortlist of an edition loaded by public_editions or with_public_shortlist:
    finalists, then nominees, in stated order. Each candidacy's `public_stage` is what the public
    may know of it, which can be less than its stage (a finalist is shown as a nominee while only
    the nominees are announced)."""
    return _in_order(getattr(edition, "shortlisted", []))


def _in_order(shortlisted: list[Candidacy]) -> list[Candidacy]:
    """Finalists, then nominees, each in Swedish alphabetical order (as the jury lists them)."""
    return sorted(
        shortlisted,
        key=lambda c: (-Stage.rank(public_stage_of(c)), swedish_sort_key(c.name), c.pk),
    )


def public_stage_of(candidacy: Candidacy) -> str:
    """The stage the public may know of a candidacy read by these selectors."""
    stage: str = getattr(candidacy, "public_stage")  # noqa: B009 (an annotation)
    return stage


@dataclass(frozen=True)
class PublicFace:
    """What the public may know of one edition now: its winner once the decision is public,
    and whichever of its nominees and finalists have been announced."""

    edition: Edition
    decision_public: bool
    nominees_public: bool
    finalists_public: bool
    winner: Winner | None
    shortlist: list[Candidacy]  # finalists, then nominees, each with its `public_stage`

    @property
    def finalists(self) -> list[Candidacy]:
        return [c for c in self.shortlist if public_stage_of(c) == Stage.FINALIST]

    @property
    def nominees(self) -> list[Candidacy]:
        return [c for c in self.shortlist if public_stage_of(c) == Stage.NOMINEE]


def _face(
    edition: Edition, winner: Winner | None, shortlist: list[Candidacy], *, now: datetime
) -> PublicFace:
    decision_public = decision_is_public(edition, now=now)
    return PublicFace(
        edition=edition,
        decision_public=decision_public,
        nominees_public=stage_is_public(edition, Stage.NOMINEE, now=now),
        finalists_public=stage_is_public(edition, Stage.FINALIST, now=now),
        winner=winner if decision_public else None,
        shortlist=shortlist,
    )


def public_faces(*, award: Award, now: datetime | None = None) -> list[PublicFace]:
    """Every edition with a public page, newest first, with what the public may know of it now;
    a fixed number of queries however many editions."""
    now = now if now is not None else timezone.now()
    loaded = with_public_shortlist(
        Edition.objects.filter(award=award)
        .exclude(phase=Phase.DRAFT)
        .select_related("award")
        .prefetch_related("award__names")
        .order_by("-year"),
        now=now,
    )
    winners = {w.edition_id: w for w in public_winners(award=award, now=now)}
    return [
        _face(edition, winners.get(edition.pk), finalists_of(edition), now=now)
        for edition in loaded
    ]


def public_face(edition: Edition, *, now: datetime | None = None) -> PublicFace:
    """What the public may know of one edition now (read with its award and names)."""
    now = now if now is not None else timezone.now()
    shortlist = _in_order(list(_public_shortlist(now=now).filter(edition=edition)))
    winner = None
    if decision_is_public(edition, now=now):
        winner = Winner.objects.filter(edition=edition).prefetch_related(winner_members()).first()
        if winner is not None:
            winner.edition = edition
    return _face(edition, winner, shortlist, now=now)


@dataclass(frozen=True)
class StageAnnouncement:
    """The jury's nominees or finalists of an edition, as announced at their own time."""

    edition: Edition
    stage: str  # "nominee" or "finalist"
    published_at: datetime
    candidacies: list[Candidacy]


def public_stage_announcements(
    *, award: Award, now: datetime | None = None
) -> list[StageAnnouncement]:
    """Every announcement of nominees or finalists whose time has passed, newest first (the
    finalists among the nominees are named in the nominees' announcement too)."""
    now = now if now is not None else timezone.now()
    announced = Q()
    for field in ANNOUNCED_STAGES.values():
        announced |= Q(**{f"{field}__lte": now})
    editions = with_public_shortlist(
        Edition.objects.filter(announced, award=award)
        .exclude(phase=Phase.DRAFT)
        .select_related("award")
        .prefetch_related("award__names"),
        now=now,
    )
    found = []
    for edition in editions:
        shortlist = finalists_of(edition)
        for stage in ANNOUNCED_STAGES:
            moment = stage_announced_at(edition, stage, now=now)
            if moment is None:
                continue
            reached = [c for c in shortlist if Stage.rank(public_stage_of(c)) >= Stage.rank(stage)]
            found.append(StageAnnouncement(edition, stage, moment, reached))
    return sorted(found, key=lambda a: a.published_at, reverse=True)


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
            publicly_shortlisted_q(now=now, candidacy="candidacy__"),
            municipality_id__in=codes,
        )
        .annotate(public_stage=public_stage_expression(now=now, candidacy="candidacy__"))
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
            Placing(member.edition, member.public_stage, member.candidacy, None)
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
