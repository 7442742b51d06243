"""The organiser's own texts of the three reminders: the reminder run writes each with the text
of its edition, in the recipient's language, every placeholder given its value."""

from __future__ import annotations

import time_machine
from django.core import mail

from kommunpris.audit.vocabulary import SYSTEM
from kommunpris.jury import services
from kommunpris.jury.models import Membership
from kommunpris.mail.models import OutgoingMail
from kommunpris.mail.organiser_templates import default_subject_and_body
from kommunpris.mail.templates_service import preview, save_template
from kommunpris.nominations.models import Stage
from kommunpris.reminders.models import Kind
from kommunpris.reminders.services import send_due_reminders, set_round_deadline
from tests.mail.own_text import every_placeholder, own_values

from .conftest import at


def _own_text(edition, key: str, organiser) -> None:
    subject, body = every_placeholder(key)
    save_template(
        edition=edition, key=key, language="sv", subject=subject, body=body, actor=organiser
    )


def _run(capture) -> dict[str, int]:
    with capture(execute=True):
        return send_due_reminders(actor=SYSTEM).counts


def test_the_contacts_reminder_is_the_editions_own_text(call):
    call.candidate("2281", "kontakt@sundsvall.se")
    # The preview shows the edition's contact as things stand, before the reminder is due.
    subject, body = default_subject_and_body("reminders/contact_supplement", language="sv")
    shown = preview(
        edition=call.edition,
        key="reminders/contact_supplement",
        language="sv",
        subject=subject,
        body=body,
    )
    assert shown.about == "Kontaktpersonen för Sundsvall, så som det ser ut nu."
    assert (
        "12 maj 2027 kl. 23:59 (svensk tid). Det här saknas fortfarande:\n\n- Sundsvall: ni "
        in (shown.text)
    )
    _own_text(call.edition, "reminders/contact_supplement", call.organiser)
    call.move_to(at(2027, 5, 5, 8, 0))
    assert _run(call.capture)[Kind.CONTACT_SUPPLEMENT] == 1
    stored = OutgoingMail.objects.get(template="reminders/contact_supplement")
    assert (stored.to, stored.edition) == ("kontakt@sundsvall.se", call.edition)
    assert own_values(stored) == {
        "edition_title": "Sveriges DigitaliseringsKommun 2027",
        "deadline": "12 maj 2027 kl. 23:59",
        "missing": "- Sundsvall: ni har inte svarat om kommunen ställer upp som kandidat.",
        "sign_in_link": "https://kommunpris.example.se/arbetsyta/nomineringar/kommun/logga-in/",
    }
    assert mail.outbox[-1].subject == (
        "EGEN reminders/contact_supplement Sveriges DigitaliseringsKommun 2027"
    )


def test_the_reminder_to_confirm_is_the_editions_own_text(call):
    _own_text(call.edition, "nominations/confirmation_reminder", call.organiser)
    call.move_to(at(2027, 4, 1, 14, 5))
    call.nominate("2281", "anna@example.se")
    call.nominate("2262", "anna@example.se")
    call.move_to(at(2027, 4, 3, 14, 5))
    assert _run(call.capture)[Kind.NOMINATOR_CONFIRMATION] == 1
    stored = OutgoingMail.objects.get(template="nominations/confirmation_reminder")
    assert (stored.to, stored.edition) == ("anna@example.se", call.edition)
    assert own_values(stored) == {
        "edition_title": "Sveriges DigitaliseringsKommun 2027",
        "deadline": "4 april 2027 kl. 14:05",
        "nominations": (
            "- Sundsvall, skickad 1 april 2027 kl. 14:05: bekräftelselänken gäller till "
            "4 april 2027 kl. 14:05 (svensk tid).\n"
            "- Timrå, skickad 1 april 2027 kl. 14:05: bekräftelselänken gäller till "
            "4 april 2027 kl. 14:05 (svensk tid)."
        ),
        "form_link": "https://kommunpris.example.se/nominera/",
        "privacy_link": "https://kommunpris.example.se/nominera/personuppgifter/",
    }


def test_the_jurors_reminder_is_the_editions_own_text_in_their_language(
    jury, django_capture_on_commit_callbacks, settings
):
    """Bo reads English and the edition has no English text: he gets the platform's own."""
    settings.KOMMUNPRIS_SITE_URL = "https://kommunpris.example.se"
    Membership.objects.filter(edition=jury.edition, user=jury.bo).update(language="en")
    _own_text(jury.edition, "reminders/juror_round", jury.organiser)
    with time_machine.travel(at(2029, 9, 1, 10, 0), tick=False) as clock:
        jury.edition.ceremony_at = at(2029, 11, 14, 18, 0)
        jury.edition.save(update_fields=["ceremony_at"])
        services.seed_default_rubric(edition=jury.edition, actor=jury.organiser)
        services.open_round(edition=jury.edition, stage=Stage.CANDIDACY, actor=jury.chair)
        set_round_deadline(
            edition=jury.edition,
            stage=Stage.CANDIDACY,
            closes_at=at(2029, 9, 20, 17, 0),
            actor=jury.chair,
        )
        clock.move_to(at(2029, 9, 17, 8, 0), tick=False)
        assert _run(django_capture_on_commit_callbacks)[Kind.JUROR_ROUND] == 4
    sent = {m.to: m for m in OutgoingMail.objects.filter(template="reminders/juror_round")}
    assert {m.edition for m in sent.values()} == {jury.edition}
    assert own_values(sent[jury.anna.email]) == {
        "edition_title": "Sveriges DigitaliseringsKommun 2029",
        "deadline": "20 september 2029 kl. 17:00",
        "round": "omgången för alla kandidaturer",
        "remaining": "5",
        "eligible": "5",
        "link": "https://kommunpris.example.se/arbetsyta/jury/2029/omgang/kandidatur/",
    }
    bo = sent[jury.bo.email]
    assert (bo.language, bo.subject) == (
        "en",
        "Reminder: the round for all candidacies closes 20 September 2029, 17:00 – "
        "Sveriges DigitaliseringsKommun 2029",
    )
    assert "You have 4 score sheets left to submit, of 4." in bo.body_text
