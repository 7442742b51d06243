"""The dashboard and the round's last day in Chromium, as people use them: the organiser sets the
contacts' reminder, the timer's run reminds the contact, the dashboard shows who was reminded;
the chair gives a round its last day from the round page. With KOMMUNPRIS_SHOTS set to a folder,
the pages are photographed there at 1280 and 390 px wide."""

from __future__ import annotations

import io
import os
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.core import mail
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from kommunpris import dates
from kommunpris.accounts.testing import sign_in_verified
from kommunpris.awards.services import create_edition, open_nominations
from kommunpris.jury import services as jury_services
from kommunpris.nominations.models import Stage
from tests.jury.conftest import make_candidacy, make_edition, seat

from .conftest import ORGANISER, PASSWORD, Call

SHOTS = os.environ.get("KOMMUNPRIS_SHOTS", "")


def _tab(chromium: Any, live_server: Any, user: Any, width: int = 1280) -> Any:
    """A browser tab signed in as `user` (the session of a client that gave both factors)."""
    client = sign_in_verified(Client(), user)
    context = chromium.new_context(locale="sv-SE", viewport={"width": width, "height": 900})
    name = django_settings.SESSION_COOKIE_NAME
    context.add_cookies(
        [{"name": name, "value": client.cookies[name].value, "url": live_server.url}]
    )
    return context.new_page()


def _shoot(chromium: Any, live_server: Any, user: Any, path: str, name: str) -> None:
    if not SHOTS:
        return
    for width in (1280, 390):
        tab = (
            _tab(chromium, live_server, user, width)
            if user
            else chromium.new_page(locale="sv-SE", viewport={"width": width, "height": 900})
        )
        tab.goto(live_server.url + path)
        tab.screenshot(path=str(Path(SHOTS) / f"{name}-{width}.png"), full_page=True)
        height = tab.evaluate("document.documentElement.scrollHeight")
        for part, top in enumerate(range(0, height, 900)):  # screen by screen, to read
            clip = {"x": 0, "y": top, "width": width, "height": min(900, height - top)}
            tab.screenshot(
                path=str(Path(SHOTS) / f"{name}-{width}-{part}.png"), clip=clip, full_page=True
            )
        tab.context.close()


def _says(tab: Any, text: str) -> None:
    body = " ".join(tab.locator("main").inner_text().split())
    assert text in body, f"{tab.url} does not say “{text}”:\n{body[:3000]}"


@pytest.mark.browser
def test_the_organiser_sets_the_reminder_and_sees_who_was_reminded(
    live_server: Any,
    award: Any,
    chromium: Any,
    django_capture_on_commit_callbacks: Any,
    settings: Any,
) -> None:
    from django.contrib.auth.models import User

    settings.KOMMUNPRIS_SITE_URL = live_server.url
    now = timezone.now()
    year = next(y for y in range(now.year + 1, now.year + 4) if award.is_on_cadence(y))
    organiser = User.objects.create_user(
        username=ORGANISER, email=ORGANISER, password=PASSWORD, is_staff=True
    )
    edition = create_edition(
        award=award,
        year=year,
        nominations_close_at=now + timedelta(days=20),
        supplement_close_at=now + timedelta(days=30),
        ceremony_at=now + timedelta(days=200),
        actor=organiser,
    )
    edition = open_nominations(edition=edition, actor=organiser)
    call = Call(edition, None, django_capture_on_commit_callbacks, organiser)
    call.candidate("2281", "kontakt@sundsvall.se")
    call.candidate("2584", "kontakt@kiruna.se")
    mail.outbox.clear()
    path = f"/arbetsyta/oversikt/{year}/"

    tab = _tab(chromium, live_server, organiser)
    tab.goto(live_server.url + "/arbetsyta/nomineringar/")
    tab.get_by_role("link", name=f"Översikt över Sveriges DigitaliseringsKommun {year}").click()
    assert tab.url == live_server.url + path
    _says(tab, "2 kontakter har inte gjort det som ska göras")

    # Thirty days ahead is too close for the default week: the organiser asks for 40 days.
    tab.get_by_label("Kommunkontakter: dagar före deras sista dag").fill("40")
    tab.get_by_role("button", name="Spara påminnelserna").click()
    _says(tab, f"Påminnelserna för Sveriges DigitaliseringsKommun {year} är sparade.")

    # The timer's next run (the command), then the page again.
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_reminders", stdout=io.StringIO())
    assert sorted(m.to[0] for m in mail.outbox) == ["kontakt@kiruna.se", "kontakt@sundsvall.se"]
    tab.reload()
    _says(tab, "Kommunkontakter, före sista dagen 2 0 0")
    row = " ".join(
        tab.get_by_role("row", name="Sundsvall kontakt@sundsvall.se").inner_text().split()
    )
    assert row.startswith(f"Sundsvall kontakt@sundsvall.se har inte svarat {dates.day(now)}, ")
    tab.context.close()

    _shoot(chromium, live_server, organiser, path, "dashboard")
    _shoot(chromium, live_server, None, f"/vinnare/{year}/", "edition-page")


@pytest.mark.browser
def test_the_chair_gives_a_round_its_last_day_from_the_round_page(
    live_server: Any, award: Any, chromium: Any
) -> None:
    from django.contrib.auth.models import User

    edition = make_edition(award, year=2029)
    organiser = User.objects.create_user(
        username=ORGANISER, email=ORGANISER, password=PASSWORD, is_staff=True
    )
    chair = seat(edition, "ordforande@example.se", "chair")
    seat(edition, "anna@example.se")
    make_candidacy(edition, "2281")
    make_candidacy(edition, "2584")
    jury_services.start_jury_review(edition=edition, actor=organiser)
    jury_services.seed_default_rubric(edition=edition, actor=organiser)
    jury_services.open_round(edition=edition, stage=Stage.CANDIDACY, actor=chair)
    last_day = (timezone.localdate() + timedelta(days=10)).isoformat()

    tab = _tab(chromium, live_server, chair)
    tab.goto(live_server.url + "/arbetsyta/jury/2029/omgang/kandidatur/")
    tab.get_by_role("link", name="Ge omgången en sista dag").click()
    tab.get_by_label("Sista dag", exact=True).fill(last_day)
    tab.get_by_label("Till och med (klockslag)").fill("17:00")
    tab.get_by_role("button", name="Spara sista dagen").click()

    assert tab.url == live_server.url + "/arbetsyta/jury/2029/omgang/kandidatur/"
    _says(tab, f"Sista dag: {dates.day(timezone.now() + timedelta(days=10))}, 17:00.")
    _says(tab, "Jurymedlemmar med bedömningar kvar påminns före den.")
    tab.context.close()
    _shoot(
        chromium,
        live_server,
        chair,
        "/arbetsyta/jury/2029/omgang/kandidatur/sista-dag/",
        "deadline",
    )
