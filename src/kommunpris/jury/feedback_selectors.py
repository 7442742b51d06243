"""Reads of the feedback to the municipalities: a juror's own comments with their marks, what a
release would send, and one candidacy's feedback report.

The report is built for one candidacy and holds only what is its own or the whole field's: how
far it went, its mean on each criterion in each round it took part in beside the field's mean
(the mean of the candidacies' means, shown only where at least FIELD_MINIMUM candidacies were
scored, so that no other candidacy's scores can be worked out from it), and the comments its
jurors marked shareable, without their names, grouped by criterion and ordered by their text (so
that no juror's comments can be told apart from another's). A juror's scores and comments never
count for a candidacy they are conflicted out of, and a draft never counts.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field

from kommunpris.awards.models import Edition, FeedbackRelease
from kommunpris.nominations.models import Candidacy, CandidacyMember, MunicipalityContact, Stage
from kommunpris.permissions.jury import AnyUser, conflicted_candidacy_ids, conflicts_by_member
from kommunpris.register.collation import swedish_sort_key

from .models import Criterion, Decision, ScoreEntry, ScoreSheet, ScoringRound

# The fewest scored candidacies in a round whose mean the report shows beside the candidacy's
# own: with two, the field's mean and one's own would give away the other's.
FIELD_MINIMUM = 3

SHARED, INTERNAL, CHANGED = "shared", "internal", "changed"


def comment_state(comment: str, shared_comment: str) -> str:
    """A comment is shared only while it is the text its juror marked: one written again after
    being marked is internal until it is marked again."""
    if not shared_comment:
        return INTERNAL
    return SHARED if shared_comment == comment else CHANGED


def is_shared(comment: str, shared_comment: str) -> bool:
    return bool(comment.strip()) and comment_state(comment, shared_comment) == SHARED


# --- a juror's own comments ---------------------------------------------------------------


@dataclass(frozen=True)
class OwnComment:
    """One comment a juror wrote in a submitted sheet: on a criterion, or on the whole."""

    key: str  # "entry-<pk>" or "sheet-<pk>", as the form names it
    criterion: str  # "" for the overall comment
    text: str
    state: str


@dataclass(frozen=True)
class OwnSheet:
    candidacy: Candidacy
    stage: str  # the round's
    comments: list[OwnComment]


def own_comments(edition: Edition, juror: AnyUser) -> list[OwnSheet]:
    """The juror's submitted sheets in the edition that have a comment, for candidacies they
    may see, by round (first round first) and candidacy name. Four queries."""
    if not juror.is_authenticated:
        return []
    hidden = conflicted_candidacy_ids(juror, edition)
    sheets = (
        ScoreSheet.objects.filter(
            round__edition=edition, juror_id=juror.pk, submitted_at__isnull=False
        )
        .exclude(candidacy_id__in=hidden)
        .select_related("round", "candidacy")
        .prefetch_related("entries__criterion", "candidacy__members__municipality")
    )
    rows = []
    for sheet in sheets:
        comments = [
            OwnComment(
                f"entry-{entry.pk}",
                entry.criterion.name,
                entry.comment,
                comment_state(entry.comment, entry.shared_comment),
            )
            for entry in sorted(
                sheet.entries.all(), key=lambda e: (e.criterion.position, e.criterion_id)
            )
            if entry.comment.strip()
        ]
        if sheet.comment.strip():
            comments.append(
                OwnComment(
                    f"sheet-{sheet.pk}",
                    "",
                    sheet.comment,
                    comment_state(sheet.comment, sheet.shared_comment),
                )
            )
        if comments:
            rows.append(OwnSheet(sheet.candidacy, sheet.round.stage, comments))
    return sorted(
        rows,
        key=lambda r: (Stage.rank(r.stage), swedish_sort_key(r.candidacy.name), r.candidacy.pk),
    )


# --- the release ----------------------------------------------------------------------------


@dataclass(frozen=True)
class ReleasePreview:
    """What releasing the reports of an edition does: who is told, how much is shared."""

    candidacies: int
    contacts: list[MunicipalityContact]  # the addresses that get an e-mail
    without_contact: list[str]  # municipalities of a candidacy with no contact registered
    shared_comments: int


def release_preview(edition: Edition) -> ReleasePreview:
    candidacy_ids = list(Candidacy.objects.filter(edition=edition).values_list("pk", flat=True))
    members = CandidacyMember.objects.filter(edition=edition).select_related("municipality")
    contacts = {
        c.municipality_id: c
        for c in MunicipalityContact.objects.filter(edition=edition).select_related("municipality")
    }
    shared = 0
    conflicts = conflicts_by_member(edition)
    for juror_id, candidacy_id, comment, shared_comment in ScoreEntry.objects.filter(
        sheet__round__edition=edition, sheet__submitted_at__isnull=False
    ).values_list("sheet__juror_id", "sheet__candidacy_id", "comment", "shared_comment"):
        if candidacy_id not in conflicts.get(juror_id, {}) and is_shared(comment, shared_comment):
            shared += 1
    for juror_id, candidacy_id, comment, shared_comment in ScoreSheet.objects.filter(
        round__edition=edition, submitted_at__isnull=False
    ).values_list("juror_id", "candidacy_id", "comment", "shared_comment"):
        if candidacy_id not in conflicts.get(juror_id, {}) and is_shared(comment, shared_comment):
            shared += 1
    return ReleasePreview(
        candidacies=len(candidacy_ids),
        contacts=sorted(
            (contacts[m.municipality_id] for m in members if m.municipality_id in contacts),
            key=lambda c: swedish_sort_key(c.municipality.name),
        ),
        without_contact=sorted(
            (m.municipality.name for m in members if m.municipality_id not in contacts),
            key=swedish_sort_key,
        ),
        shared_comments=shared,
    )


def release_of(edition: Edition) -> FeedbackRelease | None:
    return FeedbackRelease.objects.filter(edition=edition).first()


# --- one candidacy's report -----------------------------------------------------------------


@dataclass(frozen=True)
class CriterionLine:
    criterion: Criterion
    own_mean: float | None
    field_mean: float | None  # None where too few candidacies were scored to show it


@dataclass(frozen=True)
class SharedComment:
    criterion: Criterion | None  # None for a comment on the whole
    text: str


@dataclass(frozen=True)
class RoundFeedback:
    stage: str
    scored_candidacies: int  # candidacies of the round with at least one score
    jurors: int  # jurors whose scores count for this candidacy
    lines: list[CriterionLine]
    comments: list[SharedComment] = field(default_factory=list)

    @property
    def shows_field(self) -> bool:
        return self.scored_candidacies >= FIELD_MINIMUM


@dataclass(frozen=True)
class Report:
    candidacy: Candidacy
    edition: Edition
    reached: str  # a Stage value, or "winner"
    field_counts: dict[str, int]  # how many candidacies reached each stage
    rounds: list[RoundFeedback]

    @property
    def is_winner(self) -> bool:
        return self.reached == "winner"


def _means(
    scoring_round: ScoringRound, conflicts: Mapping[int, Mapping[int, object]]
) -> tuple[dict[tuple[int, int], float], dict[int, set[int]]]:
    """(candidacy id, criterion id) -> mean of the scores that count; candidacy -> its jurors."""
    values: defaultdict[tuple[int, int], list[int]] = defaultdict(list)
    jurors: defaultdict[int, set[int]] = defaultdict(set)
    for juror_id, candidacy_id, criterion_id, value in ScoreEntry.objects.filter(
        sheet__round=scoring_round, sheet__submitted_at__isnull=False, value__isnull=False
    ).values_list("sheet__juror_id", "sheet__candidacy_id", "criterion_id", "value"):
        if value is None or candidacy_id in conflicts.get(juror_id, {}):
            continue
        values[(candidacy_id, criterion_id)].append(value)
        jurors[candidacy_id].add(juror_id)
    return {key: statistics.fmean(v) for key, v in values.items()}, dict(jurors)


def _shared_comments(
    scoring_round: ScoringRound,
    candidacy: Candidacy,
    criteria: list[Criterion],
    conflicted_jurors: set[int],
) -> list[SharedComment]:
    by_criterion = {c.pk: c for c in criteria}
    found: list[SharedComment] = []
    for juror_id, criterion_id, comment, shared_comment in ScoreEntry.objects.filter(
        sheet__round=scoring_round, sheet__candidacy=candidacy, sheet__submitted_at__isnull=False
    ).values_list("sheet__juror_id", "criterion_id", "comment", "shared_comment"):
        if juror_id not in conflicted_jurors and is_shared(comment, shared_comment):
            found.append(SharedComment(by_criterion[criterion_id], comment.strip()))
    for juror_id, comment, shared_comment in ScoreSheet.objects.filter(
        round=scoring_round, candidacy=candidacy, submitted_at__isnull=False
    ).values_list("juror_id", "comment", "shared_comment"):
        if juror_id not in conflicted_jurors and is_shared(comment, shared_comment):
            found.append(SharedComment(None, comment.strip()))
    order = {c.pk: n for n, c in enumerate(criteria)}
    return sorted(
        found,
        key=lambda s: (
            s.criterion is None,
            order[s.criterion.pk] if s.criterion else 0,
            swedish_sort_key(s.text),
            s.text,
        ),
    )


def feedback_report(candidacy: Candidacy) -> Report:
    """The report of one candidacy (prefetch its members). Call only for someone who may read
    it (kommunpris.permissions.feedback)."""
    edition = candidacy.edition
    decision = Decision.objects.filter(edition=edition).first()
    reached = (
        "winner"
        if decision is not None and decision.candidacy_id == candidacy.pk
        else candidacy.stage
    )
    stages = list(Candidacy.objects.filter(edition=edition).values_list("stage", flat=True))
    field_counts = {
        stage: sum(1 for s in stages if Stage.rank(s) >= Stage.rank(stage))
        for stage in Stage.values
    }
    criteria = list(Criterion.objects.filter(edition=edition).order_by("position", "id"))
    conflicts = conflicts_by_member(edition)
    conflicted_jurors = {juror_id for juror_id, per in conflicts.items() if candidacy.pk in per}
    rounds = []
    for scoring_round in sorted(
        ScoringRound.objects.filter(edition=edition), key=lambda r: Stage.rank(r.stage)
    ):
        if Stage.rank(candidacy.stage) < Stage.rank(scoring_round.stage):
            continue
        means, jurors = _means(scoring_round, conflicts)
        scored = {candidacy_id for candidacy_id, _ in means}
        lines = []
        for criterion in criteria:
            field_values = [
                means[(other, criterion.pk)] for other in scored if (other, criterion.pk) in means
            ]
            lines.append(
                CriterionLine(
                    criterion=criterion,
                    own_mean=means.get((candidacy.pk, criterion.pk)),
                    field_mean=statistics.fmean(field_values)
                    if len(scored) >= FIELD_MINIMUM and field_values
                    else None,
                )
            )
        rounds.append(
            RoundFeedback(
                stage=scoring_round.stage,
                scored_candidacies=len(scored),
                jurors=len(jurors.get(candidacy.pk, set())),
                lines=lines,
                comments=_shared_comments(scoring_round, candidacy, criteria, conflicted_jurors),
            )
        )
    return Report(
        candidacy=candidacy,
        edition=edition,
        reached=reached,
        field_counts=field_counts,
        rounds=rounds,
    )
