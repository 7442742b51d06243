"""Every way the public call refuses something says so in words a person can act on, and changes
nothing: unknown municipalities, a closed window, bad links, spam and too many submissions."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from kommunpris.accounts.testing import organiser_account
from kommunpris.audit.models import AuditEvent
from kommunpris.awards.services import change_edition, close_nominations, create_edition
from kommunpris.mail.models import OutgoingMail
from kommunpris.nominations.models import Candidacy, Nomination, NominationStatus
from kommunpris.nominations.services import NominationsClosed, submit_nomination
from kommunpris.register.models import Municipality


def assert_nothing_saved() -> None:
    assert Nomination.objects.count() == 0
    assert OutgoingMail.objects.count() == 0
    assert mail.outbox == []
    assert not AuditEvent.objects.filter(action__startswith="nomination.").exists()


def test_form_without_answers_lists_every_error_at_the_top_and_beside_the_field(client, edition):
    response = client.post("/nominera/", {"municipality": "", "website": ""})
    html = response.content.decode()
    assert response.status_code == 400
    assert "<title>Fel: Nominera en kommun" in html
    assert "Kontrollera formuläret: något behöver rättas" in html
    assert '<a href="#id_municipality">Skriv vilken kommun du nominerar.</a>' in html
    # Each unanswered question is named in the message.
    assert '<a href="#id_effect">Svara på frågan ”Vilken effekt har det fått?”.</a>' in html
    assert '<p class="field-error" id="id_proud_error">' in html
    assert 'aria-describedby="id_proud_helptext id_proud_error"' in html
    assert "Kryssa i rutan för att godkänna hanteringen av personuppgifter" in html
    assert_nothing_saved()


def test_unknown_municipality_offers_the_closest_names(client, edition, nominate):
    response = nominate(municipality="Sundsval")
    html = response.content.decode()
    assert response.status_code == 400
    assert "Det finns ingen kommun som heter ”Sundsval”. Välj en av de närmaste nedan" in html
    assert "Menade du någon av de här kommunerna?" in html
    assert 'name="municipality_choice" id="choice-1" value="Sundsvall"' in html
    # What was written stays in the form.
    assert "Handläggningstiden halverades" in html
    assert_nothing_saved()

    chosen = nominate(municipality="Sundsval", municipality_choice="Sundsvall")
    assert chosen.status_code == 302
    assert Nomination.objects.get().municipality.name == "Sundsvall"


def test_ambiguous_municipality_asks_which_one(client, edition, nominate):
    response = nominate(municipality="Habö")
    html = response.content.decode()
    assert response.status_code == 400
    assert "”Habö” kan vara flera kommuner. Välj den du menar." in html
    assert 'value="Habo"' in html and 'value="Håbo"' in html
    assert_nothing_saved()


def test_municipality_nobody_has_heard_of_is_refused(client, edition, nominate):
    response = nominate(municipality="Atlantis")
    assert response.status_code == 400
    assert "Det finns ingen kommun som heter ”Atlantis”" in response.content.decode()
    assert_nothing_saved()


def test_answer_over_the_limit_is_refused_but_line_breaks_count_once(client, edition, nominate):
    too_long = nominate(proud="x" * 3001)
    assert too_long.status_code == 400
    assert "högst 3000 tecken" in too_long.content.decode()
    assert_nothing_saved()

    # 1 000 lines sent by a browser as "\r\n" are 1 999 characters, not 2 998.
    many_lines = nominate(proud="a\r\n" * 1000 + "x" * 1000)
    assert many_lines.status_code == 302
    assert len(Nomination.objects.get().answers["proud"]) == 3000


def test_outside_the_window_the_page_says_when_the_next_call_opens(client, award):
    html = client.get("/nominera/").content.decode()
    assert "Nomineringen är stängd" in html
    assert "Nästa nominering gäller upplagan 2027 och öppnar under 2027" in html
    assert 'name="proud"' not in html


def test_after_an_announced_edition_the_page_points_to_the_next(client, award):
    # The archive's newest edition (2023) is announced: no jury "at work" message.
    html = client.get("/nominera/").content.decode()
    assert "Nu arbetar juryn" not in html
    assert "Läs om vinnarna sedan 2001" in html
    assert 'href="/"' in html


def test_prepared_edition_says_it_has_not_opened_and_refuses_a_post(client, award, form):
    now = timezone.now()
    create_edition(
        award=award,
        year=2027,
        nominations_close_at=now + timedelta(days=30),
        supplement_close_at=now + timedelta(days=40),
        ceremony_at=now + timedelta(days=200),
        actor=organiser_account("organiser@example.se"),
    )
    html = client.get("/nominera/").content.decode()
    assert "Nomineringen till Sveriges DigitaliseringsKommun 2027 förbereds" in html

    refused = client.post("/nominera/", form)
    assert refused.status_code == 409
    assert "Nomineringen är inte öppen just nu, så din nominering sparades inte." in (
        refused.content.decode()
    )
    assert_nothing_saved()


def test_closed_call_refuses_a_post_and_names_the_ceremony(client, edition, form):
    close_nominations(edition=edition, actor=organiser_account("organiser@example.se"))
    page = client.get("/nominera/").content.decode()
    assert "Nomineringen till Sveriges DigitaliseringsKommun 2027 stängde" in page
    assert "Vinnaren tillkännages på Kvalitetsmässan" in page
    refused = client.post("/nominera/", form)
    assert refused.status_code == 409
    assert "sparades inte" in refused.content.decode()
    assert_nothing_saved()


def test_call_past_its_deadline_refuses_even_before_the_organiser_closes_it(client, edition, form):
    past = timezone.now() - timedelta(hours=1)
    with pytest.raises(NominationsClosed, match="2027 är inte öppen"):
        submit_nomination(
            edition=edition,
            municipality=Municipality.objects.get(name="Sundsvall"),
            answers={
                "proud": "a",
                "effect": "b",
                "learned": "c",
            },
            nominator_name="Anna",
            nominator_email="anna@example.se",
            now=edition.nominations_close_at + timedelta(seconds=1),
        )
    change_edition(
        edition=edition,
        nominations_close_at=past,
        supplement_close_at=edition.supplement_close_at,
        ceremony_at=edition.ceremony_at,
        actor=organiser_account("organiser@example.se"),
    )
    refused = client.post("/nominera/", form)
    assert refused.status_code == 409
    assert_nothing_saved()


def _confirmation_path(link_in) -> str:
    return link_in(mail.outbox[-1], "/nominera/bekrafta/")


def test_expired_link_gets_a_clear_page_and_confirms_nothing(
    client, edition, link_in, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        submit_nomination(
            edition=edition,
            municipality=Municipality.objects.get(name="Sundsvall"),
            answers={
                "proud": "Bygglov.",
                "effect": "Snabbare.",
                "learned": "Mät.",
            },
            nominator_name="Anna Andersson",
            nominator_email="anna@example.se",
            now=timezone.now() - timedelta(hours=73),
        )
    path = _confirmation_path(link_in)
    for response in (client.get(path), client.post(path)):
        html = response.content.decode()
        assert response.status_code == 200
        assert "Länken har gått ut" in html
        assert "En bekräftelselänk gäller i 72 timmar" in html
        assert 'href="/nominera/"' in html
    assert Nomination.objects.get().status == NominationStatus.PENDING
    assert Candidacy.objects.filter(edition=edition).count() == 0


@pytest.mark.parametrize(
    "tamper",
    [
        lambda path: "/nominera/bekrafta/inte-en-riktig-lank/",
        lambda path: path[:-3] + ("A" if path[-3] != "A" else "B") + path[-2:],
    ],
    ids=["made-up", "altered"],
)
def test_forged_link_gets_a_clear_page_and_confirms_nothing(
    client, edition, nominate, link_in, tamper
):
    nominate()
    forged = tamper(_confirmation_path(link_in))
    for response in (client.get(forged), client.post(forged)):
        assert response.status_code == 200
        assert "Länken fungerar inte" in response.content.decode()
    assert Nomination.objects.get().status == NominationStatus.PENDING


def test_reused_link_says_the_nomination_is_already_confirmed(
    client, edition, nominate, confirm, link_in
):
    nominate()
    path = _confirmation_path(link_in)
    confirm(path)
    events = AuditEvent.objects.count()
    for response in (client.get(path), confirm(path)):
        html = response.content.decode()
        assert "Länken har redan använts" in html
        assert "Din nominering av Sundsvall är redan bekräftad och räknas." in html
    assert AuditEvent.objects.count() == events
    assert Candidacy.objects.get(edition=edition).nominations.count() == 1


def test_honeypot_filled_in_refuses_and_tells_a_person_what_to_do(client, edition, nominate):
    response = nominate(website="http://spam.example")
    html = response.content.decode()
    assert response.status_code == 400
    assert "Din nominering skickades inte: fältet ”Lämna fältet tomt” var ifyllt" in html
    assert "Om du är en människa kan du skicka formuläret igen" in html
    assert 'name="website" id="id_website" value=""' in html
    assert "Handläggningstiden halverades" in html
    assert_nothing_saved()


def test_rate_limit_per_connection(client, edition, nominate, settings):
    settings.KOMMUNPRIS_NOMINATION_RATE_LIMITS = {
        "ip": (2, 3600),
        "email": (10, 3600),
        "address": (10, 3600),
    }
    assert nominate(nominator_email="a@example.se").status_code == 302
    assert nominate(nominator_email="b@example.se").status_code == 302
    refused = nominate(nominator_email="c@example.se")
    assert refused.status_code == 429
    assert "väldigt många nomineringar har kommit från din uppkoppling" in (
        refused.content.decode()
    )
    assert sorted(Nomination.objects.values_list("nominator_email", flat=True)) == [
        "a@example.se",
        "b@example.se",
    ]
    assert len(mail.outbox) == 2
    # Another connection is not held back.
    assert nominate(nominator_email="c@example.se", ip="198.51.100.7").status_code == 302


def test_rate_limit_per_address(client, edition, nominate, settings):
    settings.KOMMUNPRIS_NOMINATION_RATE_LIMITS = {
        "ip": (10, 3600),
        "email": (2, 3600),
        "address": (10, 3600),
    }
    nominate(municipality="Sundsvall")
    nominate(municipality="Lidingö")
    refused = nominate(municipality="Värmdö")
    assert refused.status_code == 429
    assert "anna@example.se har redan skickat många nomineringar inom en timme" in (
        refused.content.decode()
    )
    assert sorted(Nomination.objects.values_list("municipality__name", flat=True)) == [
        "Lidingö",
        "Sundsvall",
    ]


def test_rate_limit_per_address_from_anywhere_is_silent(client, edition, nominate, settings):
    """Texts for one address from many connections: the mailbox gets no more after the limit,
    and the senders are not told (that would tell them the address was used)."""
    settings.KOMMUNPRIS_NOMINATION_RATE_LIMITS = {
        "ip": (10, 3600),
        "email": (10, 3600),
        "address": (2, 3600),
    }
    nominate(municipality="Sundsvall", ip="192.0.2.1")
    nominate(municipality="Lidingö", ip="192.0.2.2")
    quiet = nominate(municipality="Värmdö", ip="192.0.2.3")
    assert (quiet.status_code, quiet["Location"]) == (302, "/nominera/skickad/")
    assert sorted(Nomination.objects.values_list("municipality__name", flat=True)) == [
        "Lidingö",
        "Sundsvall",
    ]
    assert len(mail.outbox) == 2


def test_post_without_csrf_token_is_refused_with_an_explanation(edition, form):
    strict = Client(enforce_csrf_checks=True)
    strict.get("/nominera/")
    refused = strict.post("/nominera/", form)
    assert refused.status_code == 403
    html = refused.content.decode()
    assert "Formuläret kunde inte skickas" in html
    assert "Ingenting sparades." in html
    assert_nothing_saved()
