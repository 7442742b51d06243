"""Every state change of an edition's schedule: the organiser's reminder settings, the chair's
round deadlines, and the run that queues the reminders that are due.

Each function asks the permission layer first, writes in one transaction with its audit event,
and queues its e-mail there (sent after commit, or by the mail worker). The reminder run is
`kommunpris send_reminders`, every quarter of an hour from a systemd timer
(deploy/systemd/kommunpris-reminders.timer); the mail worker sends what it queues.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from kommunpris import dates
from kommunpris.audit.services import record_event
from kommunpris.audit.vocabulary import (
    SYSTEM,
    Action,
    actor_label,
    edition_target,
    nomination_target,
)
from kommunpris.awards.models import Edition
from kommunpris.awards.services import lock_edition
from kommunpris.errors import Conflict, Invalid, NotAllowed
from kommunpris.jury.labels import ROUND_NAMES
from kommunpris.jury.models import ScoringRound
from kommunpris.mail.links import absolute_url
from kommunpris.mail.services import queue_mail
from kommunpris.nominations.models import Stage
from kommunpris.permissions.reminders import (
    may_configure_reminders,
    may_send_reminders,
    may_set_round_deadline,
    schedule_is_history,
)

from . import selectors
from .models import Kind, Reminder, ReminderSettings, RoundDeadline

# The longest distances the organiser may set: a reminder further ahead is not one.
MAX_CONTACT_DAYS_BEFORE = 60
MAX_JUROR_DAYS_BEFORE = 30


def _round_name(stage: str) -> str:
    return str(ROUND_NAMES[stage])


# --- the organiser's settings -----------------------------------------------------------------


def _check_distance(value: int | None, *, what: str, most: int, unit: str) -> None:
    if value is None:
        return
    if value < 1 or value > most:
        raise Invalid(
            _(
                "%(what)s: give a number of %(unit)s from 1 to %(most)s, or leave it empty for no "
                "reminder."
            )
            % {"what": what, "unit": unit, "most": most}
        )


def configure_reminders(
    *,
    edition: Edition,
    actor: User,
    contact_days_before: int | None,
    juror_days_before: int | None,
    nominator_hours_before: int | None,
) -> ReminderSettings:
    """Set when the edition's reminders go out (None: that reminder is off). Audited with what
    they were and what they are; saving the values already saved writes nothing."""
    if not may_configure_reminders(actor, edition):
        raise NotAllowed(
            _("Only an organiser can change the reminders of %(title)s.") % {"title": edition.title}
        )
    link_hours = int(selectors.confirmation_link_lifetime().total_seconds() // 3600)
    _check_distance(
        contact_days_before,
        what=_("Reminder to municipality contacts"),
        most=MAX_CONTACT_DAYS_BEFORE,
        unit=_("days"),
    )
    _check_distance(
        juror_days_before,
        what=_("Reminder to jurors"),
        most=MAX_JUROR_DAYS_BEFORE,
        unit=_("days"),
    )
    _check_distance(
        nominator_hours_before,
        what=_("Reminder to nominators"),
        most=link_hours - 1,
        unit=_("hours (a confirmation link works for %(hours)s hours)") % {"hours": link_hours},
    )
    wanted = {
        "contact_days_before": contact_days_before,
        "juror_days_before": juror_days_before,
        "nominator_hours_before": nominator_hours_before,
    }
    with transaction.atomic():
        edition = lock_edition(edition)
        if schedule_is_history(edition):
            raise Conflict(
                _("%(title)s is announced; its reminders are history now.")
                % {"title": edition.title}
            )
        current = selectors.plan_of(edition)
        before = {name: getattr(current, name) for name in wanted}
        if before == wanted and current.changed_at is not None:
            return ReminderSettings.objects.get(edition=edition)
        now = timezone.now()
        found, _created = ReminderSettings.objects.update_or_create(
            edition=edition,
            defaults={**wanted, "changed_at": now, "changed_by": actor_label(actor)},
        )
        record_event(
            action=Action.REMINDERS_CONFIGURED,
            actor=actor_label(actor),
            target=edition_target(edition),
            before=before,
            after=wanted,
        )
    return found


# --- the chair's round deadlines ------------------------------------------------------------


def _check_stage(stage: str) -> None:
    if stage not in Stage.values:
        raise Invalid(
            _("There is no round '%(stage)s'; choose candidacies, nominees or finalists.")
            % {"stage": stage}
        )


def _open_or_coming(edition: Edition, stage: str) -> None:
    closed = ScoringRound.objects.filter(edition=edition, stage=stage, closed_at__isnull=False)
    if closed.exists():
        raise Conflict(
            _("%(round)s of %(title)s is closed; open it again before giving it a new last day.")
            % {"round": _round_name(stage).capitalize(), "title": edition.title}
        )


def set_round_deadline(
    *, edition: Edition, stage: str, closes_at: datetime, actor: User, now: datetime | None = None
) -> RoundDeadline:
    """The chair gives a round (open, or still to open) its last day; jurors are reminded before
    it (kommunpris.reminders.selectors.due_juror_reminders). Audited with the old and new day."""
    _check_stage(stage)
    if not may_set_round_deadline(actor, edition):
        raise NotAllowed(
            _("Only the jury chair of %(title)s can set the last day of a round.")
            % {"title": edition.title}
        )
    now = now or timezone.now()
    if timezone.is_naive(closes_at):
        raise Invalid(_("Give the last day with its time of day."))
    closes_at = closes_at.astimezone(UTC)  # stored and audited in UTC, as every time
    if closes_at <= now:
        raise Invalid(
            _("The last day must be in the future; %(when)s has passed.")
            % {"when": dates.moment(closes_at)}
        )
    with transaction.atomic():
        edition = lock_edition(edition)
        if not may_set_round_deadline(actor, edition):  # the phase, read under the lock
            raise Conflict(
                _("The jury of %(title)s has decided; its rounds are over.")
                % {"title": edition.title}
            )
        if edition.ceremony_at is not None and closes_at >= edition.ceremony_at:
            raise Invalid(
                _("The last day must be before the gala (%(when)s).")
                % {"when": dates.moment(edition.ceremony_at)}
            )
        _open_or_coming(edition, stage)
        existing = (
            RoundDeadline.objects.select_for_update().filter(edition=edition, stage=stage).first()
        )
        before = {"stage": stage, "closes_at": existing.closes_at} if existing else None
        if existing is not None and existing.closes_at == closes_at:
            return existing
        deadline, _created = RoundDeadline.objects.update_or_create(
            edition=edition,
            stage=stage,
            defaults={"closes_at": closes_at, "set_at": now, "set_by": actor_label(actor)},
        )
        record_event(
            action=Action.JURY_ROUND_DEADLINE_SET,
            actor=actor_label(actor),
            target=edition_target(edition),
            before=before,
            after={"stage": stage, "closes_at": closes_at},
        )
    return deadline


def clear_round_deadline(*, edition: Edition, stage: str, actor: User) -> None:
    """The chair takes a round's last day away: no reminder goes out for it."""
    _check_stage(stage)
    if not may_set_round_deadline(actor, edition):
        raise NotAllowed(
            _("Only the jury chair of %(title)s can set the last day of a round.")
            % {"title": edition.title}
        )
    with transaction.atomic():
        edition = lock_edition(edition)
        existing = (
            RoundDeadline.objects.select_for_update().filter(edition=edition, stage=stage).first()
        )
        if existing is None:
            return
        existing.delete()
        record_event(
            action=Action.JURY_ROUND_DEADLINE_CLEARED,
            actor=actor_label(actor),
            target=edition_target(edition),
            before={"stage": stage, "closes_at": existing.closes_at},
            after=None,
        )


# --- the reminder run -------------------------------------------------------------------------


@dataclass
class Sent:
    """What one run queued, per kind."""

    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(Kind.values, 0))

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def _url(viewname: str, *, language: str, **kwargs: Any) -> str:
    return absolute_url(viewname, language=language, **kwargs)


def missing_line(candidacy: str, missing: str) -> str:
    """What a candidacy still owes (`missing`: selectors.ANSWER or OWN_TEXT), as one line of
    the contacts' reminder, in the active language."""
    if missing == selectors.ANSWER:
        owed = _("you have not said whether the municipality takes part as a candidate.")
    else:
        owed = _(
            "the municipality takes part, but its own answers to the three questions are not "
            "there yet."
        )
    return f"- {candidacy}: {owed}"


def missing_lines(tasks: list[selectors.ContactTask]) -> str:
    """The `missing` of the contacts' reminder: one line per candidacy."""
    return "\n".join(missing_line(task.candidacy.name, task.missing) for task in tasks)


def unconfirmed_line(municipality: str, *, sent_at: datetime, expires_at: datetime) -> str:
    """An unconfirmed nomination as one line of the reminder to confirm, in the active
    language."""
    return "- " + _(
        "%(municipality)s, sent %(sent)s: its confirmation link works until %(expires)s "
        "(Swedish time)."
    ) % {
        "municipality": municipality,
        "sent": dates.moment(sent_at),
        "expires": dates.moment(expires_at),
    }


def unconfirmed_lines(items: list[selectors.Unconfirmed]) -> str:
    """The `nominations` of the reminder to confirm: one line per nomination."""
    return "\n".join(
        unconfirmed_line(
            item.nomination.municipality.name, sent_at=item.sent_at, expires_at=item.expires_at
        )
        for item in items
    )


def reminder_mail(due: selectors.DueReminder, edition: Edition) -> tuple[str, dict[str, Any]]:
    """The template and context of one reminder, in the recipient's language (the catalogue's
    examples, kommunpris.reminders.mail_messages, are written by it too)."""
    with translation.override(due.language):
        deadline = dates.moment(due.due_at)
        common = {"edition_title": edition.title, "deadline": deadline}
        if due.kind == Kind.CONTACT_SUPPLEMENT:
            return "reminders/contact_supplement", {
                **common,
                "missing": missing_lines(due.contact_tasks),
                "sign_in_link": _url("desk:nominations-contact-signin", language="sv"),
            }
        if due.kind == Kind.JUROR_ROUND:
            return "reminders/juror_round", {
                **common,
                "round": _round_name(due.stage),
                "remaining": due.remaining,
                "eligible": due.eligible,
                "link": _url(
                    "desk:jury-round", language=due.language, year=edition.year, stage=due.stage
                ),
            }
        return "nominations/confirmation_reminder", {
            **common,
            "nominations": unconfirmed_lines(due.nominations),
            "form_link": _url("nominate", language=due.language),
            "privacy_link": _url("nominate-privacy", language=due.language),
        }


def _audit_record(due: selectors.DueReminder, mail_id: int) -> tuple[str, dict[str, Any]]:
    """The event's target and facts; never a nominator's address."""
    facts: dict[str, Any] = {"kind": due.kind, "due_at": due.due_at, "mail": mail_id}
    if due.kind == Kind.CONTACT_SUPPLEMENT:
        facts["to"] = due.email
        facts["candidacies"] = sorted({t.candidacy.pk for t in due.contact_tasks})
        facts["municipalities"] = sorted({t.contact.municipality_id for t in due.contact_tasks})
        return "", facts
    if due.kind == Kind.JUROR_ROUND:
        facts.update(to=due.email, stage=due.stage, remaining=due.remaining)
        return "", facts
    facts["nominations"] = [item.nomination.pk for item in due.nominations]
    return nomination_target(due.nominations[0].nomination), facts


def _send(due: selectors.DueReminder, edition: Edition, *, actor: str, now: datetime) -> bool:
    """Queue one reminder with its record and audit event, all or nothing; False if this person
    has had it already (another run came first)."""
    template, context = reminder_mail(due, edition)
    try:
        with transaction.atomic():
            mail = queue_mail(
                to=due.email,
                template=template,
                language=due.language,
                context=context,
                edition=edition,
            )
            Reminder.objects.create(
                edition=edition,
                kind=due.kind,
                stage=due.stage,
                # A nominator's address stays with their nomination; here only its keyed hash.
                recipient="" if due.kind == Kind.NOMINATOR_CONFIRMATION else due.email,
                recipient_key=due.key,
                contact=due.contact,
                juror=due.juror.user if due.juror is not None else None,
                nomination=due.nominations[0].nomination if due.nominations else None,
                due_at=due.due_at,
                queued_at=now,
                mail=mail,
            )
            target, facts = _audit_record(due, mail.pk)
            record_event(
                action=Action.REMINDERS_SENT,
                actor=actor,
                target=target or edition_target(edition),
                after=facts,
            )
    except IntegrityError:
        return False
    return True


def send_due_reminders(*, actor: str = SYSTEM, now: datetime | None = None) -> Sent:
    """Queue every reminder due at `now`, each person once per occasion (safe to run as often
    as wanted, and by two processes at once: the second finds the first's records)."""
    if not may_send_reminders(actor):
        raise NotAllowed(_("Reminders are sent by the platform itself, not by a person."))
    now = now or timezone.now()
    sent = Sent()
    for edition in selectors.editions_with_reminders():
        plan = selectors.plan_of(edition)
        due = [
            *selectors.due_contact_reminders(edition, plan=plan, now=now),
            *selectors.due_juror_reminders(edition, plan=plan, now=now),
            *selectors.due_nominator_reminders(edition, plan=plan, now=now),
        ]
        for reminder in due:
            if _send(reminder, edition, actor=actor, now=now):
                sent.counts[reminder.kind] += 1
    return sent


__all__ = [
    "Sent",
    "clear_round_deadline",
    "configure_reminders",
    "missing_line",
    "missing_lines",
    "reminder_mail",
    "send_due_reminders",
    "set_round_deadline",
    "unconfirmed_line",
    "unconfirmed_lines",
]
