"""An edition of 2027 built through the services at a controlled clock: the call, nominations
confirmed by their mailed links, municipality contacts told of their candidacy; and a jury."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.auth.models import User
from django.core import mail
from django.core.cache import cache
from django.test import Client
from django.utils import translation

from kommunpris.accounts.testing import sign_in_verified
from kommunpris.awards.models import Award, Edition
from kommunpris.awards.services import create_edition, open_nominations
from kommunpris.nominations.models import Candidacy, MunicipalityContact, Nomination
from kommunpris.nominations.services import (
    confirm_nomination,
    register_contact,
    submit_nomination,
)
from kommunpris.register.models import Municipality
from tests.jury.conftest import full_marks, jury  # noqa: F401  (the jury's fixtures, shared)

STOCKHOLM = ZoneInfo("Europe/Stockholm")
ORGANISER = "organisator@kvalitetsmassan.se"
PASSWORD = "rätt-häst-batteri-häftstift"

# The 2027 edition's dates, Swedish time.
CREATED = datetime(2027, 3, 1, 9, 0, tzinfo=STOCKHOLM)
NOMINATIONS_CLOSE = datetime(2027, 4, 29, 23, 59, tzinfo=STOCKHOLM)
SUPPLEMENT_CLOSE = datetime(2027, 5, 12, 23, 59, tzinfo=STOCKHOLM)
CEREMONY = datetime(2027, 11, 10, 18, 0, tzinfo=STOCKHOLM)

ANSWERS = {
    "proud": "E-tjänsterna för bygglov som invånarna faktiskt använder.",
    "effect": "Handläggningstiden halverades.",
    "learned": "Att börja med invånarnas behov.",
}


def at(*parts: int) -> datetime:
    """A moment in Swedish time: at(2027, 5, 5, 8, 0)."""
    return datetime(*parts, tzinfo=STOCKHOLM)  # type: ignore[misc]


@pytest.fixture(autouse=True)
def _swedish_and_fresh() -> Iterator[None]:
    cache.clear()
    with translation.override("sv"):
        yield
    cache.clear()


@dataclass
class Call:
    """The 2027 edition and the clock the test moves."""

    edition: Edition
    clock: Any
    capture: Any
    organiser: User
    nominations: dict[str, Nomination] = field(default_factory=dict)

    def move_to(self, moment: datetime) -> None:
        self.clock.move_to(moment, tick=False)

    def refresh(self) -> Edition:
        self.edition.refresh_from_db()
        return self.edition

    def nominate(self, code: str, email: str, *, language: str = "sv") -> Nomination:
        """A nomination as the form sends it; its confirmation e-mail goes out at commit."""
        with self.capture(execute=True):
            submitted = submit_nomination(
                edition=self.edition,
                municipality=Municipality.objects.get(code=code),
                nominator_name="Anna Andersson",
                nominator_email=email,
                language=language,
                answers=ANSWERS,
            )
        return submitted.nomination

    def confirm_latest(self) -> None:
        """Follow the link in the latest confirmation e-mail, as the nominator does."""
        body = next(m.body for m in reversed(mail.outbox) if "/nominera/bekrafta/" in m.body)
        token = re.search(r"/nominera/bekrafta/([^/\s]+)/", body)
        assert token is not None
        with self.capture(execute=True):
            confirm_nomination(token=token.group(1))

    def candidate(self, code: str, contact: str) -> tuple[Candidacy, MunicipalityContact]:
        """A confirmed nomination of the municipality, and its contact told of the candidacy."""
        self.nominate(code, f"nominator-{code}@example.se")
        self.confirm_latest()
        with self.capture(execute=True):
            found = register_contact(
                edition=self.edition,
                municipality=Municipality.objects.get(code=code),
                email=contact,
                actor=self.organiser,
            )
        candidacy = Candidacy.objects.get(edition=self.edition, members__municipality_id=code)
        return candidacy, found


@pytest.fixture
def call(award: Award, django_capture_on_commit_callbacks: Any, settings: Any) -> Iterator[Call]:
    """Sveriges DigitaliseringsKommun 2027, its call opened on 1 March 2027 at 09:00."""
    settings.KOMMUNPRIS_SITE_URL = "https://kommunpris.example.se"
    with time_machine.travel(CREATED, tick=False) as clock:
        organiser = User.objects.create_user(
            username=ORGANISER, email=ORGANISER, password=PASSWORD, is_staff=True
        )
        edition = create_edition(
            award=award,
            year=2027,
            nominations_close_at=NOMINATIONS_CLOSE,
            supplement_close_at=SUPPLEMENT_CLOSE,
            ceremony_at=CEREMONY,
            actor=organiser,
        )
        edition = open_nominations(edition=edition, actor=organiser)
        mail.outbox.clear()
        yield Call(
            edition=edition,
            clock=clock,
            capture=django_capture_on_commit_callbacks,
            organiser=organiser,
        )


def signed_in(user: User) -> Client:
    return sign_in_verified(Client(), user)
