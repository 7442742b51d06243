"""Fixtures for the call for nominations: an open edition, an organiser, a form that posts itself,
and the links people find in their e-mail."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import pytest
from django.contrib.auth.models import User
from django.core.cache import cache
from django.core.mail import EmailMessage
from django.test import Client
from django.utils import timezone

from kommunpris.accounts.testing import sign_in_verified
from kommunpris.awards.models import Award, Edition
from kommunpris.awards.services import create_edition, open_nominations

FORM = {
    "municipality": "Sundsvall",
    "proud": "E-tjänsterna för bygglov som invånarna faktiskt använder.",
    "effect": "Handläggningstiden halverades och fler ärenden klaras digitalt.",
    "learned": "Att börja med invånarnas behov och mäta effekten från dag ett.",
    "nominator_name": "Anna Andersson",
    "nominator_email": "anna@example.se",
    "nominator_organisation": "Sundsvalls företagarförening",
    "consent": "on",
    "website": "",
}

# The smallest file every PDF reader opens: header, one empty page, cross-reference, trailer.
MINIMAL_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)


@pytest.fixture
def pdf() -> bytes:
    return MINIMAL_PDF


@pytest.fixture
def form() -> dict[str, str]:
    """What a person fills in (a fresh copy per test)."""
    return dict(FORM)


@pytest.fixture(autouse=True)
def _fresh_rate_limits() -> Iterator[None]:
    """Rate limits live in the cache; every test starts with none used."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _uploads(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "uploads"
    return Path(settings.MEDIA_ROOT)


@pytest.fixture
def edition(award: Award, organiser: User) -> Edition:
    """Sveriges DigitaliseringsKommun 2027 with its call for nominations open."""
    now = timezone.now()
    created = create_edition(
        award=award,
        year=2027,
        nominations_close_at=now + timedelta(days=30),
        supplement_close_at=now + timedelta(days=45),
        ceremony_at=now + timedelta(days=200),
        actor=organiser,
    )
    return open_nominations(edition=created, actor=organiser)


@pytest.fixture
def organiser(db: None) -> User:
    return User.objects.create_user(
        username="organiser@example.se",
        email="organiser@example.se",
        password="correct horse battery staple",
        is_staff=True,
    )


@pytest.fixture
def organiser_client(organiser: User) -> Client:
    return sign_in_verified(Client(), organiser)


@pytest.fixture
def nominate(client: Client, django_capture_on_commit_callbacks: Any) -> Callable[..., Any]:
    """Post the nomination form as a person would, e-mail sent after commit."""

    def post(
        path: str = "/nominera/", via: Client | None = None, ip: str = "192.0.2.10", **changes: str
    ) -> Any:
        data = {**FORM, **changes}
        with django_capture_on_commit_callbacks(execute=True):
            return (via or client).post(path, data, REMOTE_ADDR=ip)

    return post


def _path_of_link(message: EmailMessage, marker: str) -> str:
    links = re.findall(r"https?://\S+", message.body)
    for link in links:
        if marker in link:
            return urlparse(link).path
    raise AssertionError(f"no {marker} link in: {message.body}")


@pytest.fixture
def link_in() -> Callable[[EmailMessage, str], str]:
    """The path of the first link in a message whose URL contains `marker`."""
    return _path_of_link


@pytest.fixture
def confirm(client: Client, django_capture_on_commit_callbacks: Any) -> Callable[[str], Any]:
    """Follow a confirmation link and press its button, as a person does."""

    def follow(path: str) -> Any:
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(path, follow=True)

    return follow
