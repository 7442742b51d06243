"""The organiser's work on the field: rejecting a nomination, joining candidacies."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kommunpris.audit.services import record_event
from kommunpris.audit.vocabulary import (
    Action,
    actor_label,
    candidacy_target,
    nomination_target,
)

from ..errors import CandidacyConflict, CandidacyError
from ..models import (
    Attachment,
    Candidacy,
    Nomination,
    NominationRevision,
    NominationStatus,
    Response,
    Stage,
)
from ._common import Actor, check_organiser


def reject_nomination(
    *, nomination: Nomination, reason: str, actor: Actor, now: datetime | None = None
) -> Nomination:
    """Mark a nomination as spam: it no longer counts, and its link stops working."""
    check_organiser(actor)
    now = now or timezone.now()
    reason = " ".join(reason.split())
    if len(reason) < 3:
        raise CandidacyError(_("Write why the nomination is rejected (at least a few words)."))
    with transaction.atomic():
        nomination = Nomination.objects.select_for_update().get(pk=nomination.pk)
        if nomination.status == NominationStatus.REJECTED:
            raise CandidacyConflict(
                _("Nomination %(number)s is already rejected.") % {"number": nomination.pk}
            )
        before = {"status": nomination.status}
        nomination.status = NominationStatus.REJECTED
        nomination.rejected_at = now
        nomination.rejected_by = actor_label(actor)
        nomination.rejected_reason = reason
        nomination.token_hash = ""
        nomination.save(
            update_fields=[
                "status",
                "rejected_at",
                "rejected_by",
                "rejected_reason",
                "token_hash",
            ]
        )
        NominationRevision.objects.filter(nomination=nomination).delete()
        record_event(
            action=Action.NOMINATION_REJECTED,
            actor=actor_label(actor),
            target=nomination_target(nomination),
            before=before,
            after={"status": nomination.status, "reason": reason},
        )
    return nomination


def join_candidacies(*, candidacies: Sequence[Candidacy], actor: Actor) -> Candidacy:
    """Several municipalities standing together (2023: Mora, Orsa and Älvdalen): the first
    candidacy keeps its identity and takes the others' members, nominations and attachments."""
    check_organiser(actor)
    ids = list(dict.fromkeys(c.pk for c in candidacies))
    if len(ids) < 2:
        raise CandidacyError(_("Choose at least two candidacies to join."))
    with transaction.atomic():
        locked = {
            c.pk: c
            for c in Candidacy.objects.select_for_update()
            .filter(pk__in=ids)
            .select_related("edition__award")
            .prefetch_related("members__municipality")
        }
        if len(locked) != len(ids):
            raise CandidacyConflict(_("One of the candidacies no longer exists. Reload the page."))
        ordered = [locked[pk] for pk in ids]
        if len({c.edition_id for c in ordered}) > 1:
            raise CandidacyError(_("Only candidacies of the same edition can be joined."))
        if any(c.stage != Stage.CANDIDACY for c in ordered):
            raise CandidacyConflict(
                _(
                    "The jury has already moved on with one of the candidacies; they cannot be "
                    "joined."
                )
            )
        target, others = ordered[0], ordered[1:]
        before = {"candidacies": [_candidacy_summary(c) for c in ordered]}
        position = max((m.position for m in target.members.all()), default=-1) + 1
        target_fields: set[str] = set()
        for other in others:
            for member in sorted(other.members.all(), key=lambda m: m.position):
                member.candidacy = target
                member.position = position
                member.save(update_fields=["candidacy", "position"])
                position += 1
            Nomination.objects.filter(candidacy=other).update(candidacy=target)
            Attachment.objects.filter(candidacy=other).update(candidacy=target)
            if not target.has_contribution and other.has_contribution:
                target.own_proud, target.own_effect = other.own_proud, other.own_effect
                target.own_learned = other.own_learned
                target.contribution_updated_at = other.contribution_updated_at
                target_fields |= {"own_proud", "own_effect", "own_learned"}
                target_fields.add("contribution_updated_at")
            if other.response != target.response:
                # The municipalities answered differently: the joint candidacy is answered anew.
                target.response, target.responded_at = Response.PENDING, None
                target_fields |= {"response", "responded_at"}
            other.delete()
        if target_fields:
            target.save(update_fields=sorted(target_fields))
        joined = (
            Candidacy.objects.select_related("edition__award")
            .prefetch_related("members__municipality")
            .get(pk=target.pk)
        )
        record_event(
            action=Action.CANDIDACY_JOINED,
            actor=actor_label(actor),
            target=candidacy_target(joined),
            before=before,
            after=_candidacy_summary(joined),
        )
    return joined


def _candidacy_summary(candidacy: Candidacy) -> dict[str, Any]:
    return {
        "id": candidacy.pk,
        "municipalities": [m.code for m in candidacy.municipalities],
        "response": candidacy.response,
    }
