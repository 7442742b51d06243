"""A throw-away kommunpris under gunicorn on a fresh SQLite file, with clients that behave like
browsers: used by the crash-safety tests (tests/crash) and by bench/load.py.

Traffic goes only to 127.0.0.1 and every loop is bounded. Run as a script, this file works
inside Django on the database named by DATABASE_URL:

    python harness.py setup      the world of the load, made through the services; prints JSON
    python harness.py snapshot   what the load left in the database, read through the models

so the world is made and read the way the application makes and reads it, never by hand.
"""

from __future__ import annotations

import email as email_parser
import html
import http.client
import json
import os
import random
import re
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import partial
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

HERE = Path(__file__).resolve().parent
BIN = Path(sys.executable).parent
HOST = "127.0.0.1"
PASSWORD = "Krasch-säker-juryledamot-2027"
SETTINGS = "kommunpris.settings.crashtest"


# --- the world, made through the services (runs inside Django) ------------------------------


def _setup() -> dict[str, Any]:
    """Two editions: one whose jury is scoring its candidacies, one taking nominations."""
    from datetime import timedelta

    from django.contrib.auth.models import User
    from django.utils import timezone

    from kommunpris.accounts.services import begin_enrolment, confirm_enrolment
    from kommunpris.accounts.testing import totp_code
    from kommunpris.awards.selectors import award as default_award
    from kommunpris.awards.services import close_nominations, create_edition, open_nominations
    from kommunpris.jury import services as jury
    from kommunpris.jury.models import Criterion, Role
    from kommunpris.nominations import services as nominations
    from kommunpris.nominations.models import Candidacy
    from kommunpris.register.models import Municipality

    actor = "cli"
    the_award = default_award()
    now = timezone.now()
    jury_year = now.year + 1 if now.year % 2 == 0 else now.year + 2
    nomination_year = jury_year + 2

    # The jury's edition: six municipalities nominated and confirmed, the call closed.
    edition = create_edition(
        award=the_award,
        year=jury_year,
        nominations_close_at=now + timedelta(days=1),
        supplement_close_at=now + timedelta(days=2),
        ceremony_at=now + timedelta(days=300),
        actor=actor,
    )
    edition = open_nominations(edition=edition, actor=actor, now=now)
    for number, code in enumerate(["2281", "2584", "2480", "1780", "1382", "0182"]):
        email = f"nominerar-{number}@forening.example.invalid"
        nominations.submit_nomination(
            edition=edition,
            municipality=Municipality.objects.get(code=code),
            proud="Invånarnas e-tjänster.",
            effect="Kortare väntan.",
            learned="Börja i behoven.",
            nominator_name=f"Nominerare {number}",
            nominator_email=email,
            now=now,
        )
        # The link as it was sent (the outbox keeps none): the e-mail in the site's mail folder.
        link = confirmation_path(Path(os.environ["EMAIL_FILE_PATH"]), email)
        assert link, email
        nominations.confirm_nomination(token=link.rstrip("/").split("/")[-1], now=now)
    edition = close_nominations(edition=edition, actor=actor)

    people: dict[str, str] = {}
    totp_keys: dict[str, str] = {}
    for email, role in [
        ("ordforande@jury.example.invalid", Role.CHAIR),
        ("ledamot-1@jury.example.invalid", Role.JUROR),
        ("ledamot-2@jury.example.invalid", Role.JUROR),
        ("ledamot-3@jury.example.invalid", Role.JUROR),
        ("tvaflikar@jury.example.invalid", Role.JUROR),
    ]:
        seat = jury.invite_member(edition=edition, email=email, role=role, actor=actor)
        jury.accept_invitation(actor=seat.user, password=PASSWORD)
        people[email] = role
        # The jury signs in with two factors: each member sets up an authenticator app. The
        # first code is taken one step back, so the sign-ins below may use the current step.
        device = begin_enrolment(user=seat.user)
        confirm_enrolment(user=seat.user, device=device, code=totp_code(device, steps_ahead=-1))
        totp_keys[email] = device.key
    jury.start_jury_review(
        edition=edition, actor=actor, now=edition.supplement_close_at + timedelta(minutes=1)
    )
    chair = User.objects.get(username="ordforande@jury.example.invalid")
    jury.open_round(edition=edition, stage="candidacy", actor=chair)

    # The edition taking nominations now.
    call = create_edition(
        award=the_award,
        year=nomination_year,
        nominations_close_at=now + timedelta(days=30),
        supplement_close_at=now + timedelta(days=45),
        ceremony_at=now + timedelta(days=700),
        actor=actor,
    )
    open_nominations(edition=call, actor=actor, now=now)
    taken = {"2281"}  # left for the racing confirmations
    spread = [m for m in Municipality.objects.order_by("code") if m.code not in taken][::9]
    return {
        "jury_year": jury_year,
        "nomination_year": nomination_year,
        "candidacies": [
            {"pk": c.pk, "name": c.name}
            for c in Candidacy.objects.filter(edition=edition).prefetch_related(
                "members__municipality"
            )
        ],
        "criteria": [
            {"pk": c.pk, "name": c.name} for c in Criterion.objects.filter(edition=edition)
        ],
        "chair": "ordforande@jury.example.invalid",
        "jurors": [e for e, r in people.items() if r == Role.JUROR and "ledamot" in e],
        "two_tab_juror": "tvaflikar@jury.example.invalid",
        "password": PASSWORD,
        "totp_keys": totp_keys,
        "municipalities": [{"code": m.code, "name": m.name} for m in spread],
        "race_municipality": {"code": "2281", "name": "Sundsvall"},
    }


def _snapshot() -> dict[str, Any]:
    """Everything the checks compare with what the clients were told, as the models read it."""
    from kommunpris.audit.models import AuditEvent
    from kommunpris.audit.services import GENESIS_HASH, event_hash
    from kommunpris.jury.models import Criterion, ScoreSheet
    from kommunpris.mail.models import OutgoingMail
    from kommunpris.nominations.models import Candidacy, Nomination

    previous, broken = GENESIS_HASH, None
    events = []
    for event in AuditEvent.objects.order_by("id").iterator():
        digest = event_hash(
            previous_hash=event.previous_hash,
            created_at=event.created_at,
            actor=event.actor,
            action=event.action,
            target=event.target,
            before=event.before,
            after=event.after,
        )
        if broken is None and (event.previous_hash != previous or event.hash != digest):
            broken = event.pk
        previous = event.hash
        if event.action.startswith(("nomination.", "candidacy.created", "jury.scores_")):
            events.append(
                {
                    "id": event.pk,
                    "action": event.action,
                    "actor": event.actor,
                    "target": event.target,
                    "after": event.after,
                }
            )
    return {
        "audit_events": AuditEvent.objects.count(),
        "audit_chain_broken_at": broken,
        "events": events,
        "nominations": [
            {
                "pk": n.pk,
                "year": n.edition.year,
                "email": n.nominator_email,
                "municipality": n.municipality_id,
                "status": n.status,
                "proud": n.proud,
                "candidacy": n.candidacy_id,
            }
            for n in Nomination.objects.select_related("edition").order_by("id")
        ],
        "mails": list(OutgoingMail.objects.order_by("id").values("to", "template", "status")),
        "candidacies": [
            {
                "pk": c.pk,
                "year": c.edition.year,
                "members": [m.municipality_id for m in c.members.all()],
            }
            for c in Candidacy.objects.select_related("edition").prefetch_related("members")
        ],
        "rubric_size": Criterion.objects.filter(edition__scoring_rounds__isnull=False)
        .distinct()
        .count(),
        "sheets": [
            {
                "juror": s.juror.email,
                "candidacy": s.candidacy_id,
                "comment": s.comment,
                "version": s.version,
                "submitted": s.submitted_at is not None,
                "entries": {str(e.criterion_id): [e.value, e.comment] for e in s.entries.all()},
            }
            for s in ScoreSheet.objects.select_related("juror").prefetch_related("entries")
        ],
    }


# --- the server -----------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return int(probe.getsockname()[1])


@dataclass
class Site:
    """A fresh database file, its mail and worker-report folders, and the environment."""

    folder: Path
    port: int = field(default_factory=free_port)
    # The production cache (Redis) the workers share: scripts/with-redis or the suite's fixture.
    redis_url: str = field(default_factory=lambda: os.environ.get("REDIS_URL", ""))

    @property
    def database(self) -> Path:
        return self.folder / "kommunpris.sqlite3"

    @property
    def mail_folder(self) -> Path:
        return self.folder / "mail"

    @property
    def env(self) -> dict[str, str]:
        return {
            **{k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "EMAIL_"))},
            "DJANGO_SETTINGS_MODULE": SETTINGS,
            "DJANGO_SECRET_KEY": "crash-test-only-" + "x" * 40,
            "DJANGO_ALLOWED_HOSTS": HOST,
            "DATABASE_URL": f"sqlite:///{self.database}",
            # Production settings ask for an SMTP host; crashtest.py keeps the mail in files.
            "EMAIL_HOST": HOST,
            "KOMMUNPRIS_VAR": str(self.folder),
            "KOMMUNPRIS_SITE_URL": f"http://{HOST}:{self.port}",
            "EMAIL_FILE_PATH": str(self.mail_folder),
            "KOMMUNPRIS_WORKER_REPORTS": str(self.folder / "workers"),
            "REDIS_URL": self.redis_url,
        }

    def run(self, *command: str) -> str:
        done = subprocess.run(
            command, env=self.env, cwd=HERE, capture_output=True, text=True, timeout=120
        )
        if done.returncode != 0:
            raise RuntimeError(f"{' '.join(command)} failed:\n{done.stdout}\n{done.stderr}")
        return done.stdout

    def prepare(self) -> dict[str, Any]:
        """migrate, bootstrap, then the editions and the jury through the services."""
        self.folder.mkdir(parents=True, exist_ok=True)
        self.run(str(BIN / "kommunpris"), "migrate", "--no-input", "--verbosity", "0")
        self.run(str(BIN / "kommunpris"), "bootstrap")
        return dict(json.loads(self.run(sys.executable, str(HERE / "harness.py"), "setup")))

    def snapshot(self) -> dict[str, Any]:
        return dict(json.loads(self.run(sys.executable, str(HERE / "harness.py"), "snapshot")))

    def pragma(self, name: str) -> Any:
        """A pragma read straight from the file, by SQLite itself, not through Django."""
        with sqlite3.connect(self.database, timeout=20) as connection:
            # integrity_check evaluates CHECK constraints, some of which use Django's REGEXP.
            connection.create_function("REGEXP", 2, _regexp, deterministic=True)
            return connection.execute(f"PRAGMA {name}").fetchone()[0]

    def worker_reports(self) -> list[dict[str, Any]]:
        folder = self.folder / "workers"
        return [json.loads(p.read_text()) for p in sorted(folder.glob("*.json"))]


def _regexp(pattern: str | None, value: Any) -> bool | None:
    """REGEXP as Django's SQLite backend defines it."""
    if pattern is None or value is None:
        return None
    return re.search(pattern, str(value)) is not None


class Server:
    """`gunicorn kommunpris.wsgi` with sync workers in its own process group."""

    def __init__(self, site: Site, *, workers: int = 4) -> None:
        self.site, self.workers = site, workers
        self.process: subprocess.Popen[bytes] | None = None
        self.starts = 0

    @property
    def log(self) -> Path:
        return self.site.folder / "gunicorn.log"

    def start(self) -> None:
        self.starts += 1
        with self.log.open("ab") as log:
            log.write(f"--- start {self.starts}\n".encode())
            self.process = subprocess.Popen(
                [
                    str(BIN / "gunicorn"),
                    "kommunpris.wsgi",
                    "--bind",
                    f"{HOST}:{self.site.port}",
                    "--workers",
                    str(self.workers),
                    "--config",
                    str(HERE / "gunicorn_conf.py"),
                    "--timeout",
                    "60",
                ],
                env=self.site.env,
                cwd=self.site.folder,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # its own process group: one signal reaches all of it
            )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError("gunicorn stopped:\n" + self.log.read_text())
            if len(self.worker_pids()) == self.workers and self.answers():
                return
            time.sleep(0.1)
        raise RuntimeError("gunicorn did not answer in 30 s:\n" + self.log.read_text())

    def answers(self) -> bool:
        try:
            return Browser(self.site.port).get("/robots.txt").status == 200
        except NoAnswer:
            return False

    def worker_pids(self) -> list[int]:
        if self.process is None:
            return []
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        try:
            return [int(pid) for pid in children.read_text().split()]
        except OSError:
            return []

    def kill(self) -> list[int]:
        """SIGKILL to the master and every worker at once; returns the pids killed."""
        assert self.process is not None
        pids = [self.process.pid, *self.worker_pids()]
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)
        deadline = time.monotonic() + 10
        while any(_running(pid) for pid in pids) and time.monotonic() < deadline:
            time.sleep(0.05)
        self.process = None
        return pids

    def stop(self) -> None:
        """A graceful stop (SIGTERM lets workers finish what they are doing)."""
        if self.process is None:
            return
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)
        self.process = None


def _running(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@contextmanager
def serving(site: Site, *, workers: int = 4) -> Iterator[Server]:
    server = Server(site, workers=workers)
    server.start()
    try:
        yield server
    finally:
        server.stop()


# --- a browser ------------------------------------------------------------------------------


class NoAnswer(Exception):
    """The server did not answer (refused, reset, closed, timed out)."""


@dataclass(frozen=True)
class Page:
    status: int
    location: str
    body: str

    def hidden(self, name: str) -> str:
        found = re.search(rf'name="{name}" value="([^"]*)"', self.body)
        if not found:
            raise AssertionError(f"no {name} on the page (status {self.status})")
        return html.unescape(found.group(1))

    @property
    def text(self) -> str:
        body = re.sub(r"<(script|style)\b.*?</\1>", " ", self.body, flags=re.S)
        return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", body)).split())


class Browser:
    """One person's browser: its own cookies (session, CSRF), one connection per request."""

    sent = 0  # requests tried by every browser together, answered or not
    _count = threading.Lock()

    def __init__(self, port: int, *, timeout: float = 30) -> None:
        self.port, self.timeout = port, timeout
        self.cookies: dict[str, str] = {}

    def get(self, path: str) -> Page:
        return self.request("GET", path)

    def post(self, path: str, form: dict[str, str]) -> Page:
        return self.request("POST", path, form)

    def request(self, method: str, path: str, form: dict[str, str] | None = None) -> Page:
        headers = {"Host": f"{HOST}:{self.port}", "Connection": "close"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urlencode(form).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        with Browser._count:
            Browser.sent += 1
        connection = http.client.HTTPConnection(HOST, self.port, timeout=self.timeout)
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            content = response.read().decode("utf-8", "replace")
        except (OSError, http.client.HTTPException) as exc:
            raise NoAnswer(f"{method} {path}: {exc!r}") from None
        finally:
            connection.close()
        for header in response.msg.get_all("Set-Cookie") or []:
            jar: SimpleCookie = SimpleCookie()
            jar.load(header)
            for name, morsel in jar.items():
                self.cookies[name] = morsel.value
        return Page(response.status, response.getheader("Location") or "", content)

    def wait_get(self, path: str, *, until: float) -> Page:
        """GET is safe to repeat: while the server is down, keep asking until it answers."""
        while True:
            try:
                return self.get(path)
            except NoAnswer:
                if time.monotonic() > until:
                    raise
                time.sleep(0.3)

    def sign_in(
        self, email: str, password: str, *, until: float, totp_key: str | None = None
    ) -> None:
        """Password, then (for the jury) the six digits the person's app shows."""
        while True:
            form = self.wait_get("/logga-in/", until=until)
            try:
                done = self.post(
                    "/logga-in/",
                    {
                        "csrfmiddlewaretoken": form.hidden("csrfmiddlewaretoken"),
                        "username": email,
                        "password": password,
                        "next": "",
                    },
                )
            except NoAnswer:
                time.sleep(0.3)
                continue  # signing in again is harmless
            if done.status != 302:
                raise AssertionError(f"sign-in of {email} answered {done.status}: {done.text}")
            if totp_key is None or "/logga-in/kod/" not in done.location:
                return
            code_form = self.wait_get(urlsplit(done.location).path, until=until)
            verified = self.post(
                urlsplit(done.location).path,
                {
                    "csrfmiddlewaretoken": code_form.hidden("csrfmiddlewaretoken"),
                    "code": authenticator_code(totp_key, email),
                },
            )
            if verified.status != 302:
                raise AssertionError(f"code step of {email} answered {verified.status}")
            return


_codes_given: dict[str, int] = {}
_codes_lock = threading.Lock()


def authenticator_code(key_hex: str, email: str) -> str:
    """The code an app shows for this key; a person's second sign-in within one 30-second step
    takes the next step's code (the server accepts one step of drift and never a code twice)."""
    from django_otp.oath import TOTP

    with _codes_lock:
        ahead = min(_codes_given.get(email, 0), 1)
        _codes_given[email] = _codes_given.get(email, 0) + 1
    totp = TOTP(bytes.fromhex(key_hex), 30, 0, 6, 0)
    totp.time = time.time() + ahead * 30
    return f"{totp.token():06d}"


def confirmation_path(mail_folder: Path, email: str) -> str | None:
    """The link in the newest confirmation e-mail sent to `email`: what the nominator clicks.

    Read from the e-mail as the site sent it (Django's file backend: files in `mail_folder`,
    several messages to a file when one process sends them in the same second); the stored
    message in the database holds no link.
    """
    found: list[tuple[int, int, str]] = []
    files = sorted(mail_folder.glob("*.log"), key=lambda p: (p.stat().st_mtime_ns, p.name))
    for order, path in enumerate(files):
        for position, raw in enumerate(path.read_bytes().split(b"\n" + b"-" * 79 + b"\n")):
            message = email_parser.message_from_bytes(raw.strip())
            if message.get("To") != email:
                continue
            for part in message.walk():
                if part.get_content_type() != "text/plain":
                    continue
                text = part.get_payload(decode=True).decode(part.get_content_charset() or "utf-8")
                link = re.search(r"https?://\S+/nominera/bekrafta/[^/\s]+/", text)
                if link:
                    found.append((order, position, urlsplit(link.group(0)).path))
    return max(found)[2] if found else None


# --- the load -------------------------------------------------------------------------------


@dataclass
class Outcome:
    """One write as its client saw it: what it sent and whether success came back."""

    kind: str  # nominate | confirm | score
    client: str
    sent: dict[str, Any]
    status: int | None  # None: no answer
    started: float
    answered: float | None
    text: str = ""

    @property
    def succeeded(self) -> bool:
        return self.status == 302

    @property
    def seconds(self) -> float:
        return (self.answered or self.started) - self.started


@dataclass
class Load:
    """What every client did, for the checks afterwards; in-flight writes for the kill switch."""

    site: Site
    world: dict[str, Any]
    deadline: float
    outcomes: list[Outcome] = field(default_factory=list)
    reads: list[tuple[str, float]] = field(default_factory=list)
    in_flight: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def write(
        self, kind: str, client: str, sent: dict[str, Any], send: Callable[[], Page]
    ) -> Outcome:
        started = time.monotonic()
        with self.lock:
            self.in_flight += 1
        try:
            page = send()
        except NoAnswer:
            outcome = Outcome(kind, client, sent, None, started, None)
        else:
            outcome = Outcome(kind, client, sent, page.status, started, time.monotonic(), page.text)
        finally:
            with self.lock:
                self.in_flight -= 1
        with self.lock:
            self.outcomes.append(outcome)
        return outcome

    def read(self, kind: str, browser: Browser, path: str) -> Page:
        started = time.monotonic()
        page = browser.wait_get(path, until=self.deadline)
        with self.lock:
            self.reads.append((kind, time.monotonic() - started))
        return page

    def successes(self, kind: str | None = None) -> list[Outcome]:
        with self.lock:
            return [o for o in self.outcomes if o.succeeded and kind in (None, o.kind)]

    def nominator(self, number: int, count: int) -> None:
        """Nominate `count` municipalities, each with a new address, and follow each link."""
        browser = Browser(self.site.port)
        places = self.world["municipalities"]
        name = f"nominerare-{number}"
        for k in range(count):
            place = places[(number * count + k) % len(places)]
            email = f"{name}-{k}@crash.example.invalid"
            proud = f"{name} #{k}: {place['name']} samlar invånarnas ärenden på ett ställe."
            form = self.read("nomination form", browser, "/nominera/")
            sent = {"email": email, "code": place["code"], "proud": proud}
            form_data = {
                "csrfmiddlewaretoken": form.hidden("csrfmiddlewaretoken"),
                "municipality": place["name"],
                "proud": proud,
                "effect": "Kortare väntan och färre samtal till kontaktcenter.",
                "learned": "Att börja i invånarnas behov och mäta effekten.",
                "nominator_name": f"Nominerare {number}",
                "nominator_email": email,
                "nominator_organisation": "",
                "consent": "on",
                "website": "",
            }
            outcome = self.write(
                "nominate", name, sent, partial(browser.post, "/nominera/", form_data)
            )
            if not outcome.succeeded:
                continue
            link = confirmation_path(self.site.mail_folder, email)
            if link is None:
                continue  # the message is kept to be sent again; the nominator waits for it
            confirm = self.read("confirmation page", browser, link)
            token = {"csrfmiddlewaretoken": confirm.hidden("csrfmiddlewaretoken")}
            self.write("confirm", name, sent, partial(browser.post, link, token))

    def juror(self, email: str, count: int, seed: int) -> None:
        """Sign in, then save `count` score sheets in turn: drafts first, then submissions."""
        rng = random.Random(seed)
        browser = Browser(self.site.port)
        browser.sign_in(
            email,
            self.world["password"],
            until=self.deadline,
            totp_key=self.world["totp_keys"].get(email),
        )
        candidacies = self.world["candidacies"]
        criteria = self.world["criteria"]
        year = self.world["jury_year"]
        for k in range(count):
            candidacy = candidacies[k % len(candidacies)]["pk"]
            path = f"/arbetsyta/jury/{year}/omgang/kandidatur/{candidacy}/"
            sheet = self.read("score sheet", browser, path)
            values = {str(c["pk"]): rng.randint(0, 4) for c in criteria}
            comment = f"{email} sparar #{k}"
            action = "draft" if k < len(candidacies) else "submit"
            form = {
                "csrfmiddlewaretoken": sheet.hidden("csrfmiddlewaretoken"),
                "version": sheet.hidden("version"),
                "comment": comment,
                "action": action,
            }
            for pk, value in values.items():
                form[f"value_{pk}"] = str(value)
                form[f"comment_{pk}"] = f"{comment}, kriterium {pk}"
            sent = {
                "juror": email,
                "candidacy": candidacy,
                "comment": comment,
                "values": values,
                "submit": action == "submit",
            }
            self.write("score", email, sent, partial(browser.post, path, form))


def run_clients(load: Load, clients: list[Callable[[], None]]) -> list[BaseException]:
    """Run every client in its own thread; returns what any of them raised."""
    errors: list[BaseException] = []

    def guarded(client: Callable[[], None]) -> None:
        try:
            client()
        except BaseException as exc:  # reported to the caller, which fails with it
            errors.append(exc)

    threads = [threading.Thread(target=guarded, args=(c,)) for c in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=max(1.0, load.deadline - time.monotonic()))
    if any(t.is_alive() for t in threads):
        errors.append(TimeoutError("a client did not finish before the deadline"))
    return errors


if __name__ == "__main__":
    import django

    django.setup()
    command = sys.argv[1] if len(sys.argv) > 1 else ""
    if command == "setup":
        print(json.dumps(_setup()))
    elif command == "snapshot":
        print(json.dumps(_snapshot(), default=str))
    else:
        sys.exit("usage: harness.py setup|snapshot")
