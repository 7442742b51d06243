"""The mail worker: requests only queue mail; the worker claims each message, sends it once,
backs off after a failure, gives up after the cap, and the organiser sends it again."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from collections import Counter
from datetime import timedelta
from pathlib import Path

import pytest
import time_machine
from django.contrib.auth.models import User
from django.utils import timezone

from kommunpris.audit.models import AuditEvent
from kommunpris.mail import worker
from kommunpris.mail.models import MailStatus, OutgoingMail
from kommunpris.mail.services import queue_mail
from kommunpris.nominations.models import Nomination

BIN = Path(sys.executable).parent


@pytest.fixture
def smtp_settings(settings):
    """Production's delivery: requests queue, the worker sends over SMTP."""
    settings.KOMMUNPRIS_MAIL_DELIVERY = "worker"
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_TIMEOUT = 1
    return settings


@pytest.mark.slow
def test_a_hanging_mail_server_does_not_hold_the_request(
    edition, nominate, smtp_settings, hanging_smtp
):
    smtp_settings.EMAIL_PORT = hanging_smtp.port

    sent = nominate()

    # The answer came without the request ever talking to the mail server.
    assert sent.status_code == 302
    assert hanging_smtp.connections == 0
    assert Nomination.objects.get().nominator_email == "anna@example.se"
    queued = OutgoingMail.objects.get()
    assert (queued.template, queued.status, queued.attempts) == (
        "nominations/confirm",
        MailStatus.PENDING,
        0,
    )

    # The worker meets the hung server, gives up on this attempt after EMAIL_TIMEOUT and
    # schedules the next one a minute later.
    before = timezone.now()
    done = worker.run_once()
    queued.refresh_from_db()
    assert (done.sent, done.failed, hanging_smtp.connections) == (0, 1, 1)
    assert (queued.status, queued.attempts, queued.claimed_by) == (MailStatus.PENDING, 1, "")
    assert "timed out" in queued.last_error
    assert timedelta(seconds=59) < queued.next_attempt_at - before < timedelta(seconds=65)


@pytest.mark.slow
def test_failing_mail_backs_off_gives_up_and_is_sent_again_from_the_desk(
    archive, smtp_settings, smtp_sink, client, sign_in_verified
):
    smtp_settings.EMAIL_PORT = 9  # nothing listens on the discard port: every send fails
    smtp_settings.KOMMUNPRIS_MAIL_MAX_ATTEMPTS = 3
    with time_machine.travel(timezone.now(), tick=False) as clock:
        queued = queue_mail(
            to="ledamot@example.se",
            template="jury/decided",
            context={
                "edition_title": "Sveriges DigitaliseringsKommun 2029",
                "publish_at": timezone.now(),
            },
        )
        waits = []
        for _ in range(3):
            assert worker.run_once().sent == 0
            queued.refresh_from_db()
            if queued.status == MailStatus.PENDING:
                waits.append(queued.next_attempt_at - timezone.now())
                # Not due yet: a pass before the back-off has run out leaves it alone.
                assert worker.run_once().failed == 0
                clock.shift(waits[-1] + timedelta(seconds=1))
        queued.refresh_from_db()
        assert waits == [timedelta(minutes=1), timedelta(minutes=2)]
        assert (queued.status, queued.attempts) == (MailStatus.GAVE_UP, 3)
        assert "ConnectionRefusedError" in queued.last_error
        # Given up: no pass takes it again.
        clock.shift(timedelta(days=1))
        assert worker.run_once() == worker.Pass()

    organiser = User.objects.create_user(
        "organisator@example.se", "organisator@example.se", "x", is_staff=True
    )
    sign_in_verified(client, organiser)
    desk = client.get("/arbetsyta/e-post/").content.decode()
    assert "ledamot@example.se" in desk
    assert "Ämne" in desk and queued.subject in desk
    assert "ConnectionRefusedError" in desk
    assert "Skicka igen" in desk
    home = client.get("/arbetsyta/").content.decode()
    assert "1 e-postmeddelande kunde inte skickas." in home

    answer = client.post(f"/arbetsyta/e-post/{queued.pk}/skicka-igen/", follow=True)
    assert "Meddelandet till ledamot@example.se skickas igen inom en minut." in (
        answer.content.decode()
    )
    assert "Inget meddelande har getts upp." in answer.content.decode()
    [event] = AuditEvent.objects.filter(action="mail.retry_requested")
    assert (event.actor, event.target) == ("organisator@example.se", f"mail:{queued.pk}")

    smtp_settings.EMAIL_PORT = smtp_sink.port  # the mail server works again
    assert worker.run_once().sent == 1
    queued.refresh_from_db()
    assert (queued.status, queued.attempts, queued.last_error) == (MailStatus.SENT, 1, "")
    [message] = smtp_sink.messages
    assert "To: ledamot@example.se" in message
    # Sent again from a second tab: refused with the reason, nothing changes.
    again = client.post(f"/arbetsyta/e-post/{queued.pk}/skicka-igen/")
    assert again.status_code == 404


@pytest.mark.slow
def test_two_workers_never_send_one_message_twice(
    archive, settings, shared_database, smtp_sink, redis_url, tmp_path
):
    settings.KOMMUNPRIS_MAIL_DELIVERY = "worker"
    smtp_sink.delay = 0.03  # a mail server that takes its time: the workers' passes overlap
    queued = [
        queue_mail(
            to=f"ledamot-{number}@example.se",
            template="jury/decided",
            context={"edition_title": f"Upplaga {number}", "publish_at": timezone.now()},
        ).pk
        for number in range(30)
    ]

    with shared_database.shared() as env:
        env.update(
            DJANGO_SETTINGS_MODULE="kommunpris.settings.production",
            DJANGO_SECRET_KEY="worker-test-only-" + "k" * 40,
            DJANGO_ALLOWED_HOSTS="kommunpris.example.se",
            REDIS_URL=redis_url,
            EMAIL_HOST="127.0.0.1",
            EMAIL_PORT=str(smtp_sink.port),
            EMAIL_USE_TLS="false",
            KOMMUNPRIS_VAR=str(tmp_path),
        )
        command = [str(BIN / "kommunpris"), "send_pending_mail", "--loop", "--interval", "0.1"]
        workers = [
            subprocess.Popen([*command, "--batch", "2"], env=env, stderr=subprocess.PIPE, text=True)
            for _ in range(2)
        ]
        try:
            deadline = time.monotonic() + 60
            while len(smtp_sink.messages) < len(queued) and time.monotonic() < deadline:
                assert all(w.poll() is None for w in workers), workers[0].stderr.read()
                time.sleep(0.05)
            time.sleep(0.5)  # a double send would arrive now
        finally:
            for w in workers:
                w.send_signal(signal.SIGTERM)
            logs = [w.communicate(timeout=30)[1] for w in workers]
        assert [w.returncode for w in workers] == [0, 0], logs

    recipients = Counter(
        line.removeprefix("To: ").strip()
        for message in smtp_sink.messages
        for line in message.splitlines()
        if line.startswith("To: ")
    )
    assert recipients == {f"ledamot-{number}@example.se": 1 for number in range(30)}
    assert (
        sorted(OutgoingMail.objects.filter(pk__in=queued).values_list("status", "attempts"))
        == [(MailStatus.SENT, 1)] * 30
    )
    # Both workers took part: each logged its start and its stop.
    assert all("starting." in log and "stopping." in log for log in logs), logs
