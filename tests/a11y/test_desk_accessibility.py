"""Accessibility of the desk, proven: axe-core (WCAG 2.1 A and AA) on every desk page, as the
person it is for sees it — the organiser, the chair, a juror, a municipality contact and the
signed-out visitor — in the permission matrix's world (tests/permissions/world.py), and on the
pages that ask before an irreversible step. Every page also reflows to a 390-pixel phone without
sideways scrolling of the page itself (a wide table scrolls within its own region)."""

from __future__ import annotations

import io
import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.cache import cache
from django.core.management import call_command
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from kommunpris.accounts.testing import sign_in_verified
from tests.permissions.world import World, _first_odd_year_after, build_world

from .test_accessibility import violations

Path_ = Callable[[World], str]
# The year of the world's edition in deliberation.
JURY_YEAR = _first_odd_year_after(timezone.localdate().year) + 2


def _jury(name: str, **kwargs: Any) -> Path_:
    """A page of the edition in deliberation; a callable argument is read from the world."""
    return lambda w: reverse(
        f"desk:{name}",
        kwargs={
            "year": w.jury.year,
            **{k: v(w) if callable(v) else v for k, v in kwargs.items()},
        },
    )


def _of(name: str, edition: str, **kwargs: Callable[[World], Any]) -> Path_:
    return lambda w: reverse(
        f"desk:{name}",
        kwargs={"year": getattr(w, edition).year, **{k: f(w) for k, f in kwargs.items()}},
    )


def _plain(name: str, **kwargs: Callable[[World], Any]) -> Path_:
    return lambda w: reverse(name, kwargs={k: f(w) for k, f in kwargs.items()} or None)


# Every desk page, as the role it is for sees it.
PAGES: dict[str, tuple[str, Path_]] = {
    "start (organiser)": ("staff", _plain("desk:home")),
    "editions": ("staff", _plain("desk:nominations")),
    "edition dates (call open)": ("staff", _of("nominations-edition-edit", "call")),
    "edition dates (decided)": ("staff", _of("nominations-edition-edit", "decided")),
    "candidacies of an edition": ("staff", _of("nominations-field", "jury")),
    "a candidacy": ("staff", _of("nominations-candidacy", "jury", pk=lambda w: w.joint.pk)),
    "all nominations": ("staff", _of("nominations-list", "jury")),
    "municipality contacts": ("staff", _of("nominations-contacts", "call")),
    "questions of the call (to set)": ("staff", _of("nominations-questions", "draft")),
    "questions of the call (frozen)": ("staff", _of("nominations-questions", "jury")),
    "self-assessment (to set up)": ("staff", _of("nominations-self-assessment", "draft")),
    "self-assessment (filled in)": ("staff", _of("nominations-self-assessment", "jury")),
    "e-mail given up": ("staff", _plain("desk:mail")),
    "dashboard (call open)": ("staff", _of("dashboard", "call")),
    "dashboard (in deliberation)": ("staff", _of("dashboard", "jury")),
    "an edition's e-mail": ("staff", _of("mail-edition", "call")),
    "a message's own text": (
        "staff",
        _of("mail-template", "call", message=lambda w: "jury.decided", language=lambda w: "sv"),
    ),
    "a message's platform text": (
        "staff",
        _of(
            "mail-template",
            "call",
            message=lambda w: "nominations.candidacy_notice",
            language=lambda w: "en",
        ),
    ),
    "write to a group": ("staff", _of("mail-bulk", "call")),
    "a mailing": ("staff", _of("mail-mailing", "call", pk=lambda w: w.mailing.pk)),
    "account": ("staff", _plain("desk:account")),
    "two-factor overview": ("staff", _plain("desk:two-factor-people")),
    "jury start": ("staff", _plain("desk:jury-home")),
    "jury overview (organiser, call open)": ("staff", _of("jury-edition", "call")),
    "jury members (organiser)": ("staff", _jury("jury-members")),
    "rubric (editable)": ("staff", _of("jury-rubric", "call")),
    "criterion": ("staff", _of("jury-criterion", "call", pk=lambda w: w.call_criterion.pk)),
    "new criterion": ("staff", _of("jury-criterion-new", "call")),
    "recusal record": ("staff", _jury("jury-recusals")),
    "start (chair)": ("chair", _plain("desk:home")),
    "jury overview (chair)": ("chair", _jury("jury-edition")),
    "candidacies (chair)": ("chair", _jury("jury-candidacies")),
    "candidacy with site visits": ("chair", _jury("jury-candidacy", pk=lambda w: w.joint.pk)),
    "round": ("chair", _jury("jury-round", stage="finalist")),
    "last day of a round": ("chair", _jury("jury-round-deadline", stage="finalist")),
    "results": ("chair", _jury("jury-results", stage="finalist")),
    "score sheet (chair)": (
        "chair",
        _jury("jury-sheet", stage="finalist", pk=lambda w: w.sundsvall.pk),
    ),
    "final ballot": ("chair", _jury("jury-ballot")),
    "ballot count": ("chair", _jury("jury-count")),
    "decision form": ("chair", _jury("jury-decision")),
    "decision recorded": ("chair", _of("jury-decision", "decided")),
    "announcements (chair)": ("chair", _jury("jury-announcements")),
    "announcements (organiser)": ("staff", _jury("jury-announcements")),
    "start (juror)": ("juror", _plain("desk:home")),
    "my ties": ("juror", _jury("jury-ties")),
    "score sheet (juror)": (
        "juror",
        _jury("jury-sheet", stage="finalist", pk=lambda w: w.kiruna.pk),
    ),
    "the municipality's candidacy": ("contact", _plain("desk:nominations-contact")),
    "jury packet of a candidacy": ("juror", _jury("jury-packet", pk=lambda w: w.sundsvall.pk)),
    "jury packets of a round": ("chair", _jury("jury-round-packet", stage="finalist")),
    "comments to the municipalities": ("juror", _of("jury-comments", "decided")),
    "feedback release, before the gala": ("staff", _of("jury-feedback", "decided")),
    "feedback report, not yet released": ("contact", _plain("desk:nominations-contact-feedback")),
    "sign in": ("anonymous", _plain("login")),
    "municipality contact's sign-in": ("anonymous", _plain("desk:nominations-contact-signin")),
    "jury invitation": (
        "anonymous",
        _plain("desk:jury-accept", token=lambda w: w.invitation_token),
    ),
}

# Pages that ask before an irreversible step: the page, what is typed, the button that asks.
CONFIRMATIONS: dict[str, tuple[str, Path_, dict[str, str], str]] = {
    "close the call": ("staff", _plain("desk:nominations"), {}, "Stäng nomineringen för"),
    "record the decision": (
        "chair",
        _jury("jury-decision"),
        {"Juryns motivering (svenska)": "Tre kommuner som delar allt de bygger."},
        "Registrera beslutet …",
    ),
    "announce the nominees": (
        "chair",
        _jury("jury-announcements"),
        {"När de nominerade blir offentliga, svensk tid": f"{JURY_YEAR}-05-10T10:00"},
        "Offentliggör de nominerade",
    ),
    "declare a tie": (
        "juror",
        _jury("jury-ties"),
        {"Organisation": "Sambruk"},
        "Anmäl kopplingen …",
    ),
    "remove a document": ("contact", _plain("desk:nominations-contact"), {}, "Ta bort"),
    "back to the platform's text": (
        "staff",
        _of("mail-template", "call", message=lambda w: "jury.decided", language=lambda w: "sv"),
        {},
        "Gå tillbaka till plattformens text",
    ),
    "decline the candidacy": (
        "contact",
        _plain("desk:nominations-contact"),
        {},
        "Tacka nej till kandidaturen …",
    ),
}


@pytest.fixture
def world(transactional_db: None, settings: Any, tmp_path: Path) -> Iterator[World]:
    settings.MEDIA_ROOT = tmp_path / "uploads"
    with translation.override("sv"):
        call_command("bootstrap", stdout=io.StringIO())
        cache.clear()
        # In one transaction, as the matrix builds it: the links are read from the mail before
        # it is sent (a sent message keeps no link).
        with transaction.atomic():
            built = build_world()
        yield built
    cache.clear()


def _session_of(role: str, world: World) -> str | None:
    """The session cookie of a browser signed in as the role (both factors, or the contact's
    one-time link)."""
    client = Client()
    if role == "anonymous":
        return None
    if role == "contact":
        link = reverse(
            "desk:nominations-contact-link", kwargs={"token": world.contact_signin_token}
        )
        assert client.post(link).status_code == 302
    else:
        sign_in_verified(client, getattr(world, role))
    return client.cookies[settings.SESSION_COOKIE_NAME].value


def _tabs(chromium: Any, live_server: Any, world: World, width: int) -> dict[str, Any]:
    tabs = {}
    for role in ("staff", "chair", "juror", "contact", "anonymous"):
        context = chromium.new_context(
            locale="sv-SE", bypass_csp=True, viewport={"width": width, "height": 900}
        )
        session = _session_of(role, world)
        if session:
            context.add_cookies(
                [{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": live_server.url}]
            )
        tabs[role] = context.new_page()
    return tabs


def _overflow(tab: Any) -> int:
    return int(
        tab.evaluate(
            "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
    )


@pytest.mark.browser
@pytest.mark.parametrize("width", [1280, 390])
def test_axe_finds_no_violation_on_any_desk_page(
    live_server: Any, world: World, chromium: Any, width: int
) -> None:
    tabs = _tabs(chromium, live_server, world, width)
    found: dict[str, Any] = {}
    try:
        for name, (role, path) in PAGES.items():
            tab = tabs[role]
            response = tab.goto(live_server.url + path(world), wait_until="load")
            assert response is not None and response.status == 200, (
                name,
                response and response.status,
            )
            assert tab.locator("header nav, main").count() >= 1
            problems = violations(tab)
            if problems:
                found[name] = problems
            if (overflow := _overflow(tab)) > 0:
                found[name] = [*found.get(name, []), f"the page scrolls sideways by {overflow}px"]
        for name, (role, path, typed, button) in CONFIRMATIONS.items():
            tab = tabs[role]
            tab.goto(live_server.url + path(world), wait_until="load")
            if name == "declare a tie":
                tab.get_by_label("Koppling till en organisation").check()
            for label, value in typed.items():
                tab.get_by_label(label, exact=True).fill(value)
            with tab.expect_navigation(wait_until="load"):
                tab.get_by_role("button", name=button).first.click()
            assert tab.locator("section.confirm").count() == 1, (name, tab.url)
            problems = violations(tab)
            if problems:
                found[f"asking first: {name}"] = problems
    finally:
        for tab in tabs.values():
            tab.context.close()
    assert found == {}, json.dumps(found, ensure_ascii=False, indent=2)
