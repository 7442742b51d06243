"""Fixtures for sign-in: an edition with a jury invitation, an organiser, and the steps a person
takes (password, code from the app, recovery code), all through HTTP."""

from __future__ import annotations

import re
from base64 import b32decode, b32encode
from collections.abc import Iterator
from dataclasses import dataclass
from html import unescape
from types import SimpleNamespace
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.test import Client
from django.utils import translation
from django_otp.oath import TOTP

from kommunpris.accounts import services as accounts
from kommunpris.audit.models import AuditEvent
from kommunpris.audit.vocabulary import CLI
from kommunpris.awards.models import Award, Edition, Phase
from kommunpris.jury import services as jury
from kommunpris.jury.models import Role

PASSWORD = "rätt-häst-batteri-häftstift"
ORGANISER = "organisator@kvalitetsmassan.se"


@pytest.fixture(autouse=True)
def swedish() -> Iterator[None]:
    with translation.override("sv"):
        yield


def text(response: Any) -> str:
    """The page as a person reads it: tags gone, entities decoded, spaces folded."""
    body = response.content.decode()
    body = re.sub(r"<(script|style|svg)\b.*?</\1>", " ", body, flags=re.S)
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", body)).split())


def code_from_secret(secret: str, *, at: float | None = None) -> str:
    """What an authenticator app shows for a key typed in from the set-up page (django-otp's
    TOTP: 30-second steps, six digits)."""
    totp = TOTP(b32decode(secret.replace(" ", "")))
    if at is not None:
        totp.time = at
    return f"{totp.token():06d}"


def secret_on(page: Any) -> str:
    found = re.search(r'<code id="secret">([A-Z2-7 ]+)</code>', page.content.decode())
    assert found, text(page)
    return found.group(1)


def audit_actions(username: str) -> list[str]:
    return list(
        AuditEvent.objects.filter(target=f"user:{username}")
        .order_by("id")
        .values_list("action", flat=True)
    )


@dataclass
class World:
    edition: Edition
    organiser: User


@pytest.fixture
def world(award: Award) -> World:
    edition = Edition.objects.create(
        award=award, year=2029, phase=Phase.NOMINATIONS_CLOSED, venue=award.venue
    )
    organiser = User.objects.create_user(
        username=ORGANISER, email=ORGANISER, password=PASSWORD, is_staff=True
    )
    return World(edition=edition, organiser=organiser)


@pytest.fixture
def invite(world: World, django_capture_on_commit_callbacks: Any) -> Any:
    """Seat someone on the jury; returns the path of the link in their invitation."""

    def send(email: str, role: str = Role.JUROR) -> str:
        with django_capture_on_commit_callbacks(execute=True):
            jury.invite_member(edition=world.edition, email=email, role=role, actor=CLI)
        for message in reversed(mail.outbox):
            if email in message.to:
                found = re.search(r"https?://\S+/arbetsyta/jury/inbjudan/\S+/", message.body)
                assert found, message.body
                return urlsplit(found.group(0)).path
        raise AssertionError(f"no invitation to {email}")

    return send


@pytest.fixture
def juror(world: World) -> User:
    """Anna, a juror who has set her password (not yet two-factor)."""
    seat = jury.invite_member(
        edition=world.edition, email="anna@example.se", role=Role.JUROR, actor=CLI
    )
    jury.accept_invitation(actor=seat.user, password=PASSWORD)
    return User.objects.get(pk=seat.user_id)


def sign_in(client: Client, username: str, password: str = PASSWORD, next: str = "") -> Any:
    data = {"username": username, "password": password}
    if next:
        data["next"] = next
    return client.post("/logga-in/", data)


@pytest.fixture
def kit() -> SimpleNamespace:
    """The helpers above, for test modules (conftest modules are not importable here)."""
    return SimpleNamespace(
        text=text,
        code_from_secret=code_from_secret,
        secret_on=secret_on,
        audit_actions=audit_actions,
        sign_in=sign_in,
        password=PASSWORD,
    )


@dataclass
class Enrolled:
    user: User
    secret: str
    recovery_codes: list[str]


@pytest.fixture
def enrolled(juror: User) -> Enrolled:
    """Anna with her app set up (through the services) and her ten recovery codes."""
    device = accounts.begin_enrolment(user=juror)
    secret = b32encode(device.bin_key).decode()
    codes = accounts.confirm_enrolment(user=juror, device=device, code=code_from_secret(secret))
    return Enrolled(user=juror, secret=secret, recovery_codes=codes)
