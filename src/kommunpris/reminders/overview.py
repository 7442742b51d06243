"""What the organiser's dashboard of one edition shows, read in a fixed number of queries: the
timeline with its dates, what is due and who has not done it, the counts at each stage, the mail
and the reminders. Counts of the jury's sheets only, never a score."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from kommunpris.awards.models import Edition, Phase
from kommunpris.jury.labels import ROUND_NAMES
from kommunpris.jury.models import Ballot, Membership
from kommunpris.jury.selectors import Progress, stage_counts
from kommunpris.nominations import selectors as nominations
from kommunpris.nominations.models import Candidacy, Stage

from . import selectors
from .models import Kind, Reminder

# The reminders listed on the page, newest first (the counts cover them all).
REMINDERS_SHOWN = 50


@dataclass(frozen=True)
class Moment:
    """One dated point of the edition's timeline."""

    when: datetime
    label: str
    detail: str = ""
    is_reminder: bool = False
    is_past: bool = False
    is_next: bool = False


@dataclass(frozen=True)
class ContactRow:
    task: selectors.ContactTask
    reminded: Reminder | None


@dataclass(frozen=True)
class JurorRow:
    progress: Progress
    reminded: Reminder | None


@dataclass(frozen=True)
class RoundRow:
    state: selectors.RoundState
    jurors: list[JurorRow]
    reminder_starts: datetime | None


@dataclass(frozen=True)
class Funnel:
    nominations: dict[str, int]
    candidacies_reached: dict[str, int]  # by stage: candidacies that reached it
    answered_pending: int
    with_own_text: int
    jury_members: int
    seats_accepted: int


@dataclass
class Overview:
    edition: Edition
    now: datetime
    plan: selectors.Plan
    timeline: list[Moment]
    funnel: Funnel
    contacts: list[ContactRow]
    without_contact: list[str]
    contact_reminder_starts: datetime | None
    rounds: list[RoundRow]
    not_accepted: list[Membership]
    not_voted: list[Membership]  # in the deliberation
    unconfirmed: int
    unconfirmed_expiring: int  # within the nominator reminder's hours
    reminders: list[Reminder]
    reminder_total: int
    reminder_mail: dict[str, selectors.MailCounts]
    edition_mail: selectors.MailCounts  # every message sent for the edition
    outbox: selectors.MailCounts


def _round_name(stage: str) -> str:
    return capfirst(str(ROUND_NAMES[stage]))


def _timeline(
    edition: Edition,
    *,
    plan: selectors.Plan,
    rounds: list[RoundRow],
    contact_starts: datetime | None,
    now: datetime,
) -> list[Moment]:
    points: list[tuple[datetime, str, str, bool]] = []
    if edition.nominations_close_at:
        points.append((edition.nominations_close_at, _("Last day to nominate"), "", False))
    if contact_starts is not None:
        points.append(
            (
                contact_starts,
                _("Reminder to municipality contacts"),
                _(
                    "%(days)s days before their last day, to those who have not answered or added "
                    "their own text."
                )
                % {"days": plan.contact_days_before},
                True,
            )
        )
    if edition.supplement_close_at:
        points.append(
            (
                edition.supplement_close_at,
                _("Last day for the municipalities' own answers and documents"),
                "",
                False,
            )
        )
    for row in rounds:
        state = row.state
        name, inner = _round_name(state.stage), str(ROUND_NAMES[state.stage])
        if state.scoring_round is not None:
            points.append(
                (state.scoring_round.opened_at, _("%(round)s opened") % {"round": name}, "", False)
            )
        if state.deadline is not None:
            points.append(
                (state.deadline.closes_at, _("Last day of %(round)s") % {"round": inner}, "", False)
            )
            if row.reminder_starts is not None and not (
                state.scoring_round is not None and not state.scoring_round.is_open
            ):
                points.append(
                    (
                        row.reminder_starts,
                        _("Reminder to jurors: %(round)s") % {"round": inner},
                        _("%(days)s days before its last day, to those with sheets left to submit.")
                        % {"days": plan.juror_days_before},
                        True,
                    )
                )
        if state.scoring_round is not None and state.scoring_round.closed_at is not None:
            points.append(
                (state.scoring_round.closed_at, _("%(round)s closed") % {"round": name}, "", False)
            )
    if edition.ceremony_at:
        points.append((edition.ceremony_at, _("Gala"), edition.venue, False))
    if edition.publish_at and edition.publish_at != edition.ceremony_at:
        points.append((edition.publish_at, _("The winner is announced"), "", False))
    points.sort(key=lambda p: p[0])
    upcoming = next((when for when, *_rest in points if when > now), None)
    return [
        Moment(
            when=when,
            label=label,
            detail=detail,
            is_reminder=is_reminder,
            is_past=when <= now,
            is_next=when == upcoming,
        )
        for when, label, detail, is_reminder in points
    ]


def _funnel(edition: Edition, members: list[Membership]) -> Funnel:
    counts = nominations.counts(edition)
    by_stage = stage_counts(edition)
    reached = {
        stage: sum(n for s, n in by_stage.items() if Stage.rank(s) >= Stage.rank(stage))
        for stage in Stage.values
    }
    with_text = sum(
        1
        for c in Candidacy.objects.filter(edition=edition).only("own_answers")
        if c.has_contribution
    )
    return Funnel(
        nominations=counts,
        candidacies_reached=reached,
        answered_pending=counts["candidacies"] - counts["accepted"] - counts["declined"],
        with_own_text=with_text,
        jury_members=len(members),
        seats_accepted=sum(1 for m in members if m.accepted_at is not None),
    )


def edition_overview(edition: Edition, *, now: datetime | None = None) -> Overview:
    now = now or timezone.now()
    plan = selectors.plan_of(edition)
    sent = selectors.reminders_sent(edition)
    by_key = {(r.kind, r.stage, r.recipient_key): r for r in sent}
    work = selectors.contact_work(edition)
    contacts = [
        ContactRow(
            task,
            by_key.get((Kind.CONTACT_SUPPLEMENT, "", selectors.recipient_key(task.contact.email))),
        )
        for task in work.tasks
    ]
    rounds = []
    for state in selectors.round_states(edition):
        rounds.append(
            RoundRow(
                state=state,
                jurors=[
                    JurorRow(
                        p,
                        by_key.get(
                            (
                                Kind.JUROR_ROUND,
                                state.stage,
                                selectors.recipient_key(p.membership.user.email),
                            )
                        ),
                    )
                    for p in state.behind
                ],
                reminder_starts=selectors.juror_reminder_starts(state.deadline, plan)
                if state.deadline is not None
                else None,
            )
        )
    members = list(
        Membership.objects.filter(edition=edition).select_related("user").order_by("user__email")
    )
    not_voted: list[Membership] = []
    if edition.phase == Phase.DELIBERATION:
        voters = set(Ballot.objects.filter(edition=edition).values_list("juror_id", flat=True))
        not_voted = [m for m in members if m.user_id not in voters]
    unconfirmed = selectors.unconfirmed_nominations(edition, now=now)
    hours = plan.nominator_hours_before
    expiring = (
        sum(1 for u in unconfirmed if (u.expires_at - now).total_seconds() <= hours * 3600)
        if hours is not None
        else 0
    )
    contact_starts = selectors.contact_reminder_starts(edition, plan)
    return Overview(
        edition=edition,
        now=now,
        plan=plan,
        timeline=_timeline(
            edition, plan=plan, rounds=rounds, contact_starts=contact_starts, now=now
        ),
        funnel=_funnel(edition, members),
        contacts=contacts,
        without_contact=work.without_contact,
        contact_reminder_starts=contact_starts,
        rounds=[
            r for r in rounds if r.state.scoring_round is not None or r.state.deadline is not None
        ],
        not_accepted=[m for m in members if m.accepted_at is None],
        not_voted=not_voted,
        unconfirmed=len(unconfirmed),
        unconfirmed_expiring=expiring,
        reminders=sent[:REMINDERS_SHOWN],
        reminder_total=len(sent),
        reminder_mail=selectors.reminder_mail_counts(sent),
        edition_mail=selectors.outbox_counts(edition),
        outbox=selectors.outbox_counts(),
    )
