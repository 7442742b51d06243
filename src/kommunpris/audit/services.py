"""Appending to the audit log; the only code that writes AuditEvent rows."""

from __future__ import annotations

import hashlib
import json
from datetime import datetime
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction
from django.utils import timezone

from .models import AuditEvent

GENESIS_HASH = "0" * 64
# Key of the PostgreSQL advisory lock that puts appends in a line (any constant bigint would do).
_APPEND_LOCK = 0x6B6F6D6D_61756469  # "kommaudi"


def event_hash(
    *,
    previous_hash: str,
    created_at: datetime,
    actor: str,
    action: str,
    target: str,
    before: Any,
    after: Any,
) -> str:
    """SHA-256 over the previous event's hash and this event's fields in canonical JSON."""
    payload = json.dumps(
        {
            "previous_hash": previous_hash,
            "created_at": created_at.isoformat(),
            "actor": actor,
            "action": action,
            "target": target,
            "before": before,
            "after": after,
        },
        sort_keys=True,
        ensure_ascii=False,
        cls=DjangoJSONEncoder,
        separators=(",", ":"),
    )
    return hashlib.sha256(payload.encode()).hexdigest()


def _plain(value: Any) -> Any:
    """JSON-ready copy, so what is hashed is exactly what the database keeps."""
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder)) if value is not None else None


def _wait_for_turn() -> None:
    """Appends happen one at a time until commit, so two never chain to the same event.

    SQLite gets this from its write lock (transactions begin IMMEDIATE). On PostgreSQL, locking
    the last row is not enough: a waiting transaction would then chain to a row that is no
    longer the last. A transaction-level advisory lock is held until commit or rollback.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_APPEND_LOCK])


def record_event(
    *, action: str, actor: str, target: str, before: Any = None, after: Any = None
) -> AuditEvent:
    """Append one event, chained to the last; call it inside the transaction of the change."""
    with transaction.atomic():
        _wait_for_turn()
        last = AuditEvent.objects.order_by("-id").first()
        previous_hash = last.hash if last else GENESIS_HASH
        created_at = timezone.now().replace(microsecond=0)
        before, after = _plain(before), _plain(after)
        digest = event_hash(
            previous_hash=previous_hash,
            created_at=created_at,
            actor=actor,
            action=action,
            target=target,
            before=before,
            after=after,
        )
        return AuditEvent.objects.create(
            created_at=created_at,
            actor=actor,
            action=action,
            target=target,
            before=before,
            after=after,
            previous_hash=previous_hash,
            hash=digest,
        )
