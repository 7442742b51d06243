"""The edition's jury phases (review, deliberation) and the funnel that moves candidacies
between the stages."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone
from django.utils.text import get_text_list
from django.utils.translation import gettext as _

from kommunpris import dates
from kommunpris.audit.services import record_event
from kommunpris.audit.vocabulary import Action, actor_label, candidacy_target, edition_target
from kommunpris.awards.models import Edition, Phase
from kommunpris.mail.services import queue_mail
from kommunpris.nominations.models import Candidacy, Stage
from kommunpris.permissions.jury import Actor, may_start_review

from .. import selectors
from ..labels import STAGE_WORDS
from ..models import (
    Membership,
    ScoringRound,
)
from ._common import (
    Conflict,
    Invalid,
    edition_locked,
    phase_name,
    refuse_unless,
    require_chair,
    require_visible,
    site_url,
)
from .rubric import seed_default_rubric_for_review


def _set_phase(
    edition: Edition, phase: Phase, *, actor: Actor, action: Action, **extra: Any
) -> None:
    before = {"phase": edition.phase}
    edition.phase = phase
    edition.save(update_fields=["phase"])
    record_event(
        action=action,
        actor=actor_label(actor),
        target=edition_target(edition),
        before=before,
        after={"phase": phase.value, **extra},
    )


def check_start_jury_review(*, edition: Edition, actor: Actor, now: datetime | None = None) -> None:
    """Raises JuryError saying why the jury's work cannot start now; returns if it can."""
    refuse_unless(
        may_start_review(actor, edition),
        _("Only the organiser or the jury's chair hands the candidacies of %(title)s to the jury.")
        % {"title": edition.title},
    )
    now = now or timezone.now()
    if edition.phase == Phase.JURY_REVIEW:
        raise Conflict(
            _("The jury's work on %(title)s has already begun.") % {"title": edition.title}
        )
    if edition.phase != Phase.NOMINATIONS_CLOSED:
        raise Conflict(
            _(
                "%(title)s is in the phase '%(phase)s'; the jury's work can begin only once the "
                "call for nominations has closed."
            )
            % {"title": edition.title, "phase": phase_name(edition)}
        )
    if edition.supplement_close_at is not None and now < edition.supplement_close_at:
        raise Conflict(
            _(
                "The municipalities can add to their candidacies until %(when)s; the jury's work "
                "begins when that deadline has passed. The organiser can move the deadline "
                "under the edition's dates."
            )
            % {"when": dates.moment(edition.supplement_close_at)}
        )
    if selectors.chair_of(edition) is None:
        raise Conflict(
            _("%(title)s has no chair on the jury. Invite one first.") % {"title": edition.title}
        )
    if not Candidacy.objects.filter(edition=edition).exists():
        raise Conflict(_("%(title)s has no candidacies to review.") % {"title": edition.title})


@edition_locked
def start_jury_review(*, edition: Edition, actor: Actor, now: datetime | None = None) -> Edition:
    """nominations_closed → jury_review: the candidacies go to the jury.

    Needs a chair, at least one candidacy and the municipalities' supplement deadline passed
    (from here on they can no longer add to their candidacies); an edition without criteria
    gets the default rubric.
    """
    check_start_jury_review(edition=edition, actor=actor, now=now)
    with transaction.atomic():
        seed_default_rubric_for_review(edition, actor=actor)
        _set_phase(
            edition, Phase.JURY_REVIEW, actor=actor, action=Action.EDITION_JURY_REVIEW_STARTED
        )
    return edition


def check_start_deliberation(*, edition: Edition, actor: User) -> None:
    """Raises JuryError saying why the deliberation cannot start now; returns if it can."""
    require_chair(
        actor,
        edition,
        _("Only the chair of the jury of %(title)s can start the deliberation.")
        % {"title": edition.title},
    )
    if edition.phase == Phase.DELIBERATION:
        raise Conflict(
            _("The deliberation of %(title)s has already begun.") % {"title": edition.title}
        )
    if edition.phase != Phase.JURY_REVIEW:
        raise Conflict(
            _("%(title)s is in the phase '%(phase)s'; the deliberation follows the jury's review.")
            % {"title": edition.title, "phase": phase_name(edition)}
        )
    if not Candidacy.objects.filter(edition=edition, stage=Stage.FINALIST).exists():
        raise Conflict(_("Choose the finalists before the deliberation begins."))
    still_open = [
        str(STAGE_WORDS[r.stage])
        for r in ScoringRound.objects.filter(edition=edition, closed_at__isnull=True)
        if r.stage != Stage.FINALIST
    ]
    if still_open:
        raise Conflict(
            _("First close the scoring round for %(stages)s.")
            % {"stages": get_text_list(still_open, _("and"))}
        )


@edition_locked
def start_deliberation(*, edition: Edition, actor: User) -> Edition:
    """jury_review → deliberation: the finalists are settled and the final ballot opens."""
    check_start_deliberation(edition=edition, actor=actor)
    with transaction.atomic():
        _set_phase(
            edition, Phase.DELIBERATION, actor=actor, action=Action.EDITION_DELIBERATION_STARTED
        )
        for seat in Membership.objects.filter(edition=edition).select_related("user"):
            queue_mail(
                to=seat.user.email,
                template="jury/ballot_open",
                edition=edition,
                context={
                    "edition_title": edition.title,
                    "link": site_url("desk:jury-ballot", language=seat.language, year=edition.year),
                },
                language=seat.language,
            )
    return edition


@edition_locked
def move_candidacy(*, candidacy: Candidacy, stage: str, actor: User) -> Candidacy:
    """The chair moves a candidacy between candidacy, nominee and finalist."""
    edition = candidacy.edition
    require_chair(
        actor,
        edition,
        _("Only the chair of the jury of %(title)s can move candidacies between the stages.")
        % {"title": edition.title},
    )
    require_visible(actor, candidacy)
    if stage not in Stage.values:
        raise Invalid(_("Unknown stage '%(stage)s'.") % {"stage": stage})
    if edition.phase != Phase.JURY_REVIEW:
        raise Conflict(
            _(
                "Candidacies move between the stages during the jury's review, not in the phase "
                "'%(phase)s'."
            )
            % {"phase": phase_name(edition)}
        )
    if candidacy.stage == stage:
        return candidacy
    # Hook: an announced stage keeps the candidacies it was announced with (imported here, as
    # kommunpris.jury.announcements builds on this package).
    from ..announcements import check_stage_move

    check_stage_move(candidacy=candidacy, stage=stage)
    with transaction.atomic():
        before = candidacy.stage
        candidacy.stage = stage
        candidacy.save(update_fields=["stage"])
        record_event(
            action=Action.CANDIDACY_STAGE_CHANGED,
            actor=actor_label(actor),
            target=candidacy_target(candidacy),
            before={"stage": before},
            after={"stage": stage},
        )
    return candidacy
