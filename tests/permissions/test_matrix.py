"""One permission layer, tested as a matrix.

Every URL of the site (walked from the URL configuration) and every operation of the open-data
API (read from its OpenAPI document) is asked for as every role, in the world of conftest.py, and
each answer is compared with the one written in the table below. A view or an operation that is
not in the table fails the suite, and so does a row whose URL no longer exists: adding a view
means deciding, here, who may see it.

Beyond status codes the matrix checks what the answers show: the conflicted juror never reads the
name of a municipality of the candidacy they are conflicted out of on any desk page they can
open; no public page or API answer shows a juror's score, a site-visit note or the embargoed
winner's motivation; organisers see no scores. State-changing endpoints are also POSTed to by
every role that must be refused, and nothing may change.

Roles:
- anonymous: nobody signed in.
- nominator: nobody signed in, but holding her links (confirmation of an update, her own data).
- contact: the municipality contact for Umeå, signed in through a one-time link (a session of
  its own, not a Django user).
- juror, conflicted (lives in Orsa), chair: Django users with a jury seat in the editions.
- organiser: a staff user with no model permissions (the desk's organiser is any active staff
  user; kommunpris.permissions does not tell organisers of one award from another).
- staff: a superuser. The code draws no line between an organiser and a superuser in the
  desk, so "staff" here is the Django admin's superuser, who is also an organiser.
- half_organiser, half_juror: the organiser and the juror after the password step only (the
  code from the app not yet given), or anyone who has guessed their password. Every desk and
  admin URL answers them as it answers an anonymous visitor, or sends them to the code step
  where the visitor is sent to sign in: `answers()` derives their rows from the anonymous one.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import timedelta
from html import unescape
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Max
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse
from django.urls.resolvers import LocalePrefixPattern
from django.utils import timezone, translation

from kommunpris.accounts.testing import sign_in_verified
from kommunpris.archive.models import Winner
from kommunpris.archive.textanalysis import THEMES
from kommunpris.audit.models import AuditEvent
from kommunpris.awards.models import Edition
from kommunpris.jury.models import (
    Ballot,
    BallotRank,
    Criterion,
    Decision,
    Membership,
    ScoreSheet,
    ScoringRound,
    SiteVisitNote,
    Tie,
)
from kommunpris.mail.bulk import fingerprint, new_key, recipients
from kommunpris.mail.models import BulkMailing, EditionMailTemplate, OutgoingMail
from kommunpris.nominations.models import (
    Attachment,
    Candidacy,
    MunicipalityContact,
    Nomination,
    NominationQuestion,
    SelfAssessment,
    SelfAssessmentRubric,
)
from kommunpris.nominations.self_assessment import DEFAULT_AREAS, DEFAULT_LEVELS

pytestmark = pytest.mark.django_db

ROLES = (
    "anonymous",
    "nominator",
    "contact",
    "juror",
    "conflicted",
    "chair",
    "organiser",
    "staff",
    "half_organiser",
    "half_juror",
)
SIGNED_OUT = ("anonymous", "nominator", "contact")
# Password given, second factor not: the person each half-signed-in role is.
HALF_SIGNED_IN = {"half_organiser": "organiser", "half_juror": "juror"}
JURY = ("juror", "conflicted", "chair")
ORGANISERS = ("organiser", "staff")

DESK = "/arbetsyta/"
ADMIN = "/admin/"


def sign_in(client: Client, user: User) -> None:
    """The one way these tests sign a person in: password and app code, as the desk requires
    of organisers and the jury (a session django-otp has verified)."""
    sign_in_verified(client, user)


# --- answers ---------------------------------------------------------------------------------

# The arguments of a URL, made from the world for one role.
Args = Callable[[Any, str], dict[str, Any]]


@dataclass(frozen=True)
class Answer:
    """What a role must get: a status, for a redirect where it leads, and text the page shows."""

    status: int
    to: str = ""  # URL name the redirect leads to; "login" and "admin:login" carry ?next=
    to_args: Args | None = None
    says: str = ""
    comes_back: bool = True  # a redirect to sign-in names the page to come back to

    def __str__(self) -> str:
        return f"{self.status} → {self.to}" if self.to else str(self.status)

    def problem(self, response: Any, body: str, world: Any, role: str) -> str:
        got = str(response.status_code)
        if response.status_code in (301, 302):
            got += f" → {response['Location']}"
        if response.status_code != self.status:
            return f"expected {self}, got {got}"
        if self.to:
            kwargs = self.to_args(world, role) if self.to_args else None
            location = urlsplit(response["Location"])
            if location.path != reverse(self.to, kwargs=kwargs):
                return f"expected {self}, got {got}"
            if (
                self.comes_back
                and self.to in ("login", "admin:login", "login-code")
                and "next=" not in location.query
            ):
                return f"expected a sign-in that comes back (?next=), got {got}"
        if self.says and self.says not in body:
            return f"{self.status} as expected, but the page does not say “{self.says}”"
        return ""


OK = Answer(200)
NOT_FOUND = Answer(404)
FORBIDDEN = Answer(403)
NOT_ALLOWED = Answer(405)
BAD_REQUEST = Answer(400)
SIGN_IN = Answer(302, to="login")
ADMIN_SIGN_IN = Answer(302, to="admin:login")
CONTACT_SIGN_IN = Answer(302, to="desk:nominations-contact-signin")
LINK_REFUSED = Answer(200, says="Länken fungerar inte")


CODE_STEP_FIRST = Answer(302, to="login-code")


def as_half_signed_in(anonymous: Answer) -> Answer:
    """What someone who has given only the password gets where an anonymous visitor gets
    `anonymous`: the same answer, or the code step where the visitor is sent to sign in."""
    if anonymous.to in ("login", "admin:login") and anonymous.comes_back:
        return CODE_STEP_FIRST
    return anonymous


def with_half_signed_in(expect: Mapping[str, Answer]) -> dict[str, Answer]:
    """The half-signed-in roles' rows, derived from the anonymous visitor's where not given."""
    derived = dict(expect)
    if "anonymous" in expect:
        for role in HALF_SIGNED_IN:
            derived.setdefault(role, as_half_signed_in(expect["anonymous"]))
    return derived


def answers(default: Answer, **roles: Answer) -> dict[str, Answer]:
    unknown = set(roles) - set(ROLES)
    assert not unknown, f"unknown roles {unknown}"
    given = {role: roles.get(role, default) for role in ROLES if role not in HALF_SIGNED_IN}
    given.update({role: answer for role, answer in roles.items() if role in HALF_SIGNED_IN})
    return with_half_signed_in(given)


def each(roles: tuple[str, ...], answer: Answer) -> dict[str, Answer]:
    return dict.fromkeys(roles, answer)


EVERYONE = answers(OK)
# The code steps of signing in: without a password just given, back to the password step;
# someone already signed in with both factors goes on to the desk.
CODE_STEP = answers(
    Answer(302, to="desk:home"),
    **each(SIGNED_OUT, Answer(302, to="login", comes_back=False)),
    **each(tuple(HALF_SIGNED_IN), OK),
)
# Someone with a working app who opens its set-up is sent to their account page, or to the
# code step if they have not given the code yet.
ENROLLED = answers(
    Answer(302, to="desk:account"),
    **each(SIGNED_OUT, SIGN_IN),
    **each(tuple(HALF_SIGNED_IN), Answer(302, to="login-code", comes_back=False)),
)
# Recovery codes as text exist only right after they were made: for nobody in the world.
# The nominations desk: organisers only; people signed in as someone else are told they may not.
ORGANISER_PAGE = answers(FORBIDDEN, **each(SIGNED_OUT, SIGN_IN), **each(ORGANISERS, OK))
ORGANISER_POST_ONLY = answers(
    FORBIDDEN, **each(SIGNED_OUT, SIGN_IN), **each(ORGANISERS, NOT_ALLOWED)
)
# The jury desk: a page someone may not see answers as if it did not exist.
SIGNED_IN = answers(OK, **each(SIGNED_OUT, SIGN_IN))
JURY_AND_ORGANISERS = SIGNED_IN
MEMBERS = answers(NOT_FOUND, **each(SIGNED_OUT, SIGN_IN), **each(JURY, OK))
NOT_CONFLICTED = answers(NOT_FOUND, **each(SIGNED_OUT, SIGN_IN), juror=OK, chair=OK)
CHAIR = answers(NOT_FOUND, **each(SIGNED_OUT, SIGN_IN), chair=OK)
# The jury packet: members within the conflict rule, and organisers.
PACKET_READERS = answers(
    NOT_FOUND, **each(SIGNED_OUT, SIGN_IN), **each(JURY, OK), **each(ORGANISERS, OK)
)
PACKET_NOT_CONFLICTED = answers(
    NOT_FOUND, **each(SIGNED_OUT, SIGN_IN), juror=OK, chair=OK, **each(ORGANISERS, OK)
)
JURY_POST_ONLY = answers(NOT_ALLOWED, **each(SIGNED_OUT, SIGN_IN))
NOBODY_SIGNED_IN = answers(NOT_FOUND, **each(SIGNED_OUT, SIGN_IN))
SIGNED_IN_POST_ONLY = answers(NOT_ALLOWED, **each(SIGNED_OUT, SIGN_IN))
# The municipality contact's own pages.
CONTACT_PAGE = answers(CONTACT_SIGN_IN, contact=OK)
CONTACT_POST_ONLY = answers(CONTACT_SIGN_IN, contact=NOT_ALLOWED)


# --- the table -------------------------------------------------------------------------------


def no_args(world: Any, role: str) -> dict[str, Any]:
    return {}


def forged(token: str) -> str:
    """The token with its signature changed: what someone without the link can make up."""
    return token[:-6] + ("AAAAAA" if not token.endswith("AAAAAA") else "BBBBBB")


@dataclass(frozen=True)
class Case:
    """One URL (a URL name, or "GET /path/{param}" for an API operation) asked as every role."""

    name: str
    expect: Mapping[str, Answer]
    args: Args = no_args
    label: str = ""
    # The page lists the conflicted juror's own declared tie (to Orsa, where she lives).
    shows_own_tie: bool = False

    @property
    def id(self) -> str:
        return f"{self.name} [{self.label}]" if self.label else self.name

    @property
    def is_api_operation(self) -> bool:
        return self.name.startswith("GET /")

    def path(self, world: Any, role: str) -> str:
        kwargs = self.args(world, role)
        if self.is_api_operation:
            return "/api/v1" + self.name[4:].format(**kwargs)
        return reverse(self.name, kwargs=kwargs or None)


def _message_of(edition: Any, language: str) -> dict[str, Any]:
    """The world's message with the organiser's own text (the open call's, in Swedish)."""
    return {"year": edition.year, "message": "jury.decided", "language": language}


def _mailing_of(w: Any) -> dict[str, Any]:
    return {"year": w.call.year, "pk": w.mailing.pk}


def year(edition: str) -> Args:
    return lambda w, role: {"year": getattr(w, edition).year}


def jury_year(w: Any, role: str) -> dict[str, Any]:
    return {"year": w.jury.year}


def candidacy(name: str) -> Args:
    """A candidacy (or nomination) of the jury's edition."""
    return lambda w, role: {"year": w.jury.year, "pk": getattr(w, name).pk}


def round_of(stage: str) -> Args:
    return lambda w, role: {"year": w.jury.year, "stage": stage}


def sheet(name: str) -> Args:
    return lambda w, role: {"year": w.jury.year, "stage": "finalist", "pk": getattr(w, name).pk}


def held_by(holder: str, token: str, *, fake: Callable[[str], str] = forged) -> Args:
    """A link only `holder` has; everyone else tries a link they made up."""
    return lambda w, role: {
        "token": getattr(w, token) if role == holder else fake(getattr(w, token))
    }


def made_up(token: str) -> str:
    return "x" * len(token)


CASES: list[Case] = [
    # -- site-wide: sitemap, robots, feed ------------------------------------------------------
    Case("sitemap", EVERYONE),
    Case("robots", EVERYONE),
    Case("favicon", EVERYONE),
    Case("feed", EVERYONE),
    # -- the public site -----------------------------------------------------------------------
    Case("home", EVERYONE),
    Case("winners", EVERYONE),
    Case("winners-csv", EVERYONE),
    Case("winners-json", EVERYONE),
    Case("winners-text", EVERYONE),
    Case("municipalities-csv", EVERYONE),
    Case("municipalities-json", EVERYONE),
    Case("dcat-catalogue", EVERYONE),
    Case("edition", EVERYONE, year("decided"), label="decided, before the gala"),
    Case("edition", EVERYONE, year("jury"), label="in deliberation"),
    Case("edition", EVERYONE, year("call"), label="call open"),
    Case("edition", answers(NOT_FOUND), year("draft"), label="draft"),
    Case("edition", EVERYONE, lambda w, role: {"year": 2023}, label="archive"),
    # An edition's public dates as a calendar feed: every edition with a public page.
    Case("edition-calendar", EVERYONE, year("decided"), label="decided, before the gala"),
    Case("edition-calendar", EVERYONE, year("jury"), label="in deliberation"),
    Case("edition-calendar", EVERYONE, year("call"), label="call open"),
    Case("edition-calendar", answers(NOT_FOUND), year("draft"), label="draft"),
    Case("edition-calendar", EVERYONE, lambda w, role: {"year": 2023}, label="archive"),
    Case("municipalities", EVERYONE),
    Case("municipality", EVERYONE, lambda w, role: {"code": w.winner.codes[0]}),
    Case("counties", EVERYONE),
    Case("county", EVERYONE, lambda w, role: {"code": "20"}),
    Case("open-data", EVERYONE),
    Case("map", EVERYONE),
    Case("themes", EVERYONE),
    Case("themes-method", EVERYONE),
    Case("theme", EVERYONE, lambda w, role: {"key": THEMES[0].key}),
    Case("search", EVERYONE),
    Case("accessibility", EVERYONE),
    # -- the call for nominations and a nominator's own links ----------------------------------
    Case("nominate", EVERYONE),
    Case("nominate-sent", EVERYONE),
    Case(
        "nominate-confirm",
        answers(LINK_REFUSED, nominator=Answer(200, says="Umeå")),
        held_by("nominator", "nominator_confirm_token"),
    ),
    Case("nominate-confirmed", EVERYONE),
    Case("nominate-privacy", EVERYONE),
    Case("personal-data-notice", answers(Answer(302, to="nominate-privacy"))),
    Case("personal-data-request", EVERYONE),
    Case("personal-data-erased", EVERYONE),
    Case(
        "personal-data",
        answers(BAD_REQUEST, nominator=Answer(200, says="Nora Nilsson")),
        held_by("nominator", "nominator_data_token"),
    ),
    Case(
        "personal-data-copy",
        answers(BAD_REQUEST, nominator=Answer(200, says="nora.nilsson@example.se")),
        held_by("nominator", "nominator_data_token"),
    ),
    Case(
        "personal-data-erase",
        answers(BAD_REQUEST, nominator=Answer(200, says="Umeå")),
        held_by("nominator", "nominator_data_token"),
    ),
    # -- signing in and out --------------------------------------------------------------------
    Case("login", EVERYONE),
    Case("login-code", CODE_STEP),
    Case("login-recovery", CODE_STEP),
    # -- a person's own account and two-factor settings ---------------------------------------
    Case("desk:account", SIGNED_IN),
    Case("desk:two-factor-enrol", ENROLLED),
    Case("desk:recovery-codes", SIGNED_IN),
    Case("desk:recovery-codes-text", NOBODY_SIGNED_IN),
    Case("desk:recovery-codes-regenerate", SIGNED_IN_POST_ONLY),
    Case(
        "desk:two-factor-people",
        answers(NOT_FOUND, **each(SIGNED_OUT, SIGN_IN), **each(ORGANISERS, OK)),
    ),
    Case(
        "desk:two-factor-reset",
        SIGNED_IN_POST_ONLY,
        lambda w, role: {"pk": w.juror.pk},
    ),
    Case("logout", answers(NOT_ALLOWED)),
    # -- the desk ------------------------------------------------------------------------------
    Case("desk:home", SIGNED_IN),
    # The organiser's view of e-mail the worker gave up on.
    Case("desk:mail", ORGANISER_PAGE),
    Case("desk:mail-retry", ORGANISER_POST_ONLY, lambda w, role: {"pk": w.given_up_mail.pk}),
    # The organiser's mail of an edition: its messages' texts and its bulk mail.
    Case("desk:mail-edition", ORGANISER_PAGE, year("call")),
    Case(
        "desk:mail-edition",
        answers(FORBIDDEN, **each(SIGNED_OUT, SIGN_IN), **each(ORGANISERS, NOT_FOUND)),
        lambda w, role: {"year": 2023},
        label="an archive edition, which had no call",
    ),
    Case("desk:mail-template", ORGANISER_PAGE, lambda w, role: _message_of(w.call, "sv")),
    Case(
        "desk:mail-template",
        answers(FORBIDDEN, **each(SIGNED_OUT, SIGN_IN), **each(ORGANISERS, NOT_FOUND)),
        lambda w, role: {**_message_of(w.call, "sv"), "message": "jury.okant"},
        label="no such message",
    ),
    Case(
        "desk:mail-template-reset",
        ORGANISER_POST_ONLY,
        lambda w, role: _message_of(w.call, "sv"),
    ),
    Case("desk:mail-bulk", ORGANISER_PAGE, year("call")),
    Case("desk:mail-mailing", ORGANISER_PAGE, lambda w, role: _mailing_of(w)),
    # The organiser's nominations desk.
    Case("desk:nominations", ORGANISER_PAGE),
    Case("desk:nominations-edition-create", ORGANISER_POST_ONLY),
    Case("desk:nominations-edition-open", ORGANISER_POST_ONLY, year("draft")),
    Case("desk:nominations-edition-close", ORGANISER_POST_ONLY, year("call")),
    Case("desk:nominations-edition-reopen", ORGANISER_POST_ONLY, year("call")),
    Case("desk:nominations-edition-edit", ORGANISER_PAGE, year("call"), label="call open"),
    Case("desk:nominations-edition-edit", ORGANISER_PAGE, jury_year, label="in deliberation"),
    Case("desk:nominations-edition-edit", ORGANISER_PAGE, year("decided"), label="decided"),
    Case(
        "desk:nominations-edition-edit",
        answers(FORBIDDEN, **each(SIGNED_OUT, SIGN_IN), **each(ORGANISERS, NOT_FOUND)),
        lambda w, role: {"year": 2023},
        label="an archive edition, which had no call",
    ),
    Case("desk:nominations-field", ORGANISER_PAGE, jury_year),
    # The organiser's dashboard of an edition, and its reminder settings.
    Case("desk:dashboard", ORGANISER_PAGE, jury_year),
    Case("desk:dashboard", ORGANISER_PAGE, year("call"), label="call open"),
    Case("desk:dashboard", ORGANISER_PAGE, year("decided"), label="decided, before the gala"),
    Case("desk:dashboard-reminders", ORGANISER_POST_ONLY, jury_year),
    Case("desk:nominations-join", ORGANISER_POST_ONLY, year("call")),
    Case("desk:nominations-candidacy", ORGANISER_PAGE, candidacy("joint")),
    Case(
        "desk:nominations-candidacy",
        answers(NOT_FOUND, **each(SIGNED_OUT, SIGN_IN), **each(JURY, FORBIDDEN)),
        lambda w, role: {"year": w.call.year, "pk": w.joint.pk},
        label="a candidacy of another edition",
    ),
    Case("desk:nominations-list", ORGANISER_PAGE, jury_year),
    Case("desk:nominations-reject", ORGANISER_POST_ONLY, candidacy("spam")),
    Case("desk:nominations-csv", ORGANISER_PAGE, jury_year),
    Case("desk:nominations-candidacies-csv", ORGANISER_PAGE, jury_year),
    Case("desk:nominations-contacts", ORGANISER_PAGE, jury_year),
    Case("desk:nominations-questions", ORGANISER_PAGE, year("draft"), label="draft"),
    Case("desk:nominations-questions", ORGANISER_PAGE, jury_year, label="frozen"),
    Case("desk:nominations-self-assessment", ORGANISER_PAGE, year("draft"), label="none yet"),
    Case("desk:nominations-self-assessment", ORGANISER_PAGE, jury_year, label="filled in"),
    Case("desk:nominations-self-assessment-remove", ORGANISER_POST_ONLY, jury_year),
    # The jury holds the permission to read candidacy material here too, within the conflict rule.
    Case(
        "desk:nominations-attachment",
        answers(OK, **each(SIGNED_OUT, SIGN_IN), conflicted=FORBIDDEN),
        lambda w, role: {"pk": w.joint_pdf.pk},
        label="the conflicted candidacy's PDF",
    ),
    Case(
        "desk:nominations-attachment",
        answers(OK, **each(SIGNED_OUT, SIGN_IN)),
        lambda w, role: {"pk": w.sundsvall_pdf.pk},
        label="another candidacy's PDF",
    ),
    # The permission is site-wide: it reaches the material of an edition whose call is open.
    Case(
        "desk:nominations-attachment",
        answers(OK, **each(SIGNED_OUT, SIGN_IN)),
        lambda w, role: {"pk": w.umea_pdf.pk},
        label="a PDF of the open call",
    ),
    # The municipality contact.
    Case("desk:nominations-contact", CONTACT_PAGE),
    Case("desk:nominations-contact-signin", EVERYONE),
    Case(
        "desk:nominations-contact-link",
        answers(LINK_REFUSED, contact=Answer(200, says="Umeå")),
        held_by("contact", "contact_fresh_token", fake=made_up),
    ),
    Case("desk:nominations-contact-signout", answers(NOT_ALLOWED)),
    Case("desk:nominations-contact-respond", CONTACT_POST_ONLY),
    Case("desk:nominations-contact-contribution", CONTACT_POST_ONLY),
    Case("desk:nominations-contact-upload", CONTACT_POST_ONLY),
    # Umeå is no nominee, and its edition asks for no self-assessment.
    Case("desk:nominations-contact-self-assessment", answers(CONTACT_SIGN_IN, contact=NOT_FOUND)),
    Case(
        "desk:nominations-contact-remove",
        CONTACT_POST_ONLY,
        lambda w, role: {"pk": w.umea_pdf.pk},
    ),
    # The contact's feedback report: not yet released in the contact's edition.
    Case(
        "desk:nominations-contact-feedback",
        answers(CONTACT_SIGN_IN, contact=Answer(200, says="Arrangören släpper rapporterna")),
    ),
    Case("desk:nominations-contact-feedback-pdf", answers(CONTACT_SIGN_IN, contact=NOT_FOUND)),
    # The contact opens the municipality's own documents, and no other candidacy's.
    Case(
        "desk:nominations-contact-attachment",
        answers(CONTACT_SIGN_IN, contact=OK),
        lambda w, role: {"pk": w.umea_pdf.pk},
        label="the contact's own PDF",
    ),
    Case(
        "desk:nominations-contact-attachment",
        answers(CONTACT_SIGN_IN, contact=NOT_FOUND),
        lambda w, role: {"pk": w.joint_pdf.pk},
        label="another municipality's PDF",
    ),
    # The jury.
    Case("desk:jury-home", SIGNED_IN),
    Case(
        "desk:jury-accept",
        answers(BAD_REQUEST),
        lambda w, role: {
            "token": w.spent_invitation_token
            if role == "juror"
            else forged(w.spent_invitation_token)
        },
        label="the juror's own link, spent; others' made up",
    ),
    Case(
        "desk:jury-accept",
        answers(Answer(200, says="sara.nilsson@example.se")),
        lambda w, role: {"token": w.invitation_token},
        label="an invitee's unused link, whoever holds it",
    ),
    Case("desk:jury-edition", JURY_AND_ORGANISERS, jury_year),
    Case("desk:jury-edition", JURY_AND_ORGANISERS, year("decided"), label="decided"),
    Case(
        "desk:jury-edition",
        answers(NOT_FOUND, **each(SIGNED_OUT, SIGN_IN), **each(ORGANISERS, OK)),
        year("draft"),
        label="draft, no jury yet",
    ),
    Case("desk:jury-phase", JURY_POST_ONLY, jury_year),
    Case("desk:jury-members", JURY_AND_ORGANISERS, jury_year),
    Case("desk:jury-language", JURY_POST_ONLY, jury_year),
    Case("desk:jury-ties", MEMBERS, jury_year, shows_own_tie=True),
    Case(
        "desk:jury-recusals",
        answers(NOT_FOUND, **each(SIGNED_OUT, SIGN_IN), chair=OK, **each(ORGANISERS, OK)),
        jury_year,
    ),
    Case("desk:jury-rubric", JURY_AND_ORGANISERS, jury_year),
    Case("desk:jury-criterion-new", NOBODY_SIGNED_IN, jury_year, label="locked rubric"),
    Case(
        "desk:jury-criterion-new",
        answers(NOT_FOUND, **each(SIGNED_OUT, SIGN_IN), **each(ORGANISERS, OK)),
        year("call"),
        label="open rubric",
    ),
    Case(
        "desk:jury-criterion",
        NOBODY_SIGNED_IN,
        lambda w, role: {"year": w.jury.year, "pk": w.criterion.pk},
        label="locked rubric",
    ),
    Case(
        "desk:jury-criterion",
        answers(NOT_FOUND, **each(SIGNED_OUT, SIGN_IN), **each(ORGANISERS, OK)),
        lambda w, role: {"year": w.call.year, "pk": w.call_criterion.pk},
        label="open rubric",
    ),
    Case("desk:jury-candidacies", MEMBERS, jury_year),
    Case("desk:jury-candidacies", MEMBERS, year("decided"), label="decided"),
    Case("desk:jury-candidacy", NOT_CONFLICTED, candidacy("joint"), label="conflicted"),
    Case("desk:jury-candidacy", MEMBERS, candidacy("sundsvall"), label="not conflicted"),
    Case(
        "desk:jury-attachment",
        NOT_CONFLICTED,
        lambda w, role: {"year": w.jury.year, "pk": w.joint.pk, "attachment_pk": w.joint_pdf.pk},
        label="conflicted",
    ),
    Case(
        "desk:jury-attachment",
        MEMBERS,
        lambda w, role: {
            "year": w.jury.year,
            "pk": w.sundsvall.pk,
            "attachment_pk": w.sundsvall_pdf.pk,
        },
        label="not conflicted",
    ),
    Case(
        "desk:jury-attachment",
        NOBODY_SIGNED_IN,
        lambda w, role: {
            "year": w.jury.year,
            "pk": w.sundsvall.pk,
            "attachment_pk": w.joint_pdf.pk,
        },
        label="another candidacy's PDF under a visible candidacy",
    ),
    Case("desk:jury-move", JURY_POST_ONLY, candidacy("sundsvall")),
    Case("desk:jury-visit", JURY_POST_ONLY, candidacy("sundsvall")),
    Case("desk:jury-round", MEMBERS, round_of("finalist")),
    # The chair gives a round its last day; to anyone else the page does not exist.
    Case("desk:jury-round-deadline", CHAIR, round_of("finalist")),
    Case("desk:jury-round-deadline", CHAIR, round_of("candidacy"), label="closed round"),
    Case("desk:jury-round", MEMBERS, round_of("candidacy"), label="closed round"),
    Case("desk:jury-round-status", JURY_POST_ONLY, round_of("finalist")),
    Case("desk:jury-results", CHAIR, round_of("finalist")),
    Case("desk:jury-results-csv", CHAIR, round_of("finalist")),
    Case("desk:jury-sheet", NOT_CONFLICTED, sheet("joint"), label="conflicted"),
    Case("desk:jury-sheet", MEMBERS, sheet("sundsvall"), label="not conflicted"),
    Case("desk:jury-ballot", MEMBERS, jury_year),
    Case("desk:jury-ballot", MEMBERS, year("decided"), label="decided"),
    Case("desk:jury-count", CHAIR, jury_year),
    Case("desk:jury-decision", CHAIR, jury_year),
    Case("desk:jury-decision", CHAIR, year("decided"), label="decided"),
    # The jury packet: members within the conflict rule, and organisers (a packet holds no score).
    *[
        Case(name, PACKET_READERS, candidacy("sundsvall"), label="not conflicted")
        for name in ("desk:jury-packet", "desk:jury-packet-pdf")
    ],
    *[
        Case(name, PACKET_NOT_CONFLICTED, candidacy("joint"), label="conflicted")
        for name in ("desk:jury-packet", "desk:jury-packet-pdf")
    ],
    Case(
        "desk:jury-packet-attachment",
        PACKET_NOT_CONFLICTED,
        lambda w, role: {"year": w.jury.year, "pk": w.joint.pk, "attachment_pk": w.joint_pdf.pk},
        label="conflicted",
    ),
    Case(
        "desk:jury-packet-attachment",
        PACKET_READERS,
        lambda w, role: {
            "year": w.jury.year,
            "pk": w.sundsvall.pk,
            "attachment_pk": w.sundsvall_pdf.pk,
        },
        label="not conflicted",
    ),
    Case(
        "desk:jury-packet-attachment",
        NOBODY_SIGNED_IN,
        lambda w, role: {
            "year": w.jury.year,
            "pk": w.sundsvall.pk,
            "attachment_pk": w.joint_pdf.pk,
        },
        label="another candidacy's PDF under a visible candidacy",
    ),
    Case("desk:jury-round-packet", PACKET_READERS, round_of("candidacy")),
    Case("desk:jury-round-packet-pdf", PACKET_READERS, round_of("finalist")),
    Case("desk:jury-round-packet-zip", PACKET_READERS, round_of("finalist")),
    # Feedback to the municipalities: each member's own comments; the organiser's release.
    Case("desk:jury-comments", MEMBERS, jury_year),
    Case("desk:jury-comments", MEMBERS, year("decided"), label="decided"),
    Case(
        "desk:jury-feedback",
        answers(NOT_FOUND, **each(SIGNED_OUT, SIGN_IN), **each(ORGANISERS, OK)),
        year("decided"),
        label="decided, before the gala",
    ),
    # Where the announcements stand: the jury and the organisers; the chair's forms on it.
    Case("desk:jury-announcements", JURY_AND_ORGANISERS, jury_year),
    Case("desk:jury-announcements", JURY_AND_ORGANISERS, year("decided"), label="decided"),
    # -- the open-data API: the document, its docs page, and every operation --------------------
    Case("api-v1:openapi-json", EVERYONE),
    Case("api-v1:openapi-view", EVERYONE),
    Case("api-v1:api-root", answers(NOT_FOUND)),
    Case("GET /awards", EVERYONE),
    Case("GET /awards/{slug}", EVERYONE, lambda w, role: {"slug": w.award.slug}),
    Case("GET /editions", EVERYONE),
    Case("GET /editions/{year}", EVERYONE, year("decided"), label="decided, before the gala"),
    Case("GET /editions/{year}", EVERYONE, year("jury"), label="in deliberation"),
    Case("GET /editions/{year}", answers(NOT_FOUND), year("draft"), label="draft"),
    Case("GET /winners", EVERYONE),
    Case("GET /municipalities", EVERYONE),
    Case(
        "GET /municipalities/{code}",
        EVERYONE,
        lambda w, role: {"code": w.winner.codes[0]},
    ),
    Case("GET /counties", EVERYONE),
    Case("GET /counties/{code}", EVERYONE, lambda w, role: {"code": "20"}),
    Case("GET /themes", EVERYONE),
    Case("GET /themes/motivations", EVERYONE),
]

# The Django admin, as one group: its index, and each registered model's changelist, add,
# change and delete pages. The value says what the admin lets a superuser do beyond reading:
# what only the services write (the audit log, the jury's and the nominations' records, the
# winners) is read-only here.
ADMIN_MODELS: dict[str, set[str]] = {
    "auth.group": {"add", "delete"},
    "auth.user": {"add", "delete"},
    "archive.archivepage": {"add", "delete"},
    "archive.winner": set(),
    "audit.auditevent": set(),
    "mail.outgoingmail": {"delete"},
    "nominations.attachment": set(),
    "nominations.candidacy": set(),
    "nominations.municipalitycontact": set(),
    "nominations.nomination": set(),
    "register.county": {"add", "delete"},
    "register.municipality": set(),
    "axes.accessattempt": set(),
    "axes.accessfailurelog": set(),
    "axes.accesslog": set(),
    "otp_static.staticdevice": {"add", "delete"},
    "otp_totp.totpdevice": {"add", "delete"},
}
ADMIN_ONLY = answers(ADMIN_SIGN_IN, organiser=FORBIDDEN, staff=OK)
ADMIN_NOBODY = answers(ADMIN_SIGN_IN, **each(ORGANISERS, FORBIDDEN))


def _admin_object(label: str) -> Args:
    def args(w: Any, role: str) -> dict[str, Any]:
        first = apps.get_model(label)._default_manager.order_by("pk").first()
        assert first is not None, f"the world has no {label} for the admin's pages"
        return {"object_id": first.pk}

    return args


def _admin_device(w: Any, role: str) -> dict[str, Any]:
    return {"pk": _admin_object("otp_totp.totpdevice")(w, role)["object_id"]}


# Models the world holds no row of (sign-in records, recovery-code devices): no object pages.
ADMIN_MODELS_WITHOUT_ROWS = {
    "axes.accessattempt",
    "axes.accessfailurelog",
    "axes.accesslog",
    "otp_static.staticdevice",
}
ADMIN_CASES: list[Case] = [
    Case("admin:index", answers(ADMIN_SIGN_IN, **each(ORGANISERS, OK))),
    # django-otp's own admin views of an authenticator device: its key as a link and a QR code.
    Case("admin:otp_totp_totpdevice_config", ADMIN_ONLY, _admin_device),
    Case("admin:otp_totp_totpdevice_qrcode", ADMIN_ONLY, _admin_device),
]
for _label, _may in ADMIN_MODELS.items():
    _prefix = "admin:" + _label.replace(".", "_")
    if _label in ADMIN_MODELS_WITHOUT_ROWS:
        ADMIN_CASES += [
            Case(f"{_prefix}_changelist", ADMIN_ONLY),
            Case(f"{_prefix}_add", ADMIN_ONLY if "add" in _may else ADMIN_NOBODY),
        ]
        continue
    ADMIN_CASES += [
        Case(f"{_prefix}_changelist", ADMIN_ONLY),
        Case(f"{_prefix}_add", ADMIN_ONLY if "add" in _may else ADMIN_NOBODY),
        Case(f"{_prefix}_change", ADMIN_ONLY, _admin_object(_label)),
        Case(
            f"{_prefix}_delete",
            ADMIN_ONLY if "delete" in _may else ADMIN_NOBODY,
            _admin_object(_label),
        ),
    ]

ALL_CASES = [*CASES, *ADMIN_CASES]


# --- the roles' browsers ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def clients(world: Any) -> dict[str, Client]:
    """One browser per role, signed in as that role for the whole module."""
    made = {role: Client() for role in ROLES}
    for role in (*JURY, *ORGANISERS):
        sign_in(made[role], getattr(world, role))
    for role, person in HALF_SIGNED_IN.items():
        # The password step as the sign-in page takes it: a session for the person that
        # django-otp has not verified (their app is set up: the full roles above use it).
        made[role].force_login(getattr(world, person))
    # The contact follows the one-time link in the candidacy notice and presses its button.
    link = reverse("desk:nominations-contact-link", kwargs={"token": world.contact_signin_token})
    response = made["contact"].post(link)
    assert response.status_code == 302
    assert response["Location"] == reverse("desk:nominations-contact")
    return made


def body_of(response: Any) -> str:
    # A streamed answer is read to the end, which closes it the way the test client expects;
    # closing it here would close the database connection (and the world's transaction) with it.
    content = b"".join(response.streaming_content) if response.streaming else response.content
    if response.get("Content-Type", "").startswith("application/pdf"):
        assert content.startswith(b"%PDF-"), "a PDF answer that is not a PDF"
        return ""
    return unescape(content.decode("utf-8", errors="replace"))


def _mentions(body: str, name: str) -> bool:
    return re.search(rf"(?<!\w){re.escape(name)}(?!\w)", body) is not None


def leaks(case: Case, role: str, path: str, body: str, world: Any) -> list[str]:
    """What a 200 answer shows that this role must never see there.

    Public pages name every municipality (the register, the archive), so the conflict rule is
    checked where the jury works: on the desk.
    """
    found = []
    desk = path.startswith(DESK) or path.startswith("/en" + DESK)
    public = not desk and not path.startswith(ADMIN)
    if public:
        found += [f"a public answer shows {what}" for mark, what in world.secrets if mark in body]
    if desk and role == "conflicted":
        for name in world.conflicted_names:
            if name == "Orsa" and case.shows_own_tie:
                continue  # her own declared tie: she lives there
            if _mentions(body, name):
                found.append(f"the conflicted juror sees “{name}”")
    score_mark = world.secrets[0][0]
    if desk and role in ORGANISERS and score_mark in body:
        found.append("an organiser sees a juror's score comment")
    return found


# Roles whose browser holds a session: a Django user (fully or half signed in) or the contact's.
WITH_SESSION = (*JURY, *ORGANISERS, *HALF_SIGNED_IN, "contact")
# Public-namespace pages about one person, reached by their link or their own session.
PERSONAL_VIEWS = {
    "login",
    "login-code",
    "login-recovery",
    "logout",
    "nominate-sent",
    "nominate-confirm",
    "nominate-confirmed",
    "personal-data-request",
    "personal-data",
    "personal-data-copy",
    "personal-data-erase",
    "personal-data-erased",
}


# Public pages with a form that posts: the visitor's CSRF cookie, and the page is theirs alone.
FORM_PAGES = {"nominate"}


def storage_problem(name: str, role: str, response: Any) -> str:
    """Signed-in and personal answers say `no-store` (no browser or proxy keeps them). A public
    answer to a visitor without a session that succeeded or found nothing says any cache may
    keep it a minute at most, carries a validator, sets no cookie and varies on neither cookie
    nor language; a public page with a form is the visitor's own (`private`), with its cookie."""
    header = response.get("Cache-Control", "")
    directives = {part.strip().split("=")[0].lower() for part in header.split(",")}
    private = role in WITH_SESSION or name.startswith(("desk:", "admin:")) or name in PERSONAL_VIEWS
    if private and "no-store" not in directives:
        return f"may be kept by the browser (Cache-Control: {header!r})"
    if role != "anonymous" or private:
        return ""
    if "no-store" in directives:
        return f"a public answer to a visitor without a session says {header!r}"
    if response.status_code not in (200, 404):
        return ""
    vary = {v.strip().lower() for v in response.get("Vary", "").split(",") if v.strip()}
    if name in FORM_PAGES:
        if directives != {"private", "no-cache"} or not response.cookies:
            return f"a page with a form says {header!r} and sets {list(response.cookies)}"
        return ""
    ages = re.findall(r"\bmax-age=(\d+)\b", header)
    if directives != {"public", "max-age"} or not 0 < int(ages[0]) <= 60:
        return f"a public answer says Cache-Control: {header!r}"
    if response.cookies or vary & {"cookie", "accept-language"}:
        return f"a public answer sets {list(response.cookies)} and varies on {sorted(vary)}"
    if response.status_code == 200 and not response.streaming and not response.has_header("ETag"):
        return "a public answer has no ETag"
    return ""


@pytest.mark.parametrize("case", ALL_CASES, ids=lambda case: case.id)
def test_every_role_gets_its_answer(case: Case, world: Any, clients: dict[str, Client]) -> None:
    wrong = []
    for role in ROLES:
        path = case.path(world, role)
        response = clients[role].get(path)
        body = body_of(response)
        problem = case.expect[role].problem(response, body, world, role)
        if problem:
            wrong.append(f"{role:<10} GET {path}: {problem}")
        if stored := storage_problem(case.name, role, response):
            wrong.append(f"{role:<10} GET {path}: {stored}")
        if response.status_code == 200:
            wrong += [
                f"{role:<10} GET {path}: {leak}" for leak in leaks(case, role, path, body, world)
            ]
    assert not wrong, f"{case.id}:\n" + "\n".join(wrong)


# --- the table covers the URL configuration and the OpenAPI document, and nothing else ---------


@dataclass(frozen=True)
class Route:
    key: str  # "namespace:name", or the route of an unnamed pattern
    route: str
    localised: bool


def routes(
    resolver: URLResolver | None = None,
    prefix: str = "",
    namespace: str = "",
    localised: bool = False,
) -> Iterator[Route]:
    for entry in (resolver or get_resolver()).url_patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}:{entry.namespace}".strip(":") if entry.namespace else namespace
            yield from routes(
                entry,
                prefix + str(entry.pattern),
                inner,
                localised or isinstance(entry.pattern, LocalePrefixPattern),
            )
        elif isinstance(entry, URLPattern):
            route = prefix + str(entry.pattern)
            key = f"{namespace}:{entry.name}".strip(":") if entry.name else route
            yield Route(key, route, localised)


# Every page Django's admin site makes; a custom admin view is not one of these.
ADMIN_NAME = re.compile(
    r"admin:(index|login|logout|password_change|password_change_done|autocomplete|jsi18n|"
    r"view_on_site|app_list|auth_user_password_change|"
    r"[a-z_]+_[a-z]+_(changelist|add|change|delete|history))"
)


def _api_operations(client: Client) -> set[str]:
    document = client.get("/api/v1/openapi.json").json()
    return {
        f"{method.upper()} {path.removeprefix('/api/v1')}"
        for path, operations in document["paths"].items()
        for method in operations
    }


def _as_openapi_path(route: str) -> str:
    return re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", "/" + route).removeprefix("/api/v1")


def test_every_url_and_operation_is_in_the_matrix(client: Client) -> None:
    found = list(routes())
    table = {case.name for case in CASES}
    operations = _api_operations(client)
    problems = []
    for route in found:
        if route.key.startswith("admin:") or route.route.startswith("admin/"):
            if (
                route.key.startswith("admin:")
                and not ADMIN_NAME.fullmatch(route.key)
                and route.key not in {case.name for case in ADMIN_CASES}
            ):
                problems.append(f"new admin view {route.key} is not in the permission matrix")
            continue
        if route.key in table:
            continue
        if route.key.startswith("api-v1:") and f"GET {_as_openapi_path(route.route)}" in operations:
            continue
        problems.append(
            f"new view {route.key} (/{route.route}) is not in the permission matrix: "
            "add its expected answers"
        )
    for operation in sorted(operations - table):
        problems.append(
            f"new API operation {operation} is not in the permission matrix: "
            "add its expected answers"
        )
    in_urlconf = {route.key for route in found}
    for name in sorted(table):
        if not (name in in_urlconf or name in operations):
            problems.append(f"{name} is in the permission matrix but no longer exists")
    for name in sorted({post.name for post in POSTS} - in_urlconf):
        problems.append(f"{name} is POSTed to by the matrix but no longer exists")
    registered = {model._meta.label_lower for model in admin.site._registry}
    for label in sorted(registered - set(ADMIN_MODELS)):
        problems.append(f"the admin registers {label}: add it to ADMIN_MODELS")
    for label in sorted(set(ADMIN_MODELS) - registered):
        problems.append(f"{label} is in ADMIN_MODELS but the admin no longer registers it")
    assert not problems, "\n".join(problems)


def test_english_paths_lead_to_the_same_views(world: Any, clients: dict[str, Client]) -> None:
    """Localised pages: the English path resolves to the Swedish path's view and answers alike."""
    localised = {route.key for route in routes() if route.localised}
    checked = 0
    for case in CASES:
        if case.name not in localised:
            continue
        with translation.override("sv"):
            swedish = case.path(world, "anonymous")
            swedish_view = resolve(swedish)
        with translation.override("en"):
            english = case.path(world, "anonymous")
            english_view = resolve(english)
        assert english == "/en" + swedish, case.id
        assert english_view.func is swedish_view.func, case.id
        assert english_view.kwargs == swedish_view.kwargs, case.id
        response = clients["anonymous"].get(english)
        assert response.status_code == case.expect["anonymous"].status, (case.id, english)
        checked += 1
    assert checked > 60


# --- state changes: every role that must be refused POSTs, and nothing changes ----------------


def state() -> dict[str, Any]:
    """Everything a state change could touch, and the audit log that records every one."""
    return {
        "audit events": AuditEvent.objects.count(),
        "mail": sorted(OutgoingMail.objects.values_list("pk", "status")),
        "mail templates": sorted(
            EditionMailTemplate.objects.values_list("pk", "subject", "body", "updated_at")
        ),
        "mailings": BulkMailing.objects.count(),
        "users": sorted(User.objects.values_list("pk", "password", "is_active")),
        "editions": sorted(
            Edition.objects.values_list(
                "year", "phase", "publish_at", "nominees_publish_at", "finalists_publish_at"
            )
        ),
        "candidacies": sorted(
            Candidacy.objects.values_list("pk", "stage", "response", "own_answers")
        ),
        "members": sorted(Candidacy.objects.values_list("pk", "members__municipality_id")),
        "nominations": sorted(
            Nomination.objects.values_list("pk", "status", "candidacy_id", "nominator_email")
        ),
        "attachments": sorted(Attachment.objects.values_list("pk", flat=True)),
        "questions": sorted(
            NominationQuestion.objects.values_list("pk", "edition_id", "key", "text_sv")
        ),
        "self-assessment rubrics": sorted(
            SelfAssessmentRubric.objects.values_list("pk", "edition_id", "closes_at")
        ),
        "self-assessments": sorted(
            (pk, str(answers))
            for pk, answers in SelfAssessment.objects.values_list("pk", "answers")
        ),
        "contacts": sorted(MunicipalityContact.objects.values_list("pk", "email")),
        "seats": sorted(Membership.objects.values_list("pk", "accepted_at")),
        "ties": Tie.objects.count(),
        "criteria": sorted(Criterion.objects.values_list("pk", "name", "weight")),
        "rounds": sorted(ScoringRound.objects.values_list("pk", "closed_at")),
        "sheets": sorted(ScoreSheet.objects.values_list("pk", "updated_at", "comment")),
        "site visits": SiteVisitNote.objects.count(),
        "ballots": sorted(Ballot.objects.values_list("pk", "updated_at")),
        "ranks": BallotRank.objects.aggregate(Max("pk"))["pk__max"],
        "decisions": Decision.objects.count(),
        "winners": sorted(Winner.objects.values_list("pk", "display_name")),
    }


Data = Callable[[Any], dict[str, Any]]


@dataclass(frozen=True)
class Post:
    """A state change: who must be refused (and how), and who may make it with the same data."""

    name: str
    args: Args
    data: Data
    refused: Mapping[str, Answer]
    allowed: str = ""  # proves the data is good: this role's same POST changes something
    label: str = ""

    @property
    def id(self) -> str:
        return f"{self.name} [{self.label}]" if self.label else self.name


def refuse(roles: tuple[str, ...], answer: Answer) -> dict[str, Answer]:
    return each(roles, answer)


ORGANISER_REFUSALS = {**refuse(SIGNED_OUT, SIGN_IN), **refuse(JURY, FORBIDDEN)}
JURY_REFUSALS = refuse(SIGNED_OUT, SIGN_IN)
NOT_FOR = NOT_FOUND  # the jury desk answers a page someone may not use as if it did not exist


def _day(days: int) -> str:
    return (timezone.localdate() + timedelta(days=days)).isoformat()


def _rubric_form(w: Any) -> dict[str, str]:
    """The self-assessment form as the organiser sends it: the standard areas and levels."""
    data = {
        "rubric-introduction_sv": "Skatta kommunens mognad.",
        "rubric-closes_day": _day(100),
        "rubric-closes_time": "23:59",
        # The page fills in the standard areas and levels as blocks of their own.
        "area-TOTAL_FORMS": str(len(DEFAULT_AREAS)),
        "area-INITIAL_FORMS": str(len(DEFAULT_AREAS)),
        "level-TOTAL_FORMS": str(len(DEFAULT_LEVELS)),
        "level-INITIAL_FORMS": str(len(DEFAULT_LEVELS)),
    }
    for n, area in enumerate(DEFAULT_AREAS):
        data[f"area-{n}-name_sv"] = area["name_sv"]
        data[f"area-{n}-ORDER"] = str(n + 1)
    for n, (sv, en) in enumerate(DEFAULT_LEVELS):
        data[f"level-{n}-label_sv"], data[f"level-{n}-label_en"] = sv, en
    return data


def _criterion_form(name: str) -> dict[str, Any]:
    return {
        "name": name,
        "name_en": "",
        "description": "Hur kommunen öppnar sina data.",
        "weight": "1",
        **{f"level_{value}": f"Nivå {value}" for value in range(5)},
    }


def _scores(w: Any) -> dict[str, Any]:
    data: dict[str, Any] = {"comment": "Ändrad efter platsbesöket.", "action": "submit"}
    for criterion in Criterion.objects.filter(edition=w.jury):
        data[f"value_{criterion.pk}"] = "0"
        data[f"comment_{criterion.pk}"] = ""
    return data


def _pdf_upload(w: Any) -> dict[str, Any]:
    # Not the content Umeå already sent: the same file twice is refused by its content.
    other = w.pdf.replace(b"%%EOF", b"% en annan bilaga\n%%EOF")
    return {"file": SimpleUploadedFile("Bilaga.pdf", other, content_type="application/pdf")}


def _edition_form(edition: Any, **changes: str) -> dict[str, Any]:
    """The edition's dates and venue as its form shows them, with `changes`."""
    local = timezone.localtime
    data = {
        "nominations_close": local(edition.nominations_close_at).strftime("%Y-%m-%d"),
        "nominations_close_time": local(edition.nominations_close_at).strftime("%H:%M"),
        "supplement_close": local(edition.supplement_close_at).strftime("%Y-%m-%d"),
        "supplement_close_time": local(edition.supplement_close_at).strftime("%H:%M"),
        "ceremony": local(edition.ceremony_at).strftime("%Y-%m-%dT%H:%M"),
        "venue": edition.venue,
    }
    return {**data, **changes}


POSTS: list[Post] = [
    # A person's own two-factor settings, and the organiser's reset of someone else's.
    Post(
        "desk:recovery-codes-regenerate",
        no_args,
        lambda w: {},
        refuse(SIGNED_OUT, SIGN_IN),
        allowed="juror",
    ),
    Post(
        "desk:two-factor-reset",
        lambda w, role: {"pk": w.juror.pk},
        lambda w: {},
        {**refuse(SIGNED_OUT, SIGN_IN), **refuse(JURY, NOT_FOUND)},
        allowed="organiser",
    ),
    Post(
        "desk:mail-retry",
        lambda w, role: {"pk": w.given_up_mail.pk},
        lambda w: {},
        ORGANISER_REFUSALS,
        "organiser",
    ),
    # The organiser's dashboard: when the edition's reminders go out.
    Post(
        "desk:dashboard-reminders",
        jury_year,
        lambda w: {
            "contact_days_before": "5",
            "juror_days_before": "2",
            "nominator_hours_before": "12",
        },
        ORGANISER_REFUSALS,
        "organiser",
    ),
    # The organiser's mail: a message's own text, back to the platform's, a bulk mailing.
    Post(
        "desk:mail-template",
        lambda w, role: {**_message_of(w.call, "sv"), "message": "nominations.contact_link"},
        lambda w: {"subject": "Din länk", "body": "Hej!\n\n{{ link }}\n", "action": "save"},
        ORGANISER_REFUSALS,
        "organiser",
    ),
    Post(
        "desk:mail-template-reset",
        lambda w, role: _message_of(w.call, "sv"),
        lambda w: {"confirmed": "yes"},
        ORGANISER_REFUSALS,
        "organiser",
    ),
    Post(
        "desk:mail-bulk",
        year("call"),
        lambda w: {
            "segment": "contacts",
            "subject_sv": "Påminnelse",
            "body_sv": "Hej {{ name }}!\n",
            "key": new_key(),
            "expected": fingerprint(recipients(w.call, "contacts")),
            "action": "send",
            "confirmed": "yes",
        },
        ORGANISER_REFUSALS,
        "organiser",
    ),
    # The organiser's nominations desk.
    Post(
        "desk:nominations-edition-create",
        no_args,
        lambda w: {
            "year": w.draft.year + 2,
            "nominations_close": _day(400),
            "supplement_close": _day(420),
            "ceremony": f"{w.draft.year + 2}-11-10T18:00",
        },
        ORGANISER_REFUSALS,
        allowed="organiser",
    ),
    Post(
        "desk:nominations-edition-open",
        year("draft"),
        lambda w: {},
        ORGANISER_REFUSALS,
        "organiser",
    ),
    Post(
        "desk:nominations-edition-close",
        year("call"),
        lambda w: {"confirmed": "yes"},
        ORGANISER_REFUSALS,
        "staff",
    ),
    # Reopening needs a call closed before its deadline, which the world has not; the desk's
    # own tests reopen one (tests/nominations/test_editions.py).
    Post("desk:nominations-edition-reopen", year("call"), lambda w: {}, ORGANISER_REFUSALS),
    Post(
        "desk:nominations-edition-edit",
        year("call"),
        lambda w: _edition_form(w.call, venue="Stockholmsmässan"),
        ORGANISER_REFUSALS,
        "organiser",
    ),
    Post(
        "desk:nominations-join",
        year("call"),
        lambda w: {"candidacy": [w.nordmaling.pk, w.vannas.pk]},
        ORGANISER_REFUSALS,
        "organiser",
    ),
    Post(
        "desk:nominations-reject",
        candidacy("spam"),
        lambda w: {"reason": "Reklam för en produkt, inte en nominering."},
        ORGANISER_REFUSALS,
        "organiser",
    ),
    Post(
        "desk:nominations-contacts",
        year("call"),
        lambda w: {"municipality": "Nordmaling", "email": "it@nordmaling.se", "name": ""},
        ORGANISER_REFUSALS,
        "organiser",
    ),
    Post(
        "desk:nominations-questions",
        year("draft"),
        lambda w: {"standard": "yes"},
        ORGANISER_REFUSALS,
        "organiser",
    ),
    Post(
        "desk:nominations-self-assessment",
        year("draft"),
        _rubric_form,
        ORGANISER_REFUSALS,
        "organiser",
    ),
    # The jury's edition: filled in already, so the organiser cannot remove it either.
    Post(
        "desk:nominations-self-assessment-remove",
        jury_year,
        lambda w: {"confirmed": "yes"},
        ORGANISER_REFUSALS,
    ),
    # The jury desk: the organiser's part.
    Post(
        "desk:jury-members",
        jury_year,
        lambda w: {
            "email": "ny.ledamot@example.se",
            "name": "Ny Ledamot",
            "role": "juror",
            "language": "sv",
        },
        {**JURY_REFUSALS, **refuse(JURY, NOT_FOR)},
        "organiser",
        label="invite",
    ),
    Post(
        "desk:jury-members",
        jury_year,
        lambda w: {"resend": Membership.objects.get(edition=w.jury, user=w.invitee).pk},
        {**JURY_REFUSALS, **refuse(JURY, NOT_FOR)},
        "staff",
        label="send the invitation again",
    ),
    Post(
        "desk:jury-rubric",
        year("call"),
        lambda w: {"remove": str(w.call_criterion.pk)},
        {**JURY_REFUSALS, **refuse(JURY, NOT_FOR)},
        "organiser",
        label="open rubric",
    ),
    Post(
        "desk:jury-rubric",
        jury_year,
        lambda w: {"remove": str(w.criterion.pk)},
        {**JURY_REFUSALS, **refuse((*JURY, *ORGANISERS), NOT_FOR)},
        label="locked rubric",
    ),
    Post(
        "desk:jury-criterion-new",
        year("call"),
        lambda w: _criterion_form("Öppenhet"),
        {**JURY_REFUSALS, **refuse(JURY, NOT_FOR)},
        "organiser",
    ),
    Post(
        "desk:jury-criterion",
        lambda w, role: {"year": w.call.year, "pk": w.call_criterion.pk},
        lambda w: _criterion_form("Ledarskap"),
        {**JURY_REFUSALS, **refuse(JURY, NOT_FOR)},
        "organiser",
    ),
    # The jury desk: members' and the chair's work.
    Post(
        "desk:jury-phase",
        jury_year,
        lambda w: {"action": "start_deliberation"},
        {**JURY_REFUSALS, **refuse(("juror", "conflicted", *ORGANISERS), NOT_FOR)},
    ),
    Post(
        "desk:jury-ties",
        jury_year,
        lambda w: {
            "kind": "organisation",
            "organisation": "Sambruk",
            "note": "Styrelseledamot.",
            "confirmed": "yes",
        },
        {**JURY_REFUSALS, **refuse(ORGANISERS, NOT_FOR)},
        "juror",
    ),
    Post(
        "desk:jury-language",
        jury_year,
        lambda w: {"language": "en"},
        {**JURY_REFUSALS, **refuse(ORGANISERS, NOT_FOR)},
        "juror",
    ),
    Post(
        "desk:jury-move",
        candidacy("joint"),
        lambda w: {"stage": "nominee"},
        {
            **JURY_REFUSALS,
            **refuse(("conflicted", *ORGANISERS), NOT_FOR),
            # A member who is not the chair: the service refuses and the page says so.
            "juror": Answer(302, to="desk:jury-candidacies", to_args=jury_year),
        },
    ),
    Post(
        "desk:jury-visit",
        candidacy("joint"),
        lambda w: {"visited_on": _day(3), "body": "Vi såg kontaktcentret i arbete."},
        {**JURY_REFUSALS, **refuse(("conflicted", *ORGANISERS), NOT_FOR)},
        "juror",
    ),
    Post(
        "desk:jury-round-status",
        round_of("finalist"),
        lambda w: {"action": "close", "confirmed": "yes"},
        {**JURY_REFUSALS, **refuse(("juror", "conflicted", *ORGANISERS), NOT_FOR)},
        "chair",
    ),
    Post(
        "desk:jury-round-deadline",
        round_of("finalist"),
        lambda w: {"action": "save", "closes_on": _day(5), "closes_time": "17:00"},
        {**JURY_REFUSALS, **refuse(("juror", "conflicted", *ORGANISERS), NOT_FOR)},
        "chair",
    ),
    Post(
        "desk:jury-sheet",
        sheet("joint"),
        _scores,
        {**JURY_REFUSALS, **refuse(("conflicted", *ORGANISERS), NOT_FOR)},
        "juror",
    ),
    Post(
        "desk:jury-ballot",
        jury_year,
        lambda w: {
            f"rank_{w.joint.pk}": "3",
            f"rank_{w.sundsvall.pk}": "1",
            f"rank_{w.kiruna.pk}": "2",
        },
        {**JURY_REFUSALS, **refuse(ORGANISERS, NOT_FOR)},
        "juror",
    ),
    Post(
        "desk:jury-count",
        jury_year,
        lambda w: {"note": "Juryn enades efter samtal."},
        {**JURY_REFUSALS, **refuse(("juror", "conflicted", *ORGANISERS), NOT_FOR)},
    ),
    Post(
        "desk:jury-decision",
        jury_year,
        lambda w: {
            "action": "decide",
            "candidacy": str(w.joint.pk),
            "display_name": "Mora, Orsa och Älvdalen",
            "motivation": "Tre kommuner som delar allt de bygger.",
            "motivation_en": "",
            "publish_at": f"{w.jury.year}-11-10T18:00",
            "departure_reason": "",
            "confirmed": "yes",
        },
        {**JURY_REFUSALS, **refuse(("juror", "conflicted", *ORGANISERS), NOT_FOR)},
        "chair",
        label="decide",
    ),
    Post(
        "desk:jury-announcements",
        jury_year,
        lambda w: {
            "action": "announce",
            "stage": "nominee",
            "nominee-publish_at": f"{w.jury.year}-05-10T10:00",
            "confirmed": "yes",
        },
        {**JURY_REFUSALS, **refuse(("juror", "conflicted", *ORGANISERS), NOT_FOR)},
        "chair",
        label="announce the nominees",
    ),
    Post(
        "desk:jury-decision",
        year("decided"),
        lambda w: {"action": "reschedule", "publish_at": f"{w.decided.year}-11-12T18:00"},
        {**JURY_REFUSALS, **refuse(("juror", "conflicted", *ORGANISERS), NOT_FOR)},
        "chair",
        label="move the publication",
    ),
    # The municipality contact.
    Post(
        "desk:nominations-contact-respond",
        no_args,
        lambda w: {"response": "decline", "confirmed": "yes"},
        answers(CONTACT_SIGN_IN),
        "contact",
    ),
    Post(
        "desk:nominations-contact-contribution",
        no_args,
        lambda w: {"proud": "Allt.", "effect": "Mycket.", "learned": "Att dela."},
        answers(CONTACT_SIGN_IN),
        "contact",
    ),
    Post(
        "desk:nominations-contact-upload", no_args, _pdf_upload, answers(CONTACT_SIGN_IN), "contact"
    ),
    Post(
        "desk:nominations-contact-self-assessment",
        no_args,
        lambda w: {f"level-{area['key']}": "4" for area in DEFAULT_AREAS},
        answers(CONTACT_SIGN_IN, contact=NOT_FOUND),
    ),
    Post(
        "desk:nominations-contact-remove",
        lambda w, role: {"pk": w.umea_pdf.pk},
        lambda w: {"confirmed": "yes"},
        answers(CONTACT_SIGN_IN),
        "contact",
    ),
    Post(
        "desk:nominations-contact-remove",
        lambda w, role: {"pk": w.joint_pdf.pk},
        lambda w: {},
        answers(CONTACT_SIGN_IN, contact=NOT_FOUND),
        label="another municipality's PDF",
    ),
    # Links: whoever does not hold them makes one up.
    Post(
        "nominate-confirm",
        held_by("nominator", "nominator_confirm_token"),
        lambda w: {},
        answers(LINK_REFUSED),
        "nominator",
    ),
    Post(
        "personal-data-erase",
        held_by("nominator", "nominator_data_token"),
        lambda w: {},
        answers(BAD_REQUEST),
        "nominator",
    ),
    Post(
        "desk:nominations-contact-link",
        held_by("contact", "contact_fresh_token", fake=made_up),
        lambda w: {},
        answers(LINK_REFUSED),
        "contact",
    ),
    Post(
        "desk:jury-accept",
        lambda w, role: {"token": forged(w.invitation_token)},
        lambda w: {"new_password1": w.password, "new_password2": w.password},
        answers(BAD_REQUEST),
        label="a made-up invitation",
    ),
]


def _differences(before: dict[str, Any], after: dict[str, Any]) -> list[str]:
    return [key for key in before if before[key] != after[key]]


@pytest.mark.parametrize("post", POSTS, ids=lambda post: post.id)
def test_refused_state_changes_change_nothing(
    post: Post, world: Any, clients: dict[str, Client]
) -> None:
    refused = {
        role: answer
        for role, answer in with_half_signed_in(post.refused).items()
        if role != post.allowed
    }
    assert refused, post.id
    wrong = []
    for role, answer in refused.items():
        path = reverse(post.name, kwargs=post.args(world, role) or None)
        before = state()
        response = clients[role].post(path, post.data(world))
        problem = answer.problem(response, body_of(response), world, role)
        if problem:
            wrong.append(f"{role:<10} POST {path}: {problem}")
        if stored := storage_problem(post.name, role, response):
            wrong.append(f"{role:<10} POST {path}: {stored}")
        changed = _differences(before, state())
        if changed:
            wrong.append(f"{role:<10} POST {path}: refused, but changed {', '.join(changed)}")
    assert not wrong, f"{post.id}:\n" + "\n".join(wrong)
    if post.allowed:
        # The same POST from the role it is for goes through: the refusals were not bad data.
        # Links are followed in a new browser, so the role's own session stays as it was.
        kwargs = post.args(world, post.allowed)
        browser = Client() if "token" in kwargs else clients[post.allowed]
        path = reverse(post.name, kwargs=kwargs or None)
        before = state()
        response = browser.post(path, post.data(world))
        assert response.status_code in (200, 302), (post.id, response.status_code)
        after = state()
        assert after["audit events"] > before["audit events"], (
            f"{post.id}: {post.allowed}'s POST changed nothing; the refusals prove nothing"
        )


# --- the checks above can fail -----------------------------------------------------------------


def test_what_the_matrix_looks_for_is_there_for_those_who_may_see_it(
    world: Any, clients: dict[str, Client]
) -> None:
    """The leak checks look for words that are really on the pages of those who may read them."""
    score, visit, motivation = (mark for mark, _ in world.secrets)
    sheet = reverse(
        "desk:jury-sheet",
        kwargs={"year": world.jury.year, "stage": "finalist", "pk": world.sundsvall.pk},
    )
    assert score in body_of(clients["chair"].get(sheet))
    joint = reverse("desk:jury-candidacy", kwargs={"year": world.jury.year, "pk": world.joint.pk})
    assert visit in body_of(clients["juror"].get(joint))
    decision = reverse("desk:jury-decision", kwargs={"year": world.decided.year})
    assert motivation in body_of(clients["chair"].get(decision))

    ballot = reverse("desk:jury-ballot", kwargs={"year": world.jury.year})
    seen_by_juror = body_of(clients["juror"].get(ballot))
    seen_by_conflicted = body_of(clients["conflicted"].get(ballot))
    for name in world.conflicted_names:
        assert _mentions(seen_by_juror, name)
        assert not _mentions(seen_by_conflicted, name)
    for name in ("Sundsvall", "Kiruna"):
        assert _mentions(seen_by_conflicted, name)


def test_the_api_tells_nothing_of_decisions_before_their_time(world: Any, client: Client) -> None:
    quiet = {"decision_public": False, "winner": None, "finalists": [], "nominees": []}
    listed = {answer["year"]: answer for answer in client.get("/api/v1/editions").json()}
    for edition in (world.decided, world.jury):
        answer = client.get(f"/api/v1/editions/{edition.year}").json()
        assert {key: answer[key] for key in quiet} == quiet
        assert {key: listed[edition.year][key] for key in quiet} == quiet
    winners = client.get("/api/v1/winners").json()
    assert max(w["year"] for w in winners) == 2023
    assert str(world.decided.year) not in client.get(reverse("winners-csv")).content.decode()
    assert str(world.decided.year) not in client.get(reverse("feed")).content.decode()
    for name in ("municipalities-csv", "municipalities-json", "dcat-catalogue"):
        assert str(world.decided.year) not in client.get(reverse(name)).content.decode(), name


# Views that answer only POST but change nobody's data: signing out ends one's own session.
SIGN_OUTS = {"logout", "desk:nominations-contact-signout"}


def test_every_post_only_view_is_posted_to_by_those_it_refuses() -> None:
    post_only = {
        case.name for case in CASES if any(answer == NOT_ALLOWED for answer in case.expect.values())
    }
    posted = {post.name for post in POSTS}
    missing = sorted(post_only - posted - SIGN_OUTS)
    assert not missing, f"POST-only views with no refusal rows in POSTS: {missing}"
