"""Fixtures shared by the whole suite: the real register and archive, loaded once per session."""

from __future__ import annotations

import io
import sys
from collections.abc import Generator, Iterator

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


# --- What a test starts, and the markers that say so -------------------------------------------
# `make test` runs a short suite on every other Python with -m "not browser and not postgres and
# not slow" (scripts/test-all.sh). A test that starts Chromium, a server or a subprocess says so
# with its marker (browser or slow), or it would run there too; this check fails a test that
# starts one without it, wherever the test runs. What starts something is seen through Python's
# audit events, so a helper or a fixture in between changes nothing.
_STARTS_SOMETHING = {
    "subprocess.Popen",
    "os.system",
    "os.posix_spawn",
    "os.exec",
    "os.spawn",
    "os.fork",
}
_BINDS = "socket.bind"
_started: list[str] = []
_watching = False


def _note_start(event: str, args: tuple[object, ...]) -> None:
    if not _watching:
        return
    if event in _STARTS_SOMETHING:
        _started.append(f"{event} {str(args[1] if len(args) > 1 else args)[:120]}")
    elif event == _BINDS:
        _started.append(f"a server listening on {args[1]!r}")


sys.addaudithook(_note_start)


def _marker_problems(item: pytest.Item, started: list[str]) -> list[str]:
    marks = {mark.name for mark in item.iter_markers()}
    problems = []
    if "chromium" in item.fixturenames and "browser" not in marks:
        problems.append("uses Chromium (fixture chromium) but is not marked browser")
    if "live_server" in item.fixturenames and not marks & {"browser", "slow"}:
        problems.append(
            "starts a server (fixture live_server) but is marked neither slow nor browser"
        )
    if started and not marks & {"browser", "slow"}:
        problems.append(f"starts {started[0]} but is marked neither slow nor browser")
    return problems


def _watched(item: pytest.Item) -> Generator[None, object, object]:
    global _watching
    _started.clear()
    _watching = True
    try:
        result = yield
    finally:
        _watching = False
    problems = _marker_problems(item, list(_started))
    if problems:
        pytest.fail(
            f"{item.nodeid} {'; '.join(problems)}. Add the marker (pyproject.toml lists them), so "
            "the short suite on other Pythons leaves it out.",
            pytrace=False,
        )
    return result


@pytest.fixture(name="marker_problems")
def marker_problems_fixture() -> object:
    """`marker_problems(item, started)`: what the check above finds wrong with a test's markers."""
    return _marker_problems


@pytest.hookimpl(wrapper=True)
def pytest_runtest_setup(item: pytest.Item) -> Generator[None, object, object]:
    return (yield from _watched(item))


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Generator[None, object, object]:
    return (yield from _watched(item))
