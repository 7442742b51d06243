"""A whole edition run through the desk alone, in headless Chromium: from the first organiser's
sign-in to the jury's decision, by clicking what the pages offer and following the links the
e-mails bring. Nothing but the pages: no command, no service call and no database edit, except
that the first organiser account is made with `kommunpris createsuperuser`, as the README says.
A step the pages do not offer fails the test.

The story: the organiser creates the edition and opens the call; two people nominate two
municipalities; the organiser registers Sundsvall's contact, who accepts and sends answers and a
PDF in one form; the organiser invites a chair and a juror, who set up their sign-in; the juror
declares a tie; the organiser closes the call early (after the page that asks), moves the
municipalities' deadline to now so the jury can start, and hands the candidacies to the jury;
the chair opens a round, both score every candidacy (the next one is always a click away),
the chair closes the round, moves both on to the final, starts the deliberation, both vote, and
the chair records the decision. Before its publication time, the public page shows no winner.
"""

from __future__ import annotations

import io
import re
from base64 import b32decode
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.core import mail
from django.core.cache import cache
from django.core.management import call_command
from django.utils import timezone
from django_otp.oath import TOTP

from kommunpris.awards.models import Edition, Phase

PASSWORD = "ett-långt-lösenord-för-arbetsytan"
ORGANISER = "arrangor@kvalitetsmassan.se"
CHAIR = "ordforande@example.se"
JUROR = "ledamot@example.se"
CONTACT = "digitalisering@sundsvall.se"
PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)


def link_mailed(to: str, marker: str) -> str:
    """The path of the newest link containing `marker` mailed to `to`, as a person clicks it."""
    for message in reversed(mail.outbox):
        if to in message.to:
            for url in re.findall(r"https?://\S+", message.body):
                if marker in url:
                    return urlsplit(url).path
    raise AssertionError(f"no {marker} link mailed to {to}")


def app_code(secret: str) -> str:
    """What the authenticator app shows for the key the set-up page gives."""
    return f"{TOTP(b32decode(secret.replace(' ', ''))).token():06d}"


def path_of(tab: Any) -> str:
    return urlsplit(tab.url).path


def set_up_two_factor(tab: Any) -> None:
    """The set-up page after the password: the key into the app, its code back, codes saved."""
    assert path_of(tab) == "/arbetsyta/konto/tvastegsverifiering/", tab.url
    secret = tab.locator("#secret").inner_text()
    tab.get_by_label("Kod från appen").fill(app_code(secret))
    tab.get_by_role("button", name="Bekräfta och visa mina reservkoder").click()
    tab.get_by_role("button", name="Jag har sparat koderna, fortsätt").click()


def says(tab: Any, text: str) -> None:
    body = " ".join(tab.locator("main").inner_text().split())
    assert text in body, f"{tab.url} does not say “{text}”:\n{body[:3000]}"


def confirm(tab: Any, question: str, button: str) -> None:
    """The page that asks first: it says what happens; the person says yes."""
    assert tab.get_by_role("heading", level=1).inner_text() == question, tab.url
    says(tab, "Det här händer")
    tab.get_by_role("button", name=button).click()


def score_every_candidacy(tab: Any, base: str, year: int, value: int) -> list[str]:
    """From the round's page, score the first candidacy, then follow "next" until none is left."""
    tab.goto(f"{base}/arbetsyta/jury/{year}/omgang/kandidatur/")
    tab.locator("main table a").first.click()
    scored = []
    while True:
        heading = tab.get_by_role("heading", level=1).inner_text()
        scored.append(heading.removeprefix("Bedömning: "))
        says(tab, "Kandidaturens underlag")
        for criterion in tab.locator("form.sheet fieldset").all():
            criterion.locator("input[type=radio]").nth(value).check()
        tab.get_by_role("button", name="Lämna in poängen").click()
        says(tab, "Dina poäng är inlämnade.")
        following = tab.get_by_role("link", name=re.compile("^Nästa kandidatur att bedöma"))
        if following.count() == 0:
            return scored
        following.first.click()


@pytest.mark.browser
def test_an_edition_from_creation_to_decision_through_the_desk(
    live_server: Any, award: Any, chromium: Any, tmp_path: Path, settings: Any, monkeypatch: Any
) -> None:
    settings.MEDIA_ROOT = tmp_path / "uploads"
    cache.clear()
    base = live_server.url
    now = timezone.localtime()
    year = next(y for y in range(now.year + 1, now.year + 4) if award.is_on_cadence(y))

    # The one thing done outside the pages: the first organiser, as README's step 5 does it.
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", PASSWORD)
    call_command("createsuperuser", "--noinput", "--email", ORGANISER, stdout=io.StringIO())

    people = {}
    for who in ("organiser", "public", "contact", "chair", "juror"):
        context = chromium.new_context(locale="sv-SE", viewport={"width": 1280, "height": 900})
        people[who] = context.new_page()
    organiser, public, contact = people["organiser"], people["public"], people["contact"]
    chair, juror = people["chair"], people["juror"]
    try:
        # --- The organiser signs in with the address (as she likes to write it) ------------
        organiser.goto(base + "/arbetsyta/")
        organiser.get_by_label("E-postadress").fill("Arrangor@Kvalitetsmassan.se")
        organiser.get_by_label("Lösenord").fill(PASSWORD)
        organiser.get_by_role("button", name="Logga in").click()
        set_up_two_factor(organiser)
        assert path_of(organiser) == "/arbetsyta/"
        says(organiser, "Det här är på tur")

        # --- A new edition, and its call opens ---------------------------------------------
        organiser.get_by_role("link", name="Skapa en ny upplaga").click()
        organiser.get_by_label("År", exact=True).fill(str(year))
        closes = (now + timedelta(days=60)).date()
        organiser.get_by_label("Sista dag för nomineringar").fill(closes.isoformat())
        supplement = (now + timedelta(days=75)).date()
        organiser.get_by_label("Sista dag för kommunernas egna svar och bilagor").fill(
            supplement.isoformat()
        )
        organiser.get_by_label("Gala (datum och klockslag)").fill(f"{year}-11-10T18:00")
        organiser.get_by_role("button", name="Skapa upplagan").click()
        says(organiser, f"Sveriges DigitaliseringsKommun {year} är skapad som utkast.")
        organiser.get_by_role("button", name=f"Öppna nomineringen för {year}").click()
        says(organiser, f"Nomineringen till Sveriges DigitaliseringsKommun {year} är öppen.")

        # --- Two people nominate two municipalities and confirm by the mailed link ----------
        for municipality, person, email in (
            ("Sundsvall", "Anna Andersson", "anna@example.se"),
            ("Kiruna", "Bo Berg", "bo@example.se"),
        ):
            public.goto(base + "/nominera/")
            public.get_by_label("Kommun", exact=True).fill(municipality)
            public.get_by_label("Vad är kommunen mest stolt över?").fill(
                f"{municipality}s e-tjänster som invånarna faktiskt använder."
            )
            public.get_by_label("Vilken effekt har det fått?").fill("Halverad handläggningstid.")
            public.get_by_label("Vad har man lärt sig?").fill("Att mäta från första dagen.")
            public.get_by_label("Ditt namn").fill(person)
            public.get_by_label("Din e-postadress").fill(email)
            public.get_by_label("Jag har läst informationen om personuppgifter").check()
            public.get_by_role("button", name="Skicka nomineringen").click()
            public.goto(base + link_mailed(email, "/nominera/bekrafta/"))
            public.get_by_role("button", name="Bekräfta nomineringen").click()
            assert public.get_by_role("heading", level=1).inner_text() == (
                "Tack! Din nominering är bekräftad"
            )

        # --- The organiser names Sundsvall's contact, from the start page's next step -------
        organiser.goto(base + "/arbetsyta/")
        says(organiser, "2 kandidaturer från 2 bekräftade nomineringar.")
        organiser.get_by_role("link", name="Kommunernas kontaktpersoner").click()
        organiser.get_by_label("Kommun", exact=True).fill("Sundsvall")
        organiser.get_by_label("Kontaktpersonens e-postadress").fill(CONTACT)
        organiser.get_by_role("button", name="Spara kontaktpersonen").click()
        says(organiser, f"{CONTACT} är kontaktperson för Sundsvall")

        # --- The contact accepts, and sends answers and a PDF in one form ------------------
        contact.goto(base + link_mailed(CONTACT, "/kommun/lank/"))
        contact.get_by_role("button", name="Logga in").click()
        says(contact, "Svara om kommunen ställer upp som kandidat")
        contact.get_by_role("button", name="Acceptera kandidaturen").click()
        contact.get_by_label("Vad är kommunen mest stolt över?").fill("Vår egen berättelse.")
        (tmp_path / "Sundsvall.pdf").write_bytes(PDF)
        contact.get_by_label("PDF-dokument").set_input_files(str(tmp_path / "Sundsvall.pdf"))
        contact.get_by_role("button", name="Spara svar och dokument").click()
        says(contact, "Era svar är sparade. ”Sundsvall.pdf” är tillagd.")
        assert contact.get_by_label("Vad är kommunen mest stolt över?").input_value() == (
            "Vår egen berättelse."
        )
        assert contact.get_by_role("link", name="Sundsvall.pdf").count() == 1

        # --- The organiser invites the jury; both set their password and their app ----------
        organiser.goto(base + "/arbetsyta/")
        organiser.get_by_role("link", name="Bjud in ledamöter").first.click()
        for email, role in ((CHAIR, "Ordförande"), (JUROR, "Ledamot")):
            organiser.get_by_label("E-postadress").fill(email)
            organiser.get_by_label("Roll").select_option(label=role)
            organiser.get_by_role("button", name="Skicka inbjudan").click()
            says(organiser, f"{email} är inbjuden.")
        for tab, email in ((chair, CHAIR), (juror, JUROR)):
            tab.goto(base + link_mailed(email, "/arbetsyta/jury/inbjudan/"))
            tab.get_by_label("Nytt lösenord", exact=True).fill(PASSWORD)
            tab.get_by_label("Bekräfta nytt lösenord").fill(PASSWORD)
            tab.get_by_role("button", name="Välj lösenord och logga in").click()
            set_up_two_factor(tab)
            tab.goto(base + "/arbetsyta/")
            says(tab, "Anmäl dina kopplingar (jäv)")

        # --- The juror declares a tie, after the page that says what it does --------------
        juror.get_by_role("link", name="Mina kopplingar").click()
        juror.get_by_label("Koppling till en organisation").check()
        juror.get_by_label("Organisation", exact=True).fill("Sambruk")
        juror.get_by_role("button", name="Anmäl kopplingen …").click()
        confirm(juror, "Anmäla kopplingen?", "Ja, anmäl kopplingen")
        says(juror, "Kopplingen är registrerad.")

        # --- The organiser closes the call early, then sets the supplement deadline to now --
        organiser.goto(base + "/arbetsyta/nomineringar/")
        organiser.get_by_role("button", name=f"Stäng nomineringen för {year} …").click()
        confirm(
            organiser,
            f"Stänga nomineringen till Sveriges DigitaliseringsKommun {year}?",
            "Ja, stäng nomineringen nu",
        )
        says(organiser, f"Öppna nomineringen för {year} igen")  # still before its last day
        organiser.goto(base + "/arbetsyta/")
        says(organiser, "Kommunerna kompletterar till")
        organiser.get_by_role("link", name="Ändra datum och plats").first.click()
        ended = timezone.localtime() - timedelta(minutes=3)
        organiser.get_by_label("Sista dag för nomineringar").fill(ended.date().isoformat())
        organiser.get_by_label("Nomineringar tas emot till och med (klockslag)").fill(
            ended.strftime("%H:%M")
        )
        organiser.get_by_label("Sista dag för kommunernas egna svar och bilagor").fill(
            (ended + timedelta(minutes=1)).date().isoformat()
        )
        organiser.get_by_label("Kommunerna kan komplettera till och med (klockslag)").fill(
            (ended + timedelta(minutes=1)).strftime("%H:%M")
        )
        organiser.get_by_role("button", name="Spara ändringarna").click()
        says(organiser, f"Ändringarna av Sveriges DigitaliseringsKommun {year} är sparade.")

        # --- The candidacies go to the jury --------------------------------------------------
        organiser.goto(base + "/arbetsyta/")
        organiser.get_by_role("link", name="Juryns översikt").first.click()
        organiser.get_by_role("button", name="Starta juryns bedömning …").click()
        confirm(
            organiser,
            f"Lämna över kandidaturerna i Sveriges DigitaliseringsKommun {year} till juryn?",
            "Ja, starta juryns bedömning",
        )
        says(organiser, "Juryns bedömning har börjat.")

        # --- The chair opens the round from the start page; both score everything ----------
        chair.goto(base + "/arbetsyta/")
        chair.get_by_role("link", name="Till omgången").first.click()
        chair.get_by_role("button", name="Öppna omgången …").click()
        confirm(chair, "Öppna omgången för alla kandidaturer?", "Ja, öppna omgången")
        says(chair, "Bedömningsomgången är öppen och juryn har fått besked.")
        assert sorted(score_every_candidacy(chair, base, year, 4)) == ["Kiruna", "Sundsvall"]
        assert sorted(score_every_candidacy(juror, base, year, 3)) == ["Kiruna", "Sundsvall"]
        chair.goto(base + "/arbetsyta/")
        says(chair, "Stäng omgången för alla kandidaturer")
        chair.get_by_role("link", name="Till omgången").first.click()
        chair.get_by_role("button", name="Stäng omgången …").click()
        confirm(chair, "Stänga omgången för alla kandidaturer?", "Ja, stäng omgången")

        # --- Both on to the final (the start page points to the results) -------------------
        chair.goto(base + "/arbetsyta/")
        chair.get_by_role("link", name="Resultat").first.click()
        says(chair, "Placering Kandidatur Steg Medelpoäng")
        chair.get_by_role("link", name="Flytta kandidaturer mellan stegen").click()
        for name in ("Sundsvall", "Kiruna"):
            chair.get_by_label(f"Nytt steg för {name}").select_option(label="Finalist")
            row = chair.get_by_role("row").filter(has=chair.get_by_label(f"Nytt steg för {name}"))
            row.get_by_role("button", name="Flytta").click()
            says(chair, f"{name} är nu: finalist.")
        says(chair, "Flyttad av misstag? Flytta tillbaka Kiruna till: kandidatur.")
        chair.goto(base + f"/arbetsyta/jury/{year}/")
        says(chair, "Har nått steget")
        chair.get_by_role("button", name="Inled överläggningen …").click()
        confirm(
            chair,
            f"Inleda överläggningen om Sveriges DigitaliseringsKommun {year}?",
            "Ja, inled överläggningen",
        )
        says(chair, "Överläggningen har börjat och den slutliga omröstningen är öppen.")

        # --- The final ballot --------------------------------------------------------------
        for tab in (chair, juror):
            tab.goto(base + "/arbetsyta/")
            tab.get_by_role("link", name="Slutlig omröstning").first.click()
            tab.get_by_label("Sundsvall").select_option("1")
            tab.get_by_label("Kiruna").select_option("2")
            tab.get_by_role("button", name="Lägg min röst").click()
            says(tab, "Din röst är lagd.")

        # --- The decision, after the page that says it cannot be undone ---------------------
        chair.goto(base + "/arbetsyta/")
        chair.get_by_role("link", name="Beslut", exact=True).first.click()
        assert chair.get_by_label("Vinnarens namn så som kommunen skriver det").input_value() == (
            "Sundsvalls kommun"
        )
        chair.get_by_label("Juryns motivering (svenska)").fill("Sundsvall når resultat på riktigt.")
        chair.get_by_role("button", name="Registrera beslutet …").click()
        confirm(
            chair,
            f"Registrera Sundsvalls kommun som vinnare av Sveriges DigitaliseringsKommun {year}?",
            "Ja, registrera beslutet",
        )
        says(chair, "Beslutet är registrerat. Poäng och röster är låsta.")

        edition = Edition.objects.get(award=award, year=year)
        assert edition.phase == Phase.DECIDED
        public.goto(base + f"/vinnare/{year}/")
        assert "Sundsvalls kommun" not in public.locator("main").inner_text()
    finally:
        for tab in people.values():
            tab.context.close()
