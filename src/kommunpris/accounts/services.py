"""Every change to how a person signs in, and every sign-in and sign-out, as one audited function.

The second factor is django-otp's: one TOTP device (an authenticator app) and one static device
holding the recovery codes. A person enrols once; an organiser (or `kommunpris reset_two_factor`)
resets it when the phone is lost, and the person enrols again at their next sign-in.
"""

from __future__ import annotations

import math
import secrets
from base64 import b32encode
from dataclasses import dataclass
from datetime import datetime

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from kommunpris import errors
from kommunpris.audit.services import record_event
from kommunpris.audit.vocabulary import PUBLIC, Action, MachineActor, actor_label, user_target
from kommunpris.permissions.accounts import may_reset_two_factor
from kommunpris.permissions.awards import acts_for_the_platform

RECOVERY_CODE_COUNT = 10
TOTP_DEVICE_NAME = "Autentiseringsapp"
RECOVERY_DEVICE_NAME = "Reservkoder"


class AccountError(errors.Invalid, ValueError):
    """A sign-in step that cannot go ahead, with a message that says what to do."""


class WrongCode(AccountError):
    pass


class AccountNotAllowed(AccountError, errors.NotAllowed):
    status = errors.NotAllowed.status


@dataclass
class CodeThrottled(AccountError, errors.Conflict):
    """Too many wrong codes in a row: django-otp makes the device wait (1, 2, 4, 8 … seconds)."""

    until: datetime
    status = errors.Conflict.status

    def __str__(self) -> str:
        seconds = max(1, math.ceil((self.until - timezone.now()).total_seconds()))
        return ngettext(
            "Too many wrong codes in a row. Wait %(seconds)s second and try again.",
            "Too many wrong codes in a row. Wait %(seconds)s seconds and try again.",
            seconds,
        ) % {"seconds": seconds}


def format_recovery_code(code: str) -> str:
    """abcdefghijklmnop → abcd-efgh-ijkl-mnop, easier to read aloud and to copy by hand."""
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))


def normalise_recovery_code(text: str) -> str:
    return "".join(ch for ch in text.lower() if ch.isalnum())


def normalise_totp_code(text: str) -> str:
    return "".join(ch for ch in text if not ch.isspace())


def _new_recovery_code() -> str:
    # 80 random bits in base32: 16 letters and digits, no padding.
    return b32encode(secrets.token_bytes(10)).decode().lower()


def _replace_recovery_codes(user: User) -> list[str]:
    device, _ = StaticDevice.objects.select_for_update().get_or_create(
        user=user, name=RECOVERY_DEVICE_NAME, defaults={"confirmed": True}
    )
    device.token_set.all().delete()
    codes = [_new_recovery_code() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


def _confirmed_totp(user: User) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()


def _check_throttle(device: TOTPDevice | StaticDevice) -> None:
    allowed, info = device.verify_is_allowed()
    if not allowed and info and info.get("locked_until"):
        raise CodeThrottled(info["locked_until"])


# --- accounts ---------------------------------------------------------------------------


def create_superuser(*, email: str, password: str | None, actor: User | MachineActor) -> User:
    """An organiser with every right (also in the admin), who signs in with the address: it is
    the account's address and its username, in lower case. Without a password the account
    cannot sign in until one is set (`kommunpris changepassword ADDRESS`)."""
    from .selectors import address_is_taken

    if not (acts_for_the_platform(actor) or getattr(actor, "is_superuser", False)):
        raise AccountNotAllowed(
            _("Only an administrator or the command line creates administrators.")
        )
    address = email.strip().lower()
    try:
        validate_email(address)
    except ValidationError:
        raise AccountError(
            _("'%(email)s' is no e-mail address. Write e.g. anna@example.se.") % {"email": email}
        ) from None
    if len(address) > 150:
        raise AccountError(_("The e-mail address may be at most 150 characters."))
    with transaction.atomic():
        if address_is_taken(address):
            raise AccountError(
                _(
                    "There is already an account for %(address)s. Sign in with it, or choose "
                    "another address."
                )
                % {"address": address}
            )
        user = User.objects.create_superuser(username=address, email=address, password=password)
        record_event(
            action=Action.ACCOUNTS_SUPERUSER_CREATED,
            actor=actor_label(actor),
            target=user_target(address),
            after={"email": address, "has_password": password is not None},
        )
    return user


# --- sign-in and sign-out ---------------------------------------------------------------


def record_sign_in(*, user: User, second_factor: str) -> None:
    """A person is signed in and may use the desk: with "totp", "recovery_code", "enrolment",
    or "none" for someone who needs no second factor."""
    record_event(
        action=Action.ACCOUNTS_SIGNED_IN,
        actor=actor_label(user),
        target=user_target(user.get_username()),
        after={"username": user.get_username(), "second_factor": second_factor},
    )


def record_sign_in_failure(
    *, username: str, step: str, reason: str, user: User | None = None
) -> None:
    """A refused step: "password" (the actor is unknown, so public) or a code step (the
    password was right, so the person is known). The password itself is never recorded."""
    record_event(
        action=Action.ACCOUNTS_SIGN_IN_FAILED,
        actor=actor_label(user) if user is not None else PUBLIC,
        target=user_target(username),
        after={"username": username, "step": step, "reason": reason},
    )


def record_lockout(*, username: str, until: datetime | None) -> None:
    """Too many failures for one username from one address: sign-in is closed until `until`."""
    record_event(
        action=Action.ACCOUNTS_LOCKED_OUT,
        actor=PUBLIC,
        target=user_target(username),
        after={"username": username, "until": until},
    )


def record_sign_out(*, user: User) -> None:
    record_event(
        action=Action.ACCOUNTS_SIGNED_OUT,
        actor=actor_label(user),
        target=user_target(user.get_username()),
    )


def sign_in_with_code(*, user: User, code: str) -> TOTPDevice:
    """The second step: a six-digit code from the person's authenticator app.

    A code is accepted once (django-otp remembers the last time step used) and from one step
    before or after now, for phones whose clocks are a little off.
    """
    device = _confirmed_totp(user)
    if device is None:
        raise AccountError(_("Two-step verification is not set up. Set it up first."))
    _check_throttle(device)
    token = normalise_totp_code(code)
    with transaction.atomic():
        locked = TOTPDevice.objects.select_for_update().get(pk=device.pk)
        verified = locked.verify_token(token)
        if verified:
            record_sign_in(user=user, second_factor="totp")
    if not verified:
        record_sign_in_failure(
            username=user.get_username(), step="code", reason="wrong_code", user=user
        )
        raise WrongCode(_("The code is wrong. Type the six digits the app shows right now."))
    return locked


def sign_in_with_recovery_code(*, user: User, code: str) -> tuple[StaticDevice, int]:
    """The second step with a recovery code instead of the app; the code is used up.

    Returns the device and how many codes are left.
    """
    device = StaticDevice.objects.filter(user=user, name=RECOVERY_DEVICE_NAME).first()
    if device is None:
        raise WrongCode(_("You have no recovery codes. Sign in with the code from the app."))
    _check_throttle(device)
    token = normalise_recovery_code(code)
    remaining = 0
    with transaction.atomic():
        locked = StaticDevice.objects.select_for_update().get(pk=device.pk)
        verified = bool(token) and locked.verify_token(token)
        if verified:
            remaining = locked.token_set.count()
            record_event(
                action=Action.ACCOUNTS_RECOVERY_CODE_USED,
                actor=actor_label(user),
                target=user_target(user.get_username()),
                after={"remaining": remaining},
            )
            record_sign_in(user=user, second_factor="recovery_code")
    if not verified:
        record_sign_in_failure(
            username=user.get_username(), step="recovery_code", reason="wrong_code", user=user
        )
        raise WrongCode(
            _("The recovery code is wrong or already used. Each recovery code works once.")
        )
    return locked, remaining


# --- enrolment and recovery codes -------------------------------------------------------


def begin_enrolment(*, user: User) -> TOTPDevice:
    """The secret the person scans into their app; the same one until it is confirmed."""
    if _confirmed_totp(user) is not None:
        raise AccountError(
            _(
                "Two-step verification is set up already. Ask an organiser to reset it if you "
                "have lost your phone."
            )
        )
    with transaction.atomic():
        device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-pk").first()
        if device is None:
            device = TOTPDevice.objects.create(user=user, name=TOTP_DEVICE_NAME, confirmed=False)
            record_event(
                action=Action.ACCOUNTS_TWO_FACTOR_ENROLMENT_STARTED,
                actor=actor_label(user),
                target=user_target(user.get_username()),
            )
    return device


def confirm_enrolment(*, user: User, device: TOTPDevice, code: str) -> list[str]:
    """The first code from the app proves the secret was saved; the device counts from now,
    and the person gets fresh recovery codes (returned once, to be shown once)."""
    if device.user_id != user.pk or device.confirmed:
        raise AccountError(_("The setup has been done already or belongs to someone else."))
    _check_throttle(device)
    token = normalise_totp_code(code)
    codes: list[str] = []
    with transaction.atomic():
        locked = TOTPDevice.objects.select_for_update().get(pk=device.pk)
        verified = locked.verify_token(token)
        if verified:
            locked.confirmed = True
            locked.save(update_fields=["confirmed"])
            codes = _replace_recovery_codes(user)
            record_event(
                action=Action.ACCOUNTS_TWO_FACTOR_ENROLLED,
                actor=actor_label(user),
                target=user_target(user.get_username()),
                after={"method": "totp", "recovery_codes": len(codes)},
            )
            record_sign_in(user=user, second_factor="enrolment")
    if not verified:
        raise WrongCode(
            _(
                "The code is wrong. Check that you entered the right key and type the six "
                "digits the app shows right now."
            )
        )
    return codes


def regenerate_recovery_codes(*, user: User) -> list[str]:
    """New recovery codes; every earlier one stops working."""
    if _confirmed_totp(user) is None:
        raise AccountError(
            _("Set up two-step verification first; the recovery codes belong to it.")
        )
    with transaction.atomic():
        codes = _replace_recovery_codes(user)
        record_event(
            action=Action.ACCOUNTS_RECOVERY_CODES_REGENERATED,
            actor=actor_label(user),
            target=user_target(user.get_username()),
            after={"recovery_codes": len(codes)},
        )
    return codes


def reset_two_factor(*, person: User, actor: User | MachineActor) -> None:
    """Remove a person's app and recovery codes (a lost phone); they enrol again at their next
    sign-in, and any session they had needs the new second factor before the desk opens."""
    if not (acts_for_the_platform(actor) or may_reset_two_factor(actor, person)):
        raise AccountNotAllowed(
            _(
                "You may not reset %(person)s's two-step verification. An organiser resets "
                "someone else's; only an administrator resets an administrator's."
            )
            % {"person": person.get_username()}
        )
    with transaction.atomic():
        totp = TOTPDevice.objects.filter(user=person)
        static = StaticDevice.objects.filter(user=person)
        before = {
            "totp_devices": totp.filter(confirmed=True).count(),
            "recovery_codes": StaticToken.objects.filter(device__user=person).count(),
        }
        if not totp.exists() and not static.exists():
            raise AccountError(
                _("%(person)s has no two-step verification to reset.")
                % {"person": person.get_username()}
            )
        totp.delete()
        static.delete()
        record_event(
            action=Action.ACCOUNTS_TWO_FACTOR_RESET,
            actor=actor_label(actor),
            target=user_target(person.get_username()),
            before=before,
            after={"totp_devices": 0, "recovery_codes": 0},
        )
