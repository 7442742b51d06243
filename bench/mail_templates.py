"""What the organiser's mail costs: queueing a message of an edition (which first looks for the
edition's own text of it), with and without an own text, against queueing it with no edition;
and writing a bulk mailing to every municipality's contact.

On a fresh SQLite database under a temporary folder, mail left in the outbox (the worker is not
run). For people to read, never asserted; every loop is bounded.

    .venv/bin/python bench/mail_templates.py [--messages 2000] [--contacts 290]
"""

from __future__ import annotations

import argparse
import io
import os
import tempfile
import time

FOLDER = tempfile.mkdtemp(prefix="kommunpris-bench-")
os.environ["DJANGO_SETTINGS_MODULE"] = "kommunpris.settings.development"
os.environ["DATABASE_URL"] = f"sqlite:///{FOLDER}/bench.sqlite3"
os.environ["KOMMUNPRIS_VAR"] = FOLDER
os.environ["KOMMUNPRIS_MAIL_DELIVERY"] = "worker"

import django  # noqa: E402

django.setup()

from datetime import timedelta  # noqa: E402

from django.conf import settings  # noqa: E402
from django.contrib.auth.models import User  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import transaction  # noqa: E402
from django.utils import timezone, translation  # noqa: E402

from kommunpris.audit.vocabulary import CLI  # noqa: E402
from kommunpris.awards.selectors import award  # noqa: E402
from kommunpris.awards.services import create_edition, open_nominations  # noqa: E402
from kommunpris.mail.bulk import BulkText, fingerprint, new_key, recipients, send_bulk  # noqa: E402
from kommunpris.mail.services import queue_mail  # noqa: E402
from kommunpris.mail.templates_service import save_template  # noqa: E402
from kommunpris.nominations.models import MunicipalityContact  # noqa: E402
from kommunpris.register.models import Municipality  # noqa: E402


def _per_message(count: int, **edition: object) -> float:
    context = {"edition_title": "Sveriges DigitaliseringsKommun 2031", "publish_at": timezone.now()}
    started = time.perf_counter()
    with transaction.atomic():
        for number in range(count):
            queue_mail(
                to=f"ledamot{number}@example.se",
                template="jury/decided",
                context=context,
                **edition,
            )
    return (time.perf_counter() - started) / count * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=2000)
    parser.add_argument("--contacts", type=int, default=290)
    args = parser.parse_args()
    assert settings.KOMMUNPRIS_MAIL_DELIVERY == "worker"
    call_command("migrate", verbosity=0)
    call_command("bootstrap", stdout=io.StringIO())
    translation.activate("sv")
    now = timezone.now()
    edition = open_nominations(
        edition=create_edition(
            award=award(),
            year=2031,
            nominations_close_at=now + timedelta(days=30),
            supplement_close_at=now + timedelta(days=45),
            ceremony_at=now + timedelta(days=200),
            actor=CLI,
        ),
        actor=CLI,
    )
    organiser = User.objects.create_user(
        username="bench@example.se", email="bench@example.se", is_staff=True
    )
    print(f"queue_mail, {args.messages} messages each (ms per message):")
    print(f"  without an edition:           {_per_message(args.messages):6.2f}")
    print(f"  edition without its own text: {_per_message(args.messages, edition=edition):6.2f}")
    save_template(
        edition=edition,
        key="jury/decided",
        language="sv",
        subject="Beslut: {{ edition_title }}",
        body='Hej!\n\nJuryn har beslutat. Vinnaren är hemlig till {{ publish_at|date:"j F Y" }}.\n',
        actor=organiser,
    )
    print(f"  edition with its own text:    {_per_message(args.messages, edition=edition):6.2f}")

    with transaction.atomic():
        for place in Municipality.objects.order_by("code")[: args.contacts]:
            MunicipalityContact.objects.create(
                edition=edition, municipality=place, email=f"kontakt{place.code}@example.se"
            )
    people = recipients(edition, "contacts")
    started = time.perf_counter()
    send_bulk(
        edition=edition,
        segment="contacts",
        text=BulkText(subject_sv="Hej {{ municipality }}", body_sv="Hej!\n\n{{ link }}\n"),
        expected=fingerprint(people),
        key=new_key(),
        actor=organiser,
    )
    took = time.perf_counter() - started
    print(
        f"a bulk mailing to {len(people)} contacts, each with a sign-in link: {took:.2f} s "
        f"({took / len(people) * 1000:.1f} ms per copy)"
    )


if __name__ == "__main__":
    main()
