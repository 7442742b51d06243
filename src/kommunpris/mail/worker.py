"""The mail worker: claims stored messages, sends each once, retries with back-off, gives up.

A claim is a conditional UPDATE (… WHERE status = 'pending' AND the row is unclaimed), which
only one worker can win for a row, on PostgreSQL and on SQLite alike; on PostgreSQL the rows are
first picked with SELECT … FOR UPDATE SKIP LOCKED so workers do not queue behind each other. A
claim older than the lease belongs to a worker that died and may be taken over. Sending is
`services.send_message`, one message at a time, outside any transaction.

    kommunpris send_pending_mail --loop     the worker (deploy/systemd/kommunpris-mail.service)
    kommunpris send_pending_mail            one pass over everything pending, back-off or not
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import close_old_connections, connection, transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone

from . import services
from .models import MailStatus, OutgoingMail

logger = logging.getLogger("kommunpris.mail")


@dataclass
class Pass:
    """What one pass over the queue did."""

    sent: int = 0
    failed: int = 0
    gave_up: int = 0


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def back_off(attempts: int) -> timedelta:
    """The wait before the next attempt after `attempts` failures: doubling, up to a ceiling."""
    first = settings.KOMMUNPRIS_MAIL_RETRY_SECONDS
    ceiling = settings.KOMMUNPRIS_MAIL_RETRY_MAX_SECONDS
    return timedelta(seconds=min(first * 2 ** max(attempts - 1, 0), ceiling))


def _lease() -> timedelta:
    return timedelta(seconds=settings.KOMMUNPRIS_MAIL_CLAIM_LEASE_SECONDS)


def _claimable(now: datetime, *, ignore_back_off: bool = False) -> QuerySet[OutgoingMail]:
    rows = OutgoingMail.objects.filter(status=MailStatus.PENDING).filter(
        Q(claimed_at__isnull=True) | Q(claimed_at__lt=now - _lease())
    )
    if not ignore_back_off:
        rows = rows.filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
    return rows


def _new_claim() -> str:
    return f"{worker_name()}:{uuid.uuid4().hex[:12]}"


def claim(*, limit: int, now: datetime | None = None, ignore_back_off: bool = False) -> str:
    """Claim up to `limit` due messages, oldest first; returns the claim's token."""
    now = now or timezone.now()
    token = _new_claim()
    with transaction.atomic():
        due = _claimable(now, ignore_back_off=ignore_back_off).order_by("id")
        if connection.features.has_select_for_update_skip_locked:
            due = due.select_for_update(skip_locked=True)
        ids = list(due.values_list("id", flat=True)[:limit])
        # The UPDATE re-checks that each row is still claimable: a row another worker took in
        # the meantime no longer matches and stays theirs.
        _claimable(now, ignore_back_off=ignore_back_off).filter(pk__in=ids).update(
            claimed_at=now, claimed_by=token
        )
    return token


def claimed(token: str) -> list[int]:
    return list(
        OutgoingMail.objects.filter(claimed_by=token, status=MailStatus.PENDING)
        .order_by("id")
        .values_list("id", flat=True)
    )


def _deliver(mail_id: int, token: str) -> str:
    """Send one claimed message; records and returns its outcome (sent, failed or gave_up)."""
    mail = OutgoingMail.objects.filter(pk=mail_id, claimed_by=token).first()
    if mail is None or mail.status != MailStatus.PENDING:
        return "lost"  # the lease ran out and another worker took it over
    try:
        services.send_message(mail)
    except Exception as exc:  # any transport failure: record it, try again later
        return _record_failure(mail, token, exc)
    OutgoingMail.objects.filter(pk=mail.pk, claimed_by=token).update(
        status=MailStatus.SENT,
        sent_at=timezone.now(),
        links=services.forgotten_links(mail),
        attempts=F("attempts") + 1,
        last_error="",
        next_attempt_at=None,
        claimed_at=None,
        claimed_by="",
    )
    return "sent"


def _record_failure(mail: OutgoingMail, token: str, exc: Exception) -> str:
    attempts = mail.attempts + 1
    now = timezone.now()
    error = f"{type(exc).__name__}: {exc}"[:2000]
    release = {"attempts": attempts, "last_error": error, "claimed_at": None, "claimed_by": ""}
    if attempts >= settings.KOMMUNPRIS_MAIL_MAX_ATTEMPTS:
        OutgoingMail.objects.filter(pk=mail.pk, claimed_by=token).update(
            status=MailStatus.GAVE_UP, gave_up_at=now, next_attempt_at=None, **release
        )
        logger.error(
            "Mail %s (%s) given up after %s attempts: %s", mail.pk, mail.template, attempts, error
        )
        return "gave_up"
    OutgoingMail.objects.filter(pk=mail.pk, claimed_by=token).update(
        next_attempt_at=now + back_off(attempts), **release
    )
    logger.warning(
        "Mail %s (%s) could not be sent (attempt %s): %s", mail.pk, mail.template, attempts, error
    )
    return "failed"


def send_one(mail_id: int) -> bool:
    """Claim this one message if nobody has, and send it; True if it went."""
    now = timezone.now()
    token = _new_claim()
    taken = (
        _claimable(now, ignore_back_off=True)
        .filter(pk=mail_id)
        .update(claimed_at=now, claimed_by=token)
    )
    return bool(taken) and _deliver(mail_id, token) == "sent"


def run_once(*, limit: int = 100, ignore_back_off: bool = False) -> Pass:
    """Claim up to `limit` due messages and send them one by one."""
    done = Pass()
    token = claim(limit=limit, ignore_back_off=ignore_back_off)
    for mail_id in claimed(token):
        outcome = _deliver(mail_id, token)
        if outcome == "sent":
            done.sent += 1
        elif outcome == "failed":
            done.failed += 1
        elif outcome == "gave_up":
            done.gave_up += 1
    return done


def run_forever(*, interval: float, stop: threading.Event, batch: int = 50) -> None:
    """The worker's loop: a pass, then a pause of `interval` seconds when nothing was due,
    until `stop` is set (SIGTERM from systemd). A database error is logged and waited out."""
    logger.info("Mail worker %s starting.", worker_name())
    while not stop.is_set():
        close_old_connections()  # as between two requests: no connection older than its age
        try:
            done = run_once(limit=batch)
        except Exception:  # the database went away: wait, then go on (systemd restarts us too)
            logger.exception("Mail worker: the pass failed; trying again.")
            connection.close()
            stop.wait(max(interval, 5.0))
            continue
        if done.sent + done.failed + done.gave_up < batch:
            stop.wait(interval)
    logger.info("Mail worker %s stopping.", worker_name())
