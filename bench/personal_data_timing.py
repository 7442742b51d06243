"""Does a page that e-mails a link answer faster for an address nobody knows?

The personal-data page must not tell who has nominated, nor the municipality contacts' sign-in
page who is a contact: they say the same to every address, and must take the same time too.
This measures each answer for a known and an unknown address, through Django's
test client on a fresh SQLite database, with a local SMTP server that takes 50 ms per message
(a real socket server), in both ways of delivering mail:

- worker (production): the request only queues the message; the mail worker sends it later.
- at_commit (make run, tests): the request sends it after its transaction commits.

For people to read, never asserted. Traffic goes only to 127.0.0.1; every loop is bounded.

    .venv/bin/python bench/personal_data_timing.py [--runs 60]
"""

from __future__ import annotations

import argparse
import io
import os
import socketserver
import statistics
import tempfile
import threading
import time

FOLDER = tempfile.mkdtemp(prefix="kommunpris-bench-")
os.environ["DJANGO_SETTINGS_MODULE"] = "kommunpris.settings.development"
os.environ["DATABASE_URL"] = f"sqlite:///{FOLDER}/bench.sqlite3"
os.environ["KOMMUNPRIS_VAR"] = FOLDER

import django  # noqa: E402

django.setup()

from datetime import timedelta  # noqa: E402

from django.core.management import call_command  # noqa: E402
from django.test import Client, override_settings  # noqa: E402
from django.utils import timezone  # noqa: E402

from kommunpris.audit.vocabulary import CLI  # noqa: E402
from kommunpris.awards.selectors import award  # noqa: E402
from kommunpris.awards.services import create_edition, open_nominations  # noqa: E402
from kommunpris.mail.models import OutgoingMail  # noqa: E402
from kommunpris.nominations.services import register_contact, submit_nomination  # noqa: E402
from kommunpris.register.models import Municipality  # noqa: E402

PAGES = {
    # page: (known address, unknown address)
    "/personuppgifter/mina/": ("nominerade@example.se", "aldrig@example.se"),
    "/arbetsyta/nomineringar/kommun/logga-in/": ("it@sundsvall.example.se", "it@okand.example.se"),
}
SMTP_DELAY = 0.05


class SlowSmtp(socketserver.StreamRequestHandler):
    def handle(self) -> None:
        self.wfile.write(b"220 bench\r\n")
        while line := self.rfile.readline():
            verb = line[:4].upper()
            if verb == b"DATA":
                self.wfile.write(b"354 go ahead\r\n")
                while self.rfile.readline() not in (b".\r\n", b""):
                    pass
                time.sleep(SMTP_DELAY)
                self.wfile.write(b"250 queued\r\n")
            elif verb == b"QUIT":
                self.wfile.write(b"221 bye\r\n")
                return
            else:
                self.wfile.write(b"250 ok\r\n")


@override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend")
def _world() -> None:
    call_command("migrate", verbosity=0)
    call_command("bootstrap", stdout=io.StringIO())
    now = timezone.now()
    the_award = award()
    year = next(y for y in range(now.year + 1, now.year + 10) if the_award.is_on_cadence(y))
    edition = create_edition(
        award=the_award,
        year=year,
        nominations_close_at=now + timedelta(days=30),
        supplement_close_at=now + timedelta(days=45),
        ceremony_at=now + timedelta(days=300),
        actor=CLI,
    )
    edition = open_nominations(edition=edition, actor=CLI, now=now)
    submit_nomination(
        edition=edition,
        municipality=Municipality.objects.get(code="2281"),
        proud="E-tjänster.",
        effect="Kortare väntan.",
        learned="Börja i behoven.",
        nominator_name="Nominerare",
        nominator_email=PAGES["/personuppgifter/mina/"][0],
    )
    register_contact(
        edition=edition,
        municipality=Municipality.objects.get(code="2281"),
        email=PAGES["/arbetsyta/nomineringar/kommun/logga-in/"][0],
        actor=CLI,
    )


def _measure(path: str, runs: int) -> dict[str, list[float]]:
    client = Client()
    assert client.get(path).status_code == 200
    known, unknown = PAGES[path]
    seconds: dict[str, list[float]] = {known: [], unknown: []}
    for run in range(runs):
        for email in (known, unknown) if run % 2 else (unknown, known):
            started = time.perf_counter()
            answer = client.post(
                path, {"email": email, "website": ""}, REMOTE_ADDR=f"198.51.100.{run % 250}"
            )
            seconds[email].append(time.perf_counter() - started)
            assert answer.status_code == 200, answer.status_code
    return seconds


def _ms(values: list[float], share: float) -> str:
    ordered = sorted(values)
    return f"{ordered[min(len(ordered) - 1, int(share * len(ordered)))] * 1000:6.1f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=60)
    args = parser.parse_args()
    _world()
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), SlowSmtp)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    print(f"{args.runs} requests per address; SMTP server answers each message after 50 ms\n")
    print(f"{'page':<42} {'delivery':<10} {'address':<8} {'median ms':>10} {'p90 ms':>8}  mails")
    for path in PAGES:
        for delivery in ("worker", "at_commit"):
            with override_settings(
                KOMMUNPRIS_MAIL_DELIVERY=delivery,
                KOMMUNPRIS_NOMINATION_RATE_LIMITS={"ip": (10**6, 3600), "email": (10**6, 3600)},
                KOMMUNPRIS_CONTACT_LINK_RATE_LIMIT=(10**6, 3600),
                EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
                EMAIL_HOST="127.0.0.1",
                EMAIL_PORT=server.server_address[1],
                EMAIL_USE_TLS=False,
                EMAIL_TIMEOUT=20,
                ALLOWED_HOSTS=["testserver"],
            ):
                before = OutgoingMail.objects.count()
                seconds = _measure(path, args.runs)
                queued = OutgoingMail.objects.count() - before
            for email, label in zip(PAGES[path], ("known", "unknown"), strict=True):
                values = seconds[email]
                median = f"{statistics.median(values) * 1000:10.1f}"
                extra = f"  {queued}" if label == "known" else ""
                print(f"{path:<42} {delivery:<10} {label:<8} {median} {_ms(values, 0.9):>8}{extra}")
    server.shutdown()


if __name__ == "__main__":
    main()
