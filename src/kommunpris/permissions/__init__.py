"""The one permission layer: who may see or do what. Views, templates and the API all ask here.

This package is that layer; each part of the platform has its own module in it
(`permissions.nominations`, `permissions.jury`), and the embargo rule is here at the top. Each
module registers its predicates under an ability name (`register("jury.decide", may_decide)`);
`may(user, "jury.decide", edition)` and the template tag `{% may %}` ask by that name.

The embargo rule lives here and nowhere else: an edition's decision (winner, motivation,
finalists chosen by the jury, scores) is public only once the edition is announced, or decided
with its publication time passed. The jury's earlier stages are announced on their own, each at
its own time set by the chair (`Edition.nominees_publish_at`, `finalists_publish_at`): from the
first, who is a nominee is public; from the second, who is a finalist. It is all decided at
request time, so nothing has to run at an announcement or at the gala.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Case, CharField, Q, Value, When
from django.utils import timezone

from kommunpris.awards.models import Edition, Phase
from kommunpris.nominations.models import Stage

from .accounts import is_organiser
from .registry import UnknownAbility, may, register

__all__ = [
    "PUBLIC_CLOCK_FIELDS",
    "UnknownAbility",
    "decision_is_public",
    "is_organiser",
    "may",
    "may_view_edition_page",
    "published_editions_q",
    "register",
]


def _now(now: datetime | None) -> datetime:
    return now if now is not None else timezone.now()


def published_editions_q(*, now: datetime | None = None, prefix: str = "") -> Q:
    """Filter for editions whose decision may be shown to the public at `now`."""
    return Q(**{f"{prefix}phase": Phase.ANNOUNCED}) | Q(
        **{f"{prefix}phase": Phase.DECIDED, f"{prefix}publish_at__lte": _now(now)}
    )


def decision_is_public(edition: Edition, *, now: datetime | None = None) -> bool:
    """Whether anyone may see this edition's winner and the jury's choices."""
    if edition.phase == Phase.ANNOUNCED:
        return True
    return (
        edition.phase == Phase.DECIDED
        and edition.publish_at is not None
        and edition.publish_at <= _now(now)
    )


# --- the staged announcements: nominees, then finalists, then the winner --------------------

# The stages announced on their own before the decision, with the field holding each one's time.
ANNOUNCED_STAGES = {Stage.NOMINEE: "nominees_publish_at", Stage.FINALIST: "finalists_publish_at"}


def stage_publish_at(edition: Edition, stage: str) -> datetime | None:
    """When the chair has the public learn who reached `stage` (nominee or finalist)."""
    moment: datetime | None = getattr(edition, ANNOUNCED_STAGES[Stage(stage)])
    return moment


# The decision's place in the award's order of publication, after the announced stages.
WINNER = "winner"
PUBLICATION_ORDER = (Stage.NOMINEE, Stage.FINALIST, WINNER)


@dataclass(frozen=True)
class OutOfOrder:
    """A publication time that breaks the award's order (nominees, finalists, the winner):
    `other` (a stage or WINNER) is made public at `other_at`, and the time given lies before it
    though `other` comes first (`other_first`), or after it though `other` comes later."""

    other: str
    other_at: datetime
    other_first: bool


def publication_times(edition: Edition) -> dict[str, datetime]:
    """The publication times set so far, by PUBLICATION_ORDER's names: an announced stage's,
    and the winner's once the decision is recorded."""
    times = {str(s): m for s in ANNOUNCED_STAGES if (m := stage_publish_at(edition, s))}
    if edition.phase == Phase.DECIDED and edition.publish_at is not None:
        times[WINNER] = edition.publish_at
    return times


def out_of_order(edition: Edition, what: str, publish_at: datetime) -> OutOfOrder | None:
    """Whether making `what` (a stage or WINNER) public at `publish_at` breaks the award's order
    against the other times set: the latest earlier one it would come before, else the first
    later one it would come after; None when it keeps the order. `what`'s own time is ignored
    (it is the one being set)."""
    rank = PUBLICATION_ORDER.index(what)
    before: list[OutOfOrder] = []
    after: list[OutOfOrder] = []
    for other, at in publication_times(edition).items():
        other_rank = PUBLICATION_ORDER.index(other)
        if other_rank < rank and publish_at < at:
            before.append(OutOfOrder(other, at, other_first=True))
        elif other_rank > rank and publish_at > at:
            after.append(OutOfOrder(other, at, other_first=False))
    if before:
        return max(before, key=lambda found: found.other_at)
    return min(after, key=lambda found: found.other_at, default=None)


def stage_is_public(edition: Edition, stage: str, *, now: datetime | None = None) -> bool:
    """Whether the public may know which candidacies reached `stage` (nominee or finalist):
    from that stage's own publication time, and in any case once the decision is public."""
    if decision_is_public(edition, now=now):
        return True
    moment = stage_publish_at(edition, stage)
    return edition.phase != Phase.DRAFT and moment is not None and moment <= _now(now)


def stage_announced_at(
    edition: Edition, stage: str, *, now: datetime | None = None
) -> datetime | None:
    """When the stage was announced on its own, if that time has passed (else None)."""
    moment = stage_publish_at(edition, stage)
    if moment is None or moment > _now(now) or edition.phase == Phase.DRAFT:
        return None
    return moment


def public_stage(edition: Edition, stage: str, *, now: datetime | None = None) -> str:
    """What the public may know of a candidacy at `stage`: the furthest public stage it has
    reached ("finalist" or "nominee"), or "" when nothing about it is public. A finalist shows
    as a nominee while only the nominees are public; a nominee shows nothing while only the
    finalists are."""
    if stage == Stage.FINALIST and stage_is_public(edition, Stage.FINALIST, now=now):
        return Stage.FINALIST
    if Stage.rank(stage) >= Stage.rank(Stage.NOMINEE) and stage_is_public(
        edition, Stage.NOMINEE, now=now
    ):
        return Stage.NOMINEE
    return ""


def _stage_public_q(stage: str, *, now: datetime | None, edition: str) -> Q:
    field = ANNOUNCED_STAGES[Stage(stage)]
    return published_editions_q(now=now, prefix=edition) | (
        ~Q(**{f"{edition}phase": Phase.DRAFT}) & Q(**{f"{edition}{field}__lte": _now(now)})
    )


def _public_stage_whens(*, now: datetime | None, candidacy: str, edition: str) -> list[When]:
    """public_stage as database conditions, in the same order."""
    reached_nominee = Q(**{f"{candidacy}stage__in": [Stage.NOMINEE, Stage.FINALIST]})
    return [
        When(
            Q(**{f"{candidacy}stage": Stage.FINALIST})
            & _stage_public_q(Stage.FINALIST, now=now, edition=edition),
            then=Value(Stage.FINALIST.value),
        ),
        When(
            reached_nominee & _stage_public_q(Stage.NOMINEE, now=now, edition=edition),
            then=Value(Stage.NOMINEE.value),
        ),
    ]


def publicly_shortlisted_q(
    *, now: datetime | None = None, candidacy: str = "", edition: str = "edition__"
) -> Q:
    """Filter for candidacies (or rows leading to one through `candidacy`) of which the public
    may know a stage (public_stage is not ""); `edition` leads to the candidacy's edition."""
    found = Q(pk__in=[])
    for when in _public_stage_whens(now=now, candidacy=candidacy, edition=edition):
        found |= when.condition
    return found


def public_stage_expression(
    *, now: datetime | None = None, candidacy: str = "", edition: str = "edition__"
) -> Case:
    """public_stage as an annotation: "finalist", "nominee" or ""."""
    return Case(
        *_public_stage_whens(now=now, candidacy=candidacy, edition=edition),
        default=Value(""),
        output_field=CharField(),
    )


def may_view_edition_page(edition: Edition) -> bool:
    """Draft editions are the organiser's; every other edition has a public page."""
    return edition.phase != Phase.DRAFT


# The times of an edition at which what the public may see of it changes by the clock alone,
# with no write: the decision's publication and the announcements of the nominees and of the
# finalists (the embargo above), the close of the call and of the municipalities' own texts
# (`permissions.nominations`), and the ceremony. A public answer
# may be kept by a cache until the next of these, never past it (`kommunpris.web.freshness`).
# A new rule anywhere in this package that compares an edition's time with the clock adds the
# field here.
PUBLIC_CLOCK_FIELDS = (
    "publish_at",
    "nominees_publish_at",
    "finalists_publish_at",
    "nominations_close_at",
    "supplement_close_at",
    "ceremony_at",
)
