"""The final ballot: jurors rank the finalists, and the chair breaks a tie the count leaves."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kommunpris.audit.services import record_event
from kommunpris.audit.vocabulary import Action, actor_label, edition_target
from kommunpris.awards.models import Edition, Phase
from kommunpris.permissions.jury import (
    conflicted_candidacy_ids,
    is_member,
    sees_the_whole_final,
)

from .. import selectors
from ..models import (
    Ballot,
    BallotRank,
    TieBreak,
)
from ..schulze import apply_tie_break
from ._common import (
    Conflict,
    Invalid,
    NotAllowed,
    NotFound,
    edition_locked,
    require_chair,
    require_not_frozen,
)


@edition_locked
def cast_ballot(*, edition: Edition, actor: User, ranks: Mapping[int, int]) -> Ballot:
    """A juror ranks every finalist they may see (1 = best; equal places allowed).

    Can be changed until the decision; the last ballot counts.
    """
    if not is_member(actor, edition):
        raise NotFound(_("The ballot of %(title)s does not exist.") % {"title": edition.title})
    require_not_frozen(edition)
    if edition.phase != Phase.DELIBERATION:
        raise Conflict(_("The ballot is open during the deliberation."))
    hidden = conflicted_candidacy_ids(actor, edition)
    shortlist = {c.pk: c for c in selectors.finalists(edition) if c.pk not in hidden}
    unknown = [pk for pk in ranks if pk not in shortlist]
    if unknown:
        raise NotFound(
            _("Candidacy %(number)s is not a finalist you can vote on.") % {"number": unknown[0]}
        )
    missing = [c.name for pk, c in shortlist.items() if pk not in ranks]
    if missing:
        raise Invalid(
            _("Give every finalist a place: %(missing)s is missing.")
            % {"missing": ", ".join(sorted(missing))}
        )
    bad = [shortlist[pk].name for pk, rank in ranks.items() if not 1 <= rank <= len(shortlist)]
    if bad:
        raise Invalid(
            _("The places go from 1 to %(last)s; correct the place of %(names)s.")
            % {"last": len(shortlist), "names": ", ".join(bad)}
        )
    now = timezone.now()
    with transaction.atomic():
        ballot = Ballot.objects.select_for_update().filter(edition=edition, juror=actor).first()
        before = None
        if ballot is None:
            ballot = Ballot.objects.create(
                edition=edition, juror=actor, submitted_at=now, updated_at=now
            )
        else:
            before = {str(r.candidacy_id): r.rank for r in ballot.ranks.all()}
            ballot.ranks.all().delete()
            ballot.updated_at = now
            ballot.save(update_fields=["updated_at"])
        for pk, rank in sorted(ranks.items(), key=lambda item: (item[1], item[0])):
            BallotRank.objects.create(ballot=ballot, candidacy_id=pk, rank=rank)
        record_event(
            action=Action.JURY_BALLOT_CAST if before is None else "jury.ballot_changed",
            actor=actor_label(actor),
            target=edition_target(edition),
            before=before,
            after={str(pk): rank for pk, rank in ranks.items()},
        )
    return ballot


@edition_locked
def break_tie(*, edition: Edition, order: Sequence[int], actor: User, note: str = "") -> TieBreak:
    """The chair orders the finalists the ballot left tied (ids, best first)."""
    require_chair(
        actor,
        edition,
        _("Only the chair of the jury of %(title)s can break ties.") % {"title": edition.title},
    )
    require_not_frozen(edition)
    if edition.phase != Phase.DELIBERATION:
        raise Conflict(_("Ties are broken during the deliberation."))
    if not sees_the_whole_final(actor, edition):
        # The same answer wherever the hidden finalist placed, tied or not.
        raise NotAllowed(
            _(
                "You stand aside from at least one of the finalists; let another member break "
                "ties as chair."
            )
        )
    count = selectors.ballot_count(edition)
    if not count.result.ties:
        raise Conflict(_("The ballot has no ties to break."))
    names = {c.pk: c.name for c in count.finalists}
    try:
        apply_tie_break(result=count.result, order=list(order))
    except ValueError:
        tied = " / ".join(", ".join(names[pk] for pk in tier) for tier in count.result.ties)
        raise Invalid(
            _("Order exactly the tied finalists, each of them once: %(tied)s.") % {"tied": tied}
        ) from None
    now = timezone.now()
    with transaction.atomic():
        tie_break = TieBreak.objects.select_for_update().filter(edition=edition).first()
        before = None
        if tie_break is None:
            tie_break = TieBreak.objects.create(
                edition=edition,
                order=list(order),
                note=note.strip(),
                recorded_by=actor_label(actor),
                recorded_at=now,
            )
        else:
            before = {"order": tie_break.order, "note": tie_break.note}
            tie_break.order, tie_break.note = list(order), note.strip()
            tie_break.recorded_by, tie_break.recorded_at = actor_label(actor), now
            tie_break.save(update_fields=["order", "note", "recorded_by", "recorded_at"])
        record_event(
            action=Action.JURY_TIE_BROKEN,
            actor=actor_label(actor),
            target=edition_target(edition),
            before=before,
            after={
                "order": list(order),
                "names": [names[pk] for pk in order],
                "note": note.strip(),
            },
        )
    return tie_break
