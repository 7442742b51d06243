"""Checking the audit log: does the hash chain hold from the first event to the last?

The chain is read in id order. Every event must carry the hash of the event before it and a hash
that matches its own content. The first place where that fails is reported, named by event id:

- edited: the event's content no longer matches its hash;
- removed: the event names a predecessor that is no longer in the log;
- inserted: an event stands where the chain does not lead (the chain goes on past it, or skips
  back over it), or it was put in after later events with an earlier time.

An event that is edited *and* given a freshly computed hash shows as a break at its successor,
which no longer finds its predecessor. Removing events at the end of the log, or rewriting the
whole chain, leaves no break; to catch that, note the head hash that a run reports and give it
as a checkpoint to later runs.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from django.db import connection
from django.utils import timezone

from . import protection
from .models import AuditEvent
from .services import GENESIS_HASH, event_hash


class BreakKind(StrEnum):
    EDITED = "edited"
    REMOVED = "removed"
    INSERTED = "inserted"
    CHECKPOINT_MISSING = "checkpoint_missing"


@dataclass(frozen=True)
class ChainBreak:
    kind: BreakKind
    event_id: int | None
    message: str


@dataclass(frozen=True)
class ChainReport:
    events: int
    head_hash: str
    first_break: ChainBreak | None
    protected: bool

    @property
    def intact(self) -> bool:
        return self.first_break is None


def _describe(event: AuditEvent, *, first: bool = False) -> str:
    word = "Händelse" if first else "händelse"
    when = timezone.localtime(event.created_at)
    return f"{word} {event.id} ({when:%Y-%m-%d %H:%M:%S}, {event.action})"


def verify_chain(*, checkpoint: str | None = None) -> ChainReport:
    """Walk the whole log once; report the first break, or none."""
    links = list(AuditEvent.objects.order_by("id").values_list("id", "previous_hash", "hash"))
    ids = [link[0] for link in links]
    hashes = [link[2] for link in links]
    position_of_hash = {h: i for i, h in enumerate(hashes)}
    position_of_hash.setdefault(GENESIS_HASH, -1)
    successor_of: dict[str, int] = {}
    for i, (_, previous, _) in enumerate(links):
        successor_of.setdefault(previous, i)

    first_break: ChainBreak | None = None
    before: AuditEvent | None = None
    for p, event in enumerate(AuditEvent.objects.order_by("id").iterator(chunk_size=1000)):
        expected = hashes[p - 1] if p > 0 else GENESIS_HASH
        content_holds = event.hash == event_hash(
            previous_hash=event.previous_hash,
            created_at=event.created_at,
            actor=event.actor,
            action=event.action,
            target=event.target,
            before=event.before,
            after=event.after,
        )
        if content_holds and event.previous_hash == expected:
            before = event
            continue
        first_break = _classify(
            event=event,
            before=before,
            position=p,
            expected=expected,
            content_holds=content_holds,
            ids=ids,
            position_of_hash=position_of_hash,
            successor_of=successor_of,
        )
        break

    if first_break is None and checkpoint and checkpoint not in position_of_hash:
        first_break = ChainBreak(
            BreakKind.CHECKPOINT_MISSING,
            None,
            f"Kontrollsumman {checkpoint} finns inte längre i granskningsloggen: loggen har "
            "kortats av eller skrivits om efter att kontrollsumman noterades.",
        )
    return ChainReport(
        events=len(links),
        head_hash=hashes[-1] if hashes else GENESIS_HASH,
        first_break=first_break,
        protected=protection.is_installed(connection),
    )


def _classify(
    *,
    event: AuditEvent,
    before: AuditEvent | None,
    position: int,
    expected: str,
    content_holds: bool,
    ids: list[int],
    position_of_hash: dict[str, int],
    successor_of: dict[str, int],
) -> ChainBreak:
    resumes_at = successor_of.get(expected)
    if resumes_at is not None and resumes_at > position:
        # The chain picks up again after this event: it (and any up to there) was put in.
        return ChainBreak(
            BreakKind.INSERTED,
            event.id,
            f"{_describe(event, first=True)} har lagts in i efterhand: kedjan går förbi den "
            f"och fortsätter vid händelse {ids[resumes_at]}.",
        )
    if not content_holds:
        return ChainBreak(
            BreakKind.EDITED,
            event.id,
            f"{_describe(event, first=True)} har ändrats i efterhand: dess innehåll stämmer "
            "inte med dess kontrollsumma.",
        )
    named = position_of_hash.get(event.previous_hash)
    if named is not None and named < position - 1:
        skipped_from = named + 1
        if before is not None and event.created_at < before.created_at:
            return ChainBreak(
                BreakKind.INSERTED,
                event.id,
                f"{_describe(event, first=True)} har lagts in i efterhand och i fel ordning: "
                f"den bygger på händelse {ids[named] if named >= 0 else 'noll (början)'} men "
                f"är daterad före händelse {before.id}, som kommer före den.",
            )
        return ChainBreak(
            BreakKind.INSERTED,
            ids[skipped_from],
            f"Händelse {ids[skipped_from]} har lagts in i efterhand: kedjan går förbi "
            f"händelserna {ids[skipped_from]}–{ids[position - 1]} (händelse {event.id} bygger "
            f"direkt på {'loggens början' if named < 0 else f'händelse {ids[named]}'}).",
        )
    if before is None:
        return ChainBreak(
            BreakKind.REMOVED,
            event.id,
            f"Händelser före {_describe(event)} saknas: loggens början har tagits bort.",
        )
    gap = f" (id {before.id + 1}–{event.id - 1})" if event.id - before.id > 1 else ""
    return ChainBreak(
        BreakKind.REMOVED,
        event.id,
        f"En eller flera händelser mellan händelse {before.id} och {_describe(event)} saknas"
        f"{gap}: de har tagits bort, eller så har händelse {before.id} ändrats och fått en ny "
        "kontrollsumma.",
    )
