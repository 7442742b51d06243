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
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from kommunpris.audit.services import record_event

RECOVERY_CODE_COUNT = 10
TOTP_DEVICE_NAME = "Autentiseringsapp"
RECOVERY_DEVICE_NAME = "Reservkoder"
# Who acts when nobody has proved who they are yet (a failed or refused password).
PUBLIC_ACTOR = "public"


class AccountError(ValueError):
    """A sign-in step that cannot go ahead, with a message that says what to do."""


class WrongCode(AccountError):
    pass


@dataclass
class CodeThrottled(AccountError):
    """Too many wrong codes in a row: django-otp makes the device wait (1, 2, 4, 8 … seconds)."""

    until: datetime

    def __str__(self) -> str:
        seconds = max(1, math.ceil((self.until - timezone.now()).total_seconds()))
        wait = "1 sekund" if seconds == 1 else f"{seconds} sekunder"
        return f"För många felaktiga koder i rad. Vänta {wait} och försök igen."


def actor_of(user: User) -> str:
    return user.email or user.get_username()


def user_target(username: str) -> str:
    return f"user:{username}"


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


def create_superuser(*, email: str, password: str | None, actor: str) -> User:
    """An organiser with every right (also in the admin), who signs in with the address: it is
    the account's address and its username, in lower case. Without a password the account
    cannot sign in until one is set (`kommunpris changepassword ADDRESS`)."""
    from .selectors import address_is_taken

    address = email.strip().lower()
    try:
        validate_email(address)
    except ValidationError:
        raise AccountError(
            f"'{email}' är ingen e-postadress. Skriv t.ex. anna@example.se."
        ) from None
    if len(address) > 150:
        raise AccountError("E-postadressen får vara högst 150 tecken.")
    with transaction.atomic():
        if address_is_taken(address):
            raise AccountError(
                f"Det finns redan ett konto för {address}. Logga in med det, eller välj en "
                "annan adress."
            )
        user = User.objects.create_superuser(username=address, email=address, password=password)
        record_event(
            action="accounts.superuser_created",
            actor=actor,
            target=user_target(address),
            after={"email": address, "has_password": password is not None},
        )
    return user


# --- sign-in and sign-out ---------------------------------------------------------------


def record_sign_in(*, user: User, second_factor: str) -> None:
    """A person is signed in and may use the desk: with "totp", "recovery_code", "enrolment",
    or "none" for someone who needs no second factor."""
    record_event(
        action="accounts.signed_in",
        actor=actor_of(user),
        target=user_target(user.get_username()),
        after={"username": user.get_username(), "second_factor": second_factor},
    )


def record_sign_in_failure(
    *, username: str, step: str, reason: str, user: User | None = None
) -> None:
    """A refused step: "password" (the actor is unknown, so public) or a code step (the
    password was right, so the person is known). The password itself is never recorded."""
    record_event(
        action="accounts.sign_in_failed",
        actor=actor_of(user) if user is not None else PUBLIC_ACTOR,
        target=user_target(username),
        after={"username": username, "step": step, "reason": reason},
    )


def record_lockout(*, username: str, until: datetime | None) -> None:
    """Too many failures for one username from one address: sign-in is closed until `until`."""
    record_event(
        action="accounts.locked_out",
        actor=PUBLIC_ACTOR,
        target=user_target(username),
        after={"username": username, "until": until},
    )


def record_sign_out(*, user: User) -> None:
    record_event(
        action="accounts.signed_out",
        actor=actor_of(user),
        target=user_target(user.get_username()),
    )


def sign_in_with_code(*, user: User, code: str) -> TOTPDevice:
    """The second step: a six-digit code from the person's authenticator app.

    A code is accepted once (django-otp remembers the last time step used) and from one step
    before or after now, for phones whose clocks are a little off.
    """
    device = _confirmed_totp(user)
    if device is None:
        raise AccountError("Tvåstegsverifieringen är inte inställd. Ställ in den först.")
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
        raise WrongCode("Koden stämmer inte. Skriv de sex siffror som appen visar just nu.")
    return locked


def sign_in_with_recovery_code(*, user: User, code: str) -> tuple[StaticDevice, int]:
    """The second step with a recovery code instead of the app; the code is used up.

    Returns the device and how many codes are left.
    """
    device = StaticDevice.objects.filter(user=user, name=RECOVERY_DEVICE_NAME).first()
    if device is None:
        raise WrongCode("Du har inga reservkoder. Logga in med koden från appen.")
    _check_throttle(device)
    token = normalise_recovery_code(code)
    remaining = 0
    with transaction.atomic():
        locked = StaticDevice.objects.select_for_update().get(pk=device.pk)
        verified = bool(token) and locked.verify_token(token)
        if verified:
            remaining = locked.token_set.count()
            record_event(
                action="accounts.recovery_code_used",
                actor=actor_of(user),
                target=user_target(user.get_username()),
                after={"remaining": remaining},
            )
            record_sign_in(user=user, second_factor="recovery_code")
    if not verified:
        record_sign_in_failure(
            username=user.get_username(), step="recovery_code", reason="wrong_code", user=user
        )
        raise WrongCode(
            "Reservkoden stämmer inte eller är redan använd. Varje reservkod fungerar en gång."
        )
    return locked, remaining


# --- enrolment and recovery codes -------------------------------------------------------


def begin_enrolment(*, user: User) -> TOTPDevice:
    """The secret the person scans into their app; the same one until it is confirmed."""
    if _confirmed_totp(user) is not None:
        raise AccountError(
            "Tvåstegsverifieringen är redan inställd. Be en arrangör återställa den om du har "
            "tappat bort telefonen."
        )
    with transaction.atomic():
        device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-pk").first()
        if device is None:
            device = TOTPDevice.objects.create(user=user, name=TOTP_DEVICE_NAME, confirmed=False)
            record_event(
                action="accounts.two_factor_enrolment_started",
                actor=actor_of(user),
                target=user_target(user.get_username()),
            )
    return device


def confirm_enrolment(*, user: User, device: TOTPDevice, code: str) -> list[str]:
    """The first code from the app proves the secret was saved; the device counts from now,
    and the person gets fresh recovery codes (returned once, to be shown once)."""
    if device.user_id != user.pk or device.confirmed:
        raise AccountError("Inställningen har redan gjorts eller hör till någon annan.")
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
                action="accounts.two_factor_enrolled",
                actor=actor_of(user),
                target=user_target(user.get_username()),
                after={"method": "totp", "recovery_codes": len(codes)},
            )
            record_sign_in(user=user, second_factor="enrolment")
    if not verified:
        raise WrongCode(
            "Koden stämmer inte. Kontrollera att du lagt in rätt nyckel och skriv de sex siffror "
            "som appen visar just nu."
        )
    return codes


def regenerate_recovery_codes(*, user: User) -> list[str]:
    """New recovery codes; every earlier one stops working."""
    if _confirmed_totp(user) is None:
        raise AccountError("Ställ in tvåstegsverifieringen först; reservkoderna hör till den.")
    with transaction.atomic():
        codes = _replace_recovery_codes(user)
        record_event(
            action="accounts.recovery_codes_regenerated",
            actor=actor_of(user),
            target=user_target(user.get_username()),
            after={"recovery_codes": len(codes)},
        )
    return codes


def reset_two_factor(*, person: User, actor: str) -> None:
    """Remove a person's app and recovery codes (a lost phone); they enrol again at their next
    sign-in, and any session they had needs the new second factor before the desk opens."""
    with transaction.atomic():
        totp = TOTPDevice.objects.filter(user=person)
        static = StaticDevice.objects.filter(user=person)
        before = {
            "totp_devices": totp.filter(confirmed=True).count(),
            "recovery_codes": StaticToken.objects.filter(device__user=person).count(),
        }
        if not totp.exists() and not static.exists():
            raise AccountError(
                f"{person.get_username()} har ingen tvåstegsverifiering att återställa."
            )
        totp.delete()
        static.delete()
        record_event(
            action="accounts.two_factor_reset",
            actor=actor,
            target=user_target(person.get_username()),
            before=before,
            after={"totp_devices": 0, "recovery_codes": 0},
        )
