"""An organiser changes an edition's dates and venue in the desk until its phase forbids it,
closes the call only after a page that says what happens, and opens it again before its
published deadline; every change is one audited service call, and every refusal says why in
Swedish and changes nothing."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from kommunpris.accounts.testing import organiser_account
from kommunpris.audit.models import AuditEvent
from kommunpris.awards.models import Edition, Phase
from kommunpris.awards.services import (
    EditionError,
    change_edition,
    close_nominations,
    reopen_nominations,
)

STOCKHOLM = ZoneInfo("Europe/Stockholm")
DESK = "/arbetsyta/nomineringar/"


def form_of(edition: Edition, **changes: str) -> dict[str, str]:
    local = timezone.localtime
    return {
        "nominations_close": local(edition.nominations_close_at).strftime("%Y-%m-%d"),
        "nominations_close_time": local(edition.nominations_close_at).strftime("%H:%M"),
        "supplement_close": local(edition.supplement_close_at).strftime("%Y-%m-%d"),
        "supplement_close_time": local(edition.supplement_close_at).strftime("%H:%M"),
        "ceremony": local(edition.ceremony_at).strftime("%Y-%m-%dT%H:%M"),
        "venue": edition.venue,
        **changes,
    }


def events(action: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action).order_by("id"))


def test_change_records_only_what_changed_and_the_publication_follows_the_gala(edition):
    gala = datetime(2027, 11, 12, 18, 0, tzinfo=STOCKHOLM)
    change_edition(
        edition=edition,
        ceremony_at=gala,
        venue="  Stockholmsmässan ",
        actor=organiser_account("anna@x.se"),
    )
    edition.refresh_from_db()
    assert (edition.ceremony_at, edition.publish_at, edition.venue) == (
        gala,
        gala,
        "Stockholmsmässan",
    )
    [event] = events("edition.changed")
    assert (event.actor, event.target) == ("anna@x.se", "edition:digitaliseringskommun:2027")
    assert event.before.keys() == event.after.keys() == {"ceremony_at", "publish_at", "venue"}
    assert event.after == {
        "ceremony_at": "2027-11-12T17:00:00Z",
        "publish_at": "2027-11-12T17:00:00Z",
        "venue": "Stockholmsmässan",
    }
    # The same values again change nothing and record nothing.
    change_edition(
        edition=edition,
        ceremony_at=gala,
        venue="Stockholmsmässan",
        actor=organiser_account("anna@x.se"),
    )
    assert len(events("edition.changed")) == 1


def test_deadlines_are_fixed_once_the_jury_works_but_the_gala_may_still_move(edition):
    Edition.objects.filter(pk=edition.pk).update(phase=Phase.JURY_REVIEW)
    edition.refresh_from_db()
    later = edition.nominations_close_at + timedelta(days=3)
    with pytest.raises(EditionError) as refused:
        change_edition(
            edition=edition, nominations_close_at=later, actor=organiser_account("anna@x.se")
        )
    assert str(refused.value) == (
        "Juryns arbete med Sveriges DigitaliseringsKommun 2027 har börjat; fristerna för "
        "nomineringar och kommunernas komplettering kan inte längre ändras."
    )
    assert events("edition.changed") == []
    change_edition(edition=edition, venue="Göteborg", actor=organiser_account("anna@x.se"))
    assert Edition.objects.get(pk=edition.pk).venue == "Göteborg"


def test_an_announced_edition_is_history(edition):
    Edition.objects.filter(pk=edition.pk).update(phase=Phase.ANNOUNCED)
    edition.refresh_from_db()
    with pytest.raises(EditionError, match="är tillkännagiven; galan och platsen ligger fast"):
        change_edition(edition=edition, venue="Göteborg", actor=organiser_account("anna@x.se"))
    assert Edition.objects.get(pk=edition.pk).venue == "Kvalitetsmässan"


def test_dates_in_the_wrong_order_are_refused_in_swedish_words(edition):
    Edition.objects.filter(pk=edition.pk).update(
        nominations_close_at=datetime(2027, 4, 29, 23, 59, 59, tzinfo=STOCKHOLM),
        supplement_close_at=datetime(2027, 5, 12, 23, 59, 59, tzinfo=STOCKHOLM),
        ceremony_at=datetime(2027, 11, 10, 18, 0, tzinfo=STOCKHOLM),
    )
    edition.refresh_from_db()
    with pytest.raises(EditionError) as refused:
        change_edition(
            edition=edition,
            supplement_close_at=datetime(2027, 4, 20, 12, 0, tzinfo=STOCKHOLM),
            actor=organiser_account("anna@x.se"),
        )
    assert str(refused.value) == (
        "Sista dag för kommunernas komplettering (20 april 2027 kl. 12:00) ligger före sista dag "
        "för nomineringar (29 april 2027 kl. 23:59). Välj en kompletteringsfrist efter "
        "nomineringsfristen."
    )
    assert events("edition.changed") == []


def test_a_call_closed_early_opens_again_until_its_deadline(edition, time_machine):
    close_nominations(edition=edition, actor=organiser_account("anna@x.se"))
    reopened = reopen_nominations(edition=edition, actor=organiser_account("anna@x.se"))
    assert reopened.phase == Phase.NOMINATIONS_OPEN
    [event] = events("edition.nominations_reopened")
    assert (event.before, event.after["phase"]) == (
        {"phase": "nominations_closed"},
        "nominations_open",
    )
    with pytest.raises(EditionError, match="är redan öppen"):
        reopen_nominations(edition=edition, actor=organiser_account("anna@x.se"))

    close_nominations(edition=edition, actor=organiser_account("anna@x.se"))
    time_machine.move_to(edition.nominations_close_at + timedelta(minutes=1), tick=False)
    with pytest.raises(EditionError) as refused:
        reopen_nominations(edition=edition, actor=organiser_account("anna@x.se"))
    when = timezone.localtime(edition.nominations_close_at)
    months = ["januari", "februari", "mars", "april", "maj", "juni", "juli", "augusti",
              "september", "oktober", "november", "december"]  # fmt: skip
    assert f"({when.day} {months[when.month - 1]} {when.year} kl. {when:%H:%M}) har passerat" in (
        str(refused.value)
    )
    assert Edition.objects.get(pk=edition.pk).phase == Phase.NOMINATIONS_CLOSED
    assert len(events("edition.nominations_reopened")) == 1


def test_reopening_is_refused_once_the_jury_works(edition):
    close_nominations(edition=edition, actor=organiser_account("anna@x.se"))
    Edition.objects.filter(pk=edition.pk).update(phase=Phase.JURY_REVIEW)
    edition.refresh_from_db()
    with pytest.raises(EditionError, match="Juryns arbete med .* har börjat; nomineringen kan"):
        reopen_nominations(edition=edition, actor=organiser_account("anna@x.se"))


def test_desk_closes_only_after_saying_what_happens(edition, organiser_client):
    page = organiser_client.post(f"{DESK}2027/stang/").content.decode()
    assert "Stänga nomineringen till Sveriges DigitaliseringsKommun 2027?" in page
    assert "Nomineringsformuläret slutar ta emot nomineringar till" in page
    assert "Till dess kan du öppna nomineringen igen" in page
    assert 'name="confirmed" value="yes"' in page
    assert Edition.objects.get(pk=edition.pk).phase == Phase.NOMINATIONS_OPEN
    organiser_client.post(f"{DESK}2027/stang/", {"confirmed": "yes"})
    assert Edition.objects.get(pk=edition.pk).phase == Phase.NOMINATIONS_CLOSED
    editions = organiser_client.get(DESK).content.decode()
    assert "Öppna nomineringen för 2027 igen" in editions
    assert "Lämna över till juryn" in editions


def test_desk_edits_dates_and_venue(edition, organiser_client):
    page = organiser_client.get(f"{DESK}2027/andra/").content.decode()
    assert "Datum och plats för Sveriges DigitaliseringsKommun 2027" in page
    assert 'value="Kvalitetsmässan"' in page
    day = timezone.localtime(edition.supplement_close_at).date() + timedelta(days=7)
    saved = organiser_client.post(
        f"{DESK}2027/andra/",
        form_of(edition, supplement_close=day.isoformat(), supplement_close_time="12:00"),
        follow=True,
    ).content.decode()
    assert "Ändringarna av Sveriges DigitaliseringsKommun 2027 är sparade." in saved
    edition.refresh_from_db()
    assert timezone.localtime(edition.supplement_close_at).replace(tzinfo=None) == datetime(
        day.year, day.month, day.day, 12, 0, 59
    )
    [event] = events("edition.changed")
    assert set(event.after) == {"supplement_close_at"}


def test_desk_asks_before_a_past_deadline_ends_the_call(edition, organiser_client):
    yesterday = timezone.localdate() - timedelta(days=1)
    data = form_of(edition, nominations_close=yesterday.isoformat())
    asked = organiser_client.post(f"{DESK}2027/andra/", data).content.decode()
    assert "Avsluta nomineringen nu?" in asked
    assert events("edition.changed") == []
    organiser_client.post(f"{DESK}2027/andra/", {**data, "confirmed": "yes"})
    assert len(events("edition.changed")) == 1


def test_desk_refusal_is_shown_once_and_changes_nothing(edition, organiser_client):
    Edition.objects.filter(pk=edition.pk).update(phase=Phase.JURY_REVIEW)
    page = organiser_client.get(f"{DESK}2027/andra/").content.decode()
    assert page.count("disabled") == 4  # both deadlines, day and time of day
    data = form_of(edition, venue="Göteborg", ceremony="2027-10-02T18:00")
    response = organiser_client.post(f"{DESK}2027/andra/", data, follow=True)
    assert "Ändringarna av Sveriges DigitaliseringsKommun 2027 är sparade." in (
        response.content.decode()
    )
    edition.refresh_from_db()
    assert (edition.venue, timezone.localtime(edition.ceremony_at).day) == ("Göteborg", 2)
    refused = organiser_client.post(
        f"{DESK}2027/andra/", form_of(edition, ceremony="2026-01-01T18:00")
    )
    body = refused.content.decode()
    assert refused.status_code == 400
    assert body.count("Galan (1 januari 2026 kl. 18:00) ligger före kompletteringsfristen") == 1


def test_off_cadence_refusal_points_to_the_box(award, organiser_client):
    refused = organiser_client.post(
        DESK + "upplagor/ny/",
        {
            "year": "2028",
            "nominations_close": "2028-04-27",
            "supplement_close": "2028-05-10",
            "ceremony": "2028-11-08T18:00",
        },
    ).content.decode()
    assert "2028 hör inte dit" in refused
    assert "Kryssa i rutan för att göra undantaget." in refused
    assert "--off-cadence" not in refused
