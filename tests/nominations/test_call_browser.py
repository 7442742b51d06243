"""In Chromium, as people click: the organiser changes the call's questions and the public form
asks them; a nominee's contact fills in the self-assessment by its labels. axe-core finds no
WCAG 2.1 AA violation on these pages, at a desktop's width and a phone's."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
from django.conf import settings
from django.core import mail
from django.test import Client
from django.utils import timezone

from kommunpris.accounts.testing import sign_in_verified
from kommunpris.awards.models import Edition, Phase
from kommunpris.nominations.models import Candidacy, SelfAssessment, Stage
from kommunpris.nominations.self_assessment import DEFAULT_AREAS, DEFAULT_LEVELS
from kommunpris.nominations.services import (
    AreaText,
    LevelText,
    confirm_nomination,
    register_contact,
    respond_to_candidacy,
    set_self_assessment,
    submit_nomination,
)
from kommunpris.register.models import Municipality
from tests.a11y.test_accessibility import violations

PANDEMIC = "Vilket utvecklingssprång tog kommunen under pandemin?"


def _tab(chromium: Any, live_server: Any, client: Client, width: int) -> Any:
    context = chromium.new_context(
        locale="sv-SE", bypass_csp=True, viewport={"width": width, "height": 900}
    )
    context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )
    return context.new_page()


def _no_violations(tab: Any) -> None:
    found = violations(tab)
    assert found == [], json.dumps(found, ensure_ascii=False, indent=2)
    overflow = tab.evaluate(
        "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0, f"{tab.url} scrolls sideways by {overflow}px"


@pytest.mark.browser
@pytest.mark.parametrize("width", [1280, 390])
def test_the_organiser_changes_the_questions_and_the_form_asks_them(
    live_server, chromium, edition, organiser, width
):
    from playwright.sync_api import expect

    tab = _tab(chromium, live_server, sign_in_verified(Client(), organiser), width)
    tab.goto(live_server.url + "/arbetsyta/nomineringar/2027/fragor/")
    _no_violations(tab)
    third = tab.locator("fieldset#question-3")
    third.get_by_label("Ta bort").check()
    new = tab.locator("fieldset#question-4")
    new.get_by_label("Frågan på svenska").fill(PANDEMIC)
    new.get_by_label("Hjälptext på svenska (valfritt)").fill("Ett exempel räcker.")
    new.get_by_label("Längsta svar från en nominerande (tecken)").fill("500")
    tab.get_by_role("button", name="Spara frågorna").click()
    expect(tab.get_by_role("status").or_(tab.locator(".message"))).to_contain_text(
        "Frågorna till Sveriges DigitaliseringsKommun 2027 är sparade."
    )

    public = chromium.new_context(
        locale="sv-SE", bypass_csp=True, viewport={"width": width, "height": 900}
    )
    form = public.new_page()
    form.goto(live_server.url + "/nominera/")
    expect(form.get_by_label(PANDEMIC)).to_be_visible()
    expect(form.get_by_text("Vad har man lärt sig?")).to_have_count(0)
    form.get_by_label(PANDEMIC).fill("Skolan flyttade ut på nätet på en vecka.")
    expect(form.locator("#id_q4_counter")).to_have_text("40 av 500 tecken")
    _no_violations(form)
    public.close()
    tab.context.close()


@pytest.mark.browser
@pytest.mark.parametrize("width", [1280, 390])
def test_a_nominee_fills_in_the_self_assessment_by_its_labels(
    live_server, chromium, edition, organiser, width, link_in, django_capture_on_commit_callbacks
):
    from playwright.sync_api import expect

    with django_capture_on_commit_callbacks(execute=True):
        submit_nomination(
            edition=edition,
            municipality=Municipality.objects.get(name="Sundsvall"),
            answers={"proud": "Bygglov.", "effect": "Snabbare.", "learned": "Mät."},
            nominator_name="Anna Andersson",
            nominator_email="anna@example.se",
        )
    with django_capture_on_commit_callbacks(execute=True):
        confirm_nomination(token=link_in(mail.outbox[-1], "/nominera/bekrafta/").split("/")[-2])
    candidacy = Candidacy.objects.get(edition=edition)
    with django_capture_on_commit_callbacks(execute=True):
        contact = register_contact(
            edition=edition,
            municipality=Municipality.objects.get(name="Sundsvall"),
            email="kontakt@sundsvall.se",
            actor=organiser,
        )
    respond_to_candidacy(candidacy=candidacy, actor=contact, accept=True)
    Edition.objects.filter(pk=edition.pk).update(phase=Phase.JURY_REVIEW)
    Candidacy.objects.filter(pk=candidacy.pk).update(stage=Stage.NOMINEE)
    edition.refresh_from_db()
    set_self_assessment(
        edition=edition,
        areas=[AreaText(**area) for area in DEFAULT_AREAS],
        levels=[LevelText(sv, en) for sv, en in DEFAULT_LEVELS],
        closes_at=timezone.now() + timedelta(days=14),
        actor=organiser,
    )
    browser = Client()
    assert browser.post(link_in(mail.outbox[-1], "/kommun/lank/")).status_code == 302

    tab = _tab(chromium, live_server, browser, width)
    tab.goto(live_server.url + "/arbetsyta/nomineringar/kommun/")
    tab.get_by_role("link", name="Fyll i självskattningen").first.click()
    expect(tab.get_by_role("heading", level=1)).to_have_text("Självskattning för Sundsvall")
    _no_violations(tab)
    for area in DEFAULT_AREAS:
        tab.locator(f"fieldset#area-{area['key']}").get_by_label("3 – Etablerad").check()
    tab.locator("fieldset#area-skills").get_by_label("2 – Under utveckling").check()
    tab.locator("fieldset#area-skills").get_by_label("Varför den här nivån? (valfritt)").fill(
        "Vi har börjat utbilda alla chefer."
    )
    tab.get_by_role("button", name="Spara självskattningen").click()
    expect(tab.locator("#self-assessment-heading")).to_be_visible()
    expect(tab.locator("dl.self-assessment")).to_contain_text("Nivå 2 av 4: Under utveckling")
    _no_violations(tab)
    tab.context.close()
    assert SelfAssessment.objects.get().answers["skills"] == {
        "level": 2,
        "comment": "Vi har börjat utbilda alla chefer.",
    }
