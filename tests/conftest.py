"""Fixtures shared by the whole suite: the real register and archive, loaded once per session."""

from __future__ import annotations

import io
from collections.abc import Iterator

import pytest
from django.core.management import call_command

from kommunpris.awards.models import Award
from kommunpris.awards.selectors import award as default_award


def _bootstrap() -> None:
    call_command("bootstrap", stdout=io.StringIO())


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: None, django_db_blocker: pytest.FixtureRequest) -> Iterator[None]:
    """Every test database starts with the 290 municipalities and the 2001–2023 archive."""
    with django_db_blocker.unblock():  # type: ignore[attr-defined]
        _bootstrap()
    yield


@pytest.fixture
def archive(db: None) -> Award:
    """The default award with its archive; reloaded if a transactional test emptied the tables."""
    _bootstrap()
    return default_award()


@pytest.fixture
def award(archive: Award) -> Award:
    return archive
