"""The decision: the chair records the winner, and may move its publication time while the
decision is still embargoed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kommunpris import dates
from kommunpris.archive.models import Winner
from kommunpris.archive.services import set_winner_members
from kommunpris.audit.services import record_event
from kommunpris.audit.vocabulary import Action, actor_label, edition_target
from kommunpris.awards.models import Edition, Phase
from kommunpris.mail.services import queue_mail
from kommunpris.nominations.models import Candidacy
from kommunpris.permissions import WINNER, decision_is_public, out_of_order
from kommunpris.permissions.jury import (
    conflicted_candidacy_ids,
    sees_the_whole_final,
)
from kommunpris.register.models import Municipality
from kommunpris.register.resolver import MunicipalityNotFound
from kommunpris.register.selectors import resolver

from .. import selectors
from ..models import (
    Decision,
    Membership,
    ScoringRound,
)
from ._common import (
    Conflict,
    Invalid,
    NotFound,
    edition_locked,
    phase_name,
    require_chair,
    require_visible,
)
from .scoring import close_open_round


def _check_publish_at(edition: Edition, publish_at: datetime, *, publish_at_once: bool) -> None:
    if timezone.is_naive(publish_at):
        raise Invalid(_("Give the publication time with its time zone."))
    local = timezone.localtime(publish_at)
    when = dates.moment(publish_at)
    if not edition.year <= local.year <= edition.year + 1:
        raise Invalid(
            _(
                "The publication time %(when)s lies outside %(year)s–%(next_year)s. The gala is "
                "held in the edition's year or the year after; correct the year."
            )
            % {"when": when, "year": edition.year, "next_year": edition.year + 1}
        )
    if publish_at <= timezone.now() and not publish_at_once:
        raise Invalid(
            _(
                "The publication time %(when)s has passed already: the winner would be public "
                "at once. Give a later time, or confirm that the decision is to be published "
                "at once."
            )
            % {"when": when}
        )
    found = out_of_order(edition, WINNER, publish_at)
    if found is not None:
        raise Invalid(
            _(
                "The nominees or finalists of %(title)s are announced on %(announced)s; the "
                "winner cannot be made public before them. Choose %(announced)s or later, or "
                "move that announcement first."
            )
            % {"title": edition.title, "announced": dates.moment(found.other_at)}
        )


@dataclass(frozen=True)
class CheckedDecision:
    """A decision that may be recorded, as record_decision will record it."""

    display_name: str
    motivation: str
    departure_reason: str
    places: list[Municipality]
    count: selectors.BallotCount


def check_decision(
    *,
    edition: Edition,
    candidacy: Candidacy,
    display_name: str,
    motivation: str,
    publish_at: datetime,
    actor: User,
    departure_reason: str = "",
    publish_at_once: bool = False,
) -> CheckedDecision:
    """Raises JuryError saying why this decision cannot be recorded; else what would be."""
    require_chair(
        actor,
        edition,
        _("Only the chair of the jury of %(title)s can record the jury's decision.")
        % {"title": edition.title},
    )
    if edition.phase in (Phase.DECIDED, Phase.ANNOUNCED):
        raise Conflict(
            _(
                "The jury's decision on %(title)s is recorded already and cannot be recorded "
                "again. Reload the page to see it."
            )
            % {"title": edition.title}
        )
    if edition.phase != Phase.DELIBERATION:
        raise Conflict(
            _("%(title)s is in the phase '%(phase)s'; the decision is made after the deliberation.")
            % {"title": edition.title, "phase": phase_name(edition)}
        )
    if candidacy.edition_id != edition.pk:
        raise NotFound(
            _("Candidacy %(number)s does not exist in %(title)s.")
            % {"number": candidacy.pk, "title": edition.title}
        )
    require_visible(actor, candidacy)
    shortlist = selectors.finalists(edition)
    if candidacy.pk not in {c.pk for c in shortlist}:
        hidden = conflicted_candidacy_ids(actor, edition)
        raise Invalid(
            _("%(name)s is not a finalist; the winner must be one of the finalists: %(finalists)s.")
            % {
                "name": candidacy.name,
                "finalists": ", ".join(c.name for c in shortlist if c.pk not in hidden),
            }
        )
    name = " ".join(display_name.split())
    if not name:
        raise Invalid(
            _("Write the winner's name as the municipality writes it, for example 'Värmdö kommun'.")
        )
    if len(name) > 200:
        raise Invalid(_("The winner's name may be at most 200 characters long."))
    places = candidacy.municipalities
    try:
        named = [match.code for match in resolver().resolve_all(name)]
    except MunicipalityNotFound:
        named = []
    if sorted(named) != sorted(place.code for place in places):
        members = ", ".join(f"{place.name} ({place.code})" for place in places)
        values = {
            "name": name,
            "members": members,
            "suggested": selectors.suggested_display_name(candidacy),
        }
        if len(places) > 1:
            raise Invalid(
                _(
                    "'%(name)s' is not a name of %(members)s. Name every municipality of the "
                    "joint candidacy, for example '%(suggested)s'."
                )
                % values
            )
        raise Invalid(
            _("'%(name)s' is not a name of %(members)s. Write, for example, '%(suggested)s'.")
            % values
        )
    text = motivation.strip()
    if not text:
        raise Invalid(_("Write the jury's motivation."))
    _check_publish_at(edition, publish_at, publish_at_once=publish_at_once)
    count = selectors.ballot_count(edition)
    reason = departure_reason.strip()
    if count.ballots_cast and not reason and not sees_the_whole_final(actor, edition):
        # Whether the choice follows the ballot would tell where the hidden finalist placed:
        # such a chair always writes how the jury decided.
        raise Invalid(
            _(
                "You stand aside from at least one of the finalists and so do not see the "
                "ballot's whole order. Write how the jury came to its decision; the ballot's "
                "order is saved with it."
            )
        )
    if count.ballots_cast and candidacy.pk not in count.leaders and not reason:
        leaders = ", ".join(c.name for c in count.finalists if c.pk in count.leaders)
        raise Invalid(
            _(
                "The ballot placed %(leaders)s first. Write why the jury chooses %(name)s even "
                "so, or choose the ballot's winner."
            )
            % {"leaders": leaders, "name": candidacy.name}
        )
    return CheckedDecision(
        display_name=name, motivation=text, departure_reason=reason, places=places, count=count
    )


@edition_locked
def record_decision(
    *,
    edition: Edition,
    candidacy: Candidacy,
    display_name: str,
    motivation: str,
    publish_at: datetime,
    actor: User,
    motivation_en: str = "",
    departure_reason: str = "",
    publish_at_once: bool = False,
) -> Winner:
    """The chair records the winner, the motivation and the publication time.

    Freezes scores and ballots, creates the archive's Winner and sets the edition decided;
    the embargo rule in kommunpris.permissions keeps it all hidden until `publish_at`.
    """
    checked = check_decision(
        edition=edition,
        candidacy=candidacy,
        display_name=display_name,
        motivation=motivation,
        publish_at=publish_at,
        actor=actor,
        departure_reason=departure_reason,
        publish_at_once=publish_at_once,
    )
    name, text, reason = checked.display_name, checked.motivation, checked.departure_reason
    places, count = checked.places, checked.count
    now = timezone.now()
    with transaction.atomic():
        for scoring_round in ScoringRound.objects.filter(edition=edition, closed_at__isnull=True):
            close_open_round(scoring_round, actor=actor)
        winner = Winner.objects.create(
            edition=edition,
            display_name=name,
            motivation=text,
            motivation_en=motivation_en.strip(),
        )
        # Every member of a joint candidacy wins, in the candidacy's order.
        set_winner_members(winner, [place.code for place in places])
        Decision.objects.create(
            edition=edition,
            candidacy=candidacy,
            decided_by=actor_label(actor),
            decided_at=now,
            ballot_order=count.order,
            departure_reason=reason,
        )
        before = {"phase": edition.phase, "publish_at": edition.publish_at}
        edition.phase = Phase.DECIDED
        edition.publish_at = publish_at
        edition.save(update_fields=["phase", "publish_at"])
        record_event(
            action=Action.EDITION_DECIDED,
            actor=actor_label(actor),
            target=edition_target(edition),
            before=before,
            after={
                "phase": Phase.DECIDED.value,
                "publish_at": publish_at,
                "candidacy": candidacy.pk,
                "municipalities": [place.code for place in places],
                "display_name": name,
                "motivation": text,
                "motivation_en": motivation_en.strip(),
                "ballot_order": count.order,
                "departure_reason": reason,
            },
        )
        local = timezone.localtime(publish_at)
        for seat in Membership.objects.filter(edition=edition).select_related("user"):
            queue_mail(
                to=seat.user.email,
                template="jury/decided",
                edition=edition,
                context={"edition_title": edition.title, "publish_at": local},
                language=seat.language,
            )
    return winner


@edition_locked
def reschedule_publication(
    *, edition: Edition, publish_at: datetime, actor: User, publish_at_once: bool = False
) -> Edition:
    """Move the publication time (the gala moved) while the decision is still embargoed."""
    require_chair(
        actor,
        edition,
        _("Only the chair of the jury of %(title)s can change the publication time.")
        % {"title": edition.title},
    )
    if edition.phase != Phase.DECIDED:
        raise Conflict(_("%(title)s has no decision to publish.") % {"title": edition.title})
    if decision_is_public(edition):
        raise Conflict(
            _("The decision for %(title)s is public already.") % {"title": edition.title}
        )
    _check_publish_at(edition, publish_at, publish_at_once=publish_at_once)
    with transaction.atomic():
        before = {"publish_at": edition.publish_at}
        edition.publish_at = publish_at
        edition.save(update_fields=["publish_at"])
        record_event(
            action=Action.EDITION_PUBLICATION_RESCHEDULED,
            actor=actor_label(actor),
            target=edition_target(edition),
            before=before,
            after={"publish_at": publish_at},
        )
    return edition
