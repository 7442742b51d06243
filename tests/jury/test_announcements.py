"""The chair's announcements of the nominees and the finalists, through the services, at
controlled clock times: what the embargo rule lets the public know, the order of the times, the
announced stages fixed against moves, moving and withdrawing until the time has passed."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from kommunpris.archive.selectors import public_face
from kommunpris.audit.models import AuditEvent
from kommunpris.jury import services
from kommunpris.jury.announcements import (
    AnnouncementError,
    announce_stage,
    reschedule_announcement,
    withdraw_announcement,
)
from kommunpris.jury.models import Membership
from kommunpris.mail.models import OutgoingMail
from kommunpris.mail.templates_service import preview, save_template
from kommunpris.nominations.models import Stage
from kommunpris.permissions import public_stage, stage_is_public
from tests.mail.own_text import every_placeholder, own_values

STOCKHOLM = ZoneInfo("Europe/Stockholm")
MAY = datetime(2029, 5, 2, 9, 0, tzinfo=STOCKHOLM)
NOMINEES = datetime(2029, 5, 10, 10, 0, tzinfo=STOCKHOLM)
FINALISTS = datetime(2029, 6, 14, 10, 0, tzinfo=STOCKHOLM)
GALA = datetime(2029, 11, 14, 18, 0, tzinfo=STOCKHOLM)
SECOND = timedelta(seconds=1)


@pytest.fixture
def shortlisted(jury):
    """Ovanåker, Timrå and Mora–Orsa–Älvdalen are nominees, Kiruna and Ljusdal are not."""
    for candidacy in (jury.ovanaker, jury.timra, jury.joint):
        services.move_candidacy(candidacy=candidacy, stage=Stage.NOMINEE, actor=jury.chair)
    jury.refresh()
    return jury


def _public_names(edition, now):
    edition.refresh_from_db()
    face = public_face(edition, now=now)
    return [(c.name, c.public_stage) for c in face.shortlist]


def test_announce_nominees_public_from_their_time_and_the_jury_is_told(
    shortlisted, django_capture_on_commit_callbacks
):
    jury = shortlisted
    mail.outbox.clear()
    with time_machine.travel(MAY, tick=False), django_capture_on_commit_callbacks(execute=True):
        announce_stage(
            edition=jury.edition, stage=Stage.NOMINEE, publish_at=NOMINEES, actor=jury.chair
        )
    jury.edition.refresh_from_db()
    assert jury.edition.nominees_publish_at == NOMINEES
    assert jury.edition.finalists_publish_at is None

    event = AuditEvent.objects.filter(action="edition.announcement_made").get()
    assert event.actor == jury.chair.email
    assert event.target == "edition:digitaliseringskommun:2029"
    assert event.before == {"stage": "nominee", "publish_at": None}
    assert event.after["publish_at"] == "2029-05-10T10:00:00+02:00"
    assert sorted(event.after["candidacies"]) == sorted(
        [jury.ovanaker.pk, jury.timra.pk, jury.joint.pk]
    )

    assert sorted(m.to[0] for m in mail.outbox) == sorted(u.email for u in jury.jurors)
    message = mail.outbox[0]
    assert message.subject == "De nominerade i Sveriges DigitaliseringsKommun 2029 offentliggörs"
    assert "10 maj 2029, 10:00" in message.body
    assert "Ovanåker" not in message.body  # the mail names no candidacy

    assert _public_names(jury.edition, NOMINEES - SECOND) == []
    assert _public_names(jury.edition, NOMINEES) == [
        ("Mora, Orsa och Älvdalen", "nominee"),
        ("Ovanåker", "nominee"),
        ("Timrå", "nominee"),
    ]


def test_finalists_show_as_nominees_until_their_own_time(shortlisted):
    jury = shortlisted
    with time_machine.travel(MAY, tick=False):
        announce_stage(
            edition=jury.edition, stage=Stage.NOMINEE, publish_at=NOMINEES, actor=jury.chair
        )
        services.move_candidacy(candidacy=jury.ovanaker, stage=Stage.FINALIST, actor=jury.chair)
        services.move_candidacy(candidacy=jury.joint, stage=Stage.FINALIST, actor=jury.chair)
        announce_stage(
            edition=jury.edition, stage=Stage.FINALIST, publish_at=FINALISTS, actor=jury.chair
        )
    jury.refresh()
    edition = jury.edition
    assert public_stage(edition, Stage.FINALIST, now=NOMINEES - SECOND) == ""
    assert public_stage(edition, Stage.FINALIST, now=NOMINEES) == Stage.NOMINEE
    assert public_stage(edition, Stage.FINALIST, now=FINALISTS) == Stage.FINALIST
    assert public_stage(edition, Stage.CANDIDACY, now=FINALISTS) == ""
    assert _public_names(edition, FINALISTS - SECOND) == [
        ("Mora, Orsa och Älvdalen", "nominee"),
        ("Ovanåker", "nominee"),
        ("Timrå", "nominee"),
    ]
    assert _public_names(edition, FINALISTS) == [
        ("Mora, Orsa och Älvdalen", "finalist"),
        ("Ovanåker", "finalist"),
        ("Timrå", "nominee"),
    ]


def test_finalists_announced_alone_leave_the_other_nominees_confidential(shortlisted):
    jury = shortlisted
    with time_machine.travel(MAY, tick=False):
        services.move_candidacy(candidacy=jury.timra, stage=Stage.FINALIST, actor=jury.chair)
        announce_stage(
            edition=jury.edition, stage=Stage.FINALIST, publish_at=FINALISTS, actor=jury.chair
        )
    jury.edition.refresh_from_db()
    assert not stage_is_public(jury.edition, Stage.NOMINEE, now=FINALISTS)
    assert _public_names(jury.edition, FINALISTS) == [("Timrå", "finalist")]


@pytest.mark.parametrize(
    ("stage", "publish_at", "message"),
    [
        (
            Stage.NOMINEE,
            datetime(2029, 5, 10, 10, 0),
            "Ange publiceringstiden med tidszon.",
        ),
        (
            Stage.NOMINEE,
            datetime(2031, 5, 10, 10, 0, tzinfo=STOCKHOLM),
            "Publiceringstiden 10 maj 2031 kl. 10:00 ligger utanför 2029–2030",
        ),
        (
            Stage.NOMINEE,
            datetime(2029, 5, 1, 10, 0, tzinfo=STOCKHOLM),
            "Publiceringstiden 1 maj 2029 kl. 10:00 har redan passerat: de nominerade skulle bli "
            "offentliga genast.",
        ),
        (
            Stage.FINALIST,
            FINALISTS,
            "Sveriges DigitaliseringsKommun 2029 har inga finalister ännu",
        ),
        ("winner", FINALISTS, "Bara de nominerade och finalisterna offentliggörs för sig"),
    ],
)
def test_announce_refused_with_a_way_forward_changes_nothing(
    shortlisted, stage, publish_at, message
):
    jury = shortlisted
    with (
        time_machine.travel(MAY, tick=False),
        pytest.raises(AnnouncementError, match=re.escape(message)),
    ):
        announce_stage(edition=jury.edition, stage=stage, publish_at=publish_at, actor=jury.chair)
    jury.edition.refresh_from_db()
    assert (jury.edition.nominees_publish_at, jury.edition.finalists_publish_at) == (None, None)
    assert not AuditEvent.objects.filter(action__startswith="edition.announcement").exists()


def test_announce_only_by_the_chair(shortlisted):
    jury = shortlisted
    for person in (jury.anna, jury.organiser):
        with pytest.raises(AnnouncementError, match="Bara juryns ordförande"):
            announce_stage(
                edition=jury.edition, stage=Stage.NOMINEE, publish_at=NOMINEES, actor=person
            )
    jury.edition.refresh_from_db()
    assert jury.edition.nominees_publish_at is None


def test_announce_at_once_records_the_moment_it_became_public(shortlisted):
    jury = shortlisted
    with time_machine.travel(MAY, tick=False):
        announce_stage(
            edition=jury.edition,
            stage=Stage.NOMINEE,
            publish_at=MAY - timedelta(hours=1),
            actor=jury.chair,
            publish_at_once=True,
        )
        jury.edition.refresh_from_db()
        assert jury.edition.nominees_publish_at == MAY
        assert stage_is_public(jury.edition, Stage.NOMINEE)


def test_times_keep_the_order_nominees_finalists_winner(shortlisted):
    jury = shortlisted
    with time_machine.travel(MAY, tick=False):
        services.move_candidacy(candidacy=jury.timra, stage=Stage.FINALIST, actor=jury.chair)
        announce_stage(
            edition=jury.edition, stage=Stage.FINALIST, publish_at=FINALISTS, actor=jury.chair
        )
        with pytest.raises(
            AnnouncementError,
            match=re.escape(
                "Finalisterna i Sveriges DigitaliseringsKommun 2029 offentliggörs 14 juni 2029 "
                "kl. 10:00; de nominerade måste offentliggöras senast då."
            ),
        ):
            announce_stage(
                edition=jury.edition,
                stage=Stage.NOMINEE,
                publish_at=FINALISTS + SECOND,
                actor=jury.chair,
            )
        announce_stage(
            edition=jury.edition, stage=Stage.NOMINEE, publish_at=NOMINEES, actor=jury.chair
        )
        with pytest.raises(AnnouncementError, match="kan inte offentliggöras före dem"):
            reschedule_announcement(
                edition=jury.edition,
                stage=Stage.FINALIST,
                publish_at=NOMINEES - SECOND,
                actor=jury.chair,
            )
    jury.edition.refresh_from_db()
    assert (jury.edition.nominees_publish_at, jury.edition.finalists_publish_at) == (
        NOMINEES,
        FINALISTS,
    )


def test_announced_stage_fixes_who_reached_it_until_withdrawn(shortlisted):
    jury = shortlisted
    with time_machine.travel(MAY, tick=False):
        announce_stage(
            edition=jury.edition, stage=Stage.NOMINEE, publish_at=NOMINEES, actor=jury.chair
        )
        with pytest.raises(
            AnnouncementError,
            match=re.escape(
                "De nominerade i Sveriges DigitaliseringsKommun 2029 offentliggörs 10 maj 2029 "
                "kl. 10:00, så som de är nu. Dra först tillbaka det offentliggörandet"
            ),
        ):
            services.move_candidacy(candidacy=jury.timra, stage=Stage.CANDIDACY, actor=jury.chair)
        with pytest.raises(AnnouncementError, match="offentliggörs 10 maj 2029"):
            services.move_candidacy(candidacy=jury.kiruna, stage=Stage.FINALIST, actor=jury.chair)
        # Choosing finalists among the nominees changes no nominee.
        services.move_candidacy(candidacy=jury.timra, stage=Stage.FINALIST, actor=jury.chair)

        withdraw_announcement(edition=jury.edition, stage=Stage.NOMINEE, actor=jury.chair)
        services.move_candidacy(candidacy=jury.kiruna, stage=Stage.NOMINEE, actor=jury.chair)
        announce_stage(
            edition=jury.edition, stage=Stage.NOMINEE, publish_at=NOMINEES, actor=jury.chair
        )
    with (
        time_machine.travel(NOMINEES + SECOND, tick=False),
        pytest.raises(AnnouncementError, match="offentliggjordes 10 maj 2029 kl. 10:00"),
    ):
        services.move_candidacy(candidacy=jury.kiruna, stage=Stage.CANDIDACY, actor=jury.chair)
    jury.refresh()
    assert jury.kiruna.stage == Stage.NOMINEE
    assert [e.action for e in AuditEvent.objects.filter(action__startswith="edition.ann")] == [
        "edition.announcement_made",
        "edition.announcement_withdrawn",
        "edition.announcement_made",
    ]


def test_reschedule_and_withdraw_until_the_time_has_passed(shortlisted):
    jury = shortlisted
    later = NOMINEES + timedelta(days=1)
    with time_machine.travel(MAY, tick=False):
        announce_stage(
            edition=jury.edition, stage=Stage.NOMINEE, publish_at=NOMINEES, actor=jury.chair
        )
        reschedule_announcement(
            edition=jury.edition, stage=Stage.NOMINEE, publish_at=later, actor=jury.chair
        )
    jury.edition.refresh_from_db()
    assert jury.edition.nominees_publish_at == later
    with time_machine.travel(later, tick=False):
        for attempt in (
            lambda: reschedule_announcement(
                edition=jury.edition,
                stage=Stage.NOMINEE,
                publish_at=later + timedelta(days=1),
                actor=jury.chair,
            ),
            lambda: withdraw_announcement(
                edition=jury.edition, stage=Stage.NOMINEE, actor=jury.chair
            ),
        ):
            with pytest.raises(
                AnnouncementError,
                match=re.escape(
                    "De nominerade i Sveriges DigitaliseringsKommun 2029 offentliggjordes 11 maj "
                    "2029 kl. 10:00; det kan inte längre flyttas eller dras tillbaka."
                ),
            ):
                attempt()
    jury.edition.refresh_from_db()
    assert jury.edition.nominees_publish_at == later


def test_announcement_past_the_decision_is_refused(jury):
    """After the decision the winner's time bounds the announcements; once it is public the
    chair has nothing left to announce."""
    with time_machine.travel(MAY, tick=False):
        services.open_round(edition=jury.edition, stage=Stage.CANDIDACY, actor=jury.chair)
        services.close_round(scoring_round=jury.round(Stage.CANDIDACY), actor=jury.chair)
        services.move_candidacy(candidacy=jury.timra, stage=Stage.FINALIST, actor=jury.chair)
        services.start_deliberation(edition=jury.edition, actor=jury.chair)
        services.record_decision(
            edition=jury.edition,
            candidacy=jury.timra,
            display_name="Timrå kommun",
            motivation="Timrå visar vägen.",
            publish_at=GALA,
            actor=jury.chair,
        )
        with pytest.raises(AnnouncementError, match="Vinnaren i Sveriges Digitaliserings"):
            announce_stage(
                edition=jury.edition,
                stage=Stage.FINALIST,
                publish_at=GALA + SECOND,
                actor=jury.chair,
            )
        announce_stage(
            edition=jury.edition, stage=Stage.FINALIST, publish_at=FINALISTS, actor=jury.chair
        )
    with (
        time_machine.travel(GALA, tick=False),
        pytest.raises(AnnouncementError, match="är offentligt, och med det varje nominerad"),
    ):
        withdraw_announcement(edition=jury.edition, stage=Stage.FINALIST, actor=jury.chair)
    assert timezone.now() < GALA  # the clock is back


def test_the_winner_is_not_made_public_before_the_finalists(shortlisted):
    """The award's order holds from the decision's side too: a publication time before an
    announcement is refused, with the way forward, and nothing is recorded."""
    jury = shortlisted
    with time_machine.travel(MAY, tick=False):
        services.open_round(edition=jury.edition, stage=Stage.CANDIDACY, actor=jury.chair)
        services.close_round(scoring_round=jury.round(Stage.CANDIDACY), actor=jury.chair)
        services.move_candidacy(candidacy=jury.timra, stage=Stage.FINALIST, actor=jury.chair)
        announce_stage(
            edition=jury.edition, stage=Stage.FINALIST, publish_at=FINALISTS, actor=jury.chair
        )
        services.start_deliberation(edition=jury.edition, actor=jury.chair)
        events = AuditEvent.objects.count()
        refusal = re.escape(
            "De nominerade eller finalisterna i Sveriges DigitaliseringsKommun 2029 "
            "offentliggörs 14 juni 2029 kl. 10:00; vinnaren kan inte offentliggöras före dem. "
            "Välj 14 juni 2029 kl. 10:00 eller senare, eller flytta det offentliggörandet först."
        )
        with pytest.raises(services.JuryError, match=refusal):
            services.record_decision(
                edition=jury.edition,
                candidacy=jury.timra,
                display_name="Timrå kommun",
                motivation="Timrå visar vägen.",
                publish_at=FINALISTS - SECOND,
                actor=jury.chair,
            )
        jury.edition.refresh_from_db()
        assert (jury.edition.phase, jury.edition.publish_at) == ("deliberation", None)
        assert AuditEvent.objects.count() == events
        services.record_decision(
            edition=jury.edition,
            candidacy=jury.timra,
            display_name="Timrå kommun",
            motivation="Timrå visar vägen.",
            publish_at=GALA,
            actor=jury.chair,
        )
        with pytest.raises(services.JuryError, match=refusal):
            services.reschedule_publication(
                edition=jury.edition, publish_at=FINALISTS - SECOND, actor=jury.chair
            )
    jury.edition.refresh_from_db()
    assert jury.edition.publish_at == GALA


def test_the_editions_own_texts_tell_the_jury_each_in_their_language(
    shortlisted, django_capture_on_commit_callbacks
):
    """The organiser's Swedish texts of both messages, and an English one for the member who
    reads English: each member is told in their own language, with the edition's text."""
    jury = shortlisted
    Membership.objects.filter(edition=jury.edition, user=jury.bo).update(language="en")
    for key in ("jury/announced", "jury/announcement_withdrawn"):
        subject, body = every_placeholder(key)
        save_template(
            edition=jury.edition,
            key=key,
            language="sv",
            subject=subject,
            body=body,
            actor=jury.organiser,
        )
    save_template(
        edition=jury.edition,
        key="jury/announced",
        language="en",
        subject="Announced: {{ edition_title }}",
        body='Public on {{ publish_at|date:"j F Y" }}.\n',
        actor=jury.organiser,
    )
    with time_machine.travel(MAY, tick=False), django_capture_on_commit_callbacks(execute=True):
        announce_stage(
            edition=jury.edition, stage=Stage.NOMINEE, publish_at=NOMINEES, actor=jury.chair
        )
        # The preview shows the edition's own announcement.
        shown = preview(
            edition=jury.edition,
            key="jury/announced",
            language="sv",
            subject="{{ edition_title }}",
            body='{{ stage }} {{ publish_at|date:"j F Y, H:i" }}\n',
        )
        assert (shown.text, shown.about) == (
            "nominee 10 maj 2029, 10:00\n",
            "Upplagans offentliggörande av nominerade.",
        )
        withdraw_announcement(edition=jury.edition, stage=Stage.NOMINEE, actor=jury.chair)

    announced = {m.to: m for m in OutgoingMail.objects.filter(template="jury/announced")}
    assert sorted(announced) == sorted(u.email for u in jury.jurors)
    assert (announced[jury.bo.email].language, announced[jury.bo.email].body_text) == (
        "en",
        "Public on 10 May 2029.\n",
    )
    assert announced[jury.bo.email].edition == jury.edition
    for juror in (jury.chair, jury.anna, jury.cia):
        stored = announced[juror.email]
        assert stored.subject == "EGEN jury/announced Sveriges DigitaliseringsKommun 2029"
        assert own_values(stored) == {
            "edition_title": "Sveriges DigitaliseringsKommun 2029",
            "stage": "nominee",
            "publish_at": "10 maj 2029 10:00",
        }
    withdrawn = list(OutgoingMail.objects.filter(template="jury/announcement_withdrawn"))
    assert len(withdrawn) == 4
    # No English text of the withdrawal: Bo gets the platform's own, in English.
    bo = next(m for m in withdrawn if m.to == jury.bo.email)
    assert bo.subject == "An announcement of Sveriges DigitaliseringsKommun 2029 is withdrawn"
    for stored in withdrawn:
        if stored is not bo:
            assert own_values(stored) == {
                "edition_title": "Sveriges DigitaliseringsKommun 2029",
                "stage": "nominee",
            }
