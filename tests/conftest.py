"""Fixtures shared by the whole suite: the real register and archive, loaded once per session."""

from __future__ import annotations

import importlib
import io
import json
import os
import shutil
import socket
import socketserver
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Generator, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection
from hypothesis import settings as hypothesis_settings

from kommunpris.accounts.testing import sign_in_verified as _sign_in_verified
from kommunpris.awards.models import Award
from kommunpris.awards.selectors import award as default_award
from kommunpris.web.page_store import PageStore, store

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


@pytest.fixture
def page_store(settings: Any) -> Iterator[PageStore]:
    """The store of public answers that production keeps in each process, on and empty (the
    test settings leave it off so that tests of a page see the page made)."""
    settings.KOMMUNPRIS_PAGE_STORE_ENTRIES = 5000
    store.clear()
    yield store
    store.clear()


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

# WeasyPrint (kommunpris.desk.pdf) finds Pango's libraries with `ldconfig -p` (ctypes.util) the
# first time it is imported, once per process, as a server does on its first PDF. The suite
# imports it here, before any test is watched, so a test that makes a PDF starts nothing.
importlib.import_module("weasyprint")


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
    command = ["redis-server", "--bind", "127.0.0.1", "--port", str(port), "--dir", str(folder)]
    command += ["--save", "", "--appendonly", "no", "--logfile", str(folder / "redis.log")]
    server = subprocess.Popen(command)
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


# --- races between processes on the test's own database ---------------------------------------
# Each racer is a Python process with its own connection (tests/racer.py), started together by
# a file appearing. On PostgreSQL they connect to the test database itself (such tests are
# transactional, so what the test made is committed). SQLite's test database lives in this
# process's memory, so it is copied to a file in WAL mode for the race — the way production runs
# SQLite — and copied back afterwards; either way the test reads the outcome through the models.

RACER = Path(__file__).with_name("racer.py")


@dataclass
class Racer:
    user: str
    path: str
    data: dict[str, str]


def _postgres_url() -> str:
    s = connection.settings_dict
    password = f":{s['PASSWORD']}" if s.get("PASSWORD") else ""
    return f"postgres://{s['USER']}{password}@{s['HOST']}:{s['PORT']}/{s['NAME']}"


class SharedDatabase:
    Racer = Racer

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    @contextmanager
    def shared(self) -> Iterator[dict[str, str]]:
        """The environment for processes that work on the test's database."""
        is_sqlite = connection.vendor == "sqlite"
        file = self.folder / "shared.sqlite3"
        if is_sqlite:
            connection.ensure_connection()
            file.unlink(missing_ok=True)
            with sqlite3.connect(file) as target:
                connection.connection.backup(target)
                # As a deployed file after its first migrate: in WAL already, so processes
                # that open it at the same moment need not all switch its journal (the switch
                # takes the whole file and does not wait: "database is locked").
                target.execute("PRAGMA journal_mode=WAL")
            url = f"sqlite:///{file}"
        else:
            url = _postgres_url()
        yield {
            **os.environ,
            "DATABASE_URL": url,
            "DJANGO_SETTINGS_MODULE": "kommunpris.settings.test",
        }
        if is_sqlite:
            with sqlite3.connect(file) as source:
                source.execute("PRAGMA journal_mode=DELETE")
                source.backup(connection.connection)

    def race(self, *racers: Racer, timeout: float = 90) -> list[dict[str, Any]]:
        """Start every racer, release them at once, and return their answers in order."""
        go = self.folder / "go"
        go.unlink(missing_ok=True)
        with self.shared() as env:
            processes = []
            for number, racer in enumerate(racers):
                ready = self.folder / f"ready-{number}"
                ready.unlink(missing_ok=True)
                spec = {**racer.__dict__, "ready": str(ready), "go": str(go)}
                command = [sys.executable, str(RACER), json.dumps(spec)]
                process = subprocess.Popen(
                    command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
                )
                processes.append((ready, process))
            try:
                deadline = time.monotonic() + timeout
                while not all(ready.exists() for ready, _ in processes):
                    for _, process in processes:
                        if process.poll() is not None:
                            raise AssertionError(process.stderr.read() if process.stderr else "")
                    assert time.monotonic() < deadline, "a racer did not get ready"
                    time.sleep(0.01)
                go.touch()
                answers = []
                for _, process in processes:
                    out, err = process.communicate(timeout=max(1.0, deadline - time.monotonic()))
                    assert process.returncode == 0, err
                    answers.append(json.loads(out))
            finally:
                for _, process in processes:
                    if process.poll() is None:
                        process.kill()
                        process.wait()
        return answers


@pytest.fixture
def shared_database(tmp_path: Path, transactional_db: None) -> Iterator[SharedDatabase]:
    yield SharedDatabase(tmp_path)


# --- local mail servers: one that takes every message, one that never answers ----------------


class SmtpSink:
    """A real SMTP server on 127.0.0.1 that accepts every message and keeps it (as raw text);
    `delay` seconds pass before each message is acknowledged, like a busy server."""

    def __init__(self, delay: float = 0.0) -> None:
        self.delay = delay
        self.messages: list[str] = []
        self.lock = threading.Lock()
        sink = self

        class Handler(socketserver.StreamRequestHandler):
            def handle(self) -> None:
                self.wfile.write(b"220 sink ESMTP\r\n")
                while True:
                    line = self.rfile.readline()
                    if not line:
                        return
                    verb = line[:4].upper()
                    if verb == b"DATA":
                        self.wfile.write(b"354 go ahead\r\n")
                        body = []
                        while (part := self.rfile.readline()) not in (b".\r\n", b""):
                            body.append(part)
                        time.sleep(sink.delay)
                        with sink.lock:
                            sink.messages.append(b"".join(body).decode("utf-8", "replace"))
                        self.wfile.write(b"250 queued\r\n")
                    elif verb == b"QUIT":
                        self.wfile.write(b"221 bye\r\n")
                        return
                    else:  # EHLO, HELO, MAIL, RCPT, RSET, NOOP
                        self.wfile.write(b"250 ok\r\n")

        self.server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = int(self.server.server_address[1])
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


class HangingSmtp:
    """A mail server that accepts connections and never says a word: what a hung server does."""

    def __init__(self) -> None:
        self.connections = 0
        self.closing = threading.Event()
        hanging = self

        class Handler(socketserver.BaseRequestHandler):
            def handle(self) -> None:
                hanging.connections += 1
                self.request.settimeout(0.2)
                while not hanging.closing.is_set():
                    try:
                        if not self.request.recv(1024):
                            return  # the client gave up
                    except TimeoutError:
                        continue
                    except OSError:
                        return

        self.server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = int(self.server.server_address[1])
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.closing.set()
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def smtp_sink() -> Iterator[SmtpSink]:
    sink = SmtpSink()
    yield sink
    sink.close()


@pytest.fixture
def hanging_smtp() -> Iterator[HangingSmtp]:
    server = HangingSmtp()
    yield server
    server.close()


@pytest.fixture(scope="session")
def hanging_smtp_for_the_session() -> Iterator[HangingSmtp]:
    """One hung mail server for servers that live through many tests (tests/recipe)."""
    server = HangingSmtp()
    yield server
    server.close()
