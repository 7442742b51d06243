"""Writes of the jury: membership, ties, the rubric, the edition's jury phases, the funnel,
score sheets, site visits, the final ballot and the decision.

Every function validates first and raises JuryError (nothing written) with a message that says
what to do instead; then writes inside one transaction, appends to the audit log and queues
mail on commit. Who may call what is asked of kommunpris.permissions.jury, here as in the views.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from functools import wraps
from typing import Any, ParamSpec, TypeVar

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import Count
from django.urls import reverse
from django.utils import timezone, translation

from kommunpris import dates
from kommunpris.accounts.selectors import account_for
from kommunpris.archive.models import Winner
from kommunpris.archive.services import set_winner_members
from kommunpris.audit.services import record_event
from kommunpris.awards.models import Edition, Phase
from kommunpris.awards.services import lock_edition
from kommunpris.mail.services import queue_mail
from kommunpris.nominations.models import Candidacy, Stage
from kommunpris.permissions import decision_is_public
from kommunpris.permissions.jury import (
    JURY_PHASES,
    conflicted_candidacy_ids,
    conflicting_ties,
    conflicts_by_member,
    facts_of_candidacies,
    in_round,
    is_chair,
    is_frozen,
    is_member,
    membership,
    rubric_is_locked,
    sees_the_whole_final,
)
from kommunpris.register.models import County, Municipality
from kommunpris.register.resolver import MunicipalityNotFound
from kommunpris.register.selectors import resolver

from . import selectors
from .defaults import DEFAULT_RUBRIC
from .invitations import invitation_link
from .models import (
    MUNICIPALITY_TIES,
    SCALE,
    Ballot,
    BallotRank,
    Criterion,
    CriterionLevel,
    Decision,
    Membership,
    Role,
    ScoreEntry,
    ScoreSheet,
    ScoringRound,
    SiteVisitNote,
    Tie,
    TieBreak,
    TieKind,
)
from .schulze import apply_tie_break


class JuryError(ValueError):
    """A jury action that cannot be done; the message names the thing and the fix."""


class NotFound(JuryError, LookupError):
    """Something the person may not see: to them it does not exist."""


class ScoreSheetChanged(JuryError):
    """The sheet was saved elsewhere (another tab or session) after this form was opened."""


# Domain messages are Swedish (they are shown to Swedish organisers and jurors).
STAGE_WORDS = {"candidacy": "kandidaturer", "nominee": "nominerade", "finalist": "finalister"}
PHASE_WORDS = {
    "draft": "utkast",
    "nominations_open": "nomineringen är öppen",
    "nominations_closed": "nomineringen är stängd",
    "jury_review": "juryns bedömning",
    "deliberation": "överläggning",
    "decided": "beslutad",
    "announced": "tillkännagiven",
}


_P = ParamSpec("_P")
_R = TypeVar("_R")


def _edition_of(arguments: Mapping[str, Any]) -> Edition:
    if "edition" in arguments:
        return arguments["edition"]
    if "scoring_round" in arguments:
        return arguments["scoring_round"].edition
    return arguments["candidacy"].edition


def edition_locked(service: Callable[_P, _R]) -> Callable[_P, _R]:
    """Runs a write of the edition's jury work in one transaction that first locks the edition
    (kommunpris.awards.services.lock_edition), so its checks of the phase, rounds and decision
    read what no other request can change until it is done."""

    @wraps(service)
    def locked(*args: _P.args, **kwargs: _P.kwargs) -> _R:
        with transaction.atomic():
            lock_edition(_edition_of(kwargs))
            scoring_round = kwargs.get("scoring_round")
            if isinstance(scoring_round, ScoringRound):
                scoring_round.refresh_from_db(fields=["closed_at"])
            return service(*args, **kwargs)

    return locked


def actor_of(user: User) -> str:
    return user.email or user.get_username()


def edition_target(edition: Edition) -> str:
    return f"edition:{edition.award.slug}:{edition.year}"


def _site_url(name: str, *, language: str, **kwargs: Any) -> str:
    with translation.override(language):
        return settings.KOMMUNPRIS_SITE_URL.rstrip("/") + reverse(name, kwargs=kwargs or None)


def _require_chair(user: User, edition: Edition, doing: str) -> None:
    if not is_chair(user, edition):
        raise JuryError(f"Bara juryns ordförande för {edition.title} kan {doing}.")


def _require_not_frozen(edition: Edition) -> None:
    if is_frozen(edition):
        raise JuryError(
            f"Juryn har fattat sitt beslut för {edition.title}; "
            "bedömningar och omröstning är låsta."
        )


def _require_visible(user: User, candidacy: Candidacy) -> None:
    if not is_member(user, candidacy.edition) or candidacy.pk in conflicted_candidacy_ids(
        user, candidacy.edition
    ):
        raise NotFound(f"Kandidatur {candidacy.pk} finns inte.")


# --- membership ----------------------------------------------------------------------------


def invite_member(
    *, edition: Edition, email: str, role: str, actor: str, name: str = "", language: str = "sv"
) -> Membership:
    """Seat a person on the jury and e-mail them a link to set their password.

    The person is a Django user keyed on their e-mail address, created if new.
    """
    address = email.strip().lower()
    try:
        validate_email(address)
    except ValidationError:
        raise JuryError(f"'{email}' är ingen e-postadress. Skriv t.ex. anna@example.se.") from None
    if role not in Role.values:
        raise JuryError(f"Okänd roll '{role}'. Välj ledamot eller ordförande.")
    if is_frozen(edition):
        raise JuryError(f"Juryn för {edition.title} har redan fattat sitt beslut.")
    with transaction.atomic():
        # Whoever already signs in with the address (an organiser, last edition's juror).
        user = account_for(address)
        if user is not None and Membership.objects.filter(edition=edition, user=user).exists():
            raise JuryError(f"{address} sitter redan i juryn för {edition.title}.")
        if role == Role.CHAIR:
            chair = Membership.objects.filter(edition=edition, role=Role.CHAIR).select_related(
                "user"
            )
            current = chair.first()
            if current is not None:
                raise JuryError(
                    f"{edition.title} har redan en ordförande: {current.user.email}. "
                    "Bjud in personen som ledamot."
                )
        if user is None:
            first, _, last = name.strip().partition(" ")
            user = User.objects.create_user(
                username=address, email=address, first_name=first[:150], last_name=last[:150]
            )
        seat = Membership.objects.create(
            edition=edition, user=user, role=role, invited_at=timezone.now(), invited_by=actor
        )
        record_event(
            action="jury.member_invited",
            actor=actor,
            target=edition_target(edition),
            after={"email": address, "role": role},
        )
        _queue_invitation(seat, language=language)
    return seat


def _queue_invitation(seat: Membership, *, language: str) -> None:
    queue_mail(
        to=seat.user.email,
        template="jury/invitation",
        edition=seat.edition,
        links={"link": invitation_link(seat.user, language=language)},
        context={
            "edition_title": seat.edition.title,
            "role": seat.role,
            "name": seat.user.first_name,
            "login_link": _site_url("login", language=language),
            "has_password": seat.user.has_usable_password(),
            "email": seat.user.email,
        },
        language=language,
    )


def resend_invitation(*, seat: Membership, actor: str, language: str = "sv") -> None:
    with transaction.atomic():
        record_event(
            action="jury.invitation_resent",
            actor=actor,
            target=edition_target(seat.edition),
            after={"email": seat.user.email},
        )
        _queue_invitation(seat, language=language)


def accept_invitation(*, user: User, password: str) -> None:
    """Set the invited person's password; their pending seats count as accepted."""
    from django.contrib.auth.password_validation import validate_password

    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise JuryError(" ".join(exc.messages)) from None
    now = timezone.now()
    with transaction.atomic():
        user.set_password(password)
        user.save(update_fields=["password"])
        seats = list(Membership.objects.filter(user=user, accepted_at__isnull=True))
        for seat in seats:
            seat.accepted_at = now
            seat.save(update_fields=["accepted_at"])
            record_event(
                action="jury.invitation_accepted",
                actor=actor_of(user),
                target=edition_target(seat.edition),
                after={"email": user.email, "role": seat.role},
            )


# --- ties (conflicts of interest) ----------------------------------------------------------


def _tie_fields(
    *,
    seat: Membership,
    kind: str,
    municipality_code: str = "",
    county_code: str = "",
    county_wide: bool = False,
    organisation: str = "",
    candidacy: Candidacy | None = None,
) -> dict[str, Any]:
    """What a declared tie names, checked; raises JuryError with what to write instead."""
    if kind not in TieKind.values:
        raise JuryError(f"Okänd sorts koppling '{kind}'.")
    fields: dict[str, Any] = {"kind": kind}
    if kind in MUNICIPALITY_TIES:
        code = municipality_code.strip()
        found = Municipality.objects.filter(code=code).first()
        if found is None:
            raise JuryError(
                f"Okänd kommunkod '{code}'. Kommunkoden har fyra siffror, t.ex. 0120 för Värmdö."
            )
        fields["municipality"] = found
    elif kind == TieKind.COUNTY:
        code = county_code.strip()
        county = County.objects.filter(code=code).first()
        if county is None:
            raise JuryError(f"Okänd länskod '{code}'. Länskoden har två siffror, t.ex. 22.")
        fields["county"] = county
        fields["county_wide"] = county_wide
    elif kind == TieKind.ORGANISATION:
        name = " ".join(organisation.split())
        if not name:
            raise JuryError("Skriv organisationens namn.")
        if len(name) > 200:
            raise JuryError("Organisationens namn får vara högst 200 tecken.")
        fields["organisation"] = name
    else:
        if candidacy is None or candidacy.edition_id != seat.edition_id:
            raise JuryError("Välj en kandidatur i den här upplagan.")
        fields["candidacy"] = candidacy
    if Tie.objects.filter(membership=seat, **fields).exists():
        raise JuryError("Den kopplingen är redan anmäld.")
    return fields


def tie_would_conflict(*, seat: Membership, **tie: Any) -> list[Candidacy]:
    """The candidacies a tie, once declared, would conflict the member out of (that they can
    still see now), for the page that asks first. Raises JuryError as declare_tie would."""
    fields = _tie_fields(seat=seat, **tie)
    edition = seat.edition
    probe = Tie(membership=seat, **fields)
    hidden = conflicted_candidacy_ids(seat.user, edition)
    caught = {
        candidacy_id
        for candidacy_id, facts in facts_of_candidacies(edition).items()
        if candidacy_id not in hidden
        and conflicting_ties([probe], candidacy_id=candidacy_id, facts=facts)
    }
    return [c for c in selectors.candidacies_for(edition, seat.user) if c.pk in caught]


def declare_tie(
    *,
    seat: Membership,
    kind: str,
    actor: str,
    municipality_code: str = "",
    county_code: str = "",
    county_wide: bool = False,
    organisation: str = "",
    candidacy: Candidacy | None = None,
    note: str = "",
) -> Tie:
    """Record a tie of a jury member; any conflict it makes takes effect at once.

    Allowed at any time, also after the decision: it can only ever hide more. Until the first
    scoring round opens the member may withdraw it (withdraw_tie); after that it stays.
    """
    with transaction.atomic():
        fields = _tie_fields(
            seat=seat,
            kind=kind,
            municipality_code=municipality_code,
            county_code=county_code,
            county_wide=county_wide,
            organisation=organisation,
            candidacy=candidacy,
        )
        tie = Tie.objects.create(
            membership=seat,
            note=note.strip(),
            declared_by=actor,
            declared_at=timezone.now(),
            **fields,
        )
        record_event(
            action="jury.tie_declared",
            actor=actor,
            target=edition_target(seat.edition),
            after=_tie_record(tie),
        )
    return tie


def _tie_record(tie: Tie) -> dict[str, Any]:
    return {
        "member": tie.membership.user.email,
        "kind": tie.kind,
        "municipality": tie.municipality_id,
        "county": tie.county_id,
        "county_wide": tie.county_wide,
        "organisation": tie.organisation,
        "candidacy": tie.candidacy_id,
        "note": tie.note,
    }


def check_withdraw_tie(*, tie: Tie, seat: Membership) -> None:
    """Raises JuryError saying why the tie cannot be withdrawn; returns if it can."""
    if tie.membership_id != seat.pk:
        raise NotFound(f"Koppling {tie.pk} finns inte.")
    if rubric_is_locked(seat.edition):
        raise JuryError(
            f"Bedömningen av {seat.edition.title} har börjat; en anmäld koppling står kvar i "
            "jävsregistret och kan inte tas tillbaka."
        )


@edition_locked
def withdraw_tie(*, edition: Edition, tie: Tie, seat: Membership, actor: str) -> None:
    """A member takes back a tie declared in error, before any scoring round has opened (no
    score has been given or seen yet); the audit log keeps what it said."""
    tie = Tie.objects.select_related("membership__user").get(pk=tie.pk)
    check_withdraw_tie(tie=tie, seat=seat)
    with transaction.atomic():
        record_event(
            action="jury.tie_withdrawn",
            actor=actor,
            target=edition_target(edition),
            before=_tie_record(tie),
        )
        tie.delete()


# --- the rubric ----------------------------------------------------------------------------


def _require_rubric_editable(edition: Edition) -> None:
    if rubric_is_locked(edition):
        raise JuryError(
            f"Bedömningen av {edition.title} har börjat; kriterierna kan inte längre ändras."
        )
    _require_not_frozen(edition)


@dataclass(frozen=True)
class CriterionInput:
    name: str
    weight: Decimal | str | int
    levels: Sequence[str]
    name_en: str = ""
    description: str = ""


def _clean_criterion(
    edition: Edition, data: CriterionInput, *, exclude: int | None = None
) -> dict[str, Any]:
    name = " ".join(data.name.split())
    if not name:
        raise JuryError("Kriteriet behöver ett namn.")
    clash = Criterion.objects.filter(edition=edition, name__iexact=name)
    if exclude is not None:
        clash = clash.exclude(pk=exclude)
    if clash.exists():
        raise JuryError(f"Det finns redan ett kriterium som heter '{name}'.")
    try:
        weight = Decimal(str(data.weight).replace(",", ".")).quantize(Decimal("0.1"))
    except (InvalidOperation, ValueError):
        raise JuryError(f"Vikten '{data.weight}' är inget tal. Skriv t.ex. 1 eller 1,5.") from None
    if not (Decimal(0) <= weight <= Decimal("99.9")):
        raise JuryError(
            f"Vikten {weight} går inte: skriv ett tal från 0 (bara information) till 99,9."
        )
    levels = [" ".join(level.split()) for level in data.levels]
    if len(levels) != len(SCALE) or not all(levels):
        raise JuryError("Beskriv alla fem nivåerna, 0 till 4.")
    if any(len(level) > 500 for level in levels):
        raise JuryError("En nivåbeskrivning får vara högst 500 tecken.")
    return {
        "name": name,
        "name_en": " ".join(data.name_en.split()),
        "description": data.description.strip(),
        "weight": weight,
        "levels": levels,
    }


def _criterion_record(clean: Mapping[str, Any]) -> dict[str, Any]:
    return {**clean, "weight": str(clean["weight"])}


def add_criterion(*, edition: Edition, data: CriterionInput, actor: str) -> Criterion:
    _require_rubric_editable(edition)
    clean = _clean_criterion(edition, data)
    with transaction.atomic():
        last = Criterion.objects.filter(edition=edition).order_by("-position").first()
        criterion = Criterion.objects.create(
            edition=edition,
            position=(last.position + 1) if last else 1,
            name=clean["name"],
            name_en=clean["name_en"],
            description=clean["description"],
            weight=clean["weight"],
        )
        for value, text in zip(SCALE, clean["levels"], strict=True):
            CriterionLevel.objects.create(criterion=criterion, value=value, description=text)
        record_event(
            action="jury.criterion_added",
            actor=actor,
            target=edition_target(edition),
            after=_criterion_record(clean),
        )
    return criterion


def update_criterion(*, criterion: Criterion, data: CriterionInput, actor: str) -> Criterion:
    edition = criterion.edition
    _require_rubric_editable(edition)
    clean = _clean_criterion(edition, data, exclude=criterion.pk)
    with transaction.atomic():
        levels = {level.value: level for level in criterion.levels.all()}
        before = {
            "name": criterion.name,
            "name_en": criterion.name_en,
            "description": criterion.description,
            "weight": str(criterion.weight),
            "levels": [levels[v].description if v in levels else "" for v in SCALE],
        }
        criterion.name, criterion.name_en = clean["name"], clean["name_en"]
        criterion.description, criterion.weight = clean["description"], clean["weight"]
        criterion.save(update_fields=["name", "name_en", "description", "weight"])
        for value, text in zip(SCALE, clean["levels"], strict=True):
            level = levels.get(value)
            if level is None:
                CriterionLevel.objects.create(criterion=criterion, value=value, description=text)
            elif level.description != text:
                level.description = text
                level.save(update_fields=["description"])
        record_event(
            action="jury.criterion_changed",
            actor=actor,
            target=edition_target(edition),
            before=before,
            after=_criterion_record(clean),
        )
    return criterion


def remove_criterion(*, criterion: Criterion, actor: str) -> None:
    edition = criterion.edition
    _require_rubric_editable(edition)
    with transaction.atomic():
        record_event(
            action="jury.criterion_removed",
            actor=actor,
            target=edition_target(edition),
            before={"name": criterion.name, "weight": str(criterion.weight)},
        )
        criterion.levels.all().delete()
        criterion.delete()


def seed_default_rubric(*, edition: Edition, actor: str) -> list[Criterion]:
    """The seven default criteria (DESIGN.md), for an edition that has no criteria yet."""
    existing = list(Criterion.objects.filter(edition=edition))
    if existing:
        return existing
    _require_rubric_editable(edition)
    with transaction.atomic():
        created = [
            add_criterion(
                edition=edition,
                data=CriterionInput(
                    name=d.name,
                    name_en=d.name_en,
                    description=d.description,
                    weight=d.weight,
                    levels=d.levels,
                ),
                actor=actor,
            )
            for d in DEFAULT_RUBRIC
        ]
    return created


# --- the edition's jury phases -------------------------------------------------------------


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
    _require_chair(by, edition, "inleda överläggningen")
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
                edition=edition,
                context={
                    "edition_title": edition.title,
                    "link": _site_url("desk:jury-ballot", language="sv", year=edition.year),
                },
            )
    return edition


# --- the funnel ----------------------------------------------------------------------------


@edition_locked
def move_candidacy(*, candidacy: Candidacy, stage: str, by: User) -> Candidacy:
    """The chair moves a candidacy between candidacy, nominee and finalist."""
    edition = candidacy.edition
    _require_chair(by, edition, "flytta kandidaturer mellan stegen")
    _require_visible(by, candidacy)
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


# --- scoring rounds ------------------------------------------------------------------------


def _reached(edition: Edition, stage: str) -> list[Candidacy]:
    return [
        c
        for c in Candidacy.objects.filter(edition=edition)
        if Stage.rank(c.stage) >= Stage.rank(stage)
    ]


def check_open_round(*, edition: Edition, stage: str, by: User) -> list[Candidacy]:
    """Raises JuryError saying why the round cannot open; else the candidacies it takes in."""
    _require_chair(by, edition, "öppna en bedömningsomgång")
    _require_not_frozen(edition)
    if stage not in Stage.values:
        raise JuryError(f"Okänt steg '{stage}'.")
    if edition.phase not in JURY_PHASES:
        raise JuryError(f"Juryns arbete med {edition.title} har inte börjat.")
    if ScoringRound.objects.filter(edition=edition, stage=stage).exists():
        raise JuryError(f"Omgången för {STAGE_WORDS[stage]} finns redan; öppna den igen i stället.")
    if not Criterion.objects.filter(edition=edition, weight__gt=0).exists():
        raise JuryError("Bedömningsmallen behöver minst ett kriterium med vikt över 0.")
    reached = _reached(edition, stage)
    if not reached:
        raise JuryError(f"Ingen kandidatur har nått steget {STAGE_WORDS[stage]} ännu.")
    return reached


@edition_locked
def open_round(*, edition: Edition, stage: str, by: User) -> ScoringRound:
    """Open scoring for every candidacy that has reached `stage`; locks the rubric.

    Each member is told how many candidacies they are to score: those they are not conflicted
    out of (a conflicted member never learns of a candidacy they may not see).
    """
    reached = check_open_round(edition=edition, stage=stage, by=by)
    conflicts = conflicts_by_member(edition)
    with transaction.atomic():
        scoring_round = ScoringRound.objects.create(
            edition=edition, stage=stage, opened_at=timezone.now(), opened_by=actor_of(by)
        )
        record_event(
            action="jury.round_opened",
            actor=actor_of(by),
            target=edition_target(edition),
            after={"stage": stage, "candidacies": len(reached)},
        )
        for seat in Membership.objects.filter(edition=edition).select_related("user"):
            hidden = conflicts.get(seat.user_id, {})
            queue_mail(
                to=seat.user.email,
                template="jury/round_open",
                edition=edition,
                context={
                    "edition_title": edition.title,
                    "stage": stage,
                    "count": sum(1 for c in reached if c.pk not in hidden),
                    "link": _site_url(
                        "desk:jury-round", language="sv", year=edition.year, stage=stage
                    ),
                },
            )
    return scoring_round


def check_close_round(*, scoring_round: ScoringRound, by: User) -> None:
    """Raises JuryError saying why the round cannot be closed; returns if it can."""
    _require_chair(by, scoring_round.edition, "stänga en bedömningsomgång")
    if not scoring_round.is_open:
        raise JuryError(f"Omgången för {STAGE_WORDS[scoring_round.stage]} är redan stängd.")


@edition_locked
def close_round(*, scoring_round: ScoringRound, by: User) -> ScoringRound:
    edition = scoring_round.edition
    _require_chair(by, edition, "stänga en bedömningsomgång")
    if not scoring_round.is_open:
        return scoring_round
    with transaction.atomic():
        _close(scoring_round, actor=actor_of(by))
    return scoring_round


def _close(scoring_round: ScoringRound, *, actor: str) -> None:
    scoring_round.closed_at = timezone.now()
    scoring_round.save(update_fields=["closed_at"])
    record_event(
        action="jury.round_closed",
        actor=actor,
        target=edition_target(scoring_round.edition),
        after={"stage": scoring_round.stage},
    )


@edition_locked
def reopen_round(*, scoring_round: ScoringRound, by: User) -> ScoringRound:
    edition = scoring_round.edition
    _require_chair(by, edition, "öppna en bedömningsomgång igen")
    _require_not_frozen(edition)
    if edition.phase not in JURY_PHASES:
        raise JuryError(f"Juryns arbete med {edition.title} pågår inte.")
    if scoring_round.is_open:
        return scoring_round
    with transaction.atomic():
        scoring_round.closed_at = None
        scoring_round.save(update_fields=["closed_at"])
        record_event(
            action="jury.round_reopened",
            actor=actor_of(by),
            target=edition_target(edition),
            after={"stage": scoring_round.stage},
        )
    return scoring_round


# --- score sheets --------------------------------------------------------------------------


SHEET_CHANGED = (
    "Bedömningen har ändrats i en annan flik eller session sedan du öppnade den. "
    "Dina ändringar sparades inte. Ladda om sidan för att utgå från det som nu är sparat "
    "(det visas nedan), eller spara igen om dina värden ska ersätta det."
)


@dataclass(frozen=True)
class EntryInput:
    value: int | None
    comment: str = ""


@edition_locked
def save_score_sheet(
    *,
    scoring_round: ScoringRound,
    candidacy: Candidacy,
    juror: User,
    entries: Mapping[int, EntryInput],
    comment: str = "",
    submit: bool = False,
    expected_version: int | None = None,
) -> ScoreSheet:
    """Save a juror's sheet as a draft, or submit it (every criterion scored).

    A submitted sheet stays submitted; changing it while the round is open is a revision,
    recorded with its before and after in the audit log.

    `expected_version` is the sheet's version when the form was opened (0: no sheet yet). If the
    sheet has been saved since, with other content than this save would leave, nothing is
    written and ScoreSheetChanged is raised: two tabs or sessions never silently overwrite each
    other. The same content sent twice (a double click) is not a conflict.
    """
    edition = scoring_round.edition
    _require_visible(juror, candidacy)
    _require_not_frozen(edition)
    if not scoring_round.is_open or edition.phase not in JURY_PHASES:
        raise JuryError(
            f"Omgången för {STAGE_WORDS[scoring_round.stage]} är stängd; "
            "poängen kan inte längre ändras."
        )
    if not in_round(candidacy, scoring_round):
        raise JuryError(f"{candidacy.name} är inte med i den här omgången.")
    rubric = {c.pk: c for c in Criterion.objects.filter(edition=edition)}
    unknown = [pk for pk in entries if pk not in rubric]
    if unknown:
        raise JuryError(f"Okänt kriterium {unknown[0]} i bedömningen.")
    for pk, entry in entries.items():
        if entry.value is not None and entry.value not in SCALE:
            raise JuryError(f"Poängen för '{rubric[pk].name}' ska vara 0–4, inte {entry.value}.")
    now = timezone.now()
    with transaction.atomic():
        sheet = (
            ScoreSheet.objects.select_for_update()
            .filter(round=scoring_round, candidacy=candidacy, juror=juror)
            .first()
        )
        existing = {e.criterion_id: e for e in sheet.entries.all()} if sheet is not None else {}
        wanted: dict[int, EntryInput] = {}
        for pk in rubric:
            if pk in entries:
                wanted[pk] = entries[pk]
            elif pk in existing:
                wanted[pk] = EntryInput(existing[pk].value, existing[pk].comment)
            else:
                wanted[pk] = EntryInput(None)
        current_version = sheet.version if sheet is not None else 0
        if expected_version is not None and expected_version != current_version:
            stored = {pk: EntryInput(e.value, e.comment) for pk, e in existing.items()}
            if _content(rubric, stored, sheet.comment if sheet else None) != _content(
                rubric, wanted, comment
            ):
                raise ScoreSheetChanged(SHEET_CHANGED)
        was_submitted = sheet is not None and sheet.is_submitted
        if submit or was_submitted:
            missing = [rubric[pk].name for pk, e in wanted.items() if e.value is None]
            if missing:
                raise JuryError(
                    "Sätt poäng på alla kriterier innan du lämnar in: " + ", ".join(missing) + "."
                )
        before = _sheet_record(sheet, existing, rubric) if sheet is not None else None
        if sheet is None:
            try:
                with transaction.atomic():
                    sheet = ScoreSheet.objects.create(
                        round=scoring_round,
                        candidacy=candidacy,
                        juror=juror,
                        comment=comment.strip(),
                        created_at=now,
                        updated_at=now,
                    )
            except IntegrityError:
                # Another tab created the sheet a moment ago (where writers do not queue up).
                raise ScoreSheetChanged(SHEET_CHANGED) from None
        for pk, entry in wanted.items():
            current = existing.get(pk)
            text = entry.comment.strip()
            if current is None:
                existing[pk] = ScoreEntry.objects.create(
                    sheet=sheet, criterion=rubric[pk], value=entry.value, comment=text
                )
            elif (current.value, current.comment) != (entry.value, text):
                current.value, current.comment = entry.value, text
                current.save(update_fields=["value", "comment"])
        after = _sheet_record(sheet, existing, rubric, comment=comment.strip())
        changed = before is None or before != after
        if not changed and (was_submitted or not submit):
            return sheet
        sheet.comment = comment.strip()
        sheet.updated_at = now
        sheet.version = current_version + 1
        fields = ["comment", "updated_at", "version"]
        if was_submitted:
            sheet.revised_at = now
            fields.append("revised_at")
            action = "jury.scores_revised"
        elif submit:
            sheet.submitted_at = now
            fields.append("submitted_at")
            action = "jury.scores_submitted"
        else:
            action = "jury.scores_saved"
        sheet.save(update_fields=fields)
        record_event(
            action=action,
            actor=actor_of(juror),
            target=f"candidacy:{candidacy.pk}",
            before=before,
            after={"stage": scoring_round.stage, **after},
        )
    return sheet


def _content(
    rubric: Mapping[int, Criterion], entries: Mapping[int, EntryInput], comment: str | None
) -> tuple[str | None, list[tuple[int | None, str]]]:
    """What a sheet says, criterion by criterion, to tell whether two saves differ."""
    missing = EntryInput(None)
    return (
        None if comment is None else comment.strip(),
        [
            (entries.get(pk, missing).value, entries.get(pk, missing).comment.strip())
            for pk in sorted(rubric)
        ],
    )


def _sheet_record(
    sheet: ScoreSheet,
    entries: Mapping[int, ScoreEntry],
    rubric: Mapping[int, Criterion],
    *,
    comment: str | None = None,
) -> dict[str, Any]:
    return {
        "comment": sheet.comment if comment is None else comment,
        "scores": {
            rubric[pk].name: [e.value, e.comment]
            for pk, e in sorted(entries.items())
            if pk in rubric
        },
    }


# --- site visits ---------------------------------------------------------------------------


def add_site_visit_note(
    *, candidacy: Candidacy, author: User, body: str, visited_on: date | None = None
) -> SiteVisitNote:
    _require_visible(author, candidacy)
    _require_not_frozen(candidacy.edition)
    if candidacy.stage != Stage.FINALIST:
        raise JuryError(f"Platsbesök görs hos finalister; {candidacy.name} är inte finalist.")
    text = body.strip()
    if not text:
        raise JuryError("Skriv vad du såg vid besöket.")
    with transaction.atomic():
        note = SiteVisitNote.objects.create(
            candidacy=candidacy,
            author=author,
            visited_on=visited_on,
            body=text,
            created_at=timezone.now(),
        )
        record_event(
            action="jury.site_visit_noted",
            actor=actor_of(author),
            target=f"candidacy:{candidacy.pk}",
            after={"visited_on": visited_on, "body": text},
        )
    return note


# --- the final ballot ----------------------------------------------------------------------


@edition_locked
def cast_ballot(*, edition: Edition, juror: User, ranks: Mapping[int, int]) -> Ballot:
    """A juror ranks every finalist they may see (1 = best; equal places allowed).

    Can be changed until the decision; the last ballot counts.
    """
    seat = membership(juror, edition)
    if seat is None:
        raise NotFound(f"Omröstningen för {edition.title} finns inte.")
    _require_not_frozen(edition)
    if edition.phase != Phase.DELIBERATION:
        raise JuryError("Omröstningen är öppen under överläggningen.")
    hidden = conflicted_candidacy_ids(juror, edition)
    shortlist = {c.pk: c for c in selectors.finalists(edition) if c.pk not in hidden}
    unknown = [pk for pk in ranks if pk not in shortlist]
    if unknown:
        raise NotFound(f"Kandidatur {unknown[0]} är inte en finalist du kan rösta på.")
    missing = [c.name for pk, c in shortlist.items() if pk not in ranks]
    if missing:
        raise JuryError("Ge alla finalister en plats: " + ", ".join(sorted(missing)) + " saknas.")
    bad = [shortlist[pk].name for pk, rank in ranks.items() if not 1 <= rank <= len(shortlist)]
    if bad:
        raise JuryError(
            f"Platserna går från 1 till {len(shortlist)}; rätta platsen för " + ", ".join(bad) + "."
        )
    now = timezone.now()
    with transaction.atomic():
        ballot = Ballot.objects.select_for_update().filter(edition=edition, juror=juror).first()
        before = None
        if ballot is None:
            ballot = Ballot.objects.create(
                edition=edition, juror=juror, submitted_at=now, updated_at=now
            )
        else:
            before = {str(r.candidacy_id): r.rank for r in ballot.ranks.all()}
            ballot.ranks.all().delete()
            ballot.updated_at = now
            ballot.save(update_fields=["updated_at"])
        for pk, rank in sorted(ranks.items(), key=lambda item: (item[1], item[0])):
            BallotRank.objects.create(ballot=ballot, candidacy_id=pk, rank=rank)
        record_event(
            action="jury.ballot_cast" if before is None else "jury.ballot_changed",
            actor=actor_of(juror),
            target=edition_target(edition),
            before=before,
            after={str(pk): rank for pk, rank in ranks.items()},
        )
    return ballot


@edition_locked
def break_tie(*, edition: Edition, order: Sequence[int], by: User, note: str = "") -> TieBreak:
    """The chair orders the finalists the ballot left tied (ids, best first)."""
    _require_chair(by, edition, "avgöra lika placeringar")
    _require_not_frozen(edition)
    if edition.phase != Phase.DELIBERATION:
        raise JuryError("Lika placeringar avgörs under överläggningen.")
    if not sees_the_whole_final(by, edition):
        # The same answer wherever the hidden finalist placed, tied or not.
        raise JuryError(
            "Du står utanför minst en av finalisterna; låt en annan ledamot avgöra lika "
            "placeringar som ordförande."
        )
    count = selectors.ballot_count(edition)
    if not count.result.ties:
        raise JuryError("Omröstningen har inga lika placeringar att avgöra.")
    names = {c.pk: c.name for c in count.finalists}
    try:
        apply_tie_break(result=count.result, order=list(order))
    except ValueError:
        tied = " / ".join(", ".join(names[pk] for pk in tier) for tier in count.result.ties)
        raise JuryError(
            f"Ordna exakt de lika placerade finalisterna, var och en en gång: {tied}."
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
                recorded_by=actor_of(by),
                recorded_at=now,
            )
        else:
            before = {"order": tie_break.order, "note": tie_break.note}
            tie_break.order, tie_break.note = list(order), note.strip()
            tie_break.recorded_by, tie_break.recorded_at = actor_of(by), now
            tie_break.save(update_fields=["order", "note", "recorded_by", "recorded_at"])
        record_event(
            action="jury.tie_broken",
            actor=actor_of(by),
            target=edition_target(edition),
            before=before,
            after={
                "order": list(order),
                "names": [names[pk] for pk in order],
                "note": note.strip(),
            },
        )
    return tie_break


# --- the decision --------------------------------------------------------------------------


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


def _check_publish_at(edition: Edition, publish_at: datetime, *, publish_at_once: bool) -> None:
    if timezone.is_naive(publish_at):
        raise JuryError("Ange publiceringstiden med tidszon.")
    local = timezone.localtime(publish_at)
    when = dates.moment(publish_at, swedish=True)
    if not edition.year <= local.year <= edition.year + 1:
        raise JuryError(
            f"Publiceringstiden {when} ligger utanför {edition.year}–"
            f"{edition.year + 1}. Galan hålls upplagans år eller året efter; rätta året."
        )
    if publish_at <= timezone.now() and not publish_at_once:
        raise JuryError(
            f"Publiceringstiden {when} har redan passerat: vinnaren skulle bli "
            "offentlig direkt. Ange en senare tid, eller bekräfta att beslutet ska "
            "publiceras genast."
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
    by: User,
    departure_reason: str = "",
    publish_at_once: bool = False,
) -> CheckedDecision:
    """Raises JuryError saying why this decision cannot be recorded; else what would be."""
    _require_chair(by, edition, "registrera juryns beslut")
    if edition.phase in (Phase.DECIDED, Phase.ANNOUNCED):
        raise JuryError(
            f"Juryns beslut om {edition.title} är redan registrerat och kan inte registreras "
            "en gång till. Ladda om sidan för att se det."
        )
    if edition.phase != Phase.DELIBERATION:
        raise JuryError(
            f"{edition.title} är i fasen '{PHASE_WORDS[edition.phase]}'; beslutet fattas "
            "efter överläggningen."
        )
    if candidacy.edition_id != edition.pk:
        raise NotFound(f"Kandidatur {candidacy.pk} finns inte i {edition.title}.")
    _require_visible(by, candidacy)
    shortlist = selectors.finalists(edition)
    if candidacy.pk not in {c.pk for c in shortlist}:
        hidden = conflicted_candidacy_ids(by, edition)
        raise JuryError(
            f"{candidacy.name} är inte finalist; vinnaren måste vara en av finalisterna: "
            + ", ".join(c.name for c in shortlist if c.pk not in hidden)
            + "."
        )
    name = " ".join(display_name.split())
    if not name:
        raise JuryError("Skriv vinnarens namn så som kommunen skriver det, t.ex. 'Värmdö kommun'.")
    if len(name) > 200:
        raise JuryError("Vinnarens namn får vara högst 200 tecken.")
    places = candidacy.municipalities
    try:
        named = [match.code for match in resolver().resolve_all(name)]
    except MunicipalityNotFound:
        named = []
    if sorted(named) != sorted(place.code for place in places):
        members = ", ".join(f"{place.name} ({place.code})" for place in places)
        raise JuryError(
            f"'{name}' är inte ett namn på {members}. "
            + (
                "Nämn varje kommun i den gemensamma kandidaturen, t.ex. "
                if len(places) > 1
                else "Skriv t.ex. "
            )
            + f"'{suggested_display_name(candidacy)}'."
        )
    text = motivation.strip()
    if not text:
        raise JuryError("Skriv juryns motivering.")
    _check_publish_at(edition, publish_at, publish_at_once=publish_at_once)
    count = selectors.ballot_count(edition)
    reason = departure_reason.strip()
    if count.ballots_cast and not reason and not sees_the_whole_final(by, edition):
        # Whether the choice follows the ballot would tell where the hidden finalist placed:
        # such a chair always writes how the jury decided.
        raise JuryError(
            "Du står utanför minst en av finalisterna och ser därför inte omröstningens hela "
            "ordning. Skriv hur juryn kom fram till beslutet; omröstningens ordning sparas "
            "med det."
        )
    if count.ballots_cast and candidacy.pk not in count.leaders and not reason:
        leaders = ", ".join(c.name for c in count.finalists if c.pk in count.leaders)
        raise JuryError(
            f"Omröstningen placerade {leaders} först. Skriv varför juryn ändå väljer "
            f"{candidacy.name}, eller välj omröstningens vinnare."
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
    by: User,
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
        by=by,
        departure_reason=departure_reason,
        publish_at_once=publish_at_once,
    )
    name, text, reason = checked.display_name, checked.motivation, checked.departure_reason
    places, count = checked.places, checked.count
    now = timezone.now()
    with transaction.atomic():
        for scoring_round in ScoringRound.objects.filter(edition=edition, closed_at__isnull=True):
            _close(scoring_round, actor=actor_of(by))
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
            decided_by=actor_of(by),
            decided_at=now,
            ballot_order=count.order,
            departure_reason=reason,
        )
        before = {"phase": edition.phase, "publish_at": edition.publish_at}
        edition.phase = Phase.DECIDED
        edition.publish_at = publish_at
        edition.save(update_fields=["phase", "publish_at"])
        record_event(
            action="edition.decided",
            actor=actor_of(by),
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
            )
    return winner


@edition_locked
def reschedule_publication(
    *, edition: Edition, publish_at: datetime, by: User, publish_at_once: bool = False
) -> Edition:
    """Move the publication time (the gala moved) while the decision is still embargoed."""
    _require_chair(by, edition, "ändra publiceringstiden")
    if edition.phase != Phase.DECIDED:
        raise JuryError(f"{edition.title} har inget beslut att publicera.")
    if decision_is_public(edition):
        raise JuryError(f"Beslutet för {edition.title} är redan offentligt.")
    _check_publish_at(edition, publish_at, publish_at_once=publish_at_once)
    with transaction.atomic():
        before = {"publish_at": edition.publish_at}
        edition.publish_at = publish_at
        edition.save(update_fields=["publish_at"])
        record_event(
            action="edition.publication_rescheduled",
            actor=actor_of(by),
            target=edition_target(edition),
            before=before,
            after={"publish_at": publish_at},
        )
    return edition
