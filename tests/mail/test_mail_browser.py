"""The organiser's path in Chromium, from editing a message's text to a bulk mailing: the edition's
e-mail, a message's text with its preview, a refused template, saving, a test to oneself, then a
message to the contacts who have not written their text — recipients, confirmation, the mailing
on its way — with axe-core over every page on the way, at 1280 and 390 pixels."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.core import mail
from django.core.cache import cache
from django.core.management import call_command
from django.test import Client
from django.utils import translation

from kommunpris.accounts.testing import sign_in_verified
from kommunpris.awards.selectors import award as default_award
from kommunpris.mail.models import BulkMailing, EditionMailTemplate, MailStatus
from tests.a11y.test_accessibility import violations

from .conftest import ORGANISER, Call, build_call


@pytest.fixture
def live_call(transactional_db: None) -> Call:
    with translation.override("sv"):
        call_command("bootstrap", stdout=io.StringIO())
        cache.clear()
        return build_call(default_award())


def _signed_in(chromium: Any, live_server: Any, width: int) -> Any:
    organiser = User.objects.create_user(
        username=ORGANISER, email=ORGANISER, password="x" * 12, is_staff=True
    )
    client = sign_in_verified(Client(), organiser)
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


@pytest.mark.browser
@pytest.mark.parametrize("width", [1280, 390])
def test_the_organiser_edits_a_message_and_writes_to_a_group(
    live_server: Any, live_call: Call, chromium: Any, width: int, tmp_path: Path
) -> None:
    tab = _signed_in(chromium, live_server, width)
    found: dict[str, Any] = {}

    def looked_at(step: str) -> None:
        problems = violations(tab)
        if problems:
            found[step] = problems
        overflow = tab.evaluate(
            "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        if overflow > 0:
            found[step] = [*found.get(step, []), f"the page scrolls sideways by {overflow}px"]
        tab.screenshot(
            path=str(tmp_path / f"{len(list(tmp_path.iterdir())):02d}-{step}.png"), full_page=True
        )

    def click(role: str, name: str) -> None:
        with tab.expect_navigation(wait_until="load"):
            tab.get_by_role(role, name=name, exact=True).first.click()

    try:
        tab.goto(live_server.url + "/arbetsyta/", wait_until="load")
        if width < 600:
            assert tab.get_by_role("link", name="E-post", exact=True).is_visible()
        click("link", "E-post")
        click("link", "E-post för Sveriges DigitaliseringsKommun 2029")
        assert tab.get_by_role("heading", level=1).inner_text() == (
            "E-post – Sveriges DigitaliseringsKommun 2029"
        )
        looked_at("edition")

        with tab.expect_navigation(wait_until="load"):
            tab.get_by_role(
                "link", name="Plattformens text – Kommunen är nominerad, svenska"
            ).click()
        assert tab.get_by_label("Ämne").input_value() == (
            "{{ municipality }} är nominerad till {{ edition_title }}"
        )
        looked_at("message")

        tab.get_by_label("Ämne").fill("{{ municipality }} är nominerad – välkommen!")
        tab.get_by_label("Text", exact=True).fill(
            "{% if name %}Hej {{ namn }}!{% else %}Hej!{% endif %}\n\n{{ link }}\n"
        )
        click("button", "Spara")
        summary = tab.locator("#error-summary").inner_text()
        assert "Ingenting ändrades" in summary
        assert "I texten: Rad 1: {{ namn }} är ingen platshållare" in summary
        assert EditionMailTemplate.objects.count() == 0
        looked_at("refused")

        body = tab.get_by_label("Text", exact=True)
        body.fill(body.input_value().replace("{{ namn }}", "{{ name }}"))
        click("button", "Förhandsgranska")
        preview = tab.locator(".mail-preview").inner_text()
        assert "Kiruna är nominerad – välkommen!" in preview
        assert "[den personliga länken – skapas när meddelandet skickas]" in preview
        looked_at("preview")

        click("button", "Skicka ett test till organisator@kvalitetsmassan.se")
        assert "Ett test skickades till organisator@kvalitetsmassan.se" in tab.inner_text("main")
        assert [m.subject for m in mail.outbox] == ["[Test] Kiruna är nominerad – välkommen!"]

        click("button", "Spara")
        assert "Sparat. Meddelanden i Sveriges DigitaliseringsKommun 2029 på svenska" in (
            tab.inner_text("main")
        )
        assert EditionMailTemplate.objects.get().subject == (
            "{{ municipality }} är nominerad – välkommen!"
        )
        looked_at("saved")

        click("link", "Sveriges DigitaliseringsKommun 2029")
        mine = tab.get_by_role("link", name="Din text – Kommunen är nominerad, svenska")
        assert mine.count() == 1
        click("link", "Skriv till en grupp personer")
        tab.get_by_label("Kontaktpersoner som inte har lagt till sin text (2)").check()
        tab.get_by_label("Ämne", exact=True).fill("Påminnelse: er egen text")
        tab.get_by_label("Text", exact=True).fill(
            "Hej {{ name }}!\n\nSista dag för egen text från {{ municipality }}: "
            "{{ supplement_close }}.\n\n{{ link }}\n"
        )
        looked_at("group")
        click("button", "Se mottagarna och meddelandet")
        recipients = tab.locator("table.data tbody").inner_text()
        assert re.findall(r"kontakt@\w+\.se", recipients) == [
            "kontakt@ljusdal.se",
            "kontakt@timra.se",
        ]
        assert "Hej Lisa Ljung!" in tab.locator(".mail-preview").inner_text()
        looked_at("recipients")

        click("button", "Skicka …")
        assert tab.get_by_role("heading", level=1).inner_text() == (
            "Skicka meddelandet till 2 personer?"
        )
        assert BulkMailing.objects.count() == 0
        looked_at("confirm")

        click("button", "Ja, skicka till 2 personer")
        assert "Meddelandet är på väg till 2 personer." in tab.inner_text("main")
        looked_at("mailing")
    finally:
        tab.context.close()

    mailing = BulkMailing.objects.get()
    assert (mailing.segment, mailing.recipient_count) == ("contacts_without_text", 2)
    assert sorted(mailing.messages.values_list("to", "status")) == [
        ("kontakt@ljusdal.se", MailStatus.SENT),
        ("kontakt@timra.se", MailStatus.SENT),
    ]
    assert sorted(m.to[0] for m in mail.outbox[1:]) == ["kontakt@ljusdal.se", "kontakt@timra.se"]
    assert found == {}, json.dumps(found, ensure_ascii=False, indent=2)
