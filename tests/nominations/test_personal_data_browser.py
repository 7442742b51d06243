"""A nominator asks for their data and deletes it in a real browser, finding everything by its
label, and axe-core (WCAG 2.1 A and AA) finds nothing wrong on any page of the way."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core import mail

from kommunpris.nominations.models import Nomination

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
_RUN_AXE = """async () => {
  const result = await axe.run(document, {runOnly: {type: "tag",
    values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}});
  return result.violations.map(v => ({rule: v.id, help: v.help,
    where: v.nodes.slice(0, 5).map(n => n.target.join(" ") + " — " + n.failureSummary)}));
}"""


@pytest.fixture
def tab(chromium: Any) -> Iterator[Any]:
    # bypass_csp: axe is injected as a script tag.
    context = chromium.new_context(locale="sv-SE", bypass_csp=True)
    yield context.new_page()
    context.close()


def assert_accessible(page: Any) -> None:
    assert AXE.exists(), f"{AXE} is missing: run `make install`"
    page.add_script_tag(path=str(AXE))
    found = page.evaluate(_RUN_AXE)
    assert found == [], json.dumps(found, ensure_ascii=False, indent=2)


@pytest.mark.browser
def test_person_sees_and_deletes_their_data_by_label(tab, live_server, edition, nominate):
    from playwright.sync_api import expect

    nominate()  # Anna's nomination of Sundsvall, not yet confirmed
    mail.outbox.clear()

    tab.goto(live_server.url + "/nominera/personuppgifter/")
    tab.get_by_role("link", name="Se, ladda ner eller radera dina uppgifter").click()
    expect(tab.get_by_role("heading", level=1)).to_have_text("Dina personuppgifter")
    assert_accessible(tab)

    # An address that is no address: the summary takes focus and names the field.
    tab.get_by_label("Din e-postadress").fill("anna")
    tab.locator("main form").evaluate("f => { f.noValidate = true; f.requestSubmit(); }")
    expect(tab.locator("#error-summary")).to_be_focused()
    assert_accessible(tab)

    tab.get_by_label("Din e-postadress").fill("anna@example.se")
    tab.get_by_role("button", name="Skicka en länk till mig").click()
    expect(tab.get_by_role("heading", level=1)).to_have_text("Titta i din e-post")
    assert_accessible(tab)

    [message] = mail.outbox
    link = re.search(r"https?://\S+(/personuppgifter/mina/\S+)", message.body).group(1)
    tab.goto(live_server.url + link)
    expect(tab.get_by_role("heading", level=3)).to_have_text(
        "Sundsvall, Sveriges DigitaliseringsKommun 2027"
    )
    assert_accessible(tab)

    with tab.expect_download() as download:
        tab.get_by_role("link", name="Ladda ner en kopia av dina uppgifter (JSON)").click()
    copy = json.loads(Path(download.value.path()).read_text(encoding="utf-8"))
    assert [n["municipality"]["name"] for n in copy["nominations"]] == ["Sundsvall"]

    tab.get_by_role("link", name="Radera mina uppgifter").click()
    expect(tab.get_by_role("heading", level=1)).to_have_text("Radera dina personuppgifter?")
    assert_accessible(tab)
    tab.get_by_role("button", name="Radera mina uppgifter").click()
    expect(tab.get_by_role("heading", level=1)).to_have_text("Dina personuppgifter är raderade")
    expect(tab.get_by_role("status")).to_contain_text("En nominering är raderad helt.")
    assert_accessible(tab)
    assert not Nomination.objects.exists()

    tab.goto(live_server.url + link)
    expect(tab.get_by_role("heading", level=1)).to_have_text(
        "Vi sparar inga personuppgifter om den här adressen"
    )
    assert_accessible(tab)
    tab.goto(live_server.url + "/en/personuppgifter/mina/not-a-link/")
    expect(tab.get_by_role("heading", level=1)).to_have_text("The link does not work")
    assert_accessible(tab)
