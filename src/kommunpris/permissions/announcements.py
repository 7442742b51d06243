"""Who may announce the jury's nominees and finalists, and what an announcement fixes.

What the public sees by an announcement is the embargo rule at the top of this package
(`stage_is_public`, `public_stage`); this module says who sets the times, and which stage moves
an announcement forbids: from the moment the chair announces a stage, the candidacies that
reached it are the ones the public will be told of, so no candidacy may join or leave that
stage — until the chair withdraws the announcement, which can be done only before its time.
"""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser, User

from kommunpris.awards.models import Edition, Phase
from kommunpris.nominations.models import Candidacy, Stage
from kommunpris.permissions import ANNOUNCED_STAGES, decision_is_public, stage_publish_at
from kommunpris.permissions.jury import is_chair, may_view_jury
from kommunpris.permissions.registry import register

AnyUser = User | AnonymousUser

# The phases in which nominees and finalists exist and the decision is not yet public.
ANNOUNCING_PHASES = (Phase.JURY_REVIEW, Phase.DELIBERATION, Phase.DECIDED)


def may_view_announcements(user: AnyUser, edition: Edition) -> bool:
    """The announcements' times and states: the jury and organisers (names only as the
    conflict rule lets each member see them)."""
    return may_view_jury(user, edition)


def may_announce(user: AnyUser, edition: Edition) -> bool:
    """Announcing, moving and withdrawing is the chair's, while the decision is not public."""
    return (
        is_chair(user, edition)
        and edition.phase in ANNOUNCING_PHASES
        and not decision_is_public(edition)
    )


def announcement_fixing(candidacy: Candidacy, stage: str) -> str:
    """The announced stage ("nominee" or "finalist") whose candidacies a move of `candidacy` to
    `stage` would change, or "" when no announcement stands in the way."""
    reached = Stage.rank(candidacy.stage)
    moving_to = Stage.rank(stage)
    for announced in ANNOUNCED_STAGES:
        if stage_publish_at(candidacy.edition, announced) is None:
            continue
        threshold = Stage.rank(announced)
        if (reached >= threshold) != (moving_to >= threshold):
            return announced
    return ""


register("jury.view_announcements", may_view_announcements)
register("jury.announce", may_announce)
