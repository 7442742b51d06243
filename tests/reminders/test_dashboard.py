"""The organiser's dashboard of an edition through HTTP: the timeline with its dates, who has not
done what is due, counts at each stage, mail and reminders, the reminder settings; who may see
it; and how many queries it reads whatever the size of the field."""

from __future__ import annotations

import re
from html import unescape

from django.contrib.auth.models import User
from django.core import mail
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from kommunpris.audit.vocabulary import SYSTEM
from kommunpris.awards.services import create_edition
from kommunpris.mail.services import queue_mail
from kommunpris.nominations.services import respond_to_candidacy
from kommunpris.reminders.services import send_due_reminders

from .conftest import at, signed_in

URL = "/arbetsyta/oversikt/2027/"


def text(response) -> str:
    body = response.content.decode()
    body = re.sub(r"<(script|style)\b.*?</\1>", " ", body, flags=re.S)
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", body)).split())


def field_value(response, name: str) -> str | None:
    tag = re.search(rf'<input[^>]*name="{name}"[^>]*>', response.content.decode())
    assert tag is not None, name
    value = re.search(r'value="([^"]*)"', tag.group(0))
    return value.group(1) if value else None


def test_the_dashboard_shows_the_timeline_who_is_behind_counts_and_reminders(call):
    call.candidate("2281", "kontakt@sundsvall.se")
    timra, timra_contact = call.candidate("2262", "kontakt@timra.se")
    respond_to_candidacy(actor=timra_contact, candidacy=timra, accept=True)
    call.move_to(at(2027, 4, 28, 12, 0))
    call.nominate("0180", "someone@example.se")  # unconfirmed, its link works three days
    call.move_to(at(2027, 4, 30, 13, 0))
    with call.capture(execute=True):
        send_due_reminders(actor=SYSTEM)  # the nominator, a day before the link expires
    call.move_to(at(2027, 5, 6, 9, 0))
    with call.capture(execute=True):
        send_due_reminders(actor=SYSTEM)
        # A message of another edition: in the whole outbox, not in this edition's mail.
        later = create_edition(
            award=call.edition.award,
            year=2029,
            nominations_close_at=at(2029, 4, 30, 23, 59),
            supplement_close_at=at(2029, 5, 15, 23, 59),
            ceremony_at=at(2029, 11, 14, 18, 0),
            actor=call.organiser,
        )
        queue_mail(
            to="someone@example.se",
            template="jury/decided",
            context={"edition_title": later.title, "publish_at": at(2029, 11, 14, 18, 0)},
            edition=later,
        )

    page = signed_in(call.organiser).get(URL)

    assert page.status_code == 200
    shown = text(page)
    # The timeline, in order, with what has passed and what comes next.
    assert (
        "29 april 2027, 23:59 Passerat: Sista dag att nominera "
        "5 maj 2027, 08:00 Passerat: Påminnelse till kommunkontakterna 7 dagar före deras sista "
        "dag, till dem som inte har svarat eller lagt till sin egen text. "
        "12 maj 2027, 23:59 Nästa Sista dag för kommunernas egna svar och dokument "
        "10 november 2027, 18:00 Galan Kvalitetsmässan"
    ) in shown
    # Who has not done what is due, and when they were reminded.
    assert (
        "2 kontakter har inte gjort det som ska göras Kommun Kontaktperson Saknas Påmind "
        "Sundsvall kontakt@sundsvall.se har inte svarat 6 maj 2027, 09:00 "
        "Timrå kontakt@timra.se har tackat ja, egen text saknas 6 maj 2027, 09:00"
    ) in shown
    # Counts at each stage.
    assert "Bekräftade nomineringar 2" in shown
    assert "Nomineringar som väntar på bekräftelse 1" in shown
    assert "Kandidaturer 2" in shown
    assert "– inte svarat 1" in shown
    # Mail and reminders.
    assert (
        "Kommunkontakter, före sista dagen 2 0 0 Jurymedlemmar, före omgångens sista dag 0 0 0 "
        "Nominerande, innan länken slutar gälla 1 0 0"
    ) in shown
    assert "30 april 2027, 13:00 den som nominerade Stockholm bekräftelselänken" in shown
    assert "Påminnelser som skickats" in shown
    assert (
        "All e-post för Sveriges DigitaliseringsKommun 2027, påminnelser och utskick medräknade: "
        "8 skickade, 0 väntar (0 av dem har misslyckats och försöks igen), 0 kunde inte skickas. "
        "All e-post som plattformen har skickat eller har kvar (alla upplagor): 9 skickade,"
    ) in shown
    # The settings, and the calendar anyone may subscribe to.
    assert field_value(page, "contact_days_before") == "7"
    assert "http://testserver/vinnare/2027/kalender.ics" in shown


def test_only_organisers_see_the_dashboard(call):
    assert Client().get(URL).status_code == 302
    juror = User.objects.create_user("juror@example.se", "juror@example.se", "pw")
    assert signed_in(juror).get(URL).status_code == 403
    assert signed_in(call.organiser).get("/arbetsyta/oversikt/2031/").status_code == 404


def test_the_organiser_saves_the_reminder_settings(call):
    client = signed_in(call.organiser)
    saved = client.post(
        URL + "paminnelser/",
        {"contact_days_before": "10", "juror_days_before": "", "nominator_hours_before": "12"},
        follow=True,
    )
    assert saved.redirect_chain == [(URL + "#reminders", 302)]
    shown = text(saved)
    assert "Påminnelserna för Sveriges DigitaliseringsKommun 2027 är sparade." in shown
    assert field_value(saved, "contact_days_before") == "10"
    assert field_value(saved, "juror_days_before") is None  # off
    assert field_value(saved, "nominator_hours_before") == "12"
    assert "Senast ändrade" in shown


def test_a_setting_out_of_range_is_shown_as_an_error_and_changes_nothing(call):
    client = signed_in(call.organiser)
    refused = client.post(
        URL + "paminnelser/",
        {"contact_days_before": "7", "juror_days_before": "3", "nominator_hours_before": "80"},
    )
    assert refused.status_code == 400
    assert (
        "Påminnelse till nominerande: ange ett antal timmar (en bekräftelselänk gäller i 72 "
        "timmar) från 1 till 71, eller lämna fältet tomt för ingen påminnelse."
    ) in text(refused)
    assert "Det här är standardvärdena; ingen har ändrat dem." in text(refused)


def _queries(call) -> list[dict[str, str]]:
    client = signed_in(call.organiser)
    client.get(URL)  # the session, warmed
    with CaptureQueriesContext(connection) as queries:
        assert client.get(URL).status_code == 200
    return queries.captured_queries


def test_the_dashboard_reads_a_fixed_number_of_queries_whatever_the_field(call):
    call.candidate("2281", "kontakt@sundsvall.se")
    call.move_to(at(2027, 5, 6, 9, 0))
    small = _queries(call)

    call.move_to(at(2027, 3, 2, 9, 0))
    for code in ("2262", "0180", "1480", "1280"):
        call.candidate(code, f"kontakt-{code}@example.se")
    call.move_to(at(2027, 5, 6, 9, 0))
    with call.capture(execute=True):
        send_due_reminders(actor=SYSTEM)
    mail.outbox.clear()
    large = _queries(call)

    assert len(large) == len(small), [q["sql"] for q in large]


def test_with_nothing_waiting_the_nominators_part_says_so_in_a_sentence(call):
    shown = text(signed_in(call.organiser).get(URL))
    assert (
        "Nominerande Ingen nominering väntar på att den som nominerade ska bekräfta den." in shown
    )
    assert "0 nomineringar" not in shown
