"""What is due next, for each person at the desk: the organiser per edition, a juror and the
chair per seat, a municipality contact for their candidacy. Read from the same selectors and
permission rules the pages use, so the desk's start page never promises what a page refuses."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from kommunpris import dates
from kommunpris.awards.models import Edition, FeedbackRelease, Phase
from kommunpris.jury import selectors as jury
from kommunpris.jury.labels import ROUND_NAMES
from kommunpris.jury.models import Membership
from kommunpris.nominations import selectors as nominations
from kommunpris.nominations.models import (
    Candidacy,
    MunicipalityContact,
    Response,
    SelfAssessment,
    Stage,
)
from kommunpris.nominations.questions import questions_of
from kommunpris.nominations.self_assessment import rubric_of
from kommunpris.permissions import decision_is_public
from kommunpris.permissions.feedback import feedback_is_released, feedback_may_be_released
from kommunpris.permissions.jury import AnyUser
from kommunpris.permissions.nominations import (
    NOMINEE_STAGES,
    contact_may_assess,
    contact_may_edit,
    contact_speaks_for,
)

DUE, WAITING, DONE = "due", "waiting", "done"


@dataclass(frozen=True)
class Step:
    """One thing to do (or to wait for): what, the facts behind it, and where to do it."""

    title: str
    detail: str = ""
    url: str = ""
    link: str = ""
    state: str = DUE


@dataclass
class Steps:
    """The steps of one edition for one role."""

    edition: Edition
    role: str
    steps: list[Step] = field(default_factory=list)


def _jury_url(name: str, edition: Edition, **kwargs: object) -> str:
    return reverse(f"desk:jury-{name}", kwargs={"year": edition.year, **kwargs})


def _nominations_url(name: str, edition: Edition) -> str:
    return reverse(f"desk:nominations-{name}", kwargs={"year": edition.year})


# --- the organiser ------------------------------------------------------------------------


def _missing_contacts(edition: Edition) -> int:
    with_contact = set(nominations.contacts(edition).values_list("municipality_id", flat=True))
    return sum(
        1
        for candidacy in nominations.candidacies(edition)
        for member in candidacy.municipalities
        if member.code not in with_contact
    )


def _chair_step(edition: Edition) -> list[Step]:
    if jury.chair_of(edition) is not None:
        return []
    return [
        Step(
            _("Invite the jury"),
            _("The edition has no jury chair yet; the jury's work cannot start without one."),
            _jury_url("members", edition),
            _("Invite members"),
        )
    ]


def organiser_steps(edition: Edition, *, now: datetime | None = None) -> Steps:
    now = now or timezone.now()
    steps = Steps(edition, _("organiser"))
    edit = (_nominations_url("edition-edit", edition), _("Change dates and venue"))
    phase = edition.phase
    deadline = edition.nominations_close_at
    supplement = edition.supplement_close_at
    if phase == Phase.DRAFT:
        if deadline is None or deadline <= now:
            steps.steps.append(
                Step(
                    _("Move the last day for nominations forward"),
                    _("It has passed (%(when)s); the call cannot open before it is moved.")
                    % {"when": dates.moment(deadline)},
                    *edit,
                )
            )
        else:
            steps.steps.append(
                Step(
                    _("Check the questions of the call"),
                    ngettext(
                        "The call asks %(count)s question; it can change until the first "
                        "nomination arrives.",
                        "The call asks %(count)s questions; they can change until the first "
                        "nomination arrives.",
                        len(questions_of(edition)),
                    )
                    % {"count": len(questions_of(edition))},
                    _nominations_url("questions", edition),
                    _("Questions"),
                )
            )
            steps.steps.append(
                Step(
                    _("Open the call for nominations"),
                    _("Nominations can then be sent until %(when)s.")
                    % {"when": dates.moment(deadline)},
                    reverse("desk:nominations") + f"#edition-{edition.year}",
                    _("Editions"),
                )
            )
        steps.steps += _chair_step(edition)
        return steps
    if phase in (Phase.NOMINATIONS_OPEN, Phase.NOMINATIONS_CLOSED):
        counts = nominations.counts(edition)
        summary = ngettext(
            "%(count)s candidacy from %(confirmed)s confirmed nominations.",
            "%(count)s candidacies from %(confirmed)s confirmed nominations.",
            counts["candidacies"],
        ) % {"count": counts["candidacies"], "confirmed": counts["confirmed"]}
        if phase == Phase.NOMINATIONS_OPEN:
            steps.steps.append(
                Step(
                    _("The call is open until %(when)s") % {"when": dates.moment(deadline)},
                    summary,
                    _nominations_url("field", edition),
                    _("Candidacies"),
                    WAITING,
                )
            )
        missing = _missing_contacts(edition)
        if missing:
            steps.steps.append(
                Step(
                    _("Register municipality contacts"),
                    ngettext(
                        "%(count)s nominated municipality has no contact, so nobody there can "
                        "answer or add material.",
                        "%(count)s nominated municipalities have no contact, so nobody there can "
                        "answer or add material.",
                        missing,
                    )
                    % {"count": missing},
                    _nominations_url("contacts", edition),
                    _("Municipality contacts"),
                )
            )
        steps.steps += _chair_step(edition)
        if phase == Phase.NOMINATIONS_CLOSED:
            if deadline is not None and deadline > now:
                steps.steps.append(
                    Step(
                        _("The call was closed early"),
                        _("It can be opened again until %(when)s.")
                        % {"when": dates.moment(deadline)},
                        _nominations_url("edition-reopen", edition),
                        _("Open the call again"),
                        WAITING,
                    )
                )
            if supplement is not None and supplement > now:
                steps.steps.append(
                    Step(
                        _("The municipalities add their own material until %(when)s")
                        % {"when": dates.moment(supplement)},
                        _(
                            "The jury's work starts once that deadline has passed. Move it in "
                            "the edition's dates to start sooner."
                        ),
                        *edit,
                        state=WAITING,
                    )
                )
            elif jury.chair_of(edition) is not None:
                steps.steps.append(
                    Step(
                        _("Hand the candidacies to the jury"),
                        summary,
                        _jury_url("edition", edition),
                        _("The jury's overview"),
                    )
                )
        return steps
    if phase in (Phase.JURY_REVIEW, Phase.DELIBERATION):
        steps.steps.append(
            Step(
                _("The jury is reviewing the candidacies")
                if phase == Phase.JURY_REVIEW
                else _("The jury is deliberating"),
                _("The chair leads the work; you see its progress, never the scores."),
                _jury_url("edition", edition),
                _("The jury's overview"),
                WAITING,
            )
        )
        return steps
    steps.steps.append(_decided_step(edition, now=now))
    steps.steps += _organiser_feedback_steps(edition, now=now)
    return steps


def _decided_step(edition: Edition, *, now: datetime) -> Step:
    if decision_is_public(edition, now=now):
        return Step(
            _("The decision is public"),
            url=reverse("edition", kwargs={"year": edition.year}),
            link=_("The edition's public page"),
            state=DONE,
        )
    return Step(
        _("The jury has decided"),
        _("The decision is confidential until %(when)s.")
        % {"when": dates.moment(edition.publish_at)},
        state=DONE,
    )


# --- a juror and the chair ----------------------------------------------------------------


def _round_steps(seat: Membership, user: AnyUser) -> list[Step]:
    edition = seat.edition
    steps = []
    for stage, scoring_round in sorted(
        jury.scoring_rounds(edition).items(), key=lambda item: Stage.rank(item[0])
    ):
        if not scoring_round.is_open:
            continue
        rows = jury.round_rows(scoring_round, user)
        submitted = sum(1 for row in rows if row.own_sheet and row.own_sheet.is_submitted)
        url = _jury_url("round", edition, stage=stage)
        name = ROUND_NAMES[stage]
        if submitted < len(rows):
            steps.append(
                Step(
                    _("Score the candidacies in %(round)s") % {"round": name},
                    _("You have submitted %(done)s of %(of)s score sheets.")
                    % {"done": submitted, "of": len(rows)},
                    url,
                    _("To the round"),
                )
            )
        else:
            steps.append(
                Step(
                    _("Your score sheets in %(round)s are in") % {"round": name},
                    _("You can change them until the chair closes the round."),
                    url,
                    _("To the round"),
                    DONE,
                )
            )
    return steps


def _chair_review_steps(edition: Edition) -> list[Step]:
    rounds = jury.scoring_rounds(edition)
    reached = {stage: 0 for stage in Stage.values}
    for stage in Candidacy.objects.filter(edition=edition).values_list("stage", flat=True):
        for earlier in Stage.values:
            if Stage.rank(stage) >= Stage.rank(earlier):
                reached[earlier] += 1
    steps = []
    for scoring_round in rounds.values():
        if scoring_round.is_open:
            left = sum(p.remaining for p in jury.round_progress(scoring_round))
            url = _jury_url("round", edition, stage=scoring_round.stage)
            name = ROUND_NAMES[scoring_round.stage]
            if left:
                steps.append(
                    Step(
                        _("The jury is scoring in %(round)s") % {"round": name},
                        ngettext(
                            "%(count)s score sheet is still to come.",
                            "%(count)s score sheets are still to come.",
                            left,
                        )
                        % {"count": left},
                        url,
                        _("The jury's progress"),
                        WAITING,
                    )
                )
            else:
                steps.append(
                    Step(
                        _("Close %(round)s") % {"round": name},
                        _("Every member has submitted every sheet."),
                        url,
                        _("To the round"),
                    )
                )
    if any(r.is_open for r in rounds.values()):
        return steps
    finalist, nominee = Stage.FINALIST, Stage.NOMINEE
    if reached[finalist]:
        detail = ngettext(
            "%(count)s finalist is chosen.", "%(count)s finalists are chosen.", reached[finalist]
        ) % {"count": reached[finalist]}
        if finalist not in rounds:
            steps.append(
                Step(
                    _("Score the finalists, or start the deliberation"),
                    detail,
                    _jury_url("round", edition, stage=finalist),
                    _("The round for finalists"),
                )
            )
        steps.append(
            Step(
                _("Start the deliberation and the final ballot"),
                detail,
                _jury_url("edition", edition),
                _("The jury's overview"),
            )
        )
        return steps
    for stage, how_many in (
        (nominee, _("three to five finalists")),
        (Stage.CANDIDACY, _("five to ten nominees")),
    ):
        if not reached[stage]:
            continue
        if stage not in rounds:
            steps.append(
                Step(
                    _("Open %(round)s") % {"round": ROUND_NAMES[stage]},
                    ngettext(
                        "%(count)s candidacy can be scored.",
                        "%(count)s candidacies can be scored.",
                        reached[stage],
                    )
                    % {"count": reached[stage]},
                    _jury_url("round", edition, stage=stage),
                    _("To the round"),
                )
            )
        else:
            steps.append(
                Step(
                    _("Choose %(how_many)s") % {"how_many": how_many},
                    _("The round is closed; move candidacies on from the results table."),
                    _jury_url("results", edition, stage=stage),
                    _("Results"),
                )
            )
        break
    return steps


def _chair_deliberation_steps(edition: Edition, user: AnyUser) -> list[Step]:
    tally = jury.ballot_count(edition)
    steps = []
    if tally.ballots_cast < tally.eligible:
        steps.append(
            Step(
                _("Waiting for the ballots"),
                _("%(cast)s of %(of)s members have cast their ballot.")
                % {"cast": tally.ballots_cast, "of": tally.eligible},
                _jury_url("count", edition),
                _("Ballot count"),
                WAITING,
            )
        )
    seen = jury.visible_order(tally, user, edition)
    if tally.ballots_cast and tally.is_tied and not seen.hides_finalists:
        steps.append(
            Step(
                _("Break the tie"),
                _("The ballot leaves finalists tied; order them as the jury agrees."),
                _jury_url("count", edition),
                _("Ballot count"),
            )
        )
    steps.append(
        Step(
            _("Record the decision"),
            _("The winner, the jury's motivation and the publication time."),
            _jury_url("decision", edition),
            _("Decision"),
        )
    )
    return steps


def jury_steps(seat: Membership, user: AnyUser, *, now: datetime | None = None) -> Steps:
    now = now or timezone.now()
    edition = seat.edition
    steps = Steps(edition, seat.get_role_display())
    phase = edition.phase
    if phase in (Phase.DRAFT, Phase.NOMINATIONS_OPEN, Phase.NOMINATIONS_CLOSED):
        steps.steps.append(
            Step(
                _("Declare your ties"),
                _(
                    "The jury's work starts when the call and the municipalities' supplement "
                    "are over (%(when)s). Declare now what you are tied to: a municipality, a "
                    "county, an organisation."
                )
                % {"when": dates.day(edition.supplement_close_at)},
                _jury_url("ties", edition),
                _("My ties"),
                WAITING,
            )
        )
        return steps
    if phase == Phase.JURY_REVIEW:
        steps.steps += _round_steps(seat, user)
        if seat.is_chair:
            steps.steps += _chair_review_steps(edition)
        elif not steps.steps:
            steps.steps.append(
                Step(
                    _("No scoring round is open"),
                    _("The chair opens the next round; you get an e-mail when it opens."),
                    _jury_url("candidacies", edition),
                    _("Candidacies"),
                    WAITING,
                )
            )
        return steps
    if phase == Phase.DELIBERATION:
        own = jury.ballot_of(edition, user)
        steps.steps.append(
            Step(
                _("Your ballot is cast") if own else _("Cast your ballot"),
                _("You can change it until the chair records the decision.")
                if own
                else _("Rank the finalists in the final ballot."),
                _jury_url("ballot", edition),
                _("Final ballot"),
                DONE if own else DUE,
            )
        )
        if seat.is_chair:
            steps.steps += _chair_deliberation_steps(edition, user)
        return steps
    steps.steps.append(_decided_step(edition, now=now))
    steps.steps += _juror_feedback_steps(edition)
    return steps


def seats_with_steps(user: AnyUser, *, now: datetime | None = None) -> list[Steps]:
    """Every edition the person serves on that is not yet announced, newest first."""
    return [
        jury_steps(seat, user, now=now)
        for seat in jury.seats_of(user)
        if seat.edition.phase != Phase.ANNOUNCED
    ]


def editions_with_steps(editions: Iterable[Edition], *, now: datetime | None = None) -> list[Steps]:
    return [
        organiser_steps(edition, now=now)
        for edition in editions
        if edition.phase != Phase.ANNOUNCED
    ]


# --- a municipality contact ---------------------------------------------------------------


def _self_assessment_due(
    contact: MunicipalityContact, candidacy: Candidacy, *, now: datetime | None
) -> Step | None:
    """A nominee asked for a self-assessment it has not filled in yet."""
    if candidacy.stage not in NOMINEE_STAGES:
        return None
    rubric = rubric_of(contact.edition)
    if rubric is None or not contact_may_assess(contact, candidacy, rubric, now=now):
        return None
    if SelfAssessment.objects.filter(candidacy=candidacy).exists():
        return None
    return Step(
        _("Fill in the self-assessment"),
        _("The jury has chosen you as a nominee and asks for it by %(when)s.")
        % {"when": dates.moment(rubric.closes_at)},
        reverse("desk:nominations-contact-self-assessment"),
        _("Self-assessment"),
    )


def contact_steps(
    contact: MunicipalityContact, candidacy: Candidacy | None, *, now: datetime | None = None
) -> list[Step]:
    edition = contact.edition
    deadline = dates.moment(edition.supplement_close_at)
    if candidacy is None:
        return [
            Step(
                _("Nothing to do yet"),
                _("Your municipality has no confirmed nomination yet. We e-mail you when it has."),
                state=WAITING,
            )
        ]
    if feedback_is_released(edition) and contact_speaks_for(contact, candidacy):
        return [
            Step(
                _("Read the jury's feedback"),
                _(
                    "How far the candidacy went, its mean score on each criterion beside the "
                    "field's, and the comments the jurors shared with you."
                ),
                reverse("desk:nominations-contact-feedback"),
                _("The jury's feedback"),
            )
        ]
    assessment = _self_assessment_due(contact, candidacy, now=now)
    if assessment is not None:
        return [assessment]
    if not contact_may_edit(contact, candidacy, now=now):
        return [
            Step(
                _("The time for your answers is over"),
                _("The deadline was %(when)s. The jury reads what you sent.") % {"when": deadline},
                state=DONE,
            )
        ]
    if candidacy.response == Response.PENDING:
        return [
            Step(
                _("Answer whether the municipality accepts the candidacy"),
                _("By %(when)s. Then you can add your own answers and documents.")
                % {"when": deadline},
                "#respond-heading",
                _("Answer"),
            )
        ]
    if candidacy.response == Response.DECLINED:
        return [
            Step(
                _("The municipality has declined"),
                _("You can change your mind until %(when)s.") % {"when": deadline},
                "#respond-heading",
                _("Answer"),
                WAITING,
            )
        ]
    return [
        Step(
            _("Add the municipality's own answers and documents"),
            _("Until %(when)s; what is saved then is what the jury reads.") % {"when": deadline},
            "#answers-heading",
            _("Your answers"),
        )
    ]


# --- feedback to the municipalities ---------------------------------------------------------


def _organiser_feedback_steps(edition: Edition, *, now: datetime) -> list[Step]:
    """Once the decision is public, the reports to release; then that they are out."""
    url = _jury_url("feedback", edition)
    release = FeedbackRelease.objects.filter(edition=edition).first()
    if release is not None:
        return [
            Step(
                _("The feedback reports are released"),
                _("On %(when)s; each contact reads their candidacy's report at the desk.")
                % {"when": dates.moment(release.released_at)},
                url,
                _("Feedback to the municipalities"),
                DONE,
            )
        ]
    if not feedback_may_be_released(edition, now=now):
        return []
    return [
        Step(
            _("Release the feedback reports to the municipalities"),
            _("Each contact then reads their candidacy's report and is told by e-mail."),
            url,
            _("Feedback to the municipalities"),
        )
    ]


def _juror_feedback_steps(edition: Edition) -> list[Step]:
    """After the decision, until the reports are out: which comments may leave the jury."""
    if feedback_is_released(edition):
        return []
    return [
        Step(
            _("Mark which of your comments the municipalities may read"),
            _("Every comment is internal until you mark it shareable; no name goes with it."),
            _jury_url("comments", edition),
            _("Your comments to the municipalities"),
        )
    ]
