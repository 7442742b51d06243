"""Feedback to the municipalities as people click it, in Chromium: a juror marks a comment
shareable, the organiser releases the reports after the gala (asked first), Mora's contact reads
the report with that comment. axe-core over each page met, at desktop and phone width."""

from __future__ import annotations

import io
import json
import re
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.conf import settings
from django.core import mail as outbox
from django.core.cache import cache
from django.core.management import call_command
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import translation

from kommunpris.accounts.testing import sign_in_verified
from kommunpris.jury.models import ScoreSheet
from kommunpris.nominations import services as nominations
from tests.a11y.test_accessibility import violations
from tests.permissions.world import World, build_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def world(transactional_db: None, settings: Any, tmp_path: Path) -> Iterator[World]:
    """The permission matrix's world, committed, so the live server sees it."""
    settings.MEDIA_ROOT = tmp_path / "uploads"
    with translation.override("sv"):
        call_command("bootstrap", stdout=io.StringIO())
        cache.clear()
        with transaction.atomic():
            built = build_world()
        yield built
    cache.clear()


def _session(client: Client) -> str:
    return client.cookies[settings.SESSION_COOKIE_NAME].value


def _mora_contact_session(world: World) -> str:
    """Mora's contact asks for a sign-in link and follows the one for the decided edition
    (committed at once here, so the message is in the test outbox as sent)."""
    nominations.request_contact_link(email="digitalisering@mora.se")
    for message in reversed(outbox.outbox):
        if message.to == ["digitalisering@mora.se"] and world.decided.title in str(message.body):
            token = re.search(r"/arbetsyta/nomineringar/kommun/lank/([^/\s]+)/", str(message.body))
            assert token
            client = Client()
            url = reverse("desk:nominations-contact-link", kwargs={"token": token.group(1)})
            assert client.post(url).status_code == 302
            return _session(client)
    raise AssertionError("no sign-in link for the decided edition")


def _tab(chromium: Any, live_server: Any, session: str, width: int) -> Any:
    context = chromium.new_context(
        locale="sv-SE", bypass_csp=True, viewport={"width": width, "height": 900}
    )
    context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": live_server.url}]
    )
    return context.new_page()


def _checked(tab: Any, name: str, found: dict[str, Any], shots: Path) -> None:
    problems = violations(tab)
    overflow = tab.evaluate(
        "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    if problems or overflow > 0:
        found[name] = [*problems, *([f"scrolls sideways by {overflow}px"] if overflow > 0 else [])]
    tab.screenshot(path=str(shots / f"{name}.png"), full_page=True)


def test_a_comment_marked_shareable_reaches_the_municipality(
    live_server: Any, world: World, chromium: Any, tmp_path: Path
) -> None:
    found: dict[str, Any] = {}
    decided = world.decided
    sheet = ScoreSheet.objects.get(
        round__edition=decided,
        round__stage="finalist",
        juror=world.juror,
        candidacy=world.decided_joint,
    )
    assert decided.publish_at is not None
    with time_machine.travel(decided.publish_at + timedelta(days=1), tick=True):
        juror = _tab(chromium, live_server, _session(sign_in_verified(Client(), world.juror)), 1280)
        organiser = _tab(
            chromium, live_server, _session(sign_in_verified(Client(), world.organiser)), 1280
        )
        base = live_server.url
        # The juror marks the overall comment on the winner in the final round.
        juror.goto(base + reverse("desk:jury-comments", kwargs={"year": decided.year}))
        juror.locator(f"#sheet-{sheet.pk}-shared").check()
        with juror.expect_navigation(wait_until="load"):
            juror.get_by_role("button", name="Spara markeringarna").first.click()
        assert "Sparat: 1 kommentar delbar med kommunen" in juror.content()
        assert juror.locator(f"#sheet-{sheet.pk}-shared").is_checked()
        _checked(juror, "comments-1280", found, tmp_path)
        # The organiser releases, asked first.
        organiser.goto(base + reverse("desk:jury-feedback", kwargs={"year": decided.year}))
        _checked(organiser, "release-1280", found, tmp_path)
        with organiser.expect_navigation(wait_until="load"):
            organiser.get_by_role("button", name="Släpp rapporterna…").click()
        assert organiser.locator("section.confirm").count() == 1
        _checked(organiser, "release-asked-1280", found, tmp_path)
        with organiser.expect_navigation(wait_until="load"):
            organiser.get_by_role("button", name="Ja, släpp rapporterna").click()
        assert "Återkopplingsrapporterna är släppta" in organiser.content()
        # Mora's contact finds the report from the start page.
        session = _mora_contact_session(world)
        for width in (1280, 390):
            contact = _tab(chromium, live_server, session, width)
            contact.goto(base + reverse("desk:nominations-contact"))
            with contact.expect_navigation(wait_until="load"):
                contact.get_by_role("link", name="Juryns återkoppling").click()
            text = contact.locator("main").inner_text()
            assert sheet.comment in text
            assert "Ahmed" not in text and "Karin" not in text
            _checked(contact, f"report-{width}", found, tmp_path)
            contact.context.close()
        juror.context.close()
        organiser.context.close()
    assert found == {}, json.dumps(found, ensure_ascii=False, indent=2)
