"""An organiser starts an edition and opens and closes its call, from the command line and from
the desk; every guard refuses with a message and changes nothing; every change is audited."""

from __future__ import annotations

import io
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from kommunpris.audit.models import AuditEvent
from kommunpris.awards.models import Edition, Phase

STOCKHOLM = ZoneInfo("Europe/Stockholm")


def run(*args: str) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def days_ahead(days: int) -> str:
    return (timezone.localdate() + timedelta(days=days)).isoformat()


def create_2027(*extra: str) -> str:
    return run(
        "create_edition",
        "--year",
        "2027",
        "--nominations-close",
        days_ahead(60),
        "--supplement-close",
        days_ahead(75),
        "--ceremony",
        f"{days_ahead(200)}T18:00",
        *extra,
    )


def test_create_edition_command_makes_a_draft_with_swedish_times(award):
    out = run(
        "create_edition",
        "--year",
        "2027",
        "--nominations-close",
        "2027-04-29",
        "--supplement-close",
        "2027-05-12",
        "--ceremony",
        "2027-11-10T18:00",
    )
    assert "Sveriges DigitaliseringsKommun 2027 skapad (utkast)" in out
    edition = Edition.objects.get(award=award, year=2027)
    assert edition.phase == Phase.DRAFT
    assert edition.nominations_close_at == datetime(2027, 4, 29, 23, 59, 59, tzinfo=STOCKHOLM)
    assert edition.supplement_close_at == datetime(2027, 5, 12, 23, 59, 59, tzinfo=STOCKHOLM)
    assert edition.ceremony_at == datetime(2027, 11, 10, 18, 0, tzinfo=STOCKHOLM)
    assert edition.publish_at == edition.ceremony_at
    assert edition.venue == "Kvalitetsmässan"
    event = AuditEvent.objects.get(action="edition.created")
    assert (event.actor, event.target, event.before) == (
        "cli",
        "edition:digitaliseringskommun:2027",
        None,
    )
    assert event.after["phase"] == "draft"
    assert event.after["ceremony_at"] == "2027-11-10T17:00:00Z"


def test_year_off_the_cadence_needs_an_explicit_override(award):
    with pytest.raises(CommandError) as refused:
        run(
            "create_edition",
            "--year",
            "2028",
            "--nominations-close",
            "2028-04-27",
            "--supplement-close",
            "2028-05-10",
            "--ceremony",
            "2028-11-08T18:00",
        )
    assert "delas ut vartannat år från 2001; 2028 hör inte dit" in str(refused.value)
    assert "Ge --off-cadence för att göra undantaget." in str(refused.value)
    assert not Edition.objects.filter(year=2028).exists()

    run(
        "create_edition",
        "--year",
        "2028",
        "--nominations-close",
        "2028-04-27",
        "--supplement-close",
        "2028-05-10",
        "--ceremony",
        "2028-11-08T18:00",
        "--off-cadence",
    )
    assert AuditEvent.objects.get(action="edition.created").after["off_cadence"] is True


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--nominations-close", "2027-05-12", "--supplement-close", "2027-04-29"],
            "Välj en kompletteringsfrist efter nomineringsfristen",
        ),
        (
            ["--nominations-close", "2027-04-29", "--supplement-close", "2027-12-01"],
            "Välj en galadag efter fristerna",
        ),
        (
            ["--nominations-close", "29/4 2027", "--supplement-close", "2027-05-12"],
            "okänt datum. Skriv t.ex. 2027-04-29",
        ),
    ],
    ids=["supplement-before-nominations", "ceremony-before-deadlines", "unreadable-date"],
)
def test_create_edition_refuses_dates_that_make_no_sense(award, args, message):
    with pytest.raises(CommandError, match=message):
        run("create_edition", "--year", "2027", *args, "--ceremony", "2027-11-10T18:00")
    assert not Edition.objects.filter(year=2027).exists()
    assert not AuditEvent.objects.filter(action="edition.created").exists()


def test_an_edition_is_created_once(award):
    create_2027()
    with pytest.raises(CommandError, match="2027 finns redan"):
        create_2027()
    assert Edition.objects.filter(year=2027).count() == 1


def test_open_and_close_nominations_from_the_command_line(award):
    create_2027()
    assert "Nomineringen till Sveriges DigitaliseringsKommun 2027 är öppen" in run(
        "open_nominations", "--year", "2027"
    )
    with pytest.raises(CommandError, match="är redan öppen"):
        run("open_nominations", "--year", "2027")

    assert "är stängd" in run("close_nominations", "--year", "2027")
    with pytest.raises(CommandError, match="är redan stängd"):
        run("close_nominations", "--year", "2027")
    with pytest.raises(CommandError, match="har redan varit öppen och är stängd. Öppna den igen"):
        run("open_nominations", "--year", "2027")
    assert Edition.objects.get(year=2027).phase == Phase.NOMINATIONS_CLOSED

    opened, closed = (
        AuditEvent.objects.get(action="edition.nominations_opened"),
        AuditEvent.objects.get(action="edition.nominations_closed"),
    )
    assert (opened.actor, opened.before, opened.after["phase"]) == (
        "cli",
        {"phase": "draft"},
        "nominations_open",
    )
    assert (closed.before, closed.after) == (
        {"phase": "nominations_open"},
        {"phase": "nominations_closed"},
    )


def test_nominations_cannot_open_after_their_deadline(award):
    run(
        "create_edition",
        "--year",
        "2027",
        "--nominations-close",
        days_ahead(-1),
        "--supplement-close",
        days_ahead(10),
        "--ceremony",
        f"{days_ahead(200)}T18:00",
    )
    with pytest.raises(CommandError, match="har redan passerat"):
        run("open_nominations", "--year", "2027")
    assert Edition.objects.get(year=2027).phase == Phase.DRAFT
    assert not AuditEvent.objects.filter(action="edition.nominations_opened").exists()


def test_draft_cannot_be_closed_and_unknown_year_is_named(award):
    create_2027()
    with pytest.raises(CommandError, match="har inte öppnats och kan inte stängas"):
        run("close_nominations", "--year", "2027")
    with pytest.raises(CommandError, match="2029 finns inte"):
        run("open_nominations", "--year", "2029")


def test_off_cadence_edition_opens_only_with_the_override(award):
    create_2027()  # on the cadence: opens without one
    run("open_nominations", "--year", "2027")
    create_off = [
        "create_edition",
        "--year",
        "2030",
        "--nominations-close",
        days_ahead(60),
        "--supplement-close",
        days_ahead(75),
        "--ceremony",
        f"{days_ahead(200)}T18:00",
        "--off-cadence",
    ]
    run(*create_off)
    with pytest.raises(CommandError, match="2030 hör inte dit"):
        run("open_nominations", "--year", "2030")
    run("open_nominations", "--year", "2030", "--off-cadence")
    assert Edition.objects.get(year=2030).phase == Phase.NOMINATIONS_OPEN


def test_organiser_creates_opens_and_closes_an_edition_in_the_desk(award, organiser_client):
    page = organiser_client.get("/arbetsyta/nomineringar/").content.decode()
    assert "Upplagor och nomineringar" in page
    assert '<label for="id_nominations_close">Sista dag för nomineringar</label>' in page

    created = organiser_client.post(
        "/arbetsyta/nomineringar/upplagor/ny/",
        {
            "year": "2027",
            "nominations_close": days_ahead(60),
            "supplement_close": days_ahead(75),
            "ceremony": f"{days_ahead(200)}T18:00",
        },
        follow=True,
    ).content.decode()
    assert "Sveriges DigitaliseringsKommun 2027 är skapad som utkast." in created
    assert "Öppna nomineringen för 2027" in created

    opened = organiser_client.post("/arbetsyta/nomineringar/2027/oppna/", follow=True)
    assert "Nomineringen till Sveriges DigitaliseringsKommun 2027 är öppen." in (
        opened.content.decode()
    )
    again = organiser_client.post("/arbetsyta/nomineringar/2027/oppna/", follow=True)
    assert "Nomineringen till Sveriges DigitaliseringsKommun 2027 är redan öppen." in (
        again.content.decode()
    )
    asked = organiser_client.post("/arbetsyta/nomineringar/2027/stang/").content.decode()
    assert "Stänga nomineringen till Sveriges DigitaliseringsKommun 2027?" in asked
    assert "Till dess kan du öppna nomineringen igen" in asked
    assert Edition.objects.get(year=2027).phase == Phase.NOMINATIONS_OPEN
    organiser_client.post("/arbetsyta/nomineringar/2027/stang/", {"confirmed": "yes"})
    assert Edition.objects.get(year=2027).phase == Phase.NOMINATIONS_CLOSED
    reopened = organiser_client.post("/arbetsyta/nomineringar/2027/oppna-igen/", follow=True)
    assert "Nomineringen till Sveriges DigitaliseringsKommun 2027 är öppen igen till" in (
        reopened.content.decode()
    )
    assert Edition.objects.get(year=2027).phase == Phase.NOMINATIONS_OPEN
    actors = set(
        AuditEvent.objects.filter(
            action__startswith="edition.", target__endswith=":2027"
        ).values_list("actor", flat=True)
    )
    assert actors == {"organiser@example.se"}


def test_desk_form_refuses_an_off_cadence_year_without_the_box(award, organiser_client):
    refused = organiser_client.post(
        "/arbetsyta/nomineringar/upplagor/ny/",
        {
            "year": "2028",
            "nominations_close": days_ahead(60),
            "supplement_close": days_ahead(75),
            "ceremony": f"{days_ahead(200)}T18:00",
        },
    )
    assert refused.status_code == 400
    assert "2028 hör inte dit" in refused.content.decode()
    assert not Edition.objects.filter(year=2028).exists()


def test_phase_changes_are_for_organisers_only(award, client, django_user_model):
    create_2027()
    assert client.post("/arbetsyta/nomineringar/2027/oppna/")["Location"].startswith("/logga-in/")
    someone = django_user_model.objects.create_user("someone@example.se", password="x")
    client.force_login(someone)
    refused = client.post("/arbetsyta/nomineringar/2027/oppna/")
    assert refused.status_code == 403
    assert Edition.objects.get(year=2027).phase == Phase.DRAFT
