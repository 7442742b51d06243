"""Jury membership: invitations, accepting them, and the ties (conflicts of interest) that
members declare."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kommunpris.accounts.selectors import account_for
from kommunpris.audit.services import record_event
from kommunpris.audit.vocabulary import Action, actor_label, edition_target
from kommunpris.awards.models import Edition
from kommunpris.mail.services import queue_mail
from kommunpris.nominations.models import Candidacy
from kommunpris.permissions.jury import (
    Actor,
    conflicted_candidacy_ids,
    conflicting_ties,
    facts_of_candidacies,
    is_frozen,
    may_act_for_seat,
    may_manage_jury,
    rubric_is_locked,
)
from kommunpris.register.models import County, Municipality

from .. import selectors
from ..invitations import invitation_link
from ..models import (
    MUNICIPALITY_TIES,
    Membership,
    Role,
    Tie,
    TieKind,
)
from ._common import (
    Conflict,
    Invalid,
    NotFound,
    edition_locked,
    refuse_unless,
    site_url,
)

LANGUAGES = ("sv", "en")


def _require_manager(actor: Actor, edition: Edition) -> None:
    refuse_unless(
        may_manage_jury(actor, edition),
        _("Only the organiser invites the jury of %(title)s.") % {"title": edition.title},
    )


def _require_own_seat(actor: User, seat: Membership) -> None:
    """Another member's seat, ties and choices do not exist for the actor."""
    if not may_act_for_seat(actor, seat):
        raise NotFound(_("That seat on the jury does not exist."))


def _check_language(language: str) -> None:
    if language not in LANGUAGES:
        raise Invalid(
            _("Unknown language '%(language)s'. Choose Swedish (sv) or English (en).")
            % {"language": language}
        )


def invite_member(
    *, edition: Edition, email: str, role: str, actor: Actor, name: str = "", language: str = "sv"
) -> Membership:
    """Seat a person on the jury and e-mail them a link to set their password.

    The person is a Django user keyed on their e-mail address, created if new. `language` is
    the invitation's, and stays the member's for the jury's later mail until they change it.
    """
    _require_manager(actor, edition)
    _check_language(language)
    address = email.strip().lower()
    try:
        validate_email(address)
    except ValidationError:
        raise Invalid(
            _("'%(email)s' is not an e-mail address. Write, for example, anna@example.se.")
            % {"email": email}
        ) from None
    if role not in Role.values:
        raise Invalid(_("Unknown role '%(role)s'. Choose juror or chair.") % {"role": role})
    if is_frozen(edition):
        raise Conflict(
            _("The jury of %(title)s has already made its decision.") % {"title": edition.title}
        )
    with transaction.atomic():
        # Whoever already signs in with the address (an organiser, last edition's juror).
        user = account_for(address)
        if user is not None and Membership.objects.filter(edition=edition, user=user).exists():
            raise Conflict(
                _("%(email)s already sits on the jury of %(title)s.")
                % {"email": address, "title": edition.title}
            )
        if role == Role.CHAIR:
            chair = Membership.objects.filter(edition=edition, role=Role.CHAIR).select_related(
                "user"
            )
            current = chair.first()
            if current is not None:
                raise Conflict(
                    _("%(title)s already has a chair: %(email)s. Invite the person as a juror.")
                    % {"title": edition.title, "email": current.user.email}
                )
        if user is None:
            first, _space, last = name.strip().partition(" ")
            user = User.objects.create_user(
                username=address, email=address, first_name=first[:150], last_name=last[:150]
            )
        seat = Membership.objects.create(
            edition=edition,
            user=user,
            role=role,
            invited_at=timezone.now(),
            invited_by=actor_label(actor),
            language=language,
        )
        record_event(
            action=Action.JURY_MEMBER_INVITED,
            actor=actor_label(actor),
            target=edition_target(edition),
            after={"email": address, "role": role},
        )
        _queue_invitation(seat)
    return seat


def _queue_invitation(seat: Membership) -> None:
    language = seat.language
    queue_mail(
        to=seat.user.email,
        template="jury/invitation",
        edition=seat.edition,
        links={"link": invitation_link(seat.user, language=language)},
        context={
            "edition_title": seat.edition.title,
            "role": seat.role,
            "name": seat.user.first_name,
            "login_link": site_url("login", language=language),
            "has_password": seat.user.has_usable_password(),
            "email": seat.user.email,
        },
        language=language,
    )


def resend_invitation(*, seat: Membership, actor: Actor) -> None:
    """The invitation again, in the member's language, with a fresh link."""
    _require_manager(actor, seat.edition)
    with transaction.atomic():
        record_event(
            action=Action.JURY_INVITATION_RESENT,
            actor=actor_label(actor),
            target=edition_target(seat.edition),
            after={"email": seat.user.email},
        )
        _queue_invitation(seat)


def set_member_language(*, seat: Membership, language: str, actor: User) -> Membership:
    """A member chooses the language of the jury's e-mail to them (their own seat only)."""
    _require_own_seat(actor, seat)
    _check_language(language)
    if seat.language == language:
        return seat
    with transaction.atomic():
        before = seat.language
        seat.language = language
        seat.save(update_fields=["language"])
        record_event(
            action=Action.JURY_LANGUAGE_CHANGED,
            actor=actor_label(actor),
            target=edition_target(seat.edition),
            before={"email": seat.user.email, "language": before},
            after={"email": seat.user.email, "language": language},
        )
    return seat


def accept_invitation(*, actor: User, password: str) -> None:
    """Set the invited person's password; their pending seats count as accepted.

    The actor is the invited person; the invitation link (jury.invitations.user_for_token)
    is what proves it, so the caller has read them from the link.
    """
    from django.contrib.auth.password_validation import validate_password

    user = actor
    if not Membership.objects.filter(user=user).exists():
        raise NotFound(_("There is no invitation to the jury for this account."))
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise Invalid(" ".join(exc.messages)) from None
    now = timezone.now()
    with transaction.atomic():
        user.set_password(password)
        user.save(update_fields=["password"])
        seats = list(Membership.objects.filter(user=user, accepted_at__isnull=True))
        for seat in seats:
            seat.accepted_at = now
            seat.save(update_fields=["accepted_at"])
            record_event(
                action=Action.JURY_INVITATION_ACCEPTED,
                actor=actor_label(actor),
                target=edition_target(seat.edition),
                after={"email": user.email, "role": seat.role},
            )


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
        raise Invalid(_("Unknown kind of tie '%(kind)s'.") % {"kind": kind})
    fields: dict[str, Any] = {"kind": kind}
    if kind in MUNICIPALITY_TIES:
        code = municipality_code.strip()
        found = Municipality.objects.filter(code=code).first()
        if found is None:
            raise Invalid(
                _(
                    "Unknown municipality code '%(code)s'. The code has four digits, for "
                    "example 0120 for Värmdö."
                )
                % {"code": code}
            )
        fields["municipality"] = found
    elif kind == TieKind.COUNTY:
        code = county_code.strip()
        county = County.objects.filter(code=code).first()
        if county is None:
            raise Invalid(
                _("Unknown county code '%(code)s'. The code has two digits, for example 22.")
                % {"code": code}
            )
        fields["county"] = county
        fields["county_wide"] = county_wide
    elif kind == TieKind.ORGANISATION:
        name = " ".join(organisation.split())
        if not name:
            raise Invalid(_("Write the organisation's name."))
        if len(name) > 200:
            raise Invalid(_("The organisation's name may be at most 200 characters long."))
        fields["organisation"] = name
    else:
        if candidacy is None or candidacy.edition_id != seat.edition_id:
            raise Invalid(_("Choose a candidacy of this edition."))
        fields["candidacy"] = candidacy
    if Tie.objects.filter(membership=seat, **fields).exists():
        raise Invalid(_("That tie is declared already."))
    return fields


def tie_would_conflict(*, seat: Membership, actor: User, **tie: Any) -> list[Candidacy]:
    """The candidacies a tie, once declared, would conflict the member out of (that they can
    still see now), for the page that asks first. Raises JuryError as declare_tie would."""
    _require_own_seat(actor, seat)
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
    actor: User,
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
    _require_own_seat(actor, seat)
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
            declared_by=actor_label(actor),
            declared_at=timezone.now(),
            **fields,
        )
        record_event(
            action=Action.JURY_TIE_DECLARED,
            actor=actor_label(actor),
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


def check_withdraw_tie(*, tie: Tie, actor: User) -> None:
    """Raises JuryError saying why the tie cannot be withdrawn; returns if it can."""
    seat = tie.membership
    if not may_act_for_seat(actor, seat):
        raise NotFound(_("Tie %(number)s does not exist.") % {"number": tie.pk})
    if rubric_is_locked(seat.edition):
        raise Conflict(
            _(
                "The scoring of %(title)s has begun; a declared tie stays in the recusal record "
                "and cannot be withdrawn."
            )
            % {"title": seat.edition.title}
        )


@edition_locked
def withdraw_tie(*, edition: Edition, tie: Tie, actor: User) -> None:
    """A member takes back a tie declared in error, before any scoring round has opened (no
    score has been given or seen yet); the audit log keeps what it said."""
    tie = Tie.objects.select_related("membership__user", "membership__edition__award").get(
        pk=tie.pk
    )
    if tie.membership.edition_id != edition.pk:
        raise NotFound(_("Tie %(number)s does not exist.") % {"number": tie.pk})
    check_withdraw_tie(tie=tie, actor=actor)
    with transaction.atomic():
        record_event(
            action=Action.JURY_TIE_WITHDRAWN,
            actor=actor_label(actor),
            target=edition_target(edition),
            before=_tie_record(tie),
        )
        tie.delete()
