"""One fresh SQLite file and one gunicorn for the crash-safety tests of this folder.

The database is made by `kommunpris migrate`, `kommunpris bootstrap` and the services (see
harness.py), never through the test process's own database, which these tests do not use.
"""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest


def _load_harness() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "kommunpris_crash_harness", Path(__file__).with_name("harness.py")
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up by name
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="session")
def harness() -> ModuleType:
    return _load_harness()


@pytest.fixture(scope="module")
def site(harness: ModuleType, tmp_path_factory: pytest.TempPathFactory, redis_url: str) -> Any:
    return harness.Site(tmp_path_factory.mktemp("crash"), redis_url=redis_url)


@pytest.fixture(scope="module")
def world(site: Any) -> dict[str, Any]:
    return dict(site.prepare())


@pytest.fixture(scope="module")
def server(harness: ModuleType, site: Any, world: dict[str, Any]) -> Iterator[Any]:
    """gunicorn with four workers on a free port of 127.0.0.1; a test may kill and restart it."""
    running = harness.Server(site, workers=4)
    running.start()
    yield running
    running.stop()
