"""Municipality contacts are reminded before the municipalities' last day, at controlled clock
times: from 08:00 on the day the organiser set, once, only while something is missing."""

from __future__ import annotations

from django.core import mail

from kommunpris.audit.models import AuditEvent
from kommunpris.audit.vocabulary import SYSTEM
from kommunpris.mail.models import OutgoingMail
from kommunpris.nominations.services import respond_to_candidacy, save_contribution
from kommunpris.reminders.models import Kind, Reminder
from kommunpris.reminders.services import configure_reminders, send_due_reminders

from .conftest import SUPPLEMENT_CLOSE, at


def _run(call) -> dict[str, int]:
    with call.capture(execute=True):
        return send_due_reminders(actor=SYSTEM).counts


def test_contact_is_reminded_once_from_eight_on_the_seventh_day_before(call):
    candidacy, contact = call.candidate("2281", "kontakt@sundsvall.se")
    mail.outbox.clear()

    # The default: seven days before 12 May 23:59, that is from 5 May 08:00.
    call.move_to(at(2027, 5, 5, 7, 59))
    assert _run(call)[Kind.CONTACT_SUPPLEMENT] == 0
    assert mail.outbox == []

    call.move_to(at(2027, 5, 5, 8, 0))
    assert _run(call)[Kind.CONTACT_SUPPLEMENT] == 1
    [message] = mail.outbox
    assert message.to == ["kontakt@sundsvall.se"]
    assert message.subject == (
        "Påminnelse: svara och lägg till er egen text senast 12 maj 2027 kl. 23:59 – "
        "Sveriges DigitaliseringsKommun 2027"
    )
    assert "- Sundsvall: ni har inte svarat om kommunen ställer upp som kandidat." in message.body
    assert "https://kommunpris.example.se/arbetsyta/nomineringar/kommun/logga-in/" in message.body

    # The next runs, that day and the days after, send nothing more.
    for moment in (at(2027, 5, 5, 8, 15), at(2027, 5, 9, 12, 0), at(2027, 5, 12, 23, 0)):
        call.move_to(moment)
        assert _run(call)[Kind.CONTACT_SUPPLEMENT] == 0
    assert len(mail.outbox) == 1

    reminder = Reminder.objects.get()
    assert (reminder.kind, reminder.recipient, reminder.contact, reminder.due_at) == (
        Kind.CONTACT_SUPPLEMENT,
        "kontakt@sundsvall.se",
        contact,
        SUPPLEMENT_CLOSE,
    )
    assert reminder.mail == OutgoingMail.objects.get(template="reminders/contact_supplement")
    event = AuditEvent.objects.filter(action="reminders.sent").get()
    assert (event.actor, event.target) == ("system", "edition:digitaliseringskommun:2027")
    assert event.after == {
        "kind": "contact_supplement",
        "due_at": "2027-05-12T21:59:00Z",
        "mail": reminder.mail_id,
        "to": "kontakt@sundsvall.se",
        "candidacies": [candidacy.pk],
        "municipalities": ["2281"],
    }


def test_an_accepted_candidacy_without_its_own_text_is_reminded_of_the_text(call):
    candidacy, contact = call.candidate("2281", "kontakt@sundsvall.se")
    respond_to_candidacy(actor=contact, candidacy=candidacy, accept=True)
    mail.outbox.clear()

    call.move_to(at(2027, 5, 6, 9, 0))
    _run(call)

    [message] = mail.outbox
    assert (
        "- Sundsvall: kommunen ställer upp, men dess egna svar på de tre frågorna finns inte "
        "än." in message.body
    )


def test_done_and_declined_candidacies_get_no_reminder(call):
    done, done_contact = call.candidate("2281", "kontakt@sundsvall.se")
    respond_to_candidacy(actor=done_contact, candidacy=done, accept=True)
    save_contribution(
        actor=done_contact,
        candidacy=done,
        answers={"proud": "Stolt", "effect": "Effekt", "learned": "Lärdom"},
    )
    declined, declined_contact = call.candidate("0180", "kontakt@stockholm.se")
    respond_to_candidacy(actor=declined_contact, candidacy=declined, accept=False)
    mail.outbox.clear()

    call.move_to(at(2027, 5, 6, 9, 0))
    assert _run(call)[Kind.CONTACT_SUPPLEMENT] == 0
    assert mail.outbox == []


def test_one_address_for_two_municipalities_gets_one_reminder_naming_both(call):
    call.candidate("2281", "samordnare@mittsverige.se")
    call.candidate("2262", "samordnare@mittsverige.se")
    mail.outbox.clear()

    call.move_to(at(2027, 5, 6, 9, 0))
    assert _run(call)[Kind.CONTACT_SUPPLEMENT] == 1

    [message] = mail.outbox
    assert "- Sundsvall:" in message.body
    assert "- Timrå:" in message.body


def test_no_reminder_after_the_deadline_or_when_switched_off(call):
    call.candidate("2281", "kontakt@sundsvall.se")
    mail.outbox.clear()

    call.move_to(at(2027, 5, 13, 8, 0))  # the day after the deadline
    assert _run(call)[Kind.CONTACT_SUPPLEMENT] == 0

    call.move_to(at(2027, 5, 6, 9, 0))
    configure_reminders(
        edition=call.edition,
        actor=call.organiser,
        contact_days_before=None,
        juror_days_before=3,
        nominator_hours_before=24,
    )
    assert _run(call)[Kind.CONTACT_SUPPLEMENT] == 0
    assert mail.outbox == []


def test_the_organisers_setting_moves_the_reminder_day(call):
    call.candidate("2281", "kontakt@sundsvall.se")
    configure_reminders(
        edition=call.edition,
        actor=call.organiser,
        contact_days_before=2,
        juror_days_before=3,
        nominator_hours_before=24,
    )
    mail.outbox.clear()

    call.move_to(at(2027, 5, 10, 7, 59))
    assert _run(call)[Kind.CONTACT_SUPPLEMENT] == 0
    call.move_to(at(2027, 5, 10, 8, 0))
    assert _run(call)[Kind.CONTACT_SUPPLEMENT] == 1
