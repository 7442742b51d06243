"""The chair announces the nominees and, later, the finalists, each at its own publication time.

Announcing sets the stage's time on the edition; the embargo rule in kommunpris.permissions
shows the public who reached the stage from that moment, with nothing to run then. Until the
time has passed the chair may move it or withdraw the announcement; from the announcement on,
who reached the stage is fixed (`check_stage_move`, which `jury.services.move_candidacy` asks),
so what becomes public is what the chair confirmed. The times keep the order of the award:
nominees, then finalists, then the winner.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kommunpris import dates, errors
from kommunpris.audit.services import record_event
from kommunpris.audit.vocabulary import Action, actor_label, edition_target
from kommunpris.awards.models import Edition
from kommunpris.mail.services import queue_mail
from kommunpris.nominations.models import Candidacy, Stage
from kommunpris.permissions import (
    ANNOUNCED_STAGES,
    WINNER,
    decision_is_public,
    out_of_order,
    stage_announced_at,
    stage_publish_at,
)
from kommunpris.permissions.announcements import announcement_fixing, may_announce
from kommunpris.permissions.jury import is_chair
from kommunpris.register.collation import swedish_sort_key

from .models import Membership
from .services import JuryError, edition_locked

# "The nominees of Sveriges DigitaliseringsKommun 2029 …": the stage as the messages name it.
STAGE_NAMES: dict[str, Promise] = {
    Stage.NOMINEE: gettext_lazy("the nominees"),
    Stage.FINALIST: gettext_lazy("the finalists"),
}
# "Sveriges DigitaliseringsKommun 2029 has no nominees yet …"
NONE_YET: dict[str, Promise] = {
    Stage.NOMINEE: gettext_lazy(
        "%(title)s has no nominees yet: make the jury's choice of candidacies nominees first."
    ),
    Stage.FINALIST: gettext_lazy(
        "%(title)s has no finalists yet: make the jury's choice of nominees finalists first."
    ),
}
# "… who is a nominee can no longer change."
STAGE_MEMBERSHIP: dict[str, Promise] = {
    Stage.NOMINEE: gettext_lazy("who is a nominee"),
    Stage.FINALIST: gettext_lazy("who is a finalist"),
}


class AnnouncementError(JuryError, errors.DomainError):
    """An announcement that cannot be made, moved or withdrawn; the message says what to do.
    (A JuryError too, so the jury's pages that catch those show it beside their forms.)"""


class AnnouncementNotAllowed(AnnouncementError, errors.NotAllowed):
    """The actor may not announce this edition's stages."""


class AnnouncementInvalid(AnnouncementError, errors.Invalid):
    """The time or the stage given is wrong; the message says how to fix it."""


class AnnouncementConflict(AnnouncementError, errors.Conflict):
    """Not now: nothing to announce yet, already announced or passed, or a move the
    announcement forbids."""


@dataclass(frozen=True)
class CheckedAnnouncement:
    """An announcement that may be made, as it will be: every candidacy that becomes public
    (the caller shows a conflicted chair only those they may see)."""

    edition: Edition
    stage: str
    publish_at: datetime
    candidacies: list[Candidacy]

    @property
    def at_once(self) -> bool:
        """The time has passed: the stage becomes public when the announcement is made."""
        return self.publish_at <= timezone.now()


def _effective(publish_at: datetime) -> datetime:
    """The time to record: a time already passed is recorded as the moment of publishing,
    which is when the public learns of it."""
    return max(publish_at, timezone.now())


def _words(edition: Edition, of: str, **more: object) -> dict[str, object]:
    """The words of a message about the announcement of stage `of`."""
    return {"title": edition.title, "stage": STAGE_NAMES[of], **more}


def _require_stage(stage: str) -> str:
    if stage not in ANNOUNCED_STAGES:
        raise AnnouncementInvalid(
            _("Only the nominees and the finalists are announced on their own, not '%(stage)s'.")
            % {"stage": stage}
        )
    return stage


def _require_may_announce(actor: User, edition: Edition) -> None:
    if may_announce(actor, edition):
        return
    if not is_chair(actor, edition):
        raise AnnouncementNotAllowed(
            _("Only the jury's chair of %(title)s can announce the nominees and the finalists.")
            % {"title": edition.title}
        )
    if decision_is_public(edition):
        raise AnnouncementConflict(
            _("The decision of %(title)s is public, and with it every nominee and finalist.")
            % {"title": edition.title}
        )
    raise AnnouncementConflict(
        _(
            "The jury's work on %(title)s has not begun; the nominees and the finalists are "
            "announced once the jury has chosen them."
        )
        % {"title": edition.title}
    )


def _reached(edition: Edition, stage: str) -> list[Candidacy]:
    """Every candidacy that has reached the stage (a finalist has been a nominee too)."""
    reached = [
        c
        for c in Candidacy.objects.filter(edition=edition).prefetch_related("members__municipality")
        if Stage.rank(c.stage) >= Stage.rank(stage)
    ]
    return sorted(reached, key=lambda c: (swedish_sort_key(c.name), c.pk))


def _check_time(
    edition: Edition, stage: str, publish_at: datetime, *, publish_at_once: bool
) -> None:
    if timezone.is_naive(publish_at):
        raise AnnouncementInvalid(_("Give the publication time with its time zone."))
    when = dates.moment(publish_at)
    local = timezone.localtime(publish_at)
    if not edition.year <= local.year <= edition.year + 1:
        raise AnnouncementInvalid(
            _(
                "The publication time %(when)s is outside %(first)s–%(last)s: an edition's "
                "announcements fall in its year or, with a late gala, the year after. Correct "
                "the year."
            )
            % {"when": when, "first": edition.year, "last": edition.year + 1}
        )
    if publish_at <= timezone.now() and not publish_at_once:
        raise AnnouncementInvalid(
            _(
                "The publication time %(when)s has already passed: %(stage)s would become "
                "public at once. Give a later time, or confirm that they are to be published "
                "at once."
            )
            % _words(edition, stage, when=when)
        )
    found = out_of_order(edition, stage, publish_at)
    if found is None:
        return
    if found.other == WINNER:
        raise AnnouncementInvalid(
            _(
                "The winner of %(title)s is made public on %(winner_when)s; %(stage)s must be "
                "announced no later than that."
            )
            % _words(edition, stage, winner_when=dates.moment(found.other_at))
        )
    words = _words(
        edition,
        stage,
        other=capfirst(str(STAGE_NAMES[found.other])),
        other_when=dates.moment(found.other_at),
    )
    if found.other_first:
        raise AnnouncementInvalid(
            _(
                "%(other)s of %(title)s are announced on %(other_when)s; %(stage)s cannot "
                "be announced before them. Choose %(other_when)s or later."
            )
            % words
        )
    raise AnnouncementInvalid(
        _(
            "%(other)s of %(title)s are announced on %(other_when)s; %(stage)s must be "
            "announced no later than that. Choose %(other_when)s or earlier, or move "
            "that announcement first."
        )
        % words
    )


def _require_not_passed(edition: Edition, stage: str) -> datetime:
    moment = stage_publish_at(edition, stage)
    if moment is None:
        raise AnnouncementConflict(
            _("%(stage)s of %(title)s have not been announced.")
            % _words(edition, stage, stage=capfirst(str(STAGE_NAMES[stage])))
        )
    if stage_announced_at(edition, stage) is not None:
        raise AnnouncementConflict(
            _(
                "%(stage)s of %(title)s were made public on %(when)s; that can no longer be "
                "moved or withdrawn."
            )
            % _words(
                edition, stage, stage=capfirst(str(STAGE_NAMES[stage])), when=dates.moment(moment)
            )
        )
    return moment


def check_announcement(
    *,
    edition: Edition,
    stage: str,
    publish_at: datetime,
    actor: User,
    publish_at_once: bool = False,
) -> CheckedAnnouncement:
    """Raises AnnouncementError saying why the stage cannot be announced for that time; else
    the announcement as it would be made."""
    _require_may_announce(actor, edition)
    _require_stage(stage)
    moment = stage_publish_at(edition, stage)
    if moment is not None:
        raise AnnouncementConflict(
            _(
                "%(stage)s of %(title)s are already announced for %(when)s. Move that time "
                "instead, or withdraw the announcement."
            )
            % _words(
                edition, stage, stage=capfirst(str(STAGE_NAMES[stage])), when=dates.moment(moment)
            )
        )
    reached = _reached(edition, stage)
    if not reached:
        raise AnnouncementConflict(str(NONE_YET[stage]) % {"title": edition.title})
    _check_time(edition, stage, publish_at, publish_at_once=publish_at_once)
    return CheckedAnnouncement(edition, stage, publish_at, reached)


def check_reschedule(
    *,
    edition: Edition,
    stage: str,
    publish_at: datetime,
    actor: User,
    publish_at_once: bool = False,
) -> CheckedAnnouncement:
    """Raises AnnouncementError saying why the announcement cannot move to that time."""
    _require_may_announce(actor, edition)
    _require_stage(stage)
    _require_not_passed(edition, stage)
    _check_time(edition, stage, publish_at, publish_at_once=publish_at_once)
    return CheckedAnnouncement(edition, stage, publish_at, _reached(edition, stage))


def check_withdraw(*, edition: Edition, stage: str, actor: User) -> CheckedAnnouncement:
    """Raises AnnouncementError saying why the announcement cannot be withdrawn."""
    _require_may_announce(actor, edition)
    _require_stage(stage)
    moment = _require_not_passed(edition, stage)
    return CheckedAnnouncement(edition, stage, moment, _reached(edition, stage))


def _set_time(
    edition: Edition, stage: str, publish_at: datetime | None, *, actor: User, action: Action
) -> None:
    field = ANNOUNCED_STAGES[Stage(stage)]
    before = getattr(edition, field)
    setattr(edition, field, publish_at)
    edition.save(update_fields=[field])
    reached = _reached(edition, stage)
    record_event(
        action=action,
        actor=actor_label(actor),
        target=edition_target(edition),
        before={"stage": stage, "publish_at": before},
        after={
            "stage": stage,
            "publish_at": publish_at,
            "candidacies": [c.pk for c in reached],
            "municipalities": [m.code for c in reached for m in c.municipalities],
        },
    )


def _tell_the_jury(edition: Edition, stage: str, publish_at: datetime | None) -> None:
    """Each member in their own language, in the edition's text of the message."""
    context: dict[str, object] = {"edition_title": edition.title, "stage": stage}
    if publish_at is not None:
        context["publish_at"] = timezone.localtime(publish_at)
    for seat in Membership.objects.filter(edition=edition).select_related("user"):
        queue_mail(
            to=seat.user.email,
            template="jury/announced" if publish_at is not None else "jury/announcement_withdrawn",
            context=context,
            language=seat.language,
            edition=edition,
        )


@edition_locked
def announce_stage(
    *,
    edition: Edition,
    stage: str,
    publish_at: datetime,
    actor: User,
    publish_at_once: bool = False,
) -> Edition:
    """The chair announces the nominees or the finalists for a publication time: from then on
    the public sees who reached the stage, and until then no candidacy may join or leave it.
    Every jury member is told by e-mail when it becomes public."""
    check_announcement(
        edition=edition,
        stage=stage,
        publish_at=publish_at,
        actor=actor,
        publish_at_once=publish_at_once,
    )
    with transaction.atomic():
        moment = _effective(publish_at)
        _set_time(edition, stage, moment, actor=actor, action=Action.EDITION_ANNOUNCEMENT_MADE)
        _tell_the_jury(edition, stage, moment)
    return edition


@edition_locked
def reschedule_announcement(
    *,
    edition: Edition,
    stage: str,
    publish_at: datetime,
    actor: User,
    publish_at_once: bool = False,
) -> Edition:
    """Move an announcement's publication time while it has not passed."""
    check_reschedule(
        edition=edition,
        stage=stage,
        publish_at=publish_at,
        actor=actor,
        publish_at_once=publish_at_once,
    )
    with transaction.atomic():
        moment = _effective(publish_at)
        _set_time(
            edition, stage, moment, actor=actor, action=Action.EDITION_ANNOUNCEMENT_RESCHEDULED
        )
        _tell_the_jury(edition, stage, moment)
    return edition


@edition_locked
def withdraw_announcement(*, edition: Edition, stage: str, actor: User) -> Edition:
    """Take back an announcement before its time: the stage stays confidential and its
    candidacies may move again."""
    check_withdraw(edition=edition, stage=stage, actor=actor)
    with transaction.atomic():
        _set_time(edition, stage, None, actor=actor, action=Action.EDITION_ANNOUNCEMENT_WITHDRAWN)
        _tell_the_jury(edition, stage, None)
    return edition


def check_stage_move(*, candidacy: Candidacy, stage: str) -> None:
    """Raises AnnouncementError when moving the candidacy to `stage` would change who reached
    a stage the chair has announced (jury.services.move_candidacy asks this)."""
    fixed = announcement_fixing(candidacy, stage)
    if not fixed:
        return
    edition = candidacy.edition
    moment = stage_publish_at(edition, fixed)
    words = _words(
        edition,
        fixed,
        who=STAGE_MEMBERSHIP[fixed],
        when=dates.moment(moment),
        stage=capfirst(str(STAGE_NAMES[fixed])),
    )
    if stage_announced_at(edition, fixed) is not None:
        raise AnnouncementConflict(
            _("%(stage)s of %(title)s were made public on %(when)s; %(who)s can no longer change.")
            % words
        )
    raise AnnouncementConflict(
        _(
            "%(stage)s of %(title)s are announced for %(when)s, as they are now. To change "
            "%(who)s, first withdraw that announcement on the announcements page."
        )
        % words
    )
