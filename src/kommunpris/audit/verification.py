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
from django.utils.translation import gettext as _

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


def _describe(event: AuditEvent) -> str:
    """The event's id, time and action, for a message that calls it "event …"."""
    when = timezone.localtime(event.created_at)
    return f"{event.id} ({when:%Y-%m-%d %H:%M:%S}, {event.action})"


def verify_chain(*, checkpoint: str | None = None) -> ChainReport:
    """Walk the whole log once; report the first break, or none."""
    links = list(AuditEvent.objects.order_by("id").values_list("id", "previous_hash", "hash"))
    ids = [link[0] for link in links]
    hashes = [link[2] for link in links]
    position_of_hash = {h: i for i, h in enumerate(hashes)}
    position_of_hash.setdefault(GENESIS_HASH, -1)
    successor_of: dict[str, int] = {}
    for i, (_id, previous, _hash) in enumerate(links):
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
            _(
                "The checksum %(checkpoint)s is no longer in the audit log: the log has been cut "
                "short or rewritten since the checksum was noted."
            )
            % {"checkpoint": checkpoint},
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
            _(
                "Event %(event)s has been put in afterwards: the chain goes past it and "
                "continues at event %(resumes)s."
            )
            % {"event": _describe(event), "resumes": ids[resumes_at]},
        )
    if not content_holds:
        return ChainBreak(
            BreakKind.EDITED,
            event.id,
            _(
                "Event %(event)s has been changed afterwards: its content does not match its "
                "checksum."
            )
            % {"event": _describe(event)},
        )
    named = position_of_hash.get(event.previous_hash)
    if named is not None and named < position - 1:
        skipped_from = named + 1
        if before is not None and event.created_at < before.created_at:
            return ChainBreak(
                BreakKind.INSERTED,
                event.id,
                _(
                    "Event %(event)s has been put in afterwards and out of order: it builds on "
                    "event %(named)s but is dated before event %(before)s, which comes before it."
                )
                % {
                    "event": _describe(event),
                    "named": ids[named] if named >= 0 else _("zero (the beginning)"),
                    "before": before.id,
                },
            )
        return ChainBreak(
            BreakKind.INSERTED,
            ids[skipped_from],
            _(
                "Event %(first)s has been put in afterwards: the chain goes past events "
                "%(first)s–%(last)s (event %(event)s builds directly on %(base)s)."
            )
            % {
                "first": ids[skipped_from],
                "last": ids[position - 1],
                "event": event.id,
                "base": _("the beginning of the log")
                if named < 0
                else _("event %(id)s") % {"id": ids[named]},
            },
        )
    if before is None:
        return ChainBreak(
            BreakKind.REMOVED,
            event.id,
            _(
                "Events before event %(event)s are missing: the beginning of the log has been "
                "removed."
            )
            % {"event": _describe(event)},
        )
    gap = f" (id {before.id + 1}–{event.id - 1})" if event.id - before.id > 1 else ""
    return ChainBreak(
        BreakKind.REMOVED,
        event.id,
        _(
            "One or more events between event %(before)s and event %(event)s are missing%(gap)s: "
            "they have been removed, or event %(before)s has been changed and got a new checksum."
        )
        % {"before": before.id, "event": _describe(event), "gap": gap},
    )
