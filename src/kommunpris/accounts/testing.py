"""Helpers for tests that need a person signed in with both factors, or the code an app shows."""

from __future__ import annotations

import time

from django.contrib.auth.models import User
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from .middleware import KEEP_ALIVE_KEY
from .services import TOTP_DEVICE_NAME


def sign_in_verified(client: Client, user: User) -> Client:
    """Sign `user` in on `client` as if they had given password and app code: a confirmed TOTP
    device (made if missing) and the session marked the way django_otp.login marks it."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=TOTP_DEVICE_NAME, confirmed=True)
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session[KEEP_ALIVE_KEY] = int(time.time())  # as the sign-in response would have written it
    session.save()
    return client


def totp_code(device: TOTPDevice, *, steps_ahead: int = 0) -> str:
    """The six digits the person's app shows now (or `steps_ahead` 30-second steps later)."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + steps_ahead * device.step
    return f"{totp.token():0{device.digits}d}"


def organiser_account(email: str = "organiser@example.se") -> User:
    """An organiser's account (active staff) with that address, made if missing: the actor a
    test hands to a service that only organisers may call."""
    user, _created = User.objects.get_or_create(
        username=email, defaults={"email": email, "is_staff": True}
    )
    return user
