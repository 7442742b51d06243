"""The audit log: every state change leaves a chained event."""

from __future__ import annotations

from kommunpris.audit.models import AuditEvent
from kommunpris.audit.services import GENESIS_HASH, event_hash, record_event
from kommunpris.awards.models import Award


def test_record_event_chains_to_previous_hash(archive: Award) -> None:
    last = AuditEvent.objects.order_by("-id").first()
    event = record_event(action="test.done", actor="cli", target="edition:x:2001", after={"a": 1})
    assert event.previous_hash == (last.hash if last else GENESIS_HASH)
    assert event.hash == event_hash(
        previous_hash=event.previous_hash,
        created_at=event.created_at,
        actor="cli",
        action="test.done",
        target="edition:x:2001",
        before=None,
        after={"a": 1},
    )


def test_bootstrap_recorded_the_archive_import(archive: Award) -> None:
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {
        "register.loaded",
        "award.created",
        "archive.winner_imported",
        "candidacy.imported",
    } <= actions
    stored = AuditEvent.objects.order_by("id")
    hashes = [e.previous_hash for e in stored][1:]
    assert hashes == [e.hash for e in stored][:-1]
