"""The jury's messages and the groups of jurors the organiser can write to
(kommunpris.mail.catalogue): what each message offers its template, an example from the
edition's own jury for the preview, and each juror's values for a bulk message."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kommunpris.awards.models import Edition
from kommunpris.mail.catalogue import (
    Example,
    Message,
    Recipient,
    Segment,
    register_message,
    register_segment,
)
from kommunpris.mail.links import absolute_url
from kommunpris.mail.organiser_templates import Placeholder
from kommunpris.nominations.models import (
    Candidacy,
    CandidacyMember,
    MunicipalityContact,
    Stage,
)
from kommunpris.permissions import stage_publish_at

from . import selectors
from .labels import ROUND_NAMES, STAGE_WORDS
from .models import Membership, Role, ScoringRound

EDITION_TITLE = Placeholder(
    "edition_title", gettext_lazy("the edition: Sveriges DigitaliseringsKommun 2027")
)


def _language() -> str:
    return translation.get_language() or "sv"


def _seat_language(seat: Membership) -> str:
    """The language the jury's e-mail to this member is written in."""
    return seat.language or "sv"


def _first_seat(edition: Edition) -> Membership | None:
    return (
        Membership.objects.filter(edition=edition)
        .select_related("user")
        .order_by("role", "user__email")
        .first()
    )


def _about_seat(seat: Membership | None) -> str:
    if seat is None:
        return _("This edition has no jury yet: the values are examples.")
    return _("Jury member %(who)s.") % {"who": seat.user.get_full_name() or seat.user.email}


def _invitation_example(edition: Edition) -> Example:
    seat = _first_seat(edition)
    language = _language()
    return Example(
        context={
            "edition_title": edition.title,
            "role": seat.role if seat else Role.JUROR.value,
            "name": seat.user.first_name if seat else "Anna",
            "login_link": absolute_url("login", language=language),
            "has_password": seat.user.has_usable_password() if seat else False,
            "email": seat.user.email if seat else "anna.andersson@example.se",
        },
        about=_about_seat(seat),
    )


def _latest_round(edition: Edition) -> ScoringRound | None:
    return ScoringRound.objects.filter(edition=edition).order_by("-opened_at", "-id").first()


def _round_example(edition: Edition) -> Example:
    scoring_round = _latest_round(edition)
    stage = scoring_round.stage if scoring_round else Stage.CANDIDACY.value
    count = sum(
        1
        for c in Candidacy.objects.filter(edition=edition).only("stage")
        if Stage.rank(c.stage) >= Stage.rank(stage)
    )
    return Example(
        context={
            "edition_title": edition.title,
            "stage": stage,
            "count": count,
            "link": absolute_url("desk:jury-round", language="sv", year=edition.year, stage=stage),
        },
        about=(
            _("The latest scoring round, %(round)s.") % {"round": ROUND_NAMES[stage]}
            if scoring_round
            else _("No round has been opened yet: the first round, with every candidacy.")
        ),
    )


def _ballot_example(edition: Edition) -> Example:
    return Example(
        context={
            "edition_title": edition.title,
            "link": absolute_url("desk:jury-ballot", language="sv", year=edition.year),
        },
        about=_("The edition's own ballot page."),
    )


def _decided_example(edition: Edition) -> Example:
    moment = edition.publish_at or edition.ceremony_at or timezone.now()
    return Example(
        context={"edition_title": edition.title, "publish_at": timezone.localtime(moment)},
        about=(
            _("The edition's publication time.")
            if edition.publish_at
            else _("The edition has no publication time yet: its ceremony is shown.")
        ),
    )


def _announced_stage(edition: Edition) -> str | None:
    """The stage the chair announced last: the finalists once they are, else the nominees."""
    for stage in (Stage.FINALIST, Stage.NOMINEE):
        if stage_publish_at(edition, stage) is not None:
            return stage.value
    return None


def _announced_example(edition: Edition) -> Example:
    stage = _announced_stage(edition)
    if stage is None:
        return Example(
            context={
                "edition_title": edition.title,
                "stage": Stage.NOMINEE.value,
                "publish_at": timezone.localtime(timezone.now() + timedelta(days=7)),
            },
            about=_("Nothing has been announced in this edition yet: the values are examples."),
        )
    moment = stage_publish_at(edition, stage)
    assert moment is not None
    return Example(
        context={
            "edition_title": edition.title,
            "stage": stage,
            "publish_at": timezone.localtime(moment),
        },
        about=_("The edition's announcement of the %(stage)s.") % {"stage": STAGE_WORDS[stage]},
    )


def _withdrawn_example(edition: Edition) -> Example:
    stage = _announced_stage(edition)
    return Example(
        context={"edition_title": edition.title, "stage": stage or Stage.NOMINEE.value},
        about=(
            _("The edition's announcement of the %(stage)s.") % {"stage": STAGE_WORDS[stage]}
            if stage
            else _("Nothing has been announced in this edition yet: the values are examples.")
        ),
    )


def _feedback_example(edition: Edition) -> Example:
    """The first contact of a municipality with a candidacy, as the release writes to them."""
    candidates = CandidacyMember.objects.filter(edition=edition).values("municipality_id")
    contact = (
        MunicipalityContact.objects.filter(edition=edition, municipality_id__in=candidates)
        .select_related("municipality")
        .order_by("municipality__sort_key")
        .first()
    )
    return Example(
        context={
            "edition_title": edition.title,
            "municipality": contact.municipality.name if contact else "Sundsvall",
            "sign_in_url": absolute_url("desk:nominations-contact-signin", language="sv"),
        },
        about=(
            _("The contact for %(municipality)s.") % {"municipality": contact.municipality.name}
            if contact
            else _("No candidacy of this edition has a contact yet: the values are examples.")
        ),
    )


LINK_OF_PAGE = gettext_lazy("the jury's page for it in the desk")
STAGE_ANNOUNCED = Placeholder(
    "stage",
    gettext_lazy(
        'whose announcement, "nominee" or "finalist": {% if stage == "finalist" %}…{% else %}…'
        "{% endif %}"
    ),
)

register_message(
    Message(
        key="jury/invitation",
        title=gettext_lazy("Invitation to the jury"),
        recipients=gettext_lazy("A new jury member or chair"),
        sent_when=gettext_lazy("When the organiser invites someone to the jury."),
        placeholders=(
            Placeholder("name", gettext_lazy("the member's first name; may be empty")),
            Placeholder(
                "role",
                gettext_lazy(
                    'their seat, "chair" or "juror": {% if role == "chair" %}…{% else %}…'
                    "{% endif %}"
                ),
            ),
            EDITION_TITLE,
            Placeholder(
                "link",
                gettext_lazy(
                    "the link with which they set their password, made for them when it is sent."
                ),
                is_link=True,
                required=True,
            ),
            Placeholder("login_link", gettext_lazy("the sign-in page")),
            Placeholder("email", gettext_lazy("the address they sign in with")),
            Placeholder(
                "has_password",
                gettext_lazy("true when they already have a password from an earlier jury"),
            ),
        ),
        example=_invitation_example,
        order=110,
    )
)
register_message(
    Message(
        key="jury/round_open",
        title=gettext_lazy("A scoring round has opened"),
        recipients=gettext_lazy("Every jury member"),
        sent_when=gettext_lazy("When the chair opens a scoring round."),
        placeholders=(
            EDITION_TITLE,
            Placeholder(
                "stage",
                gettext_lazy(
                    'which round: "candidacy", "nominee" or "finalist": '
                    '{% if stage == "finalist" %}…{% endif %}'
                ),
            ),
            Placeholder(
                "count", gettext_lazy("how many candidacies this member may see in the round")
            ),
            Placeholder("link", LINK_OF_PAGE),
        ),
        example=_round_example,
        order=120,
    )
)
register_message(
    Message(
        key="jury/ballot_open",
        title=gettext_lazy("The final ballot is open"),
        recipients=gettext_lazy("Every jury member"),
        sent_when=gettext_lazy("When the chair starts the deliberation among the finalists."),
        placeholders=(EDITION_TITLE, Placeholder("link", LINK_OF_PAGE)),
        example=_ballot_example,
        order=130,
    )
)
register_message(
    Message(
        key="jury/decided",
        title=gettext_lazy("The jury has decided"),
        recipients=gettext_lazy("Every jury member"),
        sent_when=gettext_lazy("When the chair records the decision."),
        placeholders=(
            EDITION_TITLE,
            Placeholder(
                "publish_at",
                gettext_lazy(
                    'when the winner is announced, a date and time: {{ publish_at|date:"j F Y, '
                    'H:i" }}'
                ),
            ),
        ),
        example=_decided_example,
        order=140,
    )
)


# --- segments: the edition's jury ------------------------------------------------------------

JUROR_PLACEHOLDERS = (
    Placeholder("name", gettext_lazy("the member's first name; may be empty")),
    EDITION_TITLE,
    Placeholder("round", gettext_lazy("the open round: the round for finalists")),
    Placeholder("remaining", gettext_lazy("how many score sheets they have still to submit")),
    Placeholder("link", gettext_lazy("the round's page in the desk")),
)


def _unsubmitted(edition: Edition) -> list[Recipient]:
    """Members with sheets still to submit in an open round, in the first such round."""
    recipients: dict[int, Recipient] = {}
    for scoring_round in ScoringRound.objects.filter(
        edition=edition, closed_at__isnull=True
    ).order_by("opened_at", "id"):
        link = absolute_url(
            "desk:jury-round", language="sv", year=edition.year, stage=scoring_round.stage
        )
        for progress in selectors.round_progress(scoring_round):
            seat = progress.membership
            if progress.remaining <= 0 or seat.user_id in recipients:
                continue
            language = _seat_language(seat)
            with translation.override(language):
                round_name = str(ROUND_NAMES[scoring_round.stage])
            recipients[seat.user_id] = Recipient(
                email=seat.user.email,
                name=seat.user.get_full_name(),
                about=_("%(count)s of %(of)s sheets to submit")
                % {"count": progress.remaining, "of": progress.eligible},
                language=language,
                context={
                    "name": seat.user.first_name,
                    "edition_title": edition.title,
                    "round": round_name,
                    "remaining": progress.remaining,
                    "link": link,
                },
            )
    return sorted(recipients.values(), key=lambda r: r.email)


def _members(edition: Edition) -> list[Recipient]:
    link = absolute_url("desk:jury-edition", language="sv", year=edition.year)
    return [
        Recipient(
            email=seat.user.email,
            name=seat.user.get_full_name(),
            about=str(seat.get_role_display()),
            language=_seat_language(seat),
            context={
                "name": seat.user.first_name,
                "edition_title": edition.title,
                "round": "",
                "remaining": 0,
                "link": link,
            },
        )
        for seat in Membership.objects.filter(edition=edition)
        .select_related("user")
        .order_by("role", "user__email")
    ]


register_segment(
    Segment(
        key="jurors_unsubmitted",
        app="jury",
        title=gettext_lazy("Jurors with unsubmitted score sheets"),
        description=gettext_lazy(
            "Jury members who have score sheets left to submit in an open scoring round."
        ),
        placeholders=JUROR_PLACEHOLDERS,
        recipients=_unsubmitted,
        order=40,
    )
)
register_segment(
    Segment(
        key="jury",
        app="jury",
        title=gettext_lazy("The whole jury"),
        description=gettext_lazy("Every member of the edition's jury, the chair included."),
        placeholders=JUROR_PLACEHOLDERS,
        recipients=_members,
        order=45,
    )
)
register_message(
    Message(
        key="jury/announced",
        title=gettext_lazy("The nominees or finalists are announced"),
        recipients=gettext_lazy("Every jury member"),
        sent_when=gettext_lazy(
            "When the chair announces the nominees or the finalists, or moves the time they "
            "become public."
        ),
        placeholders=(
            EDITION_TITLE,
            STAGE_ANNOUNCED,
            Placeholder(
                "publish_at",
                gettext_lazy(
                    'when they become public, a date and time: {{ publish_at|date:"j F Y, H:i" }}'
                ),
            ),
        ),
        example=_announced_example,
        order=127,
    )
)
register_message(
    Message(
        key="jury/announcement_withdrawn",
        title=gettext_lazy("An announcement is withdrawn"),
        recipients=gettext_lazy("Every jury member"),
        sent_when=gettext_lazy(
            "When the chair withdraws the announcement of the nominees or the finalists before "
            "it becomes public."
        ),
        placeholders=(EDITION_TITLE, STAGE_ANNOUNCED),
        example=_withdrawn_example,
        order=128,
    )
)
register_message(
    Message(
        key="jury/feedback_released",
        title=gettext_lazy("The jury's feedback is released"),
        recipients=gettext_lazy("The contacts of every candidacy's municipalities"),
        sent_when=gettext_lazy(
            "When the organiser releases the jury's feedback reports to the municipalities."
        ),
        placeholders=(
            EDITION_TITLE,
            Placeholder("municipality", gettext_lazy("the municipality's name: Sundsvall")),
            Placeholder(
                "sign_in_url",
                gettext_lazy("the page where a contact signs in to read the report"),
            ),
        ),
        example=_feedback_example,
        order=170,
    )
)
