"""Reminders at the size of the whole country: an edition whose 290 municipalities are all
candidates with a contact (each nomination confirmed by its mailed link), plus nominations left
unconfirmed, built through the services in a fresh database; then the reminder run on the day
the contacts' reminder is due (every contact reminded, the mail queued for the worker), a second
run (nothing left to send), and the organiser's dashboard, measured in queries and milliseconds.
For people to read, never asserted (tests/reminders/ hold the behaviour and the query count).

    .venv/bin/python bench/reminders.py [--unconfirmed 2000]
    scripts/with-postgres .venv/bin/python bench/reminders.py
"""

from __future__ import annotations

import argparse
import io
import os
import re
import statistics
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent))

from national import _fresh_postgres_database

STOCKHOLM = ZoneInfo("Europe/Stockholm")
RUNS = 5


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--unconfirmed", type=int, default=2000, help="nominations not confirmed")
    args = parser.parse_args()
    if os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")):
        os.environ["DATABASE_URL"] = _fresh_postgres_database(os.environ["DATABASE_URL"])
    else:
        folder = tempfile.mkdtemp(prefix="kommunpris-reminders-")
        os.environ["DATABASE_URL"] = f"sqlite:///{folder}/reminders.sqlite3"
    os.environ["DJANGO_SETTINGS_MODULE"] = "kommunpris.settings.test"
    os.environ["KOMMUNPRIS_MAIL_DELIVERY"] = "worker"  # queued, as in production

    import django

    django.setup()
    import time_machine
    from django.conf import settings
    from django.contrib.auth.models import User
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from kommunpris.accounts.testing import sign_in_verified
    from kommunpris.audit.vocabulary import SYSTEM
    from kommunpris.awards.selectors import award
    from kommunpris.awards.services import create_edition, open_nominations
    from kommunpris.mail.models import OutgoingMail
    from kommunpris.mail.services import compose
    from kommunpris.nominations.services import (
        confirm_nomination,
        register_contact,
        submit_nomination,
    )
    from kommunpris.register.models import Municipality
    from kommunpris.reminders.services import send_due_reminders

    settings.KOMMUNPRIS_MAIL_DELIVERY = "worker"
    call_command("migrate", verbosity=0)
    call_command("bootstrap", stdout=io.StringIO())
    answers = {"proud": "Stolt.", "effect": "Effekt.", "learned": "Lärdom."}
    started = time.perf_counter()
    with time_machine.travel(datetime(2027, 3, 1, 9, 0, tzinfo=STOCKHOLM), tick=False) as clock:
        edition = open_nominations(
            edition=create_edition(
                award=award(),
                year=2027,
                nominations_close_at=datetime(2027, 4, 29, 23, 59, tzinfo=STOCKHOLM),
                supplement_close_at=datetime(2027, 5, 12, 23, 59, tzinfo=STOCKHOLM),
                ceremony_at=datetime(2027, 11, 10, 18, 0, tzinfo=STOCKHOLM),
                actor=SYSTEM,
            ),
            actor=SYSTEM,
        )
        municipalities = list(Municipality.objects.order_by("code"))
        for number, municipality in enumerate(municipalities):
            submit_nomination(
                edition=edition,
                municipality=municipality,
                nominator_name="Nominerande",
                nominator_email=f"n{number}@example.invalid",
                answers=answers,
            )
            mail = OutgoingMail.objects.filter(template="nominations/confirm").latest("id")
            token = re.search(r"/nominera/bekrafta/([^/\s]+)/", compose(mail).body)
            assert token is not None
            confirm_nomination(token=token.group(1))
            register_contact(
                edition=edition,
                municipality=municipality,
                email=f"kontakt-{municipality.code}@example.invalid",
                actor=SYSTEM,
            )
        clock.move_to(datetime(2027, 4, 27, 12, 0, tzinfo=STOCKHOLM))
        for number in range(args.unconfirmed):
            submit_nomination(
                edition=edition,
                municipality=municipalities[number % len(municipalities)],
                nominator_name="Obekräftad",
                nominator_email=f"u{number}@example.invalid",
                answers=answers,
            )
        print(
            f"Built {len(municipalities)} candidacies with contacts and {args.unconfirmed} "
            f"unconfirmed nominations in {time.perf_counter() - started:.0f} s.\n",
            flush=True,
        )
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")

        clock.move_to(datetime(2027, 5, 5, 8, 0, tzinfo=STOCKHOLM))
        for label in ("first run (all due)", "second run (nothing left)"):
            with CaptureQueriesContext(connection) as queries:
                began = time.perf_counter()
                sent = send_due_reminders(actor=SYSTEM)
                took = (time.perf_counter() - began) * 1000
            print(
                f"send_reminders, {label}: {sent.total} reminders "
                f"({dict(sent.counts)}), {len(queries)} queries, {took:.0f} ms"
            )

        organiser = User.objects.create_user("o@example.invalid", "o@example.invalid", "pw")
        organiser.is_staff = True
        organiser.save()
        client = sign_in_verified(Client(), organiser)
        client.get("/arbetsyta/oversikt/2027/")
        times = []
        for _ in range(RUNS):
            with CaptureQueriesContext(connection) as queries:
                began = time.perf_counter()
                page = client.get("/arbetsyta/oversikt/2027/")
                times.append((time.perf_counter() - began) * 1000)
            assert page.status_code == 200
        print(
            f"dashboard: {len(queries)} queries, median {statistics.median(times):.0f} ms, "
            f"{len(page.content) // 1024} kB"
        )
        began = time.perf_counter()
        feed = client.get("/vinnare/2027/kalender.ics")
        took = (time.perf_counter() - began) * 1000
        print(f"calendar feed: {len(feed.content)} bytes, {took:.0f} ms")


if __name__ == "__main__":
    main()
