"""How long a public answer stays true: until the next write, or the next moment the clock alone
changes what the public may see (an embargo lifting at the gala), and never past a ceiling.

- The data version. Every state change appends to the audit log in its own transaction
  (`kommunpris.audit`), and every change made in Django's admin adds a row to the admin's log,
  so the newest row of each names the data an answer is made from: reading them is one query
  of index lookups per request. An answer kept under one version is never given out under
  another.
- The clock. `kommunpris.permissions.PUBLIC_CLOCK_FIELDS` names the times of an edition at which
  its public face changes with no write. The same query reads the last such time up to now
  (the answer's epoch) and the first after it (the latest the answer may be kept until).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from django.conf import settings
from django.contrib.admin.models import LogEntry
from django.db import connection, models
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from kommunpris.audit.models import AuditEvent
from kommunpris.awards.models import Edition
from kommunpris.permissions import PUBLIC_CLOCK_FIELDS


@dataclass(frozen=True)
class Freshness:
    """What an answer made now is made from, and until when it may be kept."""

    version: str
    # The newest write or clock moment up to now: no answer has changed since (Last-Modified).
    changed_at: datetime | None
    # The last clock moment up to now and the first after it (None: there is none).
    epoch: datetime | None
    next_change: datetime | None

    def max_age(self, *, at: datetime) -> int:
        """Seconds an answer given at `at` may be kept: to the next clock moment, at most the
        ceiling (KOMMUNPRIS_PUBLIC_MAX_AGE), never negative."""
        ceiling = int(settings.KOMMUNPRIS_PUBLIC_MAX_AGE)
        if self.next_change is None:
            return ceiling
        return max(0, min(ceiling, int((self.next_change - at).total_seconds())))

    def holds_at(self, moment: datetime) -> bool:
        """Whether the clock at `moment` is still in this answer's epoch."""
        after_start = self.epoch is None or self.epoch <= moment
        return after_start and (self.next_change is None or moment < self.next_change)


def _aware(value: object) -> datetime | None:
    if value is None:
        return None
    moment = value if isinstance(value, datetime) else parse_datetime(str(value))
    if moment is None:
        return None
    return moment if timezone.is_aware(moment) else moment.replace(tzinfo=UTC)


def _column(field: object) -> str:
    assert isinstance(field, models.DateTimeField), field
    return field.column


def _sql() -> str:
    audit, admin = AuditEvent._meta.db_table, LogEntry._meta.db_table
    editions = Edition._meta.db_table
    columns = [_column(Edition._meta.get_field(name)) for name in PUBLIC_CLOCK_FIELDS]
    moments = " UNION ALL ".join(f"SELECT {c} AS moment FROM {editions}" for c in columns)
    return (
        f"SELECT (SELECT id FROM {audit} ORDER BY id DESC LIMIT 1),"
        f" (SELECT hash FROM {audit} ORDER BY id DESC LIMIT 1),"
        f" (SELECT created_at FROM {audit} ORDER BY id DESC LIMIT 1),"
        f" (SELECT id FROM {admin} ORDER BY id DESC LIMIT 1),"
        f" (SELECT action_time FROM {admin} ORDER BY id DESC LIMIT 1),"
        f" (SELECT MAX(moment) FROM ({moments}) AS passed WHERE moment <= %s),"
        f" (SELECT MIN(moment) FROM ({moments}) AS upcoming WHERE moment > %s)"
    )


_SQL = _sql()


def current(*, now: datetime | None = None) -> Freshness:
    """The freshness of an answer made now (call it before the answer reads any data).

    The audit event's hash is part of the version as well as its id, so a log that was
    restored from a backup, or rolled back and written again, never repeats an earlier version.
    """
    now = now if now is not None else timezone.now()
    stamp = connection.ops.adapt_datetimefield_value(now)
    with connection.cursor() as cursor:
        cursor.execute(_SQL, [stamp, stamp])
        audit_id, audit_hash, audit_at, admin_id, admin_at, epoch, upcoming = cursor.fetchone()
    epoch, upcoming = _aware(epoch), _aware(upcoming)
    changes = [m for m in (_aware(audit_at), _aware(admin_at), epoch) if m is not None]
    return Freshness(
        version=f"{audit_id or 0}.{(audit_hash or '')[:16]}.{admin_id or 0}",
        changed_at=max(changes, default=None),
        epoch=epoch,
        next_change=upcoming,
    )
