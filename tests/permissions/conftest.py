"""The permission matrix's world (tests/permissions/world.py), built once per module inside a
transaction that is rolled back after it; each test runs in a savepoint inside it."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings
from django.utils import translation

from .world import World, build_world

__all__ = ["World"]


@pytest.fixture(scope="module")
def world(
    django_db_setup: None, django_db_blocker: Any, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[World]:
    """The world, built once for the module inside a transaction that is rolled back after it."""
    uploads = Path(tmp_path_factory.mktemp("uploads"))
    with (
        django_db_blocker.unblock(),
        override_settings(MEDIA_ROOT=uploads),
        translation.override("sv"),
        transaction.atomic(),
    ):
        # A transactional test elsewhere may have emptied the tables; bootstrap is idempotent.
        call_command("bootstrap", stdout=io.StringIO())
        cache.clear()
        yield build_world()
        transaction.set_rollback(True)


@pytest.fixture(autouse=True)
def _fresh() -> Iterator[None]:
    """Each test starts in Swedish with no rate limit used."""
    cache.clear()
    with translation.override("sv"):
        yield
    cache.clear()
