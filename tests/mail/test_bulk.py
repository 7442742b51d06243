"""Bulk mail to a segment of an edition's people: who is in each segment, one copy per person with
their own values, links that let a contact in made for each and built only at sending, the mail
worker sending every copy, one audit event per mailing, and refusals that send nothing."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.test import Client
from django.utils import timezone

from kommunpris.audit.models import AuditEvent
from kommunpris.audit.vocabulary import CLI
from kommunpris.jury import services as jury
from kommunpris.jury.models import Membership
from kommunpris.mail.bulk import (
    BulkText,
    fingerprint,
    mailings,
    new_key,
    preview_bulk,
    recipients,
    send_bulk,
)
from kommunpris.mail.models import BulkMailing, MailStatus, OutgoingMail
from kommunpris.mail.templates_service import MailConflict, MailNotAllowed, MailTemplateInvalid
from kommunpris.nominations import services as nominations
from kommunpris.nominations.models import ContactLink

from .conftest import Call, Scoring

TEXT = BulkText(
    subject_sv="Påminnelse: {{ edition_title }}",
    body_sv=(
        "{% if name %}Hej {{ name }}!{% else %}Hej!{% endif %}\n\n"
        "Sista dag för egen text från {{ municipality }}: {{ supplement_close }}.\n\n"
        "Logga in här:\n{{ link }}\n"
    ),
)


def _emails(call_or_scoring: Any, segment: str) -> list[str]:
    return [r.email for r in recipients(call_or_scoring.edition, segment)]


def test_each_segment_holds_the_people_it_names(call: Call, scoring: Scoring):
    assert _emails(call, "contacts") == [
        "kontakt@kiruna.se",
        "kontakt@ljusdal.se",
        "kontakt@sundsvall.se",
        "kontakt@timra.se",
        "kontakt@umea.se",
    ]
    assert _emails(call, "contacts_not_accepted") == ["kontakt@ljusdal.se"]
    assert _emails(call, "contacts_without_text") == ["kontakt@ljusdal.se", "kontakt@timra.se"]
    assert _emails(call, "nominees") == ["kontakt@sundsvall.se", "kontakt@timra.se"]
    assert _emails(call, "finalists") == ["kontakt@sundsvall.se"]
    assert _emails(call, "jurors_unsubmitted") == []
    assert _emails(scoring, "jurors_unsubmitted") == ["bo@example.se", "ordforande@example.se"]
    bo = recipients(scoring.edition, "jurors_unsubmitted")[0]
    assert (bo.about, bo.context["remaining"], bo.context["round"]) == (
        "1 av 2 bedömningar kvar att lämna in",
        1,
        "omgången för alla kandidaturer",
    )
    assert _emails(scoring, "jury") == [
        "ordforande@example.se",
        "anna@example.se",
        "bo@example.se",
    ]
    assert _emails(scoring, "contacts") == []


def test_the_preview_shows_every_recipient_and_the_first_ones_message(call: Call):
    shown = preview_bulk(edition=call.edition, segment="contacts_without_text", text=TEXT)
    assert [r.email for r in shown.recipients] == ["kontakt@ljusdal.se", "kontakt@timra.se"]
    assert shown.first is not None
    assert shown.first.subject == "Påminnelse: Sveriges DigitaliseringsKommun 2029"
    assert shown.first.text.startswith("Hej Lisa Ljung!\n\nSista dag för egen text från Ljusdal: ")
    assert "[den personliga länken – skapas när meddelandet skickas]" in shown.first.text
    assert shown.languages == {"sv": 2}
    assert ContactLink.objects.count() == 0  # a preview makes no link


def test_a_bulk_mailing_writes_each_persons_copy_and_the_worker_sends_it(
    call: Call, organiser: User, django_capture_on_commit_callbacks: Any
):
    people = recipients(call.edition, "contacts_without_text")
    with django_capture_on_commit_callbacks(execute=True):
        mailing = send_bulk(
            edition=call.edition,
            segment="contacts_without_text",
            text=TEXT,
            expected=fingerprint(people),
            key=new_key(),
            actor=organiser,
        )
    copies = list(OutgoingMail.objects.filter(mailing=mailing).order_by("to"))
    assert [(m.to, m.status, m.template) for m in copies] == [
        ("kontakt@ljusdal.se", MailStatus.SENT, "nominations/bulk/contacts_without_text"),
        ("kontakt@timra.se", MailStatus.SENT, "nominations/bulk/contacts_without_text"),
    ]
    sent = {m.to[0]: m for m in mail.outbox}
    assert set(sent) == {"kontakt@ljusdal.se", "kontakt@timra.se"}
    timra = sent["kontakt@timra.se"]
    assert timra.subject == "Påminnelse: Sveriges DigitaliseringsKommun 2029"
    assert timra.body.startswith("Hej Tor Timell!\n\nSista dag för egen text från Timrå: ")
    # Each contact's own sign-in link: built at sending, never kept, and it lets them in.
    door = re.search(r"https?://\S+/arbetsyta/nomineringar/kommun/lank/(\S+)/", timra.body)
    assert door is not None
    assert door[1] not in copies[1].body_text and "[[link-" in copies[1].body_text
    assert ContactLink.objects.count() == 2
    page = Client().get(urlsplit(door[0]).path, follow=True)
    assert "Timrå" in page.content.decode()
    assert 'href="' + door[0] + '"' in timra.alternatives[0][0]
    # One mailing, audited with every recipient.
    assert (mailing.recipient_count, mailing.sent_by, mailing.segment) == (
        2,
        "organisator@kvalitetsmassan.se",
        "contacts_without_text",
    )
    event = AuditEvent.objects.filter(action="mail.bulk_sent").get()
    assert event.actor == "organisator@kvalitetsmassan.se"
    assert event.target == "edition:digitaliseringskommun:2029"
    assert event.after == {
        "mailing": mailing.pk,
        "segment": "contacts_without_text",
        "subject": "Påminnelse: {{ edition_title }}",
        "recipients": ["kontakt@ljusdal.se", "kontakt@timra.se"],
    }
    listed = mailings(call.edition).get()
    assert (listed.sent, listed.waiting, listed.given_up) == (2, 0, 0)


def test_jurors_get_their_own_count_and_no_link_is_made_when_the_text_has_none(
    scoring: Scoring, organiser: User, django_capture_on_commit_callbacks: Any
):
    text = BulkText(
        subject_sv="{{ remaining }} kvar",
        body_sv=(
            "Hej{% if name %} {{ name }}{% endif %}, du har {{ remaining }} kvar i {{ round }}: "
            "{{ link }}\n"
        ),
    )
    people = recipients(scoring.edition, "jurors_unsubmitted")
    with django_capture_on_commit_callbacks(execute=True):
        send_bulk(
            edition=scoring.edition,
            segment="jurors_unsubmitted",
            text=text,
            expected=fingerprint(people),
            key=new_key(),
            actor=organiser,
        )
    bodies = {m.to[0]: (m.subject, m.body) for m in mail.outbox}
    assert bodies["bo@example.se"] == (
        "1 kvar",
        "Hej, du har 1 kvar i omgången för alla kandidaturer: "
        "http://127.0.0.1:8000/arbetsyta/jury/2031/omgang/kandidatur/\n",
    )
    assert bodies["ordforande@example.se"][0] == "2 kvar"


def test_english_readers_get_the_english_text_and_everyone_else_the_swedish(
    call: Call, organiser: User
):
    text = BulkText(
        subject_sv="Hej", body_sv="Hej {{ name }}\n", subject_en="Hello", body_en="Hi\n"
    )
    shown = preview_bulk(edition=call.edition, segment="finalists", text=text)
    assert shown.first is not None and shown.first.subject == "Hej"  # contacts read Swedish
    bad = BulkText(subject_sv="Hej", body_sv="Hej\n", subject_en="Hello", body_en="{{ vem }}")
    with pytest.raises(MailTemplateInvalid, match="Engelska: I texten: Rad 1: {{ vem }}"):
        preview_bulk(edition=call.edition, segment="finalists", text=bad)


def test_refusals_send_nothing(
    call: Call, organiser: User, django_capture_on_commit_callbacks: Any
):
    people = recipients(call.edition, "contacts")
    events = AuditEvent.objects.count()

    def attempt(**changes: Any) -> str:
        arguments = {
            "edition": call.edition,
            "segment": "contacts",
            "text": TEXT,
            "expected": fingerprint(people),
            "key": new_key(),
            "actor": organiser,
            **changes,
        }
        with (
            django_capture_on_commit_callbacks(execute=True),
            pytest.raises((MailConflict, MailTemplateInvalid, MailNotAllowed)) as refused,
        ):
            send_bulk(**arguments)
        return str(refused.value)

    assert attempt(expected="0" * 16) == (
        "Mottagarna har ändrats sedan du tittade: ”Alla kontaktpersoner” är nu 5 personer. "
        "Titta på listan igen innan du skickar."
    )
    assert "Rad 1: {{ vem }}" in attempt(text=BulkText(subject_sv="Hej", body_sv="{{ vem }}"))
    nobody = attempt(
        segment="jurors_unsubmitted",
        expected=fingerprint([]),
        text=BulkText(subject_sv="Hej", body_sv="Hej\n"),
    )
    assert nobody.startswith("”Ledamöter med bedömningar som inte är inlämnade” har ingen i")
    juror = User.objects.create_user(username="j@example.se", email="j@example.se")
    assert attempt(actor=juror) == "Bara en arrangör kan skriva plattformens e-post."
    assert mail.outbox == []
    assert OutgoingMail.objects.count() == 0
    assert BulkMailing.objects.count() == 0
    assert ContactLink.objects.count() == 0
    assert AuditEvent.objects.count() == events


def test_the_same_confirmation_twice_sends_once(
    call: Call, organiser: User, django_capture_on_commit_callbacks: Any
):
    people = recipients(call.edition, "finalists")
    key = new_key()
    arguments = {
        "edition": call.edition,
        "segment": "finalists",
        "text": TEXT,
        "expected": fingerprint(people),
        "key": key,
        "actor": organiser,
    }
    with django_capture_on_commit_callbacks(execute=True):
        send_bulk(**arguments)
    with pytest.raises(MailConflict, match="Det här utskicket skickades redan"):
        send_bulk(**arguments)
    assert len(mail.outbox) == 1
    assert BulkMailing.objects.count() == 1


def test_copies_to_contacts_go_with_the_calls_mail_and_the_mailing_stays(
    call: Call, scoring: Scoring, organiser: User, django_capture_on_commit_callbacks: Any
):
    for edition, segment in ((call.edition, "finalists"), (scoring.edition, "jurors_unsubmitted")):
        with django_capture_on_commit_callbacks(execute=True):
            send_bulk(
                edition=edition,
                segment=segment,
                text=BulkText(subject_sv="Hej", body_sv="Hej {{ name }}!\n"),
                expected=fingerprint(recipients(edition, segment)),
                key=new_key(),
                actor=organiser,
            )
    month = timezone.now() + timedelta(days=31)
    purged = nominations.purge_personal_data(actor=CLI, now=month)
    assert purged.mails_deleted >= 1
    copies = OutgoingMail.objects.filter(mailing__isnull=False)
    assert sorted(copies.values_list("template", flat=True)) == [
        "jury/bulk/jurors_unsubmitted",
        "jury/bulk/jurors_unsubmitted",
    ]
    assert sorted(mailings(call.edition).values_list("recipient_count", "sent")) == [(1, 0)]


def test_a_juror_who_reads_english_gets_the_english_text(
    scoring: Scoring, organiser: User, django_capture_on_commit_callbacks: Any
):
    seat = Membership.objects.get(edition=scoring.edition, user=scoring.bo)
    jury.set_member_language(seat=seat, language="en", actor=scoring.bo)
    text = BulkText(
        subject_sv="{{ remaining }} kvar",
        body_sv="Hej! Du har {{ remaining }} kvar i {{ round }}.\n",
        subject_en="{{ remaining }} left",
        body_en="Hello! You have {{ remaining }} left in {{ round }}.\n",
    )
    shown = preview_bulk(edition=scoring.edition, segment="jurors_unsubmitted", text=text)
    assert shown.languages == {"en": 1, "sv": 1}
    with django_capture_on_commit_callbacks(execute=True):
        send_bulk(
            edition=scoring.edition,
            segment="jurors_unsubmitted",
            text=text,
            expected=shown.fingerprint,
            key=new_key(),
            actor=organiser,
        )
    bodies = {m.to[0]: (m.subject, m.body) for m in mail.outbox}
    assert bodies["bo@example.se"] == (
        "1 left",
        "Hello! You have 1 left in the round for all candidacies.\n",
    )
    assert bodies["ordforande@example.se"] == (
        "2 kvar",
        "Hej! Du har 2 kvar i omgången för alla kandidaturer.\n",
    )
