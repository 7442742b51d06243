"""A juror's first and second sign-in in headless Chromium, with axe-core (WCAG 2.1 AA) on every
sign-in page: set password, set up the app, recovery codes, code page with an error, lockout."""

from __future__ import annotations

import json
import re
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
_RUN_AXE = """async (tags) => {
  const result = await axe.run(document, {runOnly: {type: "tag", values: tags}});
  return result.violations.map(v => ({rule: v.id, help: v.help,
    where: v.nodes.slice(0, 5).map(n => n.target.join(" ") + " — " + n.failureSummary)}));
}"""


@pytest.fixture
def tab(chromium: Any) -> Any:
    context = chromium.new_context(locale="sv-SE", bypass_csp=True)  # axe is injected
    yield context.new_page()
    context.close()


def assert_accessible(page: Any) -> None:
    page.add_script_tag(path=str(AXE))
    found = page.evaluate(_RUN_AXE, WCAG_21_AA)
    assert found == [], json.dumps(found, ensure_ascii=False, indent=2)


@pytest.mark.browser
def test_sign_in_browser_first_and_second_sign_in(live_server, invite, kit, tab):
    path = invite("dan@example.se")
    tab.goto(live_server.url + path)
    tab.get_by_label("Nytt lösenord", exact=True).fill(kit.password)
    tab.get_by_label("Bekräfta nytt lösenord").fill(kit.password)
    tab.get_by_role("button", name="Välj lösenord och logga in").click()

    # Set up the app: the page shows the key; type the code an app would show.
    assert urlsplit(tab.url).path == "/arbetsyta/konto/tvastegsverifiering/"
    assert tab.get_by_role("img", name="QR-kod för din autentiseringsapp").is_visible()
    assert_accessible(tab)
    secret = tab.locator("#secret").inner_text()
    tab.get_by_label("Kod från appen").fill(kit.code_from_secret(secret))
    tab.get_by_role("button", name="Bekräfta och visa mina reservkoder").click()
    assert tab.get_by_role("heading", name="Spara koderna nu").is_visible()
    assert tab.locator(".recovery-codes li").count() == 10
    assert_accessible(tab)
    tab.get_by_role("button", name="Jag har sparat koderna, fortsätt").click()
    assert urlsplit(tab.url).path == "/arbetsyta/jury/"
    tab.goto(live_server.url + "/arbetsyta/")
    tab.get_by_role("button", name="Logga ut").click()
    assert tab.get_by_text("Du är utloggad.").is_visible()

    # The second sign-in: password, a wrong code (error summary), then the right one.
    assert_accessible(tab)
    tab.get_by_label("E-postadress").fill("dan@example.se")
    tab.get_by_label("Lösenord").fill(kit.password)
    tab.get_by_role("button", name="Logga in").click()
    assert urlsplit(tab.url).path == "/logga-in/kod/"
    field = tab.get_by_label("Kod från appen")
    assert (field.get_attribute("autocomplete"), field.get_attribute("inputmode")) == (
        "one-time-code",
        "numeric",
    )
    assert_accessible(tab)
    field.fill("000000")
    tab.get_by_role("button", name="Logga in").click()
    assert tab.get_by_role("alert").inner_text().startswith("Något behöver rättas")
    assert_accessible(tab)
    time.sleep(1.1)  # django-otp waits a second after a wrong code
    later = kit.code_from_secret(secret, at=time.time() + 30)  # the set-up code is spent
    tab.get_by_label("Kod från appen").fill(later)
    tab.get_by_role("button", name="Logga in").click()
    assert urlsplit(tab.url).path == "/arbetsyta/"
    who = " ".join(tab.locator(".desk-who").inner_text().split())
    assert who == "Inloggad som dan@example.se (jurymedlem 2029) Logga ut"
    tab.goto(live_server.url + "/arbetsyta/konto/")
    assert_accessible(tab)


@pytest.mark.browser
def test_sign_in_browser_lockout_page(live_server, juror, tab):
    for _ in range(5):
        tab.goto(live_server.url + "/logga-in/")
        tab.get_by_label("E-postadress").fill("anna@example.se")
        tab.get_by_label("Lösenord").fill("fel")
        tab.get_by_role("button", name="Logga in").click()
    assert tab.get_by_role("heading", name="Inloggningen är stängd en stund").is_visible()
    assert re.search(r"Försök igen efter kl\. \d\d:\d\d", tab.locator("main").inner_text())
    assert_accessible(tab)
