"""Reads of the jury's work, each already filtered by the conflict rule for the person asking."""

from __future__ import annotations

import statistics
from collections import defaultdict
from dataclasses import dataclass, field, replace

from django.db.models import Count, Prefetch, Q, QuerySet

from kommunpris.archive.models import Winner
from kommunpris.awards.models import Edition
from kommunpris.nominations.models import (
    Attachment,
    Candidacy,
    CandidacyMember,
    Nomination,
    NominationStatus,
    Stage,
)
from kommunpris.permissions.jury import (
    AnyUser,
    conflicted_candidacy_ids,
    conflicts_by_member,
    facts_of_candidacies,
    may_see_others_scores,
)
from kommunpris.register.collation import swedish_sort_key

from .aggregation import CriterionWeight, Score, aggregate_round
from .models import (
    Ballot,
    Criterion,
    CriterionLevel,
    Membership,
    Role,
    ScoreEntry,
    ScoreSheet,
    ScoringRound,
    SiteVisitNote,
    Tie,
    TieBreak,
)
from .schulze import SchulzeResult, apply_tie_break, schulze


def seats_of(user: AnyUser) -> list[Membership]:
    """The editions a person serves on, newest first."""
    if not user.is_authenticated:
        return []
    return list(
        Membership.objects.filter(user_id=user.pk)
        .select_related("edition__award")
        .prefetch_related("edition__award__names")
        .order_by("-edition__year", "edition__award__slug")
    )


def jury_members(edition: Edition) -> list[Membership]:
    return list(
        Membership.objects.filter(edition=edition)
        .select_related("user")
        .prefetch_related(
            Prefetch(
                "ties",
                queryset=Tie.objects.select_related(
                    "municipality", "county", "candidacy"
                ).prefetch_related(_members_prefetch("candidacy__members")),
            )
        )
        .order_by("role", "user__email")
    )


def criteria(edition: Edition) -> list[Criterion]:
    return list(
        Criterion.objects.filter(edition=edition).prefetch_related(
            Prefetch("levels", queryset=CriterionLevel.objects.order_by("value"))
        )
    )


def _members_prefetch(lookup: str = "members") -> Prefetch:  # type: ignore[type-arg]
    return Prefetch(lookup, queryset=CandidacyMember.objects.select_related("municipality__county"))


def _candidacies(edition: Edition) -> QuerySet[Candidacy]:
    """With `nomination_count`: the confirmed nominations."""
    return (
        Candidacy.objects.filter(edition=edition)
        .annotate(
            nomination_count=Count(
                "nominations", filter=Q(nominations__status=NominationStatus.CONFIRMED)
            )
        )
        .prefetch_related(_members_prefetch())
    )


@dataclass(frozen=True)
class Dossier:
    """What the jury reads about a candidacy: the nominations and the municipality's own word."""

    nominations: QuerySet[Nomination]  # read a page at a time (desk.paging)
    own_proud: str
    own_effect: str
    own_learned: str
    attachments: list[Attachment]


def dossier(candidacy: Candidacy) -> Dossier:
    """Call only for a candidacy the viewer may see (see visible_candidacy)."""
    return Dossier(
        nominations=Nomination.objects.filter(
            candidacy=candidacy, status=NominationStatus.CONFIRMED
        )
        .select_related("municipality")
        .order_by("confirmed_at", "id"),
        own_proud=candidacy.own_proud,
        own_effect=candidacy.own_effect,
        own_learned=candidacy.own_learned,
        attachments=list(Attachment.objects.filter(candidacy=candidacy).order_by("id")),
    )


def candidacies_for(
    edition: Edition, viewer: AnyUser, *, stage: str | None = None
) -> list[Candidacy]:
    """The candidacies the viewer may see (none they are conflicted out of), by name.

    With `stage`, only those that have reached it (a nominee has also been a candidacy).
    """
    hidden = conflicted_candidacy_ids(viewer, edition)
    rows = [c for c in _candidacies(edition) if c.pk not in hidden]
    if stage is not None:
        rows = [c for c in rows if Stage.rank(c.stage) >= Stage.rank(stage)]
    return sorted(rows, key=lambda c: (-Stage.rank(c.stage), swedish_sort_key(c.name), c.pk))


def visible_candidacy(edition: Edition, viewer: AnyUser, pk: int) -> Candidacy | None:
    """The candidacy, or None when it does not exist or the viewer is conflicted out of it."""
    if pk in conflicted_candidacy_ids(viewer, edition):
        return None
    return (
        _candidacies(edition)
        .select_related("edition__award")
        .prefetch_related("edition__award__names")
        .filter(pk=pk)
        .first()
    )


def stage_counts(edition: Edition) -> dict[str, int]:
    counts = dict.fromkeys(Stage.values, 0)
    for stage in Candidacy.objects.filter(edition=edition).values_list("stage", flat=True):
        counts[stage] += 1
    return counts


def scoring_rounds(edition: Edition) -> dict[str, ScoringRound]:
    rounds = {r.stage: r for r in ScoringRound.objects.filter(edition=edition)}
    for scoring_round in rounds.values():
        scoring_round.edition = edition  # the caller's, already read: no query per round
    return rounds


def scoring_round(edition: Edition, stage: str) -> ScoringRound | None:
    return (
        ScoringRound.objects.filter(edition=edition, stage=stage).select_related("edition").first()
    )


# --- score sheets ------------------------------------------------------------------------


def _sheets(scoring_round: ScoringRound) -> QuerySet[ScoreSheet]:
    return ScoreSheet.objects.filter(round=scoring_round).prefetch_related(
        Prefetch("entries", queryset=ScoreEntry.objects.select_related("criterion"))
    )


@dataclass(frozen=True)
class RoundRow:
    """One candidacy in a round as the viewer sees it."""

    candidacy: Candidacy
    own_sheet: ScoreSheet | None
    submitted: int  # sheets submitted by jurors not conflicted out of it
    eligible: int  # jurors not conflicted out of it


def round_rows(scoring_round: ScoringRound, viewer: AnyUser) -> list[RoundRow]:
    edition = scoring_round.edition
    candidacies = candidacies_for(edition, viewer, stage=scoring_round.stage)
    conflicts = conflicts_by_member(edition)
    juror_ids = list(Membership.objects.filter(edition=edition).values_list("user_id", flat=True))
    own: dict[int, ScoreSheet] = {}
    submitted: defaultdict[int, int] = defaultdict(int)
    for sheet in ScoreSheet.objects.filter(round=scoring_round):
        if sheet.juror_id == viewer.pk:
            own[sheet.candidacy_id] = sheet
        if sheet.is_submitted and sheet.candidacy_id not in conflicts.get(sheet.juror_id, {}):
            submitted[sheet.candidacy_id] += 1
    return [
        RoundRow(
            candidacy=c,
            own_sheet=own.get(c.pk),
            submitted=submitted[c.pk],
            eligible=sum(1 for j in juror_ids if c.pk not in conflicts.get(j, {})),
        )
        for c in candidacies
    ]


@dataclass(frozen=True)
class Progress:
    """How far one member has come in a round (for the chair chasing the last sheets)."""

    membership: Membership
    submitted: int
    drafts: int
    eligible: int  # candidacies of the round the member is not conflicted out of

    @property
    def remaining(self) -> int:
        return self.eligible - self.submitted


def round_progress(scoring_round: ScoringRound) -> list[Progress]:
    edition = scoring_round.edition
    conflicts = conflicts_by_member(edition, facts=facts_of_candidacies(edition))
    in_round = [
        c.pk
        for c in Candidacy.objects.filter(edition=edition)
        if Stage.rank(c.stage) >= Stage.rank(scoring_round.stage)
    ]
    counts: defaultdict[int, list[int]] = defaultdict(lambda: [0, 0])
    for juror_id, candidacy_id, submitted_at in ScoreSheet.objects.filter(
        round=scoring_round
    ).values_list("juror_id", "candidacy_id", "submitted_at"):
        if candidacy_id in conflicts.get(juror_id, {}) or candidacy_id not in in_round:
            continue
        counts[juror_id][0 if submitted_at else 1] += 1
    return [
        Progress(
            membership=seat,
            submitted=counts[seat.user_id][0],
            drafts=counts[seat.user_id][1],
            eligible=sum(1 for pk in in_round if pk not in conflicts.get(seat.user_id, {})),
        )
        for seat in Membership.objects.filter(edition=edition)
        .select_related("user")
        .order_by("role", "user__email")
    ]


@dataclass(frozen=True)
class SheetsView:
    """A juror's own sheet and, when blind scoring allows, everyone else's submitted ones."""

    own: ScoreSheet | None
    others: list[ScoreSheet]
    others_visible: bool


def sheets_for(scoring_round: ScoringRound, candidacy: Candidacy, viewer: AnyUser) -> SheetsView:
    """Call only for a candidacy the viewer may see (see visible_candidacy)."""
    sheets = list(_sheets(scoring_round).filter(candidacy=candidacy).select_related("juror"))
    own = next((s for s in sheets if s.juror_id == viewer.pk), None)
    visible = may_see_others_scores(
        viewer,
        own_sheet_submitted=own is not None and own.is_submitted,
        edition=scoring_round.edition,
    )
    others: list[ScoreSheet] = []
    if visible:
        conflicts = conflicts_by_member(scoring_round.edition)
        others = [
            s
            for s in sheets
            if s.juror_id != viewer.pk
            and s.is_submitted
            and candidacy.pk not in conflicts.get(s.juror_id, {})
        ]
        others.sort(key=lambda s: s.juror.email)
    return SheetsView(own=own, others=others, others_visible=visible)


# --- the chair's results table -----------------------------------------------------------


@dataclass(frozen=True)
class ResultRow:
    candidacy: Candidacy
    rank: int | None
    mean_total: float | None
    mean_z: float | None
    spread: float | None
    score_count: int
    disagreement: bool
    criterion_means: list[float | None]


@dataclass(frozen=True)
class RoundResults:
    scoring_round: ScoringRound
    criteria: list[Criterion]
    rows: list[ResultRow]
    alpha: float | None
    excluded_for_conflict: int = 0  # submitted sheets left out because their juror is conflicted
    notes: list[str] = field(default_factory=list)


def round_results(scoring_round: ScoringRound, viewer: AnyUser) -> RoundResults:
    """Aggregates the round's submitted sheets; a conflicted juror's sheet never counts.

    Rows cover the candidacies of the round the viewer may see, ranked among themselves
    ("1, 2, 2, 4"): a candidacy the viewer is conflicted out of leaves no gap in the ranks and
    no trace in the counts, so nobody learns where it placed.

    A fixed number of queries whatever the size of the round (a national round has 290
    candidacies and some 30,000 scores): the rubric, the conflicts (ties, where the candidacies
    lie, who nominated them), the candidacies with their municipalities, and every submitted
    score as plain values.
    """
    edition = scoring_round.edition
    rubric = list(Criterion.objects.filter(edition=edition))
    candidacies = list(
        Candidacy.objects.filter(edition=edition).prefetch_related(_members_prefetch())
    )
    conflicts = conflicts_by_member(
        edition,
        places=[
            (c.pk, m.municipality_id, m.municipality.county_id)
            for c in candidacies
            for m in c.members.all()
        ],
    )
    hidden = conflicts.get(viewer.pk, {}) if viewer.is_authenticated else {}
    visible = sorted(
        (
            c
            for c in candidacies
            if c.pk not in hidden and Stage.rank(c.stage) >= Stage.rank(scoring_round.stage)
        ),
        key=lambda c: (-Stage.rank(c.stage), swedish_sort_key(c.name), c.pk),
    )
    visible_ids = {c.pk for c in visible}
    scores: list[Score] = []
    values: defaultdict[tuple[int, int], list[int]] = defaultdict(list)
    excluded: set[tuple[int, int]] = set()
    submitted = ScoreEntry.objects.filter(
        sheet__round=scoring_round, sheet__submitted_at__isnull=False
    ).values_list("sheet__juror_id", "sheet__candidacy_id", "criterion_id", "value")
    for juror_id, candidacy_id, criterion_id, value in submitted:
        if candidacy_id in conflicts.get(juror_id, {}):
            if candidacy_id in visible_ids:
                excluded.add((juror_id, candidacy_id))
            continue
        if value is None:
            continue
        scores.append(Score(juror_id, candidacy_id, criterion_id, value))
        values[(candidacy_id, criterion_id)].append(value)
    aggregated = aggregate_round(
        criteria=[CriterionWeight(c.pk, float(c.weight)) for c in rubric], scores=scores
    )
    by_id = {r.candidacy_id: r for r in aggregated.results}
    rows = []
    for candidacy in visible:
        result = by_id.get(candidacy.pk)
        means: list[float | None] = [
            statistics.fmean(values[(candidacy.pk, c.pk)]) if values[(candidacy.pk, c.pk)] else None
            for c in rubric
        ]
        rows.append(
            ResultRow(
                candidacy=candidacy,
                rank=result.rank if result else None,
                mean_total=result.mean_total if result else None,
                mean_z=result.mean_z if result else None,
                spread=result.spread if result else None,
                score_count=result.score_count if result else 0,
                disagreement=result.disagreement if result else False,
                criterion_means=means,
            )
        )
    rows.sort(key=lambda r: (r.rank is None, r.rank or 0, r.candidacy.name))
    return RoundResults(
        scoring_round=scoring_round,
        criteria=rubric,
        rows=_ranked_among_themselves(rows),
        alpha=aggregated.alpha,
        excluded_for_conflict=len(excluded),
    )


def _ranked_among_themselves(rows: list[ResultRow]) -> list[ResultRow]:
    """Ranks counted again over these rows only (sorted best first); shared ranks stay shared."""
    ranked = []
    previous: int | None = None
    rank = 0
    for position, row in enumerate(rows, 1):
        if row.rank is None:
            ranked.append(row)
            continue
        if row.rank != previous:
            rank, previous = position, row.rank
        ranked.append(replace(row, rank=rank))
    return ranked


# --- recusals, site visits ---------------------------------------------------------------


@dataclass(frozen=True)
class Recusal:
    """A member standing aside from a candidacy, and the ties that make them."""

    membership: Membership
    candidacy: Candidacy
    ties: list[Tie]


def recusal_record(edition: Edition) -> list[Recusal]:
    conflicts = conflicts_by_member(edition, facts=facts_of_candidacies(edition))
    if not conflicts:
        return []
    members = {m.user_id: m for m in jury_members(edition)}
    candidacies = {c.pk: c for c in _candidacies(edition)}
    record = [
        Recusal(members[user_id], candidacies[candidacy_id], ties)
        for user_id, per_candidacy in conflicts.items()
        for candidacy_id, ties in per_candidacy.items()
    ]
    return sorted(
        record, key=lambda r: (r.membership.user.email, swedish_sort_key(r.candidacy.name))
    )


def site_visit_notes(candidacy: Candidacy) -> list[SiteVisitNote]:
    return list(
        SiteVisitNote.objects.filter(candidacy=candidacy)
        .select_related("author")
        .order_by("visited_on", "created_at", "id")
    )


# --- the final ballot --------------------------------------------------------------------


def finalists(edition: Edition) -> list[Candidacy]:
    return sorted(
        _candidacies(edition).filter(stage=Stage.FINALIST),
        key=lambda c: (swedish_sort_key(c.name), c.pk),
    )


def ballot_of(edition: Edition, juror: AnyUser) -> Ballot | None:
    if not juror.is_authenticated:
        return None
    return (
        Ballot.objects.filter(edition=edition, juror_id=juror.pk).prefetch_related("ranks").first()
    )


@dataclass(frozen=True)
class BallotCount:
    """The Schulze count of the final ballot, with the chair's tie-break when it still fits."""

    finalists: list[Candidacy]
    result: SchulzeResult[int]
    ballots_cast: int
    eligible: int
    not_voted: list[Membership]
    tie_break: TieBreak | None  # only while it orders exactly the current ties
    stale_tie_break: bool
    order: list[list[int]]  # tiers, best first, after the tie-break (one id per tier if broken)

    @property
    def leaders(self) -> list[int]:
        return self.order[0] if self.order else []

    @property
    def is_tied(self) -> bool:
        return any(len(tier) > 1 for tier in self.order)


def ballot_count(edition: Edition) -> BallotCount:
    """Counts every ballot; a juror abstains on each finalist they are conflicted out of."""
    shortlist = finalists(edition)
    ids = [c.pk for c in shortlist]
    conflicts = conflicts_by_member(edition)
    tiers_per_ballot: list[list[list[int]]] = []
    abstentions: list[set[int]] = []
    ballots = Ballot.objects.filter(edition=edition).prefetch_related("ranks").order_by("id")
    for ballot in ballots:
        abstained = {pk for pk in ids if pk in conflicts.get(ballot.juror_id, {})}
        by_rank: defaultdict[int, list[int]] = defaultdict(list)
        for rank in ballot.ranks.all():
            if rank.candidacy_id in ids and rank.candidacy_id not in abstained:
                by_rank[rank.rank].append(rank.candidacy_id)
        tiers_per_ballot.append([sorted(by_rank[r]) for r in sorted(by_rank)])
        abstentions.append(abstained)
    result = schulze(candidates=ids, ballots=tiers_per_ballot, abstentions=abstentions)
    stored = TieBreak.objects.filter(edition=edition).first()
    tie_break: TieBreak | None = None
    order = [list(tier) for tier in result.ranking]
    if stored is not None and result.ties:
        try:
            strict = apply_tie_break(result=result, order=[int(pk) for pk in stored.order])
        except ValueError:
            pass
        else:
            tie_break = stored
            order = [[pk] for pk in strict]
    voters = set(Ballot.objects.filter(edition=edition).values_list("juror_id", flat=True))
    members = list(
        Membership.objects.filter(edition=edition).select_related("user").order_by("user__email")
    )
    return BallotCount(
        finalists=shortlist,
        result=result,
        ballots_cast=len(tiers_per_ballot),
        eligible=len(members),
        not_voted=[m for m in members if m.user_id not in voters],
        tie_break=tie_break,
        stale_tie_break=stored is not None and tie_break is None and bool(result.ties),
        order=order,
    )


@dataclass(frozen=True)
class VisibleOrder:
    """The ballot's order as one member may see it: only finalists they are not conflicted
    out of, their places counted among themselves, a tie shown only between visible ones."""

    tiers: list[list[Candidacy]]
    hides_finalists: bool

    @property
    def leaders(self) -> list[Candidacy]:
        return self.tiers[0] if self.tiers else []

    @property
    def is_tied(self) -> bool:
        return any(len(tier) > 1 for tier in self.tiers)


def visible_order(count: BallotCount, viewer: AnyUser, edition: Edition) -> VisibleOrder:
    hidden = conflicted_candidacy_ids(viewer, edition)
    names = {c.pk: c for c in count.finalists if c.pk not in hidden}
    tiers = [[names[pk] for pk in tier if pk in names] for tier in count.order]
    return VisibleOrder(
        tiers=[tier for tier in tiers if tier],
        hides_finalists=len(names) < len(count.finalists),
    )


def chair_of(edition: Edition) -> Membership | None:
    return (
        Membership.objects.filter(edition=edition, role=Role.CHAIR).select_related("user").first()
    )


def candidacies_reaching(edition: Edition, stage: str) -> list[Candidacy]:
    """Every candidacy of the edition that has reached `stage` (a finalist has been a nominee)."""
    return [
        c
        for c in Candidacy.objects.filter(edition=edition)
        if Stage.rank(c.stage) >= Stage.rank(stage)
    ]


def suggested_display_name(candidacy: Candidacy) -> str:
    """How the winner is likely to write itself: as it did when it last won alone, else
    'X kommun'; a joint candidacy names every member so ('Mora kommun, Orsa kommun och
    Älvdalens kommun')."""
    names = []
    for place in candidacy.municipalities:
        # Counted before the filter on the member, which would otherwise narrow the count.
        earlier = (
            Winner.objects.annotate(member_count=Count("members"))
            .filter(member_count=1, members__municipality=place)
            .order_by("-edition__year")
            .first()
        )
        names.append(earlier.display_name if earlier else f"{_genitive(place.name)} kommun")
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " och " + names[-1]


def _genitive(name: str) -> str:
    if name.lower().endswith(("s", "x", "z", "a", "e", "i", "o", "u", "y", "å", "ä", "ö")):
        return name
    return name + "s"
