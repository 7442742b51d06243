"""The organiser's reminder settings (who may, what is refused, the audit), the command the
systemd timer runs, and the mail worker sending what it queued."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.core.management import call_command

from kommunpris.audit.models import AuditEvent
from kommunpris.errors import Invalid, NotAllowed
from kommunpris.mail import worker
from kommunpris.mail.models import MailStatus, OutgoingMail
from kommunpris.reminders.models import ReminderSettings
from kommunpris.reminders.selectors import Plan, plan_of
from kommunpris.reminders.services import configure_reminders, send_due_reminders

from .conftest import at

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"


def _configure(call, actor, **values):
    return configure_reminders(
        edition=call.edition,
        actor=actor,
        **{
            "contact_days_before": 7,
            "juror_days_before": 3,
            "nominator_hours_before": 24,
            **values,
        },
    )


def test_an_edition_starts_with_the_default_reminders_on(call):
    assert plan_of(call.edition) == Plan(
        contact_days_before=7, juror_days_before=3, nominator_hours_before=24
    )


def test_the_organiser_changes_the_reminders_and_the_change_is_audited(call):
    _configure(call, call.organiser, contact_days_before=10, nominator_hours_before=None)

    plan = plan_of(call.edition)
    assert (plan.contact_days_before, plan.juror_days_before, plan.nominator_hours_before) == (
        10,
        3,
        None,
    )
    assert plan.changed_by == "organisator@kvalitetsmassan.se"
    event = AuditEvent.objects.get(action="reminders.configured")
    assert (event.actor, event.target, event.before, event.after) == (
        "organisator@kvalitetsmassan.se",
        "edition:digitaliseringskommun:2027",
        {"contact_days_before": 7, "juror_days_before": 3, "nominator_hours_before": 24},
        {"contact_days_before": 10, "juror_days_before": 3, "nominator_hours_before": None},
    )

    # The same values again change nothing and write no event.
    _configure(call, call.organiser, contact_days_before=10, nominator_hours_before=None)
    assert AuditEvent.objects.filter(action="reminders.configured").count() == 1


def test_only_an_organiser_changes_the_reminders(call):
    juror = User.objects.create_user("juror@example.se", "juror@example.se", "pw")
    with pytest.raises(NotAllowed) as refused:
        _configure(call, juror, contact_days_before=2)
    assert str(refused.value) == (
        "Bara en arrangör kan ändra påminnelserna för Sveriges DigitaliseringsKommun 2027."
    )
    assert not ReminderSettings.objects.exists()


@pytest.mark.parametrize(
    ("values", "message"),
    [
        (
            {"contact_days_before": 0},
            "Påminnelse till kommunkontakterna: ange ett antal dagar från 1 till 60, eller "
            "lämna fältet tomt för ingen påminnelse.",
        ),
        (
            {"juror_days_before": 31},
            "Påminnelse till juryn: ange ett antal dagar från 1 till 30, eller lämna fältet "
            "tomt för ingen påminnelse.",
        ),
        (
            {"nominator_hours_before": 72},
            "Påminnelse till nominerande: ange ett antal timmar (en bekräftelselänk gäller i 72 "
            "timmar) från 1 till 71, eller lämna fältet tomt för ingen påminnelse.",
        ),
    ],
)
def test_a_distance_out_of_range_is_refused_and_changes_nothing(call, values, message):
    with pytest.raises(Invalid) as refused:
        _configure(call, call.organiser, **values)
    assert str(refused.value) == message
    assert not ReminderSettings.objects.exists()
    assert not AuditEvent.objects.filter(action="reminders.configured").exists()


def test_the_command_queues_and_the_mail_worker_sends(call, settings):
    settings.KOMMUNPRIS_MAIL_DELIVERY = "worker"  # production: requests and runs only queue
    call.move_to(at(2027, 4, 1, 14, 5))
    call.nominate("2281", "anna@example.se")
    call.move_to(at(2027, 4, 3, 14, 30))
    worker.run_once()  # the confirmation e-mail
    mail.outbox.clear()

    out = io.StringIO()
    call_command("send_reminders", stdout=out)
    assert out.getvalue() == (
        "1 påminnelse köad (0 till kommunkontakter, 0 till jurymedlemmar, 1 till nominerande).\n"
    )
    queued = OutgoingMail.objects.get(template="nominations/confirmation_reminder")
    assert queued.status == MailStatus.PENDING
    assert mail.outbox == []

    assert worker.run_once().sent == 1
    queued.refresh_from_db()
    assert queued.status == MailStatus.SENT
    assert [m.to for m in mail.outbox] == [["anna@example.se"]]

    # The timer's next run finds nothing new.
    call_command("send_reminders", stdout=io.StringIO())
    assert OutgoingMail.objects.filter(template="nominations/confirmation_reminder").count() == 1


def test_a_person_cannot_run_the_reminders(call):
    with pytest.raises(NotAllowed):
        send_due_reminders(actor="organisator@kvalitetsmassan.se")


def test_the_timer_runs_the_command_every_quarter_of_an_hour():
    timer = (DEPLOY / "systemd" / "kommunpris-reminders.timer").read_text()
    assert "OnCalendar=*:0/15" in timer
    assert "Unit=kommunpris-command@send_reminders.service" in timer
    assert "send_reminders|" in (DEPLOY / "bin" / "run-command").read_text()
