"""Fixtures shared by the whole suite: the real register and archive, loaded once per session."""

from __future__ import annotations

import io
import os
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator

import pytest
from django.core.management import call_command
from hypothesis import settings as hypothesis_settings

from kommunpris.accounts.testing import sign_in_verified as _sign_in_verified
from kommunpris.awards.models import Award
from kommunpris.awards.selectors import award as default_award

# Property tests check what holds, not how fast: on a shared 2-core machine a per-example
# deadline only measures the load (make test runs the suite twice, on two databases).
hypothesis_settings.register_profile("kommunpris", deadline=None)
hypothesis_settings.load_profile("kommunpris")

# Organisers and jury members need both factors before the desk opens. Tests sign them in with
# `sign_in_verified(client, user)` (the fixture below, or kommunpris.accounts.testing in a
# conftest) instead of `client.force_login(user)`.
sign_in_verified = _sign_in_verified


def _bootstrap() -> None:
    call_command("bootstrap", stdout=io.StringIO())


@pytest.fixture(scope="session")
def django_db_setup(
    django_db_setup: None, django_db_blocker: pytest.FixtureRequest
) -> Iterator[None]:
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


@pytest.fixture(name="sign_in_verified")
def sign_in_verified_fixture() -> object:
    """`sign_in_verified(client, user)`: signed in with password and second factor."""
    return _sign_in_verified


CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def chromium() -> Iterator[object]:
    """Debian's headless Chromium driven by Playwright (no browser download)."""
    import os

    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; the ORM calls in the
    # test body are still synchronous.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(chromium: object) -> Iterator[object]:
    """A fresh browser page (Swedish locale) for one test."""
    context = chromium.new_context(locale="sv-SE")  # type: ignore[attr-defined]
    tab = context.new_page()
    yield tab
    context.close()


def _redis_answers(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1) as probe:
            probe.sendall(b"PING\r\n")
            return probe.recv(16).startswith(b"+PONG")
    except OSError:
        return False


@pytest.fixture(scope="session")
def redis_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The shared cache of production: REDIS_URL when `make test` (scripts/with-redis) gives
    one, otherwise a throw-away Debian redis-server on a free port of 127.0.0.1."""
    given = os.environ.get("REDIS_URL")
    if given:
        yield given
        return
    assert shutil.which("redis-server"), "redis-server is missing: run scripts/system-packages"
    folder = tmp_path_factory.mktemp("redis")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = int(probe.getsockname()[1])
    server = subprocess.Popen(
        ["redis-server", "--bind", "127.0.0.1", "--port", str(port), "--dir", str(folder)]
        + ["--save", "", "--appendonly", "no", "--logfile", str(folder / "redis.log")],
    )
    try:
        deadline = time.monotonic() + 20
        while not _redis_answers(port):
            assert server.poll() is None, (folder / "redis.log").read_text()
            assert time.monotonic() < deadline, "redis-server did not answer in 20 s"
            time.sleep(0.05)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        server.terminate()
        server.wait(timeout=10)
