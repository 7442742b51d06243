"""The edition's jury phases (review, deliberation) and the funnel that moves candidacies
between the stages."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from kommunpris import dates
from kommunpris.audit.services import record_event
from kommunpris.awards.models import Edition, Phase
from kommunpris.mail.services import queue_mail
from kommunpris.nominations.models import Candidacy, Stage

from .. import selectors
from ..models import (
    Membership,
    ScoringRound,
)
from ._common import (
    PHASE_WORDS,
    STAGE_WORDS,
    JuryError,
    actor_of,
    edition_locked,
    edition_target,
    require_chair,
    require_visible,
    site_url,
)
from .rubric import seed_default_rubric


def _set_phase(edition: Edition, phase: Phase, *, actor: str, action: str, **extra: Any) -> None:
    before = {"phase": edition.phase}
    edition.phase = phase
    edition.save(update_fields=["phase"])
    record_event(
        action=action,
        actor=actor,
        target=edition_target(edition),
        before=before,
        after={"phase": phase.value, **extra},
    )


def check_start_jury_review(edition: Edition, *, now: datetime | None = None) -> None:
    """Raises JuryError saying why the jury's work cannot start now; returns if it can."""
    now = now or timezone.now()
    if edition.phase == Phase.JURY_REVIEW:
        raise JuryError(f"Juryns arbete med {edition.title} har redan börjat.")
    if edition.phase != Phase.NOMINATIONS_CLOSED:
        raise JuryError(
            f"{edition.title} är i fasen '{PHASE_WORDS[edition.phase]}'; juryns arbete kan "
            "börja först när nomineringen har stängt."
        )
    if edition.supplement_close_at is not None and now < edition.supplement_close_at:
        raise JuryError(
            "Kommunerna kan komplettera sina kandidaturer till "
            f"{dates.moment(edition.supplement_close_at, swedish=True)}; juryns arbete börjar "
            "när den fristen har gått ut. Arrangören kan flytta fristen under upplagans datum."
        )
    if selectors.chair_of(edition) is None:
        raise JuryError(f"{edition.title} har ingen ordförande i juryn. Bjud in en först.")
    if not Candidacy.objects.filter(edition=edition).exists():
        raise JuryError(f"{edition.title} har inga kandidaturer att bedöma.")


@edition_locked
def start_jury_review(*, edition: Edition, actor: str, now: datetime | None = None) -> Edition:
    """nominations_closed → jury_review: the candidacies go to the jury.

    Needs a chair, at least one candidacy and the municipalities' supplement deadline passed
    (from here on they can no longer add to their candidacies); an edition without criteria
    gets the default rubric.
    """
    check_start_jury_review(edition, now=now)
    with transaction.atomic():
        seed_default_rubric(edition=edition, actor=actor)
        _set_phase(edition, Phase.JURY_REVIEW, actor=actor, action="edition.jury_review_started")
    return edition


def check_start_deliberation(*, edition: Edition, by: User) -> None:
    """Raises JuryError saying why the deliberation cannot start now; returns if it can."""
    require_chair(by, edition, "inleda överläggningen")
    if edition.phase == Phase.DELIBERATION:
        raise JuryError(f"Överläggningen om {edition.title} har redan börjat.")
    if edition.phase != Phase.JURY_REVIEW:
        raise JuryError(
            f"{edition.title} är i fasen '{PHASE_WORDS[edition.phase]}'; överläggningen "
            "följer på juryns bedömning."
        )
    if not Candidacy.objects.filter(edition=edition, stage=Stage.FINALIST).exists():
        raise JuryError("Välj finalisterna innan överläggningen börjar.")
    still_open = [
        STAGE_WORDS[r.stage]
        for r in ScoringRound.objects.filter(edition=edition, closed_at__isnull=True)
        if r.stage != Stage.FINALIST
    ]
    if still_open:
        raise JuryError("Stäng först bedömningsomgången för " + " och ".join(still_open) + ".")


@edition_locked
def start_deliberation(*, edition: Edition, by: User) -> Edition:
    """jury_review → deliberation: the finalists are settled and the final ballot opens."""
    check_start_deliberation(edition=edition, by=by)
    with transaction.atomic():
        _set_phase(
            edition, Phase.DELIBERATION, actor=actor_of(by), action="edition.deliberation_started"
        )
        for seat in Membership.objects.filter(edition=edition).select_related("user"):
            queue_mail(
                to=seat.user.email,
                template="jury/ballot_open",
                context={
                    "edition_title": edition.title,
                    "link": site_url("desk:jury-ballot", language="sv", year=edition.year),
                },
            )
    return edition


@edition_locked
def move_candidacy(*, candidacy: Candidacy, stage: str, by: User) -> Candidacy:
    """The chair moves a candidacy between candidacy, nominee and finalist."""
    edition = candidacy.edition
    require_chair(by, edition, "flytta kandidaturer mellan stegen")
    require_visible(by, candidacy)
    if stage not in Stage.values:
        raise JuryError(f"Okänt steg '{stage}'.")
    if edition.phase != Phase.JURY_REVIEW:
        raise JuryError(
            "Kandidaturer flyttas mellan stegen under juryns bedömning, inte i fasen "
            f"'{PHASE_WORDS[edition.phase]}'."
        )
    if candidacy.stage == stage:
        return candidacy
    with transaction.atomic():
        before = candidacy.stage
        candidacy.stage = stage
        candidacy.save(update_fields=["stage"])
        record_event(
            action="candidacy.stage_changed",
            actor=actor_of(by),
            target=f"candidacy:{candidacy.pk}",
            before={"stage": before},
            after={"stage": stage},
        )
    return candidacy
