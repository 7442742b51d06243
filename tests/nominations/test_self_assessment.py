"""The optional step for nominees: the organiser's rubric of an edition, the nominee's contact
filling it in, every refusal (not a nominee, too late, declined, frozen), and the jury reading
it — on the candidacy's page and through the jury packet's hook."""

from __future__ import annotations

from datetime import timedelta
from html.parser import HTMLParser

import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.test import Client
from django.utils import timezone, translation

from kommunpris.accounts.testing import sign_in_verified
from kommunpris.audit.models import AuditEvent
from kommunpris.awards.models import Edition, Phase
from kommunpris.jury.models import Membership, Role
from kommunpris.nominations.models import (
    Candidacy,
    SelfAssessment,
    SelfAssessmentRubric,
    Stage,
)
from kommunpris.nominations.selectors import candidacies
from kommunpris.nominations.self_assessment import (
    DEFAULT_AREAS,
    DEFAULT_LEVELS,
    PrintedSelfAssessment,
    for_packets,
)
from kommunpris.nominations.services import (
    AreaText,
    CallError,
    CallFrozen,
    LevelText,
    NotTheOrganiser,
    SelfAssessmentClosed,
    register_contact,
    remove_self_assessment,
    respond_to_candidacy,
    save_self_assessment,
    set_self_assessment,
)
from kommunpris.register.models import Municipality

RUBRIC_PAGE = "/arbetsyta/nomineringar/2027/sjalvskattning/"
CONTACT_PAGE = "/arbetsyta/nomineringar/kommun/"
FILL_IN = CONTACT_PAGE + "sjalvskattning/"
AREAS = [AreaText(**area) for area in DEFAULT_AREAS]
LEVELS = [LevelText(sv, en) for sv, en in DEFAULT_LEVELS]
KEYS = [area.key for area in AREAS]


class _Forms(HTMLParser):
    """What a browser sends for each form of a page: every named input, checked boxes and
    radios, textareas — as they stand in the page."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[list[tuple[str, str]]] = []
        self._textarea: str | None = None
        self._text = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self.forms.append([])
        elif tag == "input" and a.get("name") and self.forms:
            kind = a.get("type", "text")
            if kind in ("checkbox", "radio"):
                if "checked" in a:
                    self.forms[-1].append((a["name"], a.get("value", "on")))
            elif kind not in ("submit", "button", "file"):
                self.forms[-1].append((a["name"], a.get("value", "")))
        elif tag == "textarea":
            self._textarea, self._text = a.get("name"), ""

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self._text += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "textarea" and self._textarea is not None and self.forms:
            self.forms[-1].append((self._textarea, self._text.removeprefix("\n")))
            self._textarea = None


def form_in(html: str, *, with_field: str) -> dict[str, str]:
    """The data of the page's form that has `with_field`."""
    parser = _Forms()
    parser.feed(html)
    return next(dict(f) for f in parser.forms if any(name == with_field for name, _ in f))


@pytest.fixture
def nominee(edition, organiser, nominate, confirm, link_in, django_capture_on_commit_callbacks):
    """Sundsvall, nominated and confirmed; its contact registered and accepted; then, as the
    jury's work gets there, the jury reviewing and Sundsvall one of its nominees (set directly:
    the jury's own services are tested in tests/jury)."""
    nominate()
    confirm(link_in(mail.outbox[-1], "/nominera/bekrafta/"))
    candidacy = candidacies(edition).get()
    with django_capture_on_commit_callbacks(execute=True):
        contact = register_contact(
            edition=edition,
            municipality=Municipality.objects.get(name="Sundsvall"),
            email="kontakt@sundsvall.se",
            actor=organiser,
        )
    respond_to_candidacy(candidacy=candidacy, actor=contact, accept=True)
    Edition.objects.filter(pk=edition.pk).update(phase=Phase.JURY_REVIEW)
    Candidacy.objects.filter(pk=candidacy.pk).update(stage=Stage.NOMINEE)
    edition.refresh_from_db()
    return candidacies(edition).get(), contact


@pytest.fixture
def contact_client(nominee, link_in) -> Client:
    browser = Client()
    browser.post(link_in(mail.outbox[-1], "/kommun/lank/"))
    return browser


@pytest.fixture
def rubric(edition, organiser) -> SelfAssessmentRubric:
    return set_self_assessment(
        edition=edition,
        areas=AREAS,
        levels=LEVELS,
        closes_at=timezone.now() + timedelta(days=20),
        actor=organiser,
    )


def _levels(value: int = 3) -> dict[str, int | None]:
    return dict.fromkeys(KEYS, value)


# --- the organiser ---------------------------------------------------------------------------


def test_the_organiser_asks_for_it_from_the_standard_rubric_on_the_desk(organiser_client, edition):
    page = organiser_client.get(RUBRIC_PAGE).content.decode()
    assert "Självskattning för nominerade – Sveriges DigitaliseringsKommun 2027" in page
    assert "Upplagan ber inte de nominerade om någon självskattning." in page
    data = form_in(page, with_field="area-0-name_sv")
    assert data["area-0-name_sv"] == "Strategi, ledning och styrning"
    assert [data[f"level-{n}-label_sv"] for n in range(4)] == [sv for sv, _ in DEFAULT_LEVELS]
    data["area-4-DELETE"] = "on"  # four areas are enough
    data["level-4-label_sv"] = "Världsledande"  # the empty block: a fifth level
    saved = organiser_client.post(RUBRIC_PAGE, data, follow=True).content.decode()
    assert "Självskattningen för Sveriges DigitaliseringsKommun 2027 är sparad." in saved
    found = SelfAssessmentRubric.objects.get(edition=edition)
    assert [a.name_sv for a in found.areas.all()] == [a.name_sv for a in AREAS[:4]]
    assert [(v.value, v.label_sv) for v in found.levels.all()][-1] == (5, "Världsledande")
    [event] = AuditEvent.objects.filter(action="edition.self_assessment_set")
    assert (event.actor, event.before) == ("organiser@example.se", {})
    assert [a["sv"] for a in event.after["areas"]] == [a.name_sv for a in AREAS[:4]]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"areas": []}, "Självskattningen behöver minst ett område."),
        ({"levels": LEVELS[:1]}, "Skalan behöver mellan 2 och 7 nivåer; den har 1."),
        (
            {"areas": [AreaText(name_sv=" ")]},
            "Område 1 saknar svenskt namn. Skriv det, eller ta bort området.",
        ),
        ({"closes_at": timezone.now() - timedelta(minutes=1)}, "har passerat. Välj en senare dag."),
    ],
)
def test_a_rubric_that_cannot_be_taken_is_refused_and_changes_nothing(
    edition, organiser, change, message
):
    given = {
        "areas": AREAS,
        "levels": LEVELS,
        "closes_at": timezone.now() + timedelta(days=20),
        **change,
    }
    with translation.override("sv"), pytest.raises(CallError) as refused:
        set_self_assessment(edition=edition, actor=organiser, **given)
    assert message in str(refused.value)
    assert not SelfAssessmentRubric.objects.exists()


def test_only_an_organiser_sets_the_rubric(edition):
    someone = User.objects.create_user("someone@example.se", "someone@example.se", "pw")
    with pytest.raises(NotTheOrganiser):
        set_self_assessment(
            edition=edition,
            areas=AREAS,
            levels=LEVELS,
            closes_at=timezone.now() + timedelta(days=1),
            actor=someone,
        )


def test_the_organiser_stops_asking_after_a_confirmation(organiser_client, rubric):
    asked = organiser_client.post(RUBRIC_PAGE + "ta-bort/")
    assert (
        "Sluta be de nominerade till Sveriges DigitaliseringsKommun 2027" in asked.content.decode()
    )
    assert SelfAssessmentRubric.objects.exists()
    organiser_client.post(RUBRIC_PAGE + "ta-bort/", {"confirmed": "yes"})
    assert not SelfAssessmentRubric.objects.exists()
    assert AuditEvent.objects.filter(action="edition.self_assessment_removed").count() == 1


# --- the nominee -----------------------------------------------------------------------------


def test_a_nominee_fills_it_in_and_the_first_one_freezes_the_rubric(
    contact_client, nominee, rubric, organiser
):
    candidacy, _contact = nominee
    home = contact_client.get(CONTACT_PAGE).content.decode()
    assert "Fyll i självskattningen" in home
    assert "Juryn har valt Sundsvall som nominerad" in home
    page = contact_client.get(FILL_IN).content.decode()
    assert "<legend>Kompetens och kultur</legend>" in page
    assert "3 – Etablerad" in page
    data = {f"level-{key}": "3" for key in KEYS} | {f"comment-{key}": "" for key in KEYS}
    data["level-skills"] = "2"
    data["comment-skills"] = "Vi har börjat utbilda alla chefer."
    saved = contact_client.post(FILL_IN, data, follow=True).content.decode()
    assert "Er självskattning är sparad." in saved
    assert "Nivå 2 av 4: Under utveckling" in saved
    assert "Vi har börjat utbilda alla chefer." in saved
    stored = SelfAssessment.objects.get(candidacy=candidacy)
    assert stored.answers["skills"] == {"level": 2, "comment": "Vi har börjat utbilda alla chefer."}
    assert stored.updated_by == "contact:kontakt@sundsvall.se"
    assert AuditEvent.objects.filter(action="candidacy.self_assessment_saved").count() == 1

    # The rubric is frozen now: its areas cannot change, its last day can.
    rubric.refresh_from_db()
    assert rubric.frozen_at is not None
    with translation.override("sv"), pytest.raises(CallFrozen) as refused:
        set_self_assessment(
            edition=rubric.edition,
            areas=AREAS[:2],
            levels=LEVELS,
            closes_at=rubric.closes_at,
            actor=organiser,
        )
    assert "kan inte längre ändras: den första nominerade fyllde i den" in str(refused.value)
    with pytest.raises(CallFrozen):
        remove_self_assessment(edition=rubric.edition, actor=organiser)
    later = rubric.closes_at + timedelta(days=3)
    set_self_assessment(
        edition=rubric.edition, areas=AREAS, levels=LEVELS, closes_at=later, actor=organiser
    )
    rubric.refresh_from_db()
    assert rubric.closes_at == later


def test_a_missing_level_is_named_and_nothing_is_saved(contact_client, rubric):
    data = {f"level-{key}": "3" for key in KEYS if key != "skills"}
    refused = contact_client.post(FILL_IN, data)
    assert refused.status_code == 400
    assert "Välj en nivå för ”Kompetens och kultur”." in refused.content.decode()
    assert not SelfAssessment.objects.exists()


def test_only_nominees_fill_it_in_and_only_in_time(nominee, rubric):
    candidacy, contact = nominee
    with translation.override("sv"):
        Candidacy.objects.filter(pk=candidacy.pk).update(stage=Stage.CANDIDACY)
        with pytest.raises(SelfAssessmentClosed) as not_nominee:
            save_self_assessment(
                candidacy=Candidacy.objects.get(pk=candidacy.pk),
                levels=_levels(),
                comments={},
                actor=contact,
            )
        assert str(not_nominee.value) == (
            "Självskattningen är för juryns nominerade, och Sundsvall är inte en av dem."
        )
        Candidacy.objects.filter(pk=candidacy.pk).update(stage=Stage.FINALIST)
        with pytest.raises(SelfAssessmentClosed) as too_late:
            save_self_assessment(
                candidacy=Candidacy.objects.get(pk=candidacy.pk),
                levels=_levels(),
                comments={},
                actor=contact,
                now=rubric.closes_at,
            )
        assert str(too_late.value).startswith("Tiden för självskattningen tog slut ")
    assert not SelfAssessment.objects.exists()
    saved = save_self_assessment(
        candidacy=Candidacy.objects.get(pk=candidacy.pk),
        levels=_levels(),
        comments={},
        actor=contact,
    )
    assert saved.answers["strategy"] == {"level": 3, "comment": ""}  # a finalist too


def test_after_the_last_day_the_contact_sees_what_was_sent(contact_client, nominee, rubric):
    candidacy, contact = nominee
    save_self_assessment(
        candidacy=candidacy,
        levels=_levels(4),
        comments={"services": "Allt på nätet."},
        actor=contact,
    )
    SelfAssessmentRubric.objects.filter(pk=rubric.pk).update(
        closes_at=timezone.now() - timedelta(minutes=1)
    )
    page = contact_client.get(FILL_IN).content.decode()
    assert "Tiden för självskattningen tog slut" in page
    assert "Nivå 4 av 4: Ledande" in page and "Allt på nätet." in page
    late = contact_client.post(FILL_IN, {f"level-{key}": "1" for key in KEYS})
    assert late.status_code == 409
    assert SelfAssessment.objects.get().answers["services"]["level"] == 4


def test_an_edition_without_a_rubric_asks_nothing(contact_client, nominee):
    assert "självskattning" not in contact_client.get(CONTACT_PAGE).content.decode().lower()
    assert contact_client.get(FILL_IN).status_code == 404


# --- the jury --------------------------------------------------------------------------------


def test_the_jury_and_the_organiser_read_it_on_the_candidacys_page(
    nominee, rubric, organiser_client
):
    candidacy, contact = nominee
    save_self_assessment(
        candidacy=candidacy,
        levels=_levels(3),
        comments={"strategy": "Strategin följs upp varje kvartal."},
        actor=contact,
    )
    chair = User.objects.create_user("chair@example.se", "chair@example.se", "pw")
    Membership.objects.create(
        edition=candidacy.edition,
        user=chair,
        role=Role.CHAIR,
        invited_at=timezone.now(),
        invited_by="cli",
        accepted_at=timezone.now(),
    )
    jury_page = sign_in_verified(Client(), chair).get(
        f"/arbetsyta/jury/2027/kandidaturer/{candidacy.pk}/"
    )
    for page in (
        jury_page.content.decode(),
        organiser_client.get(
            f"/arbetsyta/nomineringar/2027/kandidatur/{candidacy.pk}/"
        ).content.decode(),
    ):
        assert "Kommunens självskattning" in page
        assert "<dt>Strategi, ledning och styrning</dt>" in page
        assert "Nivå 3 av 4: Etablerad" in page
        assert "Strategin följs upp varje kvartal." in page


def test_the_jury_packet_reads_many_self_assessments_in_four_queries(
    nominee, rubric, edition, django_assert_num_queries
):
    candidacy, contact = nominee
    save_self_assessment(
        candidacy=candidacy, levels=_levels(2), comments={"skills": "Vi lär oss."}, actor=contact
    )
    others = list(Candidacy.objects.filter(edition=edition).exclude(pk=candidacy.pk))
    with translation.override("sv"), django_assert_num_queries(4):
        printed = for_packets([candidacy, *others])
    assert list(printed) == [candidacy.pk]
    packet = printed[candidacy.pk]
    assert isinstance(packet, PrintedSelfAssessment)
    assert packet.title == "Kommunens självskattning"
    assert packet.answers[:2] == [
        ("Strategi, ledning och styrning", "Nivå 2 av 4: Under utveckling"),
        ("Kompetens och kultur", "Nivå 2 av 4: Under utveckling\nVi lär oss."),
    ]
    assert packet.note.startswith("Ifylld av kommunens kontaktperson; senast sparad ")
    assert for_packets([]) == {}


def test_the_organiser_sees_who_has_filled_it_in(organiser_client, nominee, rubric):
    page = organiser_client.get(RUBRIC_PAGE).content.decode()
    assert "Sundsvall: inte ifylld än" in page
    candidacy, contact = nominee
    save_self_assessment(candidacy=candidacy, levels=_levels(), comments={}, actor=contact)
    page = organiser_client.get(RUBRIC_PAGE).content.decode()
    assert "Sundsvall: ifylld" in page
    assert "kan inte längre ändras" in page


def test_the_jury_packet_prints_it_area_by_area(nominee, rubric):
    candidacy, contact = nominee
    save_self_assessment(candidacy=candidacy, levels=_levels(4), comments={}, actor=contact)
    with translation.override("sv"):
        printed = for_packets([candidacy])[candidacy.pk]
    assert isinstance(printed, PrintedSelfAssessment)
    assert (printed.title, printed.answers[0]) == (
        "Kommunens självskattning",
        ("Strategi, ledning och styrning", "Nivå 4 av 4: Ledande"),
    )
