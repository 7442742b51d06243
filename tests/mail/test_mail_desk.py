"""The organiser's mail through the desk (HTTP): an edition's messages, editing one with preview,
test and a way back, refusals that keep what was typed, and a bulk mailing from the form through
the recipients and the confirmation to its own page; the lists read a fixed number of queries."""

from __future__ import annotations

import re
from html import unescape
from typing import Any

from django.contrib.auth.models import User
from django.core import mail
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from kommunpris.accounts.testing import sign_in_verified
from kommunpris.audit.models import AuditEvent
from kommunpris.mail.bulk import BulkText, fingerprint, new_key, recipients, send_bulk
from kommunpris.mail.models import BulkMailing, EditionMailTemplate, OutgoingMail
from kommunpris.mail.organiser_templates import default_subject_and_body
from kommunpris.mail.templates_service import save_template

from .conftest import Call

PAGE = "/arbetsyta/e-post/2029/"
NOTICE = "/arbetsyta/e-post/2029/meddelanden/nominations.candidacy_notice/sv/"
BULK = "/arbetsyta/e-post/2029/utskick/"


def _text(response: Any) -> str:
    """The page's words as a person reads them."""
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", response.content.decode())).split())


def _desk(organiser: User) -> Client:
    return sign_in_verified(Client(), organiser)


def test_the_editions_page_lists_every_message_and_its_mailings(call: Call, organiser: User):
    desk = _desk(organiser)
    save_template(
        edition=call.edition,
        key="jury/decided",
        language="en",
        subject="Decided: {{ edition_title }}",
        body="The jury has decided.\n",
        actor=organiser,
    )
    page = _text(desk.get(PAGE))
    assert "E-post – Sveriges DigitaliseringsKommun 2029" in page
    assert "Arbetsyta › E-post › Sveriges DigitaliseringsKommun 2029" in page  # the way back
    for title in (
        "Bekräfta en nominering",
        "Kommunen är nominerad",
        "En kontaktpersons inloggningslänk",
        "En nominerandes personuppgifter",
        "Inbjudan till juryn",
        "En bedömningsomgång har öppnat",
        "Slutomröstningen är öppen",
        "Juryn har beslutat",
        "Påminnelse om att bekräfta en nominering",
        "Påminnelse till en kommuns kontaktperson",
        "Påminnelse till en jurymedlem före omgångens sista dag",
        "De nominerade eller finalisterna offentliggörs",
        "Ett offentliggörande dras tillbaka",
        "Juryns återkoppling är släppt",
    ):
        assert title in page
    assert page.count("Din text") == 1 and page.count("Plattformens text") == 27
    assert "Din text – Juryn har beslutat, engelska" in page
    assert "Inget utskick har gjorts i den här upplagan ännu." in page
    # The desk's e-mail page leads to each edition's.
    assert 'href="/arbetsyta/e-post/2029/"' in desk.get("/arbetsyta/e-post/").content.decode()


def test_the_editions_page_reads_a_fixed_number_of_queries(
    call: Call, organiser: User, django_capture_on_commit_callbacks: Any
):
    desk = _desk(organiser)
    desk.get(PAGE)  # the session and the catalogue warm

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert desk.get(PAGE).status_code == 200
        return len(queries)

    before = count()
    for number, segment in enumerate(("contacts", "finalists", "nominees")):
        people = recipients(call.edition, segment)
        with django_capture_on_commit_callbacks(execute=True):
            send_bulk(
                edition=call.edition,
                segment=segment,
                text=BulkText(subject_sv=f"Utskick {number}", body_sv="Hej!\n"),
                expected=fingerprint(people),
                key=new_key(),
                actor=organiser,
            )
        for language in ("sv", "en"):
            save_template(
                edition=call.edition,
                key=["jury/decided", "jury/ballot_open", "jury/round_open"][number],
                language=language,
                subject="Egen {{ edition_title }}",
                body="Egen text.\n" + ("{{ link }}\n" if number else ""),
                actor=organiser,
            )
    assert count() == before
    assert "Utskick 0" in _text(desk.get(PAGE))
    mailing = BulkMailing.objects.get(subject_sv="Utskick 0")
    with CaptureQueriesContext(connection) as queries:
        shown = desk.get(f"{BULK}{mailing.pk}/")
    assert shown.status_code == 200
    assert "5: 5 skickade, 0 väntar, 0 gav upp" in _text(shown)
    smaller = BulkMailing.objects.get(subject_sv="Utskick 1")
    assert smaller.recipient_count == 1
    with CaptureQueriesContext(connection) as few:
        desk.get(f"{BULK}{smaller.pk}/")
    assert len(few) == len(queries)


def test_editing_a_message_preview_test_save_and_back_to_the_platforms_text(
    call: Call, organiser: User, django_capture_on_commit_callbacks: Any
):
    desk = _desk(organiser)
    _subject, body = default_subject_and_body("nominations/candidacy_notice", language="sv")
    form = desk.get(NOTICE).content.decode()
    assert unescape(re.search(r"<textarea[^>]*>(.*?)</textarea>", form, re.S)[1]) == "\n" + body
    assert "{{ supplement_close }}" in unescape(form)  # the placeholders are listed
    assert "Plattformens egen text." in _text(desk.get(NOTICE))

    mine = {
        "subject": "{{ municipality }} är nominerad – välkommen!",
        "body": "{% if name %}Hej {{ name }}!{% else %}Hej!{% endif %}\r\n\r\n{{ link }}\r\n",
    }
    shown = _text(desk.post(NOTICE, {**mine, "action": "preview"}))
    assert "Kiruna är nominerad – välkommen!" in shown  # the edition's first contact
    assert "Hej! [den personliga länken – skapas när meddelandet skickas]" in shown
    assert "Kontaktpersonen för Kiruna." in shown
    assert EditionMailTemplate.objects.count() == 0

    with django_capture_on_commit_callbacks(execute=True):
        tested = desk.post(NOTICE, {**mine, "action": "test"})
    assert "Ett test skickades till organisator@kvalitetsmassan.se" in _text(tested)
    assert [m.subject for m in mail.outbox] == ["[Test] Kiruna är nominerad – välkommen!"]
    assert 'value="{{ municipality }} är nominerad – välkommen!"' in unescape(
        tested.content.decode()
    )  # what was typed stays in the form

    saved = desk.post(NOTICE, {**mine, "action": "save"}, follow=True)
    assert "Sparat. Meddelanden i Sveriges DigitaliseringsKommun 2029 på svenska skickas nu" in (
        _text(saved)
    )
    own = EditionMailTemplate.objects.get()
    assert (own.message, own.language, own.body) == (
        "nominations/candidacy_notice",
        "sv",
        mine["body"].replace("\r\n", "\n"),
    )
    assert "Din text, sparad" in _text(desk.get(NOTICE))

    reset = f"{NOTICE}aterstall/"
    asked = _text(desk.post(reset))
    assert "Gå tillbaka till plattformens text?" in asked
    assert EditionMailTemplate.objects.count() == 1
    back = desk.post(reset, {"confirmed": "yes"}, follow=True)
    assert "Plattformens egen text används igen." in _text(back)
    assert EditionMailTemplate.objects.count() == 0
    assert list(
        AuditEvent.objects.filter(action__startswith="mail.")
        .order_by("id")
        .values_list("action", flat=True)
    ) == ["mail.test_sent", "mail.template_saved", "mail.template_reset"]


def test_a_refused_template_keeps_what_was_typed_and_saves_nothing(call: Call, organiser: User):
    desk = _desk(organiser)
    typed = {"subject": "Hej {{ namn }}", "body": "Hej!\n{{ link }}\n", "action": "save"}
    refused = desk.post(NOTICE, typed)
    assert refused.status_code == 400
    page = _text(refused)
    assert "Ingenting ändrades" in page
    assert "I ämnesraden: Rad 1: {{ namn }} är ingen platshållare i det här meddelandet." in page
    assert 'value="Hej {{ namn }}"' in unescape(refused.content.decode())
    assert EditionMailTemplate.objects.count() == 0
    assert not AuditEvent.objects.filter(action__startswith="mail.").exists()
    assert desk.get("/arbetsyta/e-post/2029/meddelanden/nominations.okand/sv/").status_code == 404
    assert desk.get("/arbetsyta/e-post/2029/meddelanden/jury.decided/de/").status_code == 404
    assert desk.get("/arbetsyta/e-post/2023/").status_code == 404  # an archive edition


def test_a_bulk_mailing_from_the_form_through_the_confirmation(
    call: Call, organiser: User, django_capture_on_commit_callbacks: Any
):
    desk = _desk(organiser)
    form = _text(desk.get(BULK))
    assert "Kontaktpersoner som inte har lagt till sin text (2)" in form
    assert "Finalister (1)" in form
    typed = {
        "segment": "contacts_without_text",
        "subject_sv": "Påminnelse om er text",
        "body_sv": "Hej {{ name }}!\r\n\r\nLogga in och skriv:\r\n{{ link }}\r\n",
        "subject_en": "",
        "body_en": "",
    }
    shown = desk.post(BULK, {**typed, "action": "preview"})
    page = _text(shown)
    assert "Kontaktpersoner som inte har lagt till sin text: 2 personer får meddelandet." in page
    assert "kontakt@ljusdal.se Lisa Ljung Ljusdal sv kontakt@timra.se Tor Timell Timrå sv" in page
    assert "Meddelandet som kontakt@ljusdal.se läser det" in page
    assert "Hej Lisa Ljung! Logga in och skriv: [den personliga länken" in page
    hidden = dict(re.findall(r'name="(key|expected)" value="([^"]*)"', shown.content.decode()))
    assert len(hidden["key"]) == 32 and hidden["expected"] == fingerprint(
        recipients(call.edition, "contacts_without_text")
    )

    send = {**typed, **hidden, "action": "send"}
    asked = _text(desk.post(BULK, send))
    assert "Skicka meddelandet till 2 personer?" in asked
    assert "Ja, skicka till 2 personer" in asked
    assert OutgoingMail.objects.count() == 0

    with django_capture_on_commit_callbacks(execute=True):
        done = desk.post(BULK, {**send, "confirmed": "yes"}, follow=True)
    assert "Meddelandet är på väg till 2 personer." in _text(done)
    assert "2: 0 skickade, 2 väntar, 0 gav upp" in _text(done)  # the worker takes them next
    sent = _text(desk.get(done.redirect_chain[-1][0]))
    assert "2: 2 skickade, 0 väntar, 0 gav upp" in sent
    assert "kontakt@ljusdal.se skickat" in sent
    assert sorted(m.to[0] for m in mail.outbox) == ["kontakt@ljusdal.se", "kontakt@timra.se"]
    # The same confirmation again (a second click, a reload) sends nothing more.
    again = desk.post(BULK, {**send, "confirmed": "yes"}, follow=True)
    assert "Det här utskicket skickades redan" in _text(again)
    assert len(mail.outbox) == 2 and BulkMailing.objects.count() == 1


def test_a_bulk_mailing_whose_recipients_changed_is_shown_again(call: Call, organiser: User):
    desk = _desk(organiser)
    typed = {"segment": "contacts", "subject_sv": "Hej", "body_sv": "Hej!\n", "key": new_key()}
    stale = {**typed, "expected": "0" * 16, "action": "send", "confirmed": "yes"}
    answer = desk.post(BULK, stale)
    assert answer.status_code == 409
    assert "Mottagarna har ändrats sedan du tittade." in _text(answer)
    assert "Alla kontaktpersoner: 5 personer får meddelandet." in _text(answer)
    assert OutgoingMail.objects.count() == 0
    wrong = desk.post(BULK, {**typed, "body_sv": "{% for x in y %}{% endfor %}"})
    assert wrong.status_code == 400
    assert "Svenska: I texten: Rad 1: {% for %} kan inte användas" in _text(wrong)
