"""A nominator's own requests through the HTTP client, without an account: the request page that
answers every address alike, the e-mailed link in Swedish or English, the page of everything
kept, the JSON copy, the deletion, and every refusal (forged or expired link, rate limits,
honeypot, CSRF)."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from datetime import UTC, timedelta
from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from kommunpris.accounts.testing import organiser_account
from kommunpris.audit.models import AuditEvent
from kommunpris.awards.services import close_nominations
from kommunpris.mail.models import OutgoingMail
from kommunpris.nominations.models import Nomination, NominationStatus
from kommunpris.nominations.selectors import candidacies
from kommunpris.nominations.services import reject_nomination, request_personal_data_link

REQUEST = "/personuppgifter/mina/"


@pytest.fixture
def ask(client: Client, django_capture_on_commit_callbacks: Any) -> Callable[..., Any]:
    """Post the request form as a person would, e-mail sent after commit."""

    def post(
        email: str = "anna@example.se",
        path: str = REQUEST,
        ip: str = "192.0.2.20",
        via: Client | None = None,
        **extra: str,
    ) -> Any:
        with django_capture_on_commit_callbacks(execute=True):
            return (via or client).post(
                path, {"email": email, "website": "", **extra}, REMOTE_ADDR=ip
            )

    return post


@pytest.fixture
def send_link(django_capture_on_commit_callbacks: Any) -> Callable[..., int]:
    """Ask for Anna's link through the service, at a chosen time."""

    def send(**kwargs: Any) -> int:
        with django_capture_on_commit_callbacks(execute=True):
            return request_personal_data_link(email="anna@example.se", **kwargs)

    return send


@pytest.fixture
def anna(edition, nominate, confirm, link_in):
    """Anna's confirmed nomination of Sundsvall and her unconfirmed one of Lidingö; Bertil's
    confirmed nomination of Sundsvall too, so the candidacy has two."""
    nominate()
    confirm(link_in(mail.outbox[-1], "/nominera/bekrafta/"))
    nominate(nominator_email="bertil@example.se", nominator_name="Bertil Berg")
    confirm(link_in(mail.outbox[-1], "/nominera/bekrafta/"))
    nominate(municipality="Lidingö", nominator_organisation="")
    mail.outbox.clear()
    return edition


def visible_text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def sent_page_without(html: str, email: str) -> str:
    """The answer page with the address typed in (and per-request tokens) left out."""
    html = html.replace(email, "ADDRESS")
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)


def test_request_flow_from_form_to_copy_to_deletion(
    client, anna, ask, link_in, django_capture_on_commit_callbacks
):
    form = client.get(REQUEST).content.decode()
    assert "<h1>Dina personuppgifter</h1>" in form
    assert '<label for="id_email">Din e-postadress</label>' in form
    assert "Du behöver inget konto." in form

    answer = ask("Anna@Example.se ")
    html = answer.content.decode()
    assert answer.status_code == 200
    assert "<h1>Titta i din e-post</h1>" in html
    assert "Om nomineringar har skickats från <strong>anna@example.se</strong>" in html

    [message] = mail.outbox
    assert message.to == ["anna@example.se"]
    assert message.subject == "Dina personuppgifter i nomineringar – Sveriges DigitaliseringsKommun"
    assert "Vi sparar 2 nomineringar som har skickats från den." in message.body
    assert "Länken gäller i 72 timmar" in message.body
    assert "Se dina personuppgifter" in message.alternatives[0][0]
    link = link_in(message, REQUEST)
    assert "anna" not in link  # the address is not in the link

    # Everything kept about the address, and nothing about Bertil.
    page = client.get(link)
    shown = visible_text(page.content.decode())
    assert page["Cache-Control"].startswith("max-age=0")
    assert "Det här är allt vi sparar om anna@example.se" in shown
    for fact in (
        "Sundsvall, Sveriges DigitaliseringsKommun 2027 Status Bekräftad Ditt namn Anna Andersson "
        "Din e-postadress anna@example.se Din organisation Sundsvalls företagarförening",
        "Lidingö, Sveriges DigitaliseringsKommun 2027 Status Väntar på bekräftelse",
        "Vad är kommunen mest stolt över? E-tjänsterna för bygglov som invånarna faktiskt använder.",
        "Bekräftad inte bekräftad",
        "Bekräfta din nominering av Lidingö – Sveriges DigitaliseringsKommun 2027",
        "Dina personuppgifter i nomineringar – Sveriges DigitaliseringsKommun",
    ):
        assert fact in shown
    assert "Bertil" not in shown and "bertil@example.se" not in shown

    # The copy: every fact on the page, as UTF-8 JSON in a file.
    copy = client.get(link + "kopia.json")
    assert copy["Content-Type"] == "application/json; charset=utf-8"
    today = timezone.localdate().isoformat()
    assert copy["Content-Disposition"] == (
        f'attachment; filename="kommunpris-personuppgifter-{today}.json"'
    )
    assert "Sundsvalls företagarförening".encode() in copy.content  # not \u-escaped
    data = json.loads(copy.content.decode("utf-8"))
    sundsvall, lidingo = (
        Nomination.objects.get(nominator_email="anna@example.se", municipality__name=name)
        for name in ("Sundsvall", "Lidingö")
    )

    def iso(moment):
        return moment.astimezone(UTC).isoformat() if moment else None

    def expected(n: Nomination, code: str) -> dict[str, Any]:
        return {
            "id": n.pk,
            "edition": {
                "award": "digitaliseringskommun",
                "year": 2027,
                "title": "Sveriges DigitaliseringsKommun 2027",
            },
            "municipality": {"code": code, "name": n.municipality.name},
            "answers": {
                "what_the_municipality_is_most_proud_of": (
                    "E-tjänsterna för bygglov som invånarna faktiskt använder."
                ),
                "what_effect_it_has_had": (
                    "Handläggningstiden halverades och fler ärenden klaras digitalt."
                ),
                "what_has_been_learned": (
                    "Att börja med invånarnas behov och mäta effekten från dag ett."
                ),
            },
            "name": "Anna Andersson",
            "email": "anna@example.se",
            "organisation": n.nominator_organisation,
            "language": "sv",
            "status": n.status,
            "submitted_at": iso(n.submitted_at),
            "agreed_to_privacy_notice_at": iso(n.consented_at),
            "confirmed_at": iso(n.confirmed_at),
            "rejected_at": None,
            "rejection_reason": "",
            "unconfirmed_changes": [],
        }

    mails = OutgoingMail.objects.filter(to="anna@example.se").order_by("id")
    assert data == {
        "email": "anna@example.se",
        "exported_at": data["exported_at"],
        "nominations": [expected(lidingo, "0186"), expected(sundsvall, "2281")],
        "emails_sent_to_you": [
            {
                "queued_at": iso(m.created_at),
                "sent_at": iso(m.sent_at),
                "subject": m.subject,
                "language": "sv",
            }
            for m in mails
        ],
    }
    assert [m["subject"] for m in data["emails_sent_to_you"]] == [
        "Bekräfta din nominering av Sundsvall – Sveriges DigitaliseringsKommun 2027",
        "Bekräfta din nominering av Lidingö – Sveriges DigitaliseringsKommun 2027",
        "Dina personuppgifter i nomineringar – Sveriges DigitaliseringsKommun",
    ]
    assert data["nominations"][1]["organisation"] == "Sundsvalls företagarförening"
    assert data["nominations"][0]["status"] == "pending"

    # Deleting asks first and says what will happen; nominations are still open.
    confirm_page = visible_text(client.get(link + "radera/").content.decode())
    assert "Radera dina personuppgifter?" in confirm_page
    assert (
        "Sundsvall, Sveriges DigitaliseringsKommun 2027 : raderas helt. Nomineringsperioden "
        "pågår fortfarande, så den räknas inte längre." in confirm_page
    )
    assert "Lidingö, Sveriges DigitaliseringsKommun 2027 : raderas helt." in confirm_page
    assert Nomination.objects.filter(nominator_email="anna@example.se").count() == 2

    assert candidacies(anna).get().nomination_count == 2
    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(link + "radera/", follow=True)
    shown = visible_text(done.content.decode())
    assert "Dina personuppgifter är raderade" in shown
    assert "2 nomineringar är raderade helt." in shown
    assert "3 mejl är raderade ur vår e-postlogg." in shown
    assert mail.outbox[1:] == []  # no receipt: it would keep the address

    # The data is gone; Bertil's nomination still counts, Sundsvall's count follows.
    assert not Nomination.objects.filter(nominator_email="anna@example.se").exists()
    assert not OutgoingMail.objects.filter(to="anna@example.se").exists()
    assert list(Nomination.objects.values_list("nominator_name", flat=True)) == ["Bertil Berg"]
    assert candidacies(anna).get().nomination_count == 1
    [event] = AuditEvent.objects.filter(action="nominations.personal_data_erased")
    assert (event.actor, event.target) == ("public", "nominations")
    assert event.after == {
        "nominations_deleted": 2,
        "nominations_anonymised": 0,
        "mails_deleted": 3,
        "deleted": sorted([sundsvall.pk, lidingo.pk]),
        "anonymised": [],
    }

    # The link now says nothing is kept, whatever part of it is followed.
    for path in (link, link + "kopia.json", link + "radera/"):
        again = client.get(path).content.decode()
        assert "<h1>Vi sparar inga personuppgifter om den här adressen</h1>" in again
    assert "Vi sparar inga personuppgifter" in client.post(link + "radera/").content.decode()
    assert AuditEvent.objects.filter(action="nominations.personal_data_erased").count() == 1

    # Nothing of Anna's in the audit log, from submission to deletion.
    logged = json.dumps(list(AuditEvent.objects.values("actor", "target", "before", "after")))
    assert "anna@example.se" not in logged and "Anna Andersson" not in logged


def test_deletion_after_the_call_keeps_the_texts_for_the_jury_without_name_or_address(
    client, anna, ask, link_in, organiser_client, django_capture_on_commit_callbacks
):
    close_nominations(edition=anna, actor=organiser_account("organiser@example.se"))
    ask()
    link = link_in(mail.outbox[-1], REQUEST)
    shown = visible_text(client.get(link + "radera/").content.decode())
    assert (
        "Sundsvall, Sveriges DigitaliseringsKommun 2027 : ditt namn, din e-postadress och din "
        "organisation raderas. Juryn har redan fått nomineringen, så dina svar finns kvar i "
        "dess underlag, utan ditt namn." in shown
    )
    assert "Lidingö, Sveriges DigitaliseringsKommun 2027 : raderas helt." in shown

    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(link + "radera/", follow=True)
    shown = visible_text(done.content.decode())
    assert "En nominering är raderad helt." in shown
    assert (
        "En nominering sparas i juryns underlag utan ditt namn, din e-postadress och din "
        "organisation." in shown
    )

    kept = Nomination.objects.get(municipality__name="Sundsvall", nominator_name="")
    assert (kept.nominator_email, kept.nominator_organisation) == ("", "")
    assert kept.anonymised_at is not None
    assert kept.status == NominationStatus.CONFIRMED
    assert kept.proud == "E-tjänsterna för bygglov som invånarna faktiskt använder."
    assert not Nomination.objects.filter(municipality__name="Lidingö").exists()
    assert candidacies(anna).get().nomination_count == 2  # the jury's record is unchanged

    # The organiser's desk shows the nomination without a nominator.
    desk = organiser_client.get("/arbetsyta/nomineringar/2027/nomineringar/").content.decode()
    assert "nominerarens namn och adress raderades" in visible_text(desk)

    assert "Vi sparar inga personuppgifter" in client.get(link).content.decode()


def test_unknown_address_gets_the_same_answer_and_no_email(client, anna, ask):
    known = ask("anna@example.se").content.decode()
    unknown = ask("nobody@example.se").content.decode()
    assert sent_page_without(known, "anna@example.se") == sent_page_without(
        unknown, "nobody@example.se"
    )
    assert [m.to for m in mail.outbox] == [["anna@example.se"]]
    assert AuditEvent.objects.filter(action="nominations.personal_data_link_sent").count() == 1
    # The unknown address did the same work (bench/personal_data_timing.py measures it) and
    # left an event that does not hold the address.
    [unknown_event] = AuditEvent.objects.filter(
        action="nominations.personal_data_request_without_data"
    )
    assert (unknown_event.target, unknown_event.after) == (
        "nominations",
        {"nominations": 0, "language": "sv"},
    )
    assert not OutgoingMail.objects.filter(to="nobody@example.se").exists()


def test_english_page_sends_the_link_in_english(client, anna, ask, link_in):
    form = client.get("/en/personuppgifter/mina/").content.decode()
    assert "<h1>Your personal data</h1>" in form
    answer = ask(path="/en/personuppgifter/mina/").content.decode()
    assert "If nominations have been sent from <strong>anna@example.se</strong>" in answer

    [message] = mail.outbox
    assert message.subject == "Your personal data in nominations – Sveriges DigitaliseringsKommun"
    assert "We keep 2 nominations sent from it." in message.body
    assert "The link is valid for 72 hours" in message.body
    assert "See your personal data" in message.alternatives[0][0]
    assert '<html lang="en">' in message.alternatives[0][0]
    link = link_in(message, "/en/personuppgifter/mina/")
    shown = visible_text(client.get(link).content.decode())
    assert "This is everything we keep about anna@example.se" in shown
    assert "Status Confirmed Your name Anna Andersson" in shown
    copy = client.get(link + "kopia.json")
    assert copy["Content-Disposition"].startswith('attachment; filename="kommunpris-personal-data-')


def test_swedish_mail_has_text_and_html_in_swedish(anna, ask):
    ask()
    [message] = mail.outbox
    html = message.alternatives[0][0]
    assert '<html lang="sv">' in html
    assert "Du (eller någon som känner till din e-postadress) har frågat" in html
    assert "Om det inte var du som frågade kan du bortse från det här mejlet" in message.body
    assert "http://127.0.0.1:8000/nominera/personuppgifter/" in message.body


def test_forged_link_gets_a_clear_page_and_shows_nothing(client, anna, ask, link_in):
    ask()
    link = link_in(mail.outbox[-1], REQUEST)
    token = link.removeprefix(REQUEST).strip("/")
    forged = REQUEST + token[:-3] + ("AAA" if not token.endswith("AAA") else "BBB") + "/"
    for path in (forged, forged + "kopia.json", forged + "radera/", REQUEST + "not-a-token/"):
        response = client.get(path)
        html = response.content.decode()
        assert response.status_code == 400
        assert "<h1>Länken fungerar inte</h1>" in html
        assert "anna@example.se" not in html
    client.post(forged + "radera/")
    assert Nomination.objects.filter(nominator_email="anna@example.se").count() == 2


def test_expired_link_gets_a_clear_page_and_deletes_nothing(client, anna, link_in, send_link):
    send_link(now=timezone.now() - timedelta(hours=72, minutes=1))
    link = link_in(mail.outbox[-1], REQUEST)
    response = client.get(link)
    assert response.status_code == 410
    html = response.content.decode()
    assert "<h1>Länken har gått ut</h1>" in html
    assert "En länk till dina personuppgifter gäller i 72 timmar" in html
    assert client.post(link + "radera/").status_code == 410
    assert client.get(link + "kopia.json").status_code == 410
    assert Nomination.objects.filter(nominator_email="anna@example.se").count() == 2
    assert not AuditEvent.objects.filter(action="nominations.personal_data_erased").exists()


def test_link_still_works_just_before_it_expires(client, anna, link_in, send_link):
    send_link(now=timezone.now() - timedelta(hours=71, minutes=59))
    assert "Anna Andersson" in client.get(link_in(mail.outbox[-1], REQUEST)).content.decode()


def test_honeypot_filled_in_refuses_and_sends_nothing(anna, ask):
    response = ask(website="http://spam.example")
    html = response.content.decode()
    assert response.status_code == 400
    assert "Ingen länk skickades" in html
    assert "Fältet ”Lämna fältet tomt” var ifyllt" in html
    assert 'value="anna@example.se"' in html  # what was written stays in the form
    assert mail.outbox == []


def test_rate_limit_per_connection(anna, ask, settings):
    settings.KOMMUNPRIS_NOMINATION_RATE_LIMITS = {"ip": (2, 3600), "email": (10, 3600)}
    assert ask("anna@example.se").status_code == 200
    assert ask("nobody@example.se").status_code == 200  # unknown addresses count alike
    refused = ask("anna@example.se")
    assert refused.status_code == 429
    assert "Väldigt många länkar har begärts" in refused.content.decode()
    assert len(mail.outbox) == 1
    assert ask("anna@example.se", ip="192.0.2.99").status_code == 200
    assert len(mail.outbox) == 2


def test_rate_limit_per_address(anna, ask, settings):
    settings.KOMMUNPRIS_NOMINATION_RATE_LIMITS = {"ip": (10, 3600), "email": (2, 3600)}
    for ip in ("192.0.2.1", "192.0.2.2"):
        assert ask("anna@example.se", ip=ip).status_code == 200
    assert ask("anna@example.se", ip="192.0.2.3").status_code == 429
    assert ask("ANNA@example.se", ip="192.0.2.4").status_code == 429
    assert len(mail.outbox) == 2


def test_post_without_csrf_token_is_refused(anna):
    strict = Client(enforce_csrf_checks=True)
    response = strict.post(REQUEST, {"email": "anna@example.se", "website": ""})
    assert response.status_code == 403
    assert "Formuläret kunde inte skickas" in response.content.decode()
    assert mail.outbox == []


def test_request_form_errors_are_listed(client, anna):
    response = client.post(REQUEST, {"email": "inte en adress", "website": ""})
    html = response.content.decode()
    assert response.status_code == 400
    assert "<title>Fel: Dina personuppgifter" in html
    assert '<a href="#id_email">Skriv en e-postadress som namn@exempel.se.</a>' in html
    assert mail.outbox == []


def test_data_page_reads_in_a_few_queries(
    client, edition, nominate, confirm, link_in, send_link, django_assert_max_num_queries
):
    for name in ("Sundsvall", "Lidingö", "Kalix", "Nacka", "Malmö"):
        nominate(municipality=name)
        confirm(link_in(mail.outbox[-1], "/nominera/bekrafta/"))
    assert send_link() == 5
    link = link_in(mail.outbox[-1], REQUEST)
    with django_assert_max_num_queries(6):
        page = client.get(link)
    assert visible_text(page.content.decode()).count("Status Bekräftad") == 5


def test_unconfirmed_change_and_rejection_are_shown_copied_and_erased(
    client, edition, organiser, nominate, confirm, link_in, ask, django_capture_on_commit_callbacks
):
    # Anna's confirmed Sundsvall with a change she never confirmed; her Lidingö marked as spam.
    nominate()
    confirm(link_in(mail.outbox[-1], "/nominera/bekrafta/"))
    nominate(proud="En ny text om bygglov.", nominator_name="Anna A. Andersson")
    nominate(municipality="Lidingö")
    confirm(link_in(mail.outbox[-1], "/nominera/bekrafta/"))
    lidingo = Nomination.objects.get(municipality__name="Lidingö")
    reject_nomination(nomination=lidingo, reason="Samma text som tio andra", actor=organiser)
    close_nominations(edition=edition, actor=organiser)

    ask()
    link = link_in(mail.outbox[-1], REQUEST)
    shown = visible_text(client.get(link).content.decode())
    assert "Status Avvisad som skräp" in shown
    assert "Samma text som tio andra" in shown
    assert organiser.email not in shown  # the organiser's address is not the nominator's data
    assert "Ändringar du har skickat som inte är bekräftade (" in shown
    assert "Ditt namn Anna A. Andersson" in shown
    assert "En ny text om bygglov." in shown
    copy = json.loads(client.get(link + "kopia.json").content)
    lidingo_copy, sundsvall_copy = copy["nominations"]
    assert (lidingo_copy["status"], lidingo_copy["rejection_reason"]) == (
        "rejected",
        "Samma text som tio andra",
    )
    [change] = sundsvall_copy["unconfirmed_changes"]
    assert (change["name"], change["answers"]["what_the_municipality_is_most_proud_of"]) == (
        "Anna A. Andersson",
        "En ny text om bygglov.",
    )

    with django_capture_on_commit_callbacks(execute=True):
        client.post(link + "radera/")
    # The rejected nomination never counted: gone. The confirmed one loses its pending change.
    kept = Nomination.objects.get()
    assert (kept.municipality.name, kept.status) == ("Sundsvall", NominationStatus.CONFIRMED)
    assert (kept.nominator_name, kept.revisions.count(), kept.token_hash) == ("", 0, "")
    assert kept.proud == "E-tjänsterna för bygglov som invånarna faktiskt använder."
