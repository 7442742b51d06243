"""Writes of the feedback to the municipalities: a juror marks their comments shareable or
internal, and the organiser releases the reports (kommunpris.jury.feedback_selectors reads them).

Each function asks kommunpris.permissions.feedback first, validates everything before writing
anything, writes in one transaction with the edition's row locked (so a mark and the release
cannot cross), records the audit event and queues its mail on commit.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kommunpris import dates
from kommunpris.audit.services import record_event
from kommunpris.audit.vocabulary import Action, actor_label, edition_target
from kommunpris.awards.models import Edition, FeedbackRelease, Phase
from kommunpris.awards.services import lock_edition
from kommunpris.errors import Conflict, Invalid, NotAllowed, NotFound
from kommunpris.mail.links import absolute_url
from kommunpris.mail.services import queue_mail
from kommunpris.permissions.feedback import (
    feedback_is_released,
    feedback_may_be_released,
    may_mark_comments,
    may_release_feedback,
)
from kommunpris.permissions.jury import conflicted_candidacy_ids

from .feedback_selectors import ReleasePreview, release_preview
from .models import Decision, ScoreEntry, ScoreSheet


@dataclass(frozen=True)
class Marked:
    shared: int
    internal: int


def _split_key(key: str) -> tuple[str, int]:
    kind, _dash, pk = key.partition("-")
    if kind not in ("entry", "sheet") or not pk.isdigit():
        raise Invalid(
            _("“%(key)s” names no comment. Reload the page and mark again.") % {"key": key}
        )
    return kind, int(pk)


def mark_comments(*, edition: Edition, actor: User, shared: Mapping[str, bool]) -> Marked:
    """Mark the juror's own comments (`"entry-<pk>"` on a criterion, `"sheet-<pk>"` overall)
    shareable with the municipality (True) or internal (False). What is marked shareable is the
    comment's text as it stands: written again later, it is internal until marked again.

    All or nothing: a key that is not one of the juror's own comments in a submitted sheet of
    this edition, on a candidacy they may see, refuses the whole request.
    """
    if not may_mark_comments(actor, edition):
        raise NotFound(_("There is no such edition."))
    wanted = {_split_key(key): bool(value) for key, value in shared.items()}
    with transaction.atomic():
        lock_edition(edition)
        if feedback_is_released(edition):
            raise Conflict(
                _(
                    "The feedback reports of %(title)s are released: the comments stay as the "
                    "municipalities read them."
                )
                % {"title": edition.title}
            )
        hidden = conflicted_candidacy_ids(actor, edition)
        own = {"round__edition": edition, "juror": actor, "submitted_at__isnull": False}
        sheets = {
            s.pk: s
            for s in ScoreSheet.objects.select_for_update()
            .filter(pk__in=[pk for kind, pk in wanted if kind == "sheet"], **own)
            .exclude(candidacy_id__in=hidden)
        }
        entries = {
            e.pk: e
            for e in ScoreEntry.objects.select_for_update()
            .filter(
                pk__in=[pk for kind, pk in wanted if kind == "entry"],
                **{f"sheet__{name}": value for name, value in own.items()},
            )
            .exclude(sheet__candidacy_id__in=hidden)
        }
        found = {("sheet", pk): sheets[pk] for pk in sheets} | {
            ("entry", pk): entries[pk] for pk in entries
        }
        missing = [f"{kind}-{pk}" for kind, pk in wanted if (kind, pk) not in found]
        if missing:
            raise Invalid(
                _(
                    "Nothing was saved: %(keys)s is not one of your comments in a submitted "
                    "score sheet of %(title)s. Reload the page and mark again."
                )
                % {"keys": ", ".join(missing), "title": edition.title}
            )
        changed: dict[str, list[str]] = {"shared": [], "internal": []}
        for (kind, pk), share in wanted.items():
            row = found[(kind, pk)]
            text = row.comment if share and row.comment.strip() else ""
            if row.shared_comment != text:
                row.shared_comment = text
                row.save(update_fields=["shared_comment"])
                changed["shared" if text else "internal"].append(f"{kind}-{pk}")
        if changed["shared"] or changed["internal"]:
            record_event(
                action=Action.JURY_COMMENTS_MARKED,
                actor=actor_label(actor),
                target=edition_target(edition),
                after=changed,
            )
    return Marked(
        shared=sum(1 for share in wanted.values() if share),
        internal=sum(1 for share in wanted.values() if not share),
    )


def check_release_feedback(*, edition: Edition, actor: User) -> ReleasePreview:
    """What releasing would do, or the refusal (nothing written)."""
    if not may_release_feedback(actor, edition):
        raise NotAllowed(_("Only the organiser releases the feedback reports."))
    if feedback_is_released(edition):
        raise Conflict(
            _("The feedback reports of %(title)s are released already.") % {"title": edition.title}
        )
    if not feedback_may_be_released(edition):
        decided = Decision.objects.filter(edition=edition).exists()
        if decided and edition.publish_at is not None and edition.publish_at > timezone.now():
            raise Conflict(
                _("The feedback reports can be released after the decision is published, %(when)s.")
                % {"when": dates.moment(edition.publish_at)}
            )
        if not decided and edition.phase != Phase.ANNOUNCED:
            raise Conflict(
                _(
                    "The jury of %(title)s has not recorded its decision yet; the feedback "
                    "reports can be released once the decision is published."
                )
                % {"title": edition.title}
            )
        raise Conflict(
            _(
                "%(title)s has no jury decision published on this platform, so there are no "
                "feedback reports to release."
            )
            % {"title": edition.title}
        )
    return release_preview(edition)


def release_feedback(*, edition: Edition, actor: User) -> FeedbackRelease:
    """Release the edition's feedback reports: each candidacy's contact may read its own from
    now on and gets an e-mail saying so. Cannot be undone (the municipalities have read them)."""
    with transaction.atomic():
        lock_edition(edition)
        preview = check_release_feedback(edition=edition, actor=actor)
        release = FeedbackRelease.objects.create(
            edition=edition, released_at=timezone.now(), released_by=actor_label(actor)
        )
        record_event(
            action=Action.EDITION_FEEDBACK_RELEASED,
            actor=actor_label(actor),
            target=edition_target(edition),
            after={
                "candidacies": preview.candidacies,
                "contacts": [c.email for c in preview.contacts],
                "shared_comments": preview.shared_comments,
            },
        )
        for contact in preview.contacts:
            queue_mail(
                to=contact.email,
                template="jury/feedback_released",
                edition=edition,
                context={
                    "edition_title": edition.title,
                    "municipality": contact.municipality.name,
                    "sign_in_url": absolute_url("desk:nominations-contact-signin", language="sv"),
                },
            )
    return release
