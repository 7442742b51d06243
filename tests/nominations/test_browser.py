"""A person nominates a municipality in a real browser, finding every field by its label."""

from __future__ import annotations

import re

import pytest
from django.core import mail

from kommunpris.nominations.models import Nomination, NominationStatus


@pytest.mark.browser
def test_person_nominates_a_municipality_by_label(page, live_server, edition):
    from playwright.sync_api import expect

    page.goto(live_server.url + "/")
    page.get_by_role("link", name="Nominera").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Nominera en kommun")

    page.get_by_label("Kommun", exact=True).fill("Sundsval")
    proud = page.get_by_label("Vad är kommunen mest stolt över?")
    proud.fill("Bygglov helt digitalt, med invånarna som medskapare.")
    expect(page.locator("#id_proud_counter")).to_have_text("52 av 3000 tecken")
    page.get_by_label("Vilken effekt har det fått?").fill("Halverad handläggningstid.")
    page.get_by_label("Vad har man lärt sig?").fill("Att mäta från första dagen.")
    page.get_by_label("Ditt namn").fill("Anna Andersson")
    page.get_by_label("Din e-postadress").fill("anna@example.se")
    page.get_by_label("Din organisation (valfritt)").fill("Sundsvalls företagarförening")
    page.get_by_label("Jag har läst informationen om personuppgifter").check()
    page.get_by_role("button", name="Skicka nomineringen").click()

    # A misspelt name: the summary takes focus and the closest municipality is offered.
    summary = page.locator("#error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("Det finns ingen kommun som heter ”Sundsval”")
    page.get_by_label("Sundsvall", exact=True).check()
    page.get_by_label("Jag har läst informationen om personuppgifter").check()
    page.get_by_role("button", name="Skicka nomineringen").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Titta i din e-post")
    expect(page.get_by_role("status")).to_contain_text("anna@example.se")
    [message] = mail.outbox
    link = re.search(r"https?://\S+/nominera/bekrafta/\S+", message.body).group(0)

    page.goto(live_server.url + link[link.index("/nominera/") :])
    page.get_by_role("button", name="Bekräfta nomineringen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Tack! Din nominering är bekräftad")

    nomination = Nomination.objects.get()
    assert (nomination.municipality.name, nomination.status) == (
        "Sundsvall",
        NominationStatus.CONFIRMED,
    )
    assert nomination.answers["proud"] == "Bygglov helt digitalt, med invånarna som medskapare."
