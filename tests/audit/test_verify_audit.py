"""`kommunpris verify_audit` finds the first event that was edited, removed or put in afterwards,
and the database itself refuses to change or remove events."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from kommunpris.audit import protection
from kommunpris.audit.models import AuditEvent
from kommunpris.audit.services import event_hash, record_event
from kommunpris.audit.verification import BreakKind, verify_chain


def _events(count: int) -> list[AuditEvent]:
    return [
        record_event(
            action="edition.nominations_opened",
            actor="organiser@example.se",
            target=f"edition:digitaliseringskommun:{2025 + 2 * i}",
            before={"phase": "draft"},
            after={"phase": "nominations_open"},
        )
        for i in range(count)
    ]


def _verify(*args: str) -> str:
    out = io.StringIO()
    call_command("verify_audit", *args, stdout=out)
    return out.getvalue()


def _forged(*, previous_hash: str, created_at: object, **fields: str) -> str:
    return event_hash(
        previous_hash=previous_hash,
        created_at=created_at,  # type: ignore[arg-type]
        actor=fields["actor"],
        action=fields["action"],
        target=fields["target"],
        before=None,
        after=None,
    )


def test_verify_audit_reports_intact_chain_with_head_hash(db: None) -> None:
    *_, last = _events(3)
    count = AuditEvent.objects.count()
    assert _verify() == (
        f"Granskningsloggen är obruten: {count} händelser. Senaste kontrollsumma: {last.hash}\n"
    )


def test_update_of_an_event_is_refused_by_the_database(db: None) -> None:
    event = _events(1)[0]
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).update(actor="someone.else@example.se")
    event.refresh_from_db()
    assert event.actor == "organiser@example.se"


def test_delete_of_an_event_is_refused_by_the_database(db: None) -> None:
    event = _events(1)[0]
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).delete()
    assert AuditEvent.objects.filter(pk=event.pk).exists()


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="TRUNCATE is PostgreSQL's")
def test_truncate_of_the_audit_log_is_refused_by_postgresql(db: None) -> None:
    _events(1)
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("TRUNCATE audit_auditevent")
    assert AuditEvent.objects.exists()


def test_protection_is_installed_by_the_migrations(db: None) -> None:
    assert protection.is_installed(connection)


def test_edited_event_is_named(db: None) -> None:
    _, edited, _ = _events(3)
    with protection.suspended():
        AuditEvent.objects.filter(pk=edited.pk).update(after={"phase": "decided"})
    report = verify_chain()
    assert report.first_break is not None
    assert (report.first_break.kind, report.first_break.event_id) == (BreakKind.EDITED, edited.id)
    with pytest.raises(CommandError) as refused:
        _verify()
    assert str(refused.value).startswith(f"Granskningsloggen är bruten. Händelse {edited.id} (")
    assert str(refused.value).endswith(
        "edition.nominations_opened) har ändrats i efterhand: dess innehåll stämmer inte med "
        "dess kontrollsumma."
    )


def test_edited_and_rehashed_event_shows_at_its_successor(db: None) -> None:
    _, edited, successor = _events(3)
    forged = _forged(
        previous_hash=edited.previous_hash,
        created_at=edited.created_at,
        actor="someone.else@example.se",
        action="edition.nominations_opened",
        target=edited.target,
    )
    with protection.suspended():
        AuditEvent.objects.filter(pk=edited.pk).update(
            actor="someone.else@example.se", before=None, after=None, hash=forged
        )
    report = verify_chain()
    assert report.first_break is not None
    assert (report.first_break.kind, report.first_break.event_id) == (
        BreakKind.REMOVED,
        successor.id,
    )
    assert f"eller så har händelse {edited.id} ändrats" in report.first_break.message


def test_removed_event_is_named_by_the_gap_it_leaves(db: None) -> None:
    before, removed, after = _events(3)
    with protection.suspended():
        AuditEvent.objects.filter(pk=removed.pk).delete()
    report = verify_chain()
    assert report.first_break is not None
    assert (report.first_break.kind, report.first_break.event_id) == (BreakKind.REMOVED, after.id)
    assert report.first_break.message.startswith(
        f"En eller flera händelser mellan händelse {before.id} och händelse {after.id} ("
    )
    assert f"saknas (id {removed.id}–{removed.id}): de har tagits bort" in (
        report.first_break.message
    )


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs ALTER TABLE … DROP CONSTRAINT")
def test_event_inserted_out_of_order_is_named(db: None) -> None:
    events = _events(4)
    chained_to = events[1]
    created_at = events[2].created_at - timedelta(hours=1)
    fields = {"actor": "cli", "action": "edition.decided", "target": "edition:x:2027"}
    with protection.suspended():
        # The chain cannot fork while its constraint stands; an attacker drops it first.
        with connection.cursor() as cursor:
            cursor.execute("ALTER TABLE audit_auditevent DROP CONSTRAINT audit_event_one_successor")
        # Written afterwards, claiming to follow events[1] and dated before events[2].
        inserted = AuditEvent.objects.create(
            created_at=created_at,
            previous_hash=chained_to.hash,
            hash=_forged(previous_hash=chained_to.hash, created_at=created_at, **fields),
            **fields,
        )
    report = verify_chain()
    assert report.first_break is not None
    assert (report.first_break.kind, report.first_break.event_id) == (
        BreakKind.INSERTED,
        inserted.id,
    )
    assert report.first_break.message.startswith(f"Händelse {inserted.id} (")
    assert (
        f"har lagts in i efterhand och i fel ordning: den bygger på händelse {chained_to.id} "
        f"men är daterad före händelse {events[-1].id}, som kommer före den."
    ) in report.first_break.message


def test_event_inserted_before_the_first_is_named(db: None) -> None:
    _events(2)
    first = AuditEvent.objects.order_by("id").first()
    assert first is not None
    fields = {"actor": "cli", "action": "award.created", "target": "award:x"}
    created_at = first.created_at - timedelta(days=1)
    with protection.suspended():
        inserted = AuditEvent.objects.create(
            id=first.id - 1,
            created_at=created_at,
            previous_hash="e" * 64,
            hash=_forged(previous_hash="e" * 64, created_at=created_at, **fields),
            **fields,
        )
    report = verify_chain()
    assert report.first_break is not None
    assert (report.first_break.kind, report.first_break.event_id) == (
        BreakKind.INSERTED,
        inserted.id,
    )
    assert report.first_break.message.endswith(
        f"har lagts in i efterhand: kedjan går förbi den och fortsätter vid händelse {first.id}."
    )


def test_event_put_between_two_others_is_named(db: None) -> None:
    before, after = _events(2)
    fields = {"actor": "cli", "action": "edition.decided", "target": "edition:x:2027"}
    with protection.suspended():
        # Make room by moving the later event up one id, then put a forged event in its place.
        AuditEvent.objects.filter(pk=after.pk).update(id=after.id + 1)
        inserted = AuditEvent.objects.create(
            id=after.id,
            created_at=before.created_at,
            previous_hash="c" * 64,
            hash="c" * 64,
            **fields,
        )
    report = verify_chain()
    assert report.first_break is not None
    assert (report.first_break.kind, report.first_break.event_id) == (
        BreakKind.INSERTED,
        inserted.id,
    )
    assert report.first_break.message.endswith(
        f"kedjan går förbi den och fortsätter vid händelse {after.id + 1}."
    )


def test_checkpoint_that_is_gone_means_the_log_was_cut_short(db: None) -> None:
    *_, last = _events(2)
    with protection.suspended():
        AuditEvent.objects.filter(pk=last.pk).delete()
    assert verify_chain().intact
    with pytest.raises(CommandError) as refused:
        _verify("--checkpoint", last.hash)
    assert str(refused.value) == (
        f"Granskningsloggen är bruten. Kontrollsumman {last.hash} finns inte längre i "
        "granskningsloggen: loggen har kortats av eller skrivits om efter att kontrollsumman "
        "noterades."
    )


def test_missing_protection_is_reported_and_can_be_put_back(db: None) -> None:
    _events(1)
    protection.remove(connection)
    with pytest.raises(CommandError) as refused:
        _verify()
    assert "Databasens skydd mot ändring och borttagning av händelser saknas" in str(refused.value)
    assert _verify("--reinstall-protection").endswith(
        "Databasens skydd mot ändring och borttagning är tillbaka.\n"
    )
    assert protection.is_installed(connection)


def test_chain_cannot_fork(db: None) -> None:
    first = _events(1)[0]
    fields = {"actor": "cli", "action": "x", "target": "y"}
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.create(
            created_at=timezone.now(),
            previous_hash=first.previous_hash,
            hash="b" * 64,
            **fields,
        )


def test_flush_empties_the_audit_log_and_keeps_its_protection(transactional_db: None) -> None:
    _events(2)
    call_command("flush", interactive=False, verbosity=0)
    assert AuditEvent.objects.count() == 0
    assert protection.is_installed(connection)


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrent writers need a server")
def test_concurrent_appends_form_one_chain(transactional_db: None) -> None:
    import threading
    import time

    from django.db import connections

    errors: list[BaseException] = []

    def append(n: int) -> None:
        try:
            for i in range(5):
                with transaction.atomic():
                    record_event(action="test.concurrent", actor="cli", target=f"t:{n}:{i}")
                    time.sleep(0.01)  # hold the turn while the other writer waits
        except BaseException as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    writers = [threading.Thread(target=append, args=(n,)) for n in range(4)]
    for w in writers:
        w.start()
    for w in writers:
        w.join()
    assert errors == []
    assert AuditEvent.objects.filter(action="test.concurrent").count() == 20
    assert verify_chain().intact
