"""Nominators whose confirmation link is about to stop working are reminded once per address and
edition, without any link and without their address being kept by the reminder; the message is
part of what the personal-data rules cover."""

from __future__ import annotations

from datetime import timedelta

from django.core import mail

from kommunpris.audit.models import AuditEvent
from kommunpris.audit.vocabulary import SYSTEM
from kommunpris.mail.models import OutgoingMail
from kommunpris.nominations.models import NOMINATOR_MAIL_TEMPLATES, Nomination
from kommunpris.nominations.services import purge_personal_data
from kommunpris.reminders.models import Kind, Reminder
from kommunpris.reminders.selectors import recipient_key
from kommunpris.reminders.services import configure_reminders, send_due_reminders

from .conftest import at


def _run(call) -> int:
    with call.capture(execute=True):
        return send_due_reminders(actor=SYSTEM).counts[Kind.NOMINATOR_CONFIRMATION]


def test_an_unconfirmed_nomination_is_reminded_a_day_before_its_link_stops_working(call):
    call.move_to(at(2027, 4, 1, 14, 5))
    nomination = call.nominate("2281", "Anna@Example.se")
    mail.outbox.clear()

    # The link works 72 hours, until 4 April 14:05; the reminder comes 24 hours before.
    call.move_to(at(2027, 4, 3, 14, 4))
    assert _run(call) == 0
    call.move_to(at(2027, 4, 3, 14, 5))
    assert _run(call) == 1
    call.move_to(at(2027, 4, 4, 9, 0))
    assert _run(call) == 0

    [message] = mail.outbox
    assert message.to == ["anna@example.se"]
    assert message.subject == (
        "Din nominering är inte bekräftad än – Sveriges DigitaliseringsKommun 2027"
    )
    assert (
        "- Sundsvall, skickad 1 april 2027 kl. 14:05: bekräftelselänken gäller till "
        "4 april 2027 kl. 14:05 (svensk tid)." in message.body
    )
    assert "https://kommunpris.example.se/nominera/\n" in message.body + "\n"
    assert "/nominera/bekrafta/" not in message.body  # no link that lets anyone in

    reminder = Reminder.objects.get()
    assert (reminder.recipient, reminder.recipient_key, reminder.nomination) == (
        "",
        recipient_key("anna@example.se"),
        nomination,
    )
    event = AuditEvent.objects.get(action="reminders.sent")
    assert event.target == f"nomination:{nomination.pk}"
    assert "anna@example.se" not in str(event.after).lower()
    assert event.after["nominations"] == [nomination.pk]


def test_a_confirmed_nomination_gets_no_reminder(call):
    call.move_to(at(2027, 4, 1, 14, 5))
    call.nominate("2281", "anna@example.se")
    call.confirm_latest()
    mail.outbox.clear()

    call.move_to(at(2027, 4, 3, 15, 0))
    assert _run(call) == 0
    assert mail.outbox == []


def test_one_address_gets_one_reminder_per_edition_however_many_it_sent(call):
    call.move_to(at(2027, 4, 1, 14, 0))
    call.nominate("2281", "anna@example.se")
    call.nominate("2262", "anna@example.se")
    call.move_to(at(2027, 4, 2, 10, 0))
    call.nominate("0180", "anna@example.se")
    mail.outbox.clear()

    call.move_to(at(2027, 4, 3, 14, 0))
    assert _run(call) == 1
    [message] = mail.outbox
    assert "- Sundsvall," in message.body
    assert "- Timrå," in message.body
    assert "Stockholm" not in message.body  # its link works two more days

    call.move_to(at(2027, 4, 4, 10, 0))  # Stockholm's link now expires within a day
    assert _run(call) == 0
    assert len(mail.outbox) == 1


def test_a_newer_text_moves_the_reminder_to_its_own_link(call):
    call.move_to(at(2027, 4, 1, 9, 0))
    call.nominate("2281", "anna@example.se")
    call.move_to(at(2027, 4, 3, 8, 0))
    call.nominate("2281", "anna@example.se")  # a newer text, with a link of its own
    mail.outbox.clear()

    call.move_to(at(2027, 4, 3, 10, 0))  # the first link expires within a day, the newer not
    assert _run(call) == 0
    call.move_to(at(2027, 4, 5, 8, 0))
    assert _run(call) == 1
    assert "bekräftelselänken gäller till 6 april 2027 kl. 08:00" in mail.outbox[0].body


def test_no_reminder_when_switched_off_or_once_the_jury_has_started(call):
    call.move_to(at(2027, 4, 1, 14, 0))
    call.nominate("2281", "anna@example.se")
    configure_reminders(
        edition=call.edition,
        actor=call.organiser,
        contact_days_before=7,
        juror_days_before=3,
        nominator_hours_before=None,
    )
    call.move_to(at(2027, 4, 3, 15, 0))
    assert _run(call) == 0


def test_the_reminder_is_personal_data_the_mail_log_keeps_thirty_days(call):
    # A nominator's erasure deletes the messages of these templates sent to the address.
    assert "nominations/confirmation_reminder" in NOMINATOR_MAIL_TEMPLATES
    call.move_to(at(2027, 4, 1, 14, 5))
    call.nominate("2281", "anna@example.se")
    call.move_to(at(2027, 4, 3, 15, 0))
    _run(call)
    assert OutgoingMail.objects.filter(template="nominations/confirmation_reminder").count() == 1

    # Thirty days after the reminder, the unconfirmed nomination and the mail of the call are
    # gone, and the reminder's record with its nomination.
    call.move_to(at(2027, 4, 3, 15, 0) + timedelta(days=30, minutes=1))
    purge_personal_data(actor=SYSTEM)
    assert not Nomination.objects.exists()
    assert not OutgoingMail.objects.filter(template__startswith="nominations/").exists()
    assert not Reminder.objects.exists()
