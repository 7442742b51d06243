"""Two reminder runs at the same moment (two servers' timers, or a run by hand beside the timer),
each in its own process with its own database connection, send each person's reminder once."""

from __future__ import annotations

import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from kommunpris.awards.services import create_edition, open_nominations
from kommunpris.mail.models import OutgoingMail
from kommunpris.nominations.services import submit_nomination
from kommunpris.register.models import Municipality
from kommunpris.reminders.models import Kind, Reminder

from .conftest import ANSWERS, ORGANISER, Call

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

KOMMUNPRIS = Path(sys.executable).parent / "kommunpris"


def test_two_runs_at_once_send_each_reminder_once(
    award, shared_database, django_capture_on_commit_callbacks, settings
):
    from django.contrib.auth.models import User

    now = timezone.now()
    year = next(y for y in range(now.year + 1, now.year + 4) if award.is_on_cadence(y))
    organiser = User.objects.create_user(username=ORGANISER, email=ORGANISER, is_staff=True)
    edition = open_nominations(
        edition=create_edition(
            award=award,
            year=year,
            nominations_close_at=now + timedelta(days=2),
            supplement_close_at=now + timedelta(days=3),
            ceremony_at=now + timedelta(days=200),
            actor=organiser,
        ),
        actor=organiser,
    )
    call = Call(edition, None, django_capture_on_commit_callbacks, organiser)
    for code in ("2281", "2262", "0180"):
        call.candidate(code, f"kontakt-{code}@example.se")
    for number, code in enumerate(("1480", "1280")):
        submit_nomination(
            edition=edition,
            municipality=Municipality.objects.get(code=code),
            nominator_name="Bo Berg",
            nominator_email=f"bo{number}@example.se",
            now=now - timedelta(hours=50),  # its link stops working in 22 hours
            answers=ANSWERS,
        )
    before = OutgoingMail.objects.count()

    with shared_database.shared() as env:
        runs = [
            subprocess.Popen(
                [str(KOMMUNPRIS), "send_reminders"],
                env={**env, "KOMMUNPRIS_MAIL_DELIVERY": "worker"},
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            for _ in range(2)
        ]
        outputs = [run.communicate(timeout=120) for run in runs]
        assert [run.returncode for run in runs] == [0, 0], outputs

    assert sorted(Reminder.objects.values_list("kind", flat=True)) == [
        Kind.CONTACT_SUPPLEMENT,
        Kind.CONTACT_SUPPLEMENT,
        Kind.CONTACT_SUPPLEMENT,
        Kind.NOMINATOR_CONFIRMATION,
        Kind.NOMINATOR_CONFIRMATION,
    ]
    queued = OutgoingMail.objects.order_by("id")[before:]
    assert sorted(m.to for m in queued) == [
        "bo0@example.se",
        "bo1@example.se",
        "kontakt-0180@example.se",
        "kontakt-2262@example.se",
        "kontakt-2281@example.se",
    ]
    counted = sum(int(out.split()[0]) for out, _err in outputs)
    assert counted == 5, outputs
