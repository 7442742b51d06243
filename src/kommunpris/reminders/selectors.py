"""Reads of an edition's schedule: its reminder settings and round deadlines, who still has to do
what is due (contacts, jurors, nominators), which reminders are due now and to whom, and what
has been sent. The reminder run and the organiser's dashboard read the same functions, so the
dashboard lists exactly the people the next reminder would reach."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Count, Prefetch, Q
from django.utils import timezone
from django.utils.crypto import salted_hmac

from kommunpris.audit.models import AuditEvent
from kommunpris.audit.vocabulary import edition_target
from kommunpris.awards.models import Edition, Phase
from kommunpris.jury.models import Membership, ScoringRound
from kommunpris.jury.selectors import Progress, round_progress
from kommunpris.mail.models import MailStatus, OutgoingMail
from kommunpris.nominations.models import (
    Candidacy,
    CandidacyMember,
    MunicipalityContact,
    Nomination,
    NominationRevision,
    NominationStatus,
    Response,
    Stage,
)
from kommunpris.permissions.jury import JURY_PHASES
from kommunpris.permissions.nominations import nominations_may_be_confirmed, supplement_is_open

from .models import (
    DEFAULT_CONTACT_DAYS_BEFORE,
    DEFAULT_JUROR_DAYS_BEFORE,
    DEFAULT_NOMINATOR_HOURS_BEFORE,
    Kind,
    Reminder,
    ReminderSettings,
    RoundDeadline,
)

# A reminder counted in days goes out from this hour, Swedish time, on its day: a deadline at
# 23:59 does not bring a reminder at midnight.
REMINDER_HOUR = 8
STOCKHOLM = ZoneInfo("Europe/Stockholm")
# The phases in which some reminder can be due.
ACTIVE_PHASES = (
    Phase.NOMINATIONS_OPEN,
    Phase.NOMINATIONS_CLOSED,
    Phase.JURY_REVIEW,
    Phase.DELIBERATION,
)


# --- settings and deadlines ---------------------------------------------------------------


@dataclass(frozen=True)
class Plan:
    """When an edition's reminders go out; None: that reminder is off."""

    contact_days_before: int | None = DEFAULT_CONTACT_DAYS_BEFORE
    juror_days_before: int | None = DEFAULT_JUROR_DAYS_BEFORE
    nominator_hours_before: int | None = DEFAULT_NOMINATOR_HOURS_BEFORE
    changed_at: datetime | None = None  # None: the defaults, never changed
    changed_by: str = ""


def plan_of(edition: Edition) -> Plan:
    found = ReminderSettings.objects.filter(edition=edition).first()
    if found is None:
        return Plan()
    return Plan(
        contact_days_before=found.contact_days_before,
        juror_days_before=found.juror_days_before,
        nominator_hours_before=found.nominator_hours_before,
        changed_at=found.changed_at,
        changed_by=found.changed_by,
    )


def round_deadlines(edition: Edition) -> dict[str, RoundDeadline]:
    return {d.stage: d for d in RoundDeadline.objects.filter(edition=edition)}


def round_deadline(edition: Edition, stage: str) -> RoundDeadline | None:
    return RoundDeadline.objects.filter(edition=edition, stage=stage).first()


def confirmation_link_lifetime() -> timedelta:
    return timedelta(hours=settings.KOMMUNPRIS_NOMINATION_LINK_HOURS)


def reminder_day_starts(deadline: datetime, days_before: int) -> datetime:
    """When a reminder `days_before` days ahead of `deadline` becomes due: REMINDER_HOUR in the
    morning, Swedish time, on the day that many days before the deadline's day."""
    day = timezone.localtime(deadline, STOCKHOLM).date() - timedelta(days=days_before)
    return datetime.combine(day, time(REMINDER_HOUR), tzinfo=STOCKHOLM)


def recipient_key(email: str) -> str:
    """Who a reminder went to, for the once-per-person rule: a keyed hash of the address in
    lower case (useless without the server's key, so no nominator's address is kept here)."""
    return salted_hmac(
        "kommunpris.reminders.recipient", email.strip().lower(), algorithm="sha256"
    ).hexdigest()


def _reminded(edition: Edition, kind: str, stage: str = "") -> set[str]:
    return set(
        Reminder.objects.filter(edition=edition, kind=kind, stage=stage).values_list(
            "recipient_key", flat=True
        )
    )


# --- municipality contacts ----------------------------------------------------------------

ANSWER, OWN_TEXT = "answer", "own_text"


@dataclass(frozen=True)
class ContactTask:
    """A candidacy that waits for one of its contacts: an answer, or (accepted) its own text."""

    contact: MunicipalityContact
    candidacy: Candidacy
    missing: str  # ANSWER or OWN_TEXT


@dataclass(frozen=True)
class ContactWork:
    """What the municipalities still owe an edition."""

    tasks: list[ContactTask]
    # Members of candidacies (not declined) that have nobody to answer for them.
    without_contact: list[str]


def contact_work(edition: Edition) -> ContactWork:
    """Every candidacy not declined and not done, for each of its municipalities' contacts;
    in Swedish order of the municipality."""
    candidacies = list(
        Candidacy.objects.filter(edition=edition)
        .exclude(response=Response.DECLINED)
        .prefetch_related(
            Prefetch("members", queryset=CandidacyMember.objects.select_related("municipality"))
        )
    )
    contacts = {
        c.municipality_id: c
        for c in MunicipalityContact.objects.filter(edition=edition).select_related("municipality")
    }
    tasks: list[ContactTask] = []
    without: list[tuple[bytes, str]] = []
    for candidacy in candidacies:
        if candidacy.response == Response.ACCEPTED and candidacy.has_contribution:
            continue
        missing = ANSWER if candidacy.response == Response.PENDING else OWN_TEXT
        for member in candidacy.members.all():
            contact = contacts.get(member.municipality_id)
            if contact is None:
                without.append((bytes(member.municipality.sort_key), member.municipality.name))
            else:
                tasks.append(ContactTask(contact=contact, candidacy=candidacy, missing=missing))
    tasks.sort(key=lambda t: bytes(t.contact.municipality.sort_key))
    return ContactWork(tasks=tasks, without_contact=[name for _key, name in sorted(without)])


@dataclass(frozen=True)
class DueReminder:
    """One reminder to send now: to whom, about what, and its deadline."""

    kind: str
    email: str
    due_at: datetime
    language: str = "sv"
    stage: str = ""
    contact: MunicipalityContact | None = None
    juror: Membership | None = None
    contact_tasks: list[ContactTask] = field(default_factory=list)
    remaining: int = 0  # a juror's sheets still to submit
    eligible: int = 0
    nominations: list[Unconfirmed] = field(default_factory=list)

    @property
    def key(self) -> str:
        return recipient_key(self.email)


def contact_reminder_starts(edition: Edition, plan: Plan) -> datetime | None:
    if plan.contact_days_before is None or edition.supplement_close_at is None:
        return None
    return reminder_day_starts(edition.supplement_close_at, plan.contact_days_before)


def due_contact_reminders(edition: Edition, *, plan: Plan, now: datetime) -> list[DueReminder]:
    """One reminder per address among the contacts whose candidacy waits for them, from the
    reminder's day until the deadline, while they may still answer; none twice."""
    starts = contact_reminder_starts(edition, plan)
    deadline = edition.supplement_close_at
    if (
        starts is None
        or deadline is None
        or not (starts <= now and supplement_is_open(edition, now=now))
    ):
        return []
    by_address: defaultdict[str, list[ContactTask]] = defaultdict(list)
    for task in contact_work(edition).tasks:
        if task.contact.notified_at is not None:  # told that it is a candidate
            by_address[task.contact.email.strip().lower()].append(task)
    done = _reminded(edition, Kind.CONTACT_SUPPLEMENT)
    return [
        DueReminder(
            kind=Kind.CONTACT_SUPPLEMENT,
            email=email,
            due_at=deadline,
            contact=tasks[0].contact,
            contact_tasks=tasks,
        )
        for email, tasks in by_address.items()
        if recipient_key(email) not in done
    ]


# --- jurors ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class RoundState:
    """One stage's round as the schedule sees it: opened or not, its last day, the jurors' progress
    (open rounds only)."""

    stage: str
    scoring_round: ScoringRound | None
    deadline: RoundDeadline | None
    progress: list[Progress]

    @property
    def is_open(self) -> bool:
        return self.scoring_round is not None and self.scoring_round.is_open

    @property
    def behind(self) -> list[Progress]:
        return [p for p in self.progress if p.remaining > 0]


def round_states(edition: Edition) -> list[RoundState]:
    rounds = {r.stage: r for r in ScoringRound.objects.filter(edition=edition)}
    deadlines = round_deadlines(edition)
    states = []
    for stage in Stage.values:
        scoring_round = rounds.get(stage)
        if scoring_round is not None:
            scoring_round.edition = edition
        progress = (
            round_progress(scoring_round)
            if scoring_round is not None and scoring_round.is_open
            else []
        )
        states.append(RoundState(stage, scoring_round, deadlines.get(stage), progress))
    return states


def juror_reminder_starts(deadline: RoundDeadline, plan: Plan) -> datetime | None:
    if plan.juror_days_before is None:
        return None
    return reminder_day_starts(deadline.closes_at, plan.juror_days_before)


def due_juror_reminders(
    edition: Edition, *, plan: Plan, now: datetime, states: list[RoundState] | None = None
) -> list[DueReminder]:
    """For each open round with a last day: the members who accepted their seat and still have
    sheets to submit, from the reminder's day until that last day; none twice per round."""
    if edition.phase not in JURY_PHASES or plan.juror_days_before is None:
        return []
    due = []
    for state in states if states is not None else round_states(edition):
        if not state.is_open or state.deadline is None:
            continue
        starts = juror_reminder_starts(state.deadline, plan)
        if starts is None or not (starts <= now < state.deadline.closes_at):
            continue
        done = _reminded(edition, Kind.JUROR_ROUND, state.stage)
        for progress in state.behind:
            seat = progress.membership
            if seat.accepted_at is None or recipient_key(seat.user.email) in done:
                continue
            due.append(
                DueReminder(
                    kind=Kind.JUROR_ROUND,
                    email=seat.user.email,
                    due_at=state.deadline.closes_at,
                    language=getattr(seat, "language", "") or "sv",
                    stage=state.stage,
                    juror=seat,
                    remaining=progress.remaining,
                    eligible=progress.eligible,
                )
            )
    return due


# --- nominators -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Unconfirmed:
    """A nomination waiting for its nominator's link, and when the newest text's link expires."""

    nomination: Nomination
    sent_at: datetime
    expires_at: datetime


def unconfirmed_nominations(edition: Edition, *, now: datetime) -> list[Unconfirmed]:
    """Pending nominations whose newest text's confirmation link still works at `now`."""
    lifetime = confirmation_link_lifetime()
    rows = (
        Nomination.objects.filter(edition=edition, status=NominationStatus.PENDING)
        .exclude(nominator_email="")
        .filter(Q(submitted_at__gt=now - lifetime) | Q(revisions__submitted_at__gt=now - lifetime))
        .distinct()
        .select_related("municipality")
        .prefetch_related(
            Prefetch("revisions", queryset=NominationRevision.objects.order_by("submitted_at"))
        )
        .order_by("submitted_at", "id")
    )
    found = []
    for nomination in rows:
        revisions = list(nomination.revisions.all())
        sent_at = revisions[-1].submitted_at if revisions else nomination.submitted_at
        if sent_at + lifetime > now:
            found.append(Unconfirmed(nomination, sent_at, sent_at + lifetime))
    return found


def due_nominator_reminders(edition: Edition, *, plan: Plan, now: datetime) -> list[DueReminder]:
    """One reminder per address whose unconfirmed nominations have a link that stops working
    within the set hours, while a confirmation still counts; none twice per edition (anyone can
    type anyone's address into the form, so an address gets at most one reminder)."""
    hours = plan.nominator_hours_before
    if hours is None or not nominations_may_be_confirmed(edition):
        return []
    soon = timedelta(hours=hours)
    by_address: defaultdict[str, list[Unconfirmed]] = defaultdict(list)
    for item in unconfirmed_nominations(edition, now=now):
        if item.expires_at - soon <= now:
            by_address[item.nomination.nominator_email.strip().lower()].append(item)
    done = _reminded(edition, Kind.NOMINATOR_CONFIRMATION)
    return [
        DueReminder(
            kind=Kind.NOMINATOR_CONFIRMATION,
            email=email,
            due_at=min(item.expires_at for item in items),
            language=items[0].nomination.language or "sv",
            nominations=items,
        )
        for email, items in by_address.items()
        if recipient_key(email) not in done
    ]


def editions_with_reminders() -> list[Edition]:
    return list(
        Edition.objects.filter(phase__in=ACTIVE_PHASES)
        .select_related("award")
        .prefetch_related("award__names")
        .order_by("year", "id")
    )


# --- what has been sent ---------------------------------------------------------------------


@dataclass(frozen=True)
class MailCounts:
    sent: int = 0
    waiting: int = 0
    given_up: int = 0
    retrying: int = 0  # of the waiting: failed at least once

    @property
    def total(self) -> int:
        return self.sent + self.waiting + self.given_up


def reminders_sent(edition: Edition) -> list[Reminder]:
    return list(
        Reminder.objects.filter(edition=edition)
        .select_related("mail", "contact__municipality", "juror", "nomination__municipality")
        .order_by("-queued_at", "-id")
    )


def reminder_mail_counts(reminders: list[Reminder]) -> dict[str, MailCounts]:
    """Per kind: how the reminders' messages fared (from rows read with their mail). A message
    the mail log no longer holds (deleted after its retention time) was sent."""
    counts: dict[str, defaultdict[str, int]] = {kind: defaultdict(int) for kind in Kind.values}
    for reminder in reminders:
        mail = reminder.mail
        status = mail.status if mail is not None else MailStatus.SENT
        counts[reminder.kind][status] += 1
        if mail is not None and status == MailStatus.PENDING and mail.attempts:
            counts[reminder.kind]["retrying"] += 1
    return {
        kind: MailCounts(
            sent=c[MailStatus.SENT],
            waiting=c[MailStatus.PENDING],
            given_up=c[MailStatus.GAVE_UP],
            retrying=c["retrying"],
        )
        for kind, c in counts.items()
    }


def outbox_counts(edition: Edition | None = None) -> MailCounts:
    """How the messages of `edition` fared (those sent for it, reminders and bulk mail
    included), or, without one, the whole outbox: the mail worker's state. A message the mail
    log no longer holds (deleted after its retention time) is not counted."""
    mails = (
        OutgoingMail.objects.all()
        if edition is None
        else OutgoingMail.objects.filter(edition=edition)
    )
    rows = (
        mails.values_list("status")
        .annotate(failed=Count("id", filter=Q(attempts__gt=0)), n=Count("id"))
        .values_list("status", "failed", "n")
        .order_by()
    )
    counts: dict[str, int] = defaultdict(int)
    retrying = 0
    for status, failed, n in rows:
        counts[status] += n
        if status == MailStatus.PENDING:
            retrying += failed
    return MailCounts(
        sent=counts[MailStatus.SENT],
        waiting=counts[MailStatus.PENDING],
        given_up=counts[MailStatus.GAVE_UP],
        retrying=retrying,
    )


# --- the public calendar ----------------------------------------------------------------------

# The audit actions that change an edition's public dates. The decision is left out on purpose:
# when it was taken is not public before the announcement.
PUBLIC_DATE_ACTIONS = (
    "edition.created",
    "edition.imported",
    "edition.changed",
    "edition.ceremony_recorded",
)
# A fixed stamp for an edition whose dates no event records (one loaded before the audit log).
EPOCH = datetime(2001, 1, 1, tzinfo=UTC)


def public_dates_changed_at(edition: Edition) -> datetime:
    """When the edition's public dates were last set (the calendar's DTSTAMP)."""
    latest = (
        AuditEvent.objects.filter(target=edition_target(edition), action__in=PUBLIC_DATE_ACTIONS)
        .order_by("-id")
        .values_list("created_at", flat=True)
        .first()
    )
    return latest or EPOCH
