"""Feedback to every municipality: jurors mark their comments shareable or internal (internal by
default), the organiser releases the reports after the publication time (asked first), and each
candidacy's contact reads its own report and its PDF — how far it went, its means beside the
field's, the shared comments; never a juror's name, nothing internal, nothing of another
candidacy. Through the services and through HTTP, at controlled clock times."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from pypdf import PdfReader

from kommunpris.accounts.testing import sign_in_verified
from kommunpris.audit.models import AuditEvent
from kommunpris.awards.models import Edition
from kommunpris.errors import Conflict, Invalid, NotAllowed, NotFound
from kommunpris.jury import feedback
from kommunpris.jury import services as jury
from kommunpris.jury.feedback_selectors import (
    CHANGED,
    INTERNAL,
    SHARED,
    feedback_report,
    own_comments,
)
from kommunpris.jury.models import Membership, ScoreEntry, ScoreSheet, ScoringRound, TieKind
from kommunpris.mail.models import OutgoingMail
from kommunpris.mail.services import compose
from kommunpris.mail.templates_service import save_template
from kommunpris.nominations import services as nominations
from kommunpris.nominations.models import Candidacy
from tests.mail.own_text import every_placeholder, own_values
from tests.permissions.world import SCORE_MARK, World

pytestmark = pytest.mark.django_db

JURORS = (
    "Karin Lindqvist",
    "karin.lindqvist@example.se",
    "Ahmed Haddad",
    "ahmed.haddad@example.se",
    "Elin Björk",
    "elin.bjork@example.se",
)
OTHERS = ("Sundsvall", "Kiruna", "Timrå", "Ljusdal")


def _sheet(edition: Edition, stage: str, who: Any, candidacy: Candidacy) -> ScoreSheet:
    return ScoreSheet.objects.get(
        round__edition=edition, round__stage=stage, juror=who, candidacy=candidacy
    )


def _entry(sheet: ScoreSheet, position: int = 0) -> ScoreEntry:
    return sheet.entries.order_by("criterion__position", "criterion_id")[position]


def _after_gala(world: World) -> Any:
    assert world.decided.publish_at is not None
    return time_machine.travel(world.decided.publish_at + timedelta(days=1), tick=False)


@pytest.fixture
def marked(world: World) -> dict[str, Any]:
    """In the decided edition: Ahmed shares his overall comment on the winner in the final
    round and his comment on its first criterion; Karin shares one criterion comment and keeps
    the rest internal; everything else stays internal, as it starts."""
    decided, joint = world.decided, world.decided_joint
    ahmed = _sheet(decided, "finalist", world.juror, joint)
    karin = _sheet(decided, "finalist", world.chair, joint)
    feedback.mark_comments(
        edition=decided,
        actor=world.juror,
        shared={f"sheet-{ahmed.pk}": True, f"entry-{_entry(ahmed).pk}": True},
    )
    feedback.mark_comments(
        edition=decided,
        actor=world.chair,
        shared={f"entry-{_entry(karin, 1).pk}": True, f"sheet-{karin.pk}": False},
    )
    # Every juror wrote the same words (tests/permissions/world.py): Karin's internal overall
    # comment reads like Ahmed's shared one, so the report is checked by count as well.
    return {
        "shared": [ahmed.comment, _entry(ahmed).comment, _entry(karin, 1).comment],
        "internal": [_entry(ahmed, 2).comment, _entry(karin, 3).comment],
    }


def test_every_comment_starts_internal_and_a_juror_sees_only_their_own(world: World):
    sheets = own_comments(world.decided, world.juror)
    assert {c.state for s in sheets for c in s.comments} == {INTERNAL}
    assert {s.candidacy.pk for s in sheets if s.stage == "finalist"} == {
        c.pk for c in Candidacy.objects.filter(edition=world.decided, stage="finalist")
    }
    # The conflicted juror never scored the joint candidacy and never sees it listed.
    conflicted = own_comments(world.decided, world.conflicted)
    assert "Mora, Orsa och Älvdalen" not in {s.candidacy.name for s in conflicted}


def test_marks_are_recorded_and_audited(world: World, marked: dict[str, Any]):
    ahmed = _sheet(world.decided, "finalist", world.juror, world.decided_joint)
    states = {c.key: c.state for s in own_comments(world.decided, world.juror) for c in s.comments}
    assert states[f"sheet-{ahmed.pk}"] == SHARED
    assert states[f"entry-{_entry(ahmed).pk}"] == SHARED
    assert states[f"entry-{_entry(ahmed, 2).pk}"] == INTERNAL
    assert list(states.values()).count(SHARED) == 2
    event = AuditEvent.objects.filter(
        action="jury.comments_marked", actor="ahmed.haddad@example.se"
    ).get()
    assert event.target == f"edition:digitaliseringskommun:{world.decided.year}"
    assert event.after == {
        "shared": [f"sheet-{ahmed.pk}", f"entry-{_entry(ahmed).pk}"],
        "internal": [],
    }


def test_a_mark_on_someone_elses_comment_changes_nothing(world: World):
    own = _sheet(world.decided, "finalist", world.juror, world.decided_joint)
    others = _sheet(world.decided, "finalist", world.chair, world.decided_joint)
    with pytest.raises(Invalid, match=f"sheet-{others.pk} är inte en av dina kommentarer"):
        feedback.mark_comments(
            edition=world.decided,
            actor=world.juror,
            shared={f"sheet-{own.pk}": True, f"sheet-{others.pk}": True},
        )
    own.refresh_from_db()
    assert own.shared_comment == ""
    with pytest.raises(NotFound):
        feedback.mark_comments(edition=world.decided, actor=world.organiser, shared={})


def test_a_comment_written_again_after_its_mark_is_internal_until_marked_again(world: World):
    """In the edition still deliberating, the final round is open: Ahmed revises a comment."""
    edition, sundsvall = world.jury, world.sundsvall
    sheet = _sheet(edition, "finalist", world.juror, sundsvall)
    feedback.mark_comments(edition=edition, actor=world.juror, shared={f"sheet-{sheet.pk}": True})
    jury.save_score_sheet(
        scoring_round=ScoringRound.objects.get(edition=edition, stage="finalist"),
        candidacy=sundsvall,
        actor=world.juror,
        entries={e.criterion_id: jury.EntryInput(e.value, e.comment) for e in sheet.entries.all()},
        comment="Internt: vi måste prata om budgeten.",
        submit=True,
    )
    states = {c.key: c.state for s in own_comments(edition, world.juror) for c in s.comments}
    assert states[f"sheet-{sheet.pk}"] == CHANGED
    report = feedback_report(Candidacy.objects.get(pk=sundsvall.pk))
    assert all(
        c.text != "Internt: vi måste prata om budgeten." for r in report.rounds for c in r.comments
    )


def test_the_report_holds_means_beside_the_fields_and_only_shared_comments(
    world: World, marked: dict[str, Any]
):
    report = feedback_report(Candidacy.objects.get(pk=world.decided_joint.pk))
    assert report.reached == "winner"
    assert report.field_counts == {"candidacy": 5, "nominee": 4, "finalist": 3}
    assert [r.stage for r in report.rounds] == ["candidacy", "nominee", "finalist"]
    # The world's scores: the joint candidacy 4 from the two jurors who may score it; the four
    # others 3 on average (tests/permissions/world.py). The field: the candidacies' means.
    first, second, final = report.rounds
    assert (first.jurors, first.scored_candidacies) == (2, 5)
    assert {(line.own_mean, line.field_mean) for line in first.lines} == {(4.0, 3.2)}
    assert {(line.own_mean, line.field_mean) for line in second.lines} == {(4.0, 3.25)}
    assert {line.own_mean for line in final.lines} == {4.0}
    assert {round(line.field_mean or 0, 4) for line in final.lines} == {3.3333}
    shared = [c.text for c in final.comments]
    assert sorted(shared) == sorted(marked["shared"])
    assert first.comments == [] and second.comments == []


def test_a_jurors_scores_and_comments_stop_counting_once_they_declare_a_tie(world: World):
    decided = world.decided
    kiruna = Candidacy.objects.get(edition=decided, members__municipality_id="2584")
    sheet = _sheet(decided, "candidacy", world.juror, kiruna)
    feedback.mark_comments(edition=decided, actor=world.juror, shared={f"sheet-{sheet.pk}": True})
    assert [c.text for c in feedback_report(kiruna).rounds[0].comments] == [sheet.comment]
    jury.declare_tie(
        seat=Membership.objects.get(edition=decided, user=world.juror),
        kind=TieKind.CANDIDACY,
        candidacy=kiruna,
        note="Min syster arbetar i Kiruna kommun.",
        actor=world.juror,
    )
    report = feedback_report(kiruna)
    assert report.rounds[0].comments == []
    assert report.rounds[0].jurors == 2  # the chair and Elin


# --- the release and the contact's report, through the desk --------------------------------


def _organiser(world: World) -> Client:
    return sign_in_verified(Client(), world.organiser)


def _contact_of_mora(world: World) -> Client:
    """Mora's contact signs in with the link mailed for the decided edition."""
    nominations.request_contact_link(email="digitalisering@mora.se")
    client = Client()
    title = world.decided.title
    for message in OutgoingMail.objects.filter(
        to="digitalisering@mora.se", template="nominations/contact_link"
    ).order_by("-id"):
        body = compose(message).body
        if title in body:
            token = re.search(r"/arbetsyta/nomineringar/kommun/lank/([^/\s]+)/", body)
            assert token
            url = reverse("desk:nominations-contact-link", kwargs={"token": token.group(1)})
            assert client.post(url).status_code == 302
            return client
    raise AssertionError("no sign-in link for the decided edition")


FEEDBACK = "/arbetsyta/nomineringar/kommun/aterkoppling/"
FEEDBACK_PDF = "/arbetsyta/nomineringar/kommun/aterkoppling.pdf"


def test_before_the_gala_nothing_is_released(world: World):
    page = _organiser(world).get(reverse("desk:jury-feedback", kwargs={"year": world.decided.year}))
    assert page.status_code == 200
    assert (
        "Inte än: Återkopplingsrapporterna kan släppas när beslutet har offentliggjorts, "
        f"10 november {world.decided.year} kl. 18:00." in page.content.decode()
    )
    with pytest.raises(Conflict):
        feedback.release_feedback(edition=world.decided, actor=world.organiser)
    contact = _contact_of_mora(world)
    waiting = contact.get(FEEDBACK)
    assert "Arrangören släpper rapporterna när beslutet är offentligt" in waiting.content.decode()
    assert contact.get(FEEDBACK_PDF).status_code == 404


@pytest.fixture
def released(world: World, marked: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """After the gala the organiser releases the reports through the desk, asked first."""
    with _after_gala(world):
        client = _organiser(world)
        url = reverse("desk:jury-feedback", kwargs={"year": world.decided.year})
        page = client.get(url).content.decode()
        assert "digitalisering@mora.se" in page
        asked = client.post(url, {"action": "release"})
        question = asked.content.decode()
        assert "Släppa återkopplingsrapporterna för Sveriges DigitaliseringsKommun" in question
        assert (
            "Rapporterna innehåller 3 kommentarer som jurymedlemmarna har markerat som delbara"
            in question
        )
        assert "Rapporterna kan inte dras tillbaka" in question
        assert not feedback.feedback_is_released(world.decided)
        done = client.post(url, {"action": "release", "confirmed": "yes"}, follow=True)
        assert "Återkopplingsrapporterna är släppta" in done.content.decode()
        yield marked


def test_the_release_tells_each_contact_and_is_audited(world: World, released: dict[str, Any]):
    # The world's transaction is never committed: the messages wait as the worker finds them.
    sent = [compose(m) for m in OutgoingMail.objects.filter(template="jury/feedback_released")]
    assert [(m.to, m.subject) for m in sent] == [
        (
            ["digitalisering@mora.se"],
            f"Juryns återkoppling till Mora i Sveriges DigitaliseringsKommun {world.decided.year}",
        )
    ]
    assert "/arbetsyta/nomineringar/kommun/logga-in/" in sent[0].body
    event = AuditEvent.objects.get(action="edition.feedback_released")
    assert event.actor == world.organiser.email
    with pytest.raises(Conflict, match="redan släppta"):
        feedback.release_feedback(edition=world.decided, actor=world.organiser)
    with pytest.raises(NotAllowed):
        feedback.check_release_feedback(edition=world.decided, actor=world.chair)
    # The marks are settled with the release.
    sheet = _sheet(world.decided, "finalist", world.juror, world.decided_joint)
    with pytest.raises(Conflict):
        feedback.mark_comments(
            edition=world.decided, actor=world.juror, shared={f"sheet-{sheet.pk}": False}
        )


def _pdf_text(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    return " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages)


def test_the_contact_reads_the_report_and_its_pdf(world: World, released: dict[str, Any]):
    with _after_gala(world):
        contact = _contact_of_mora(world)
        page = contact.get(FEEDBACK)
        pdf = contact.get(FEEDBACK_PDF)
    assert page.status_code == 200
    body = page.content.decode()
    text = _pdf_text(pdf.content)
    assert (
        pdf["Content-Disposition"]
        == f'attachment; filename="aterkoppling-{world.decided.year}-2062.pdf"'
    )
    for shown in (body, text):
        assert (
            f"Mora, Orsa och Älvdalen vann Sveriges DigitaliseringsKommun {world.decided.year}."
            in shown
        )
        assert (
            "Omgången för alla kandidaturer" in shown or "omgången för alla kandidaturer" in shown
        )
        for comment in released["shared"]:
            assert comment in shown, comment
        for comment in released["internal"]:
            assert comment not in shown, comment
        for name in (*JURORS, *OTHERS):
            assert name not in shown, name
    # Its own mean and the field's, as Swedish readers write decimals.
    assert re.search(r"<td class=\"num\">4,0</td><td class=\"num\">3,2</td>", body)
    assert re.search(r"<td class=\"num\">4,0</td><td class=\"num\">3,3</td>", body)
    assert "Era betyg kommer från 2 jurymedlemmar." in body
    assert body.count(SCORE_MARK) == len(released["shared"])


def test_the_contacts_start_page_leads_to_the_report(world: World, released: dict[str, Any]):
    with _after_gala(world):
        home = _contact_of_mora(world).get("/arbetsyta/nomineringar/kommun/")
    assert "Läs juryns återkoppling" in home.content.decode()
    assert FEEDBACK in home.content.decode()


def test_a_jurors_comments_and_a_report_read_a_fixed_number_of_queries(
    world: World, django_assert_num_queries: Any
):
    """The comments page lists every sheet of every round; the report every round."""
    with django_assert_num_queries(6):
        sheets = own_comments(world.decided, world.chair)
    assert len(sheets) == 12  # five, four and three candidacies in the three rounds
    joint = Candidacy.objects.select_related("edition").get(pk=world.decided_joint.pk)
    with django_assert_num_queries(15):
        report = feedback_report(joint)
    assert len(report.rounds) == 3


def test_the_release_says_why_not_yet_for_each_kind_of_edition(world: World):
    with pytest.raises(Conflict) as deliberating:
        feedback.check_release_feedback(edition=world.jury, actor=world.organiser)
    assert str(deliberating.value) == (
        f"Juryn för Sveriges DigitaliseringsKommun {world.jury.year} har inte registrerat sitt "
        "beslut än; återkopplingsrapporterna kan släppas när beslutet har offentliggjorts."
    )
    archive = Edition.objects.get(award=world.award, year=2023)
    with pytest.raises(
        Conflict, match="har inget jurybeslut offentliggjort på den här plattformen"
    ):
        feedback.check_release_feedback(edition=archive, actor=world.organiser)


def test_the_editions_own_text_tells_the_contacts(world: World, marked: dict[str, Any]):
    """Released through the service: the organiser's text of the edition is the message."""
    subject, body = every_placeholder("jury/feedback_released")
    save_template(
        edition=world.decided,
        key="jury/feedback_released",
        language="sv",
        subject=subject,
        body=body,
        actor=world.organiser,
    )
    with _after_gala(world):
        feedback.release_feedback(edition=world.decided, actor=world.organiser)
    [stored] = OutgoingMail.objects.filter(template="jury/feedback_released")
    assert (stored.to, stored.edition) == ("digitalisering@mora.se", world.decided)
    values = own_values(stored)
    assert values["municipality"] == "Mora"
    assert values["edition_title"] == world.decided.title
    assert values["sign_in_url"].endswith("/arbetsyta/nomineringar/kommun/logga-in/")
