"""The questions of an edition's call: set by the organiser before the call takes nominations,
frozen by the first nomination, kept by earlier editions, and shown with every answer to the
nominator, the organiser, the contact, the jury and in the exports."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone, translation

from kommunpris.audit.models import AuditEvent
from kommunpris.awards.models import Edition
from kommunpris.awards.services import close_nominations, create_edition
from kommunpris.nominations.models import Nomination, NominationQuestion
from kommunpris.nominations.questions import answered, questions_of
from kommunpris.nominations.selectors import candidacies, contribution_of
from kommunpris.nominations.services import (
    CallError,
    CallFrozen,
    NominationError,
    NotTheOrganiser,
    QuestionText,
    register_contact,
    respond_to_candidacy,
    save_contribution,
    set_questions,
    submit_nomination,
)
from kommunpris.register.models import Municipality

QUESTIONS_PAGE = "/arbetsyta/nomineringar/{year}/fragor/"
STANDARD = [
    "Vad är kommunen mest stolt över?",
    "Vilken effekt har det fått?",
    "Vad har man lärt sig?",
]
OWN = [
    QuestionText(
        text_sv="Vilket utvecklingssprång tog kommunen under pandemin?",
        text_en="What leap forward did the municipality take during the pandemic?",
        hint_sv="Ett exempel räcker.",
        max_length=500,
    ),
    QuestionText(
        text_sv="Vad vill ni att juryn ska veta mer?",
        text_en="What else should the jury know?",
        required=False,
        max_length=200,
    ),
]


@pytest.fixture
def draft(award, organiser) -> Edition:
    """2027 prepared but not opened."""
    now = timezone.now()
    return create_edition(
        award=award,
        year=2027,
        nominations_close_at=now + timedelta(days=30),
        supplement_close_at=now + timedelta(days=45),
        ceremony_at=now + timedelta(days=200),
        actor=organiser,
    )


def _texts(edition: Edition) -> list[str]:
    return [q.text_sv for q in questions_of(edition)]


def _nominate(edition: Edition, answers: dict[str, str], email: str = "anna@example.se"):
    return submit_nomination(
        edition=edition,
        municipality=Municipality.objects.get(name="Sundsvall"),
        answers=answers,
        nominator_name="Anna Andersson",
        nominator_email=email,
    )


# --- the organiser sets them -----------------------------------------------------------------


def test_a_new_edition_asks_the_standard_three_questions(draft):
    questions = questions_of(draft)
    assert [(q.key, q.text_sv, q.required, q.max_length) for q in questions] == [
        ("proud", STANDARD[0], True, 3000),
        ("effect", STANDARD[1], True, 3000),
        ("learned", STANDARD[2], True, 3000),
    ]
    assert not NominationQuestion.objects.filter(edition=draft).exists()  # not stored yet


def test_the_organiser_sets_questions_in_swedish_and_english(draft, organiser):
    saved = set_questions(edition=draft, questions=OWN, actor=organiser)
    assert [(q.position, q.key, q.text_sv, q.required, q.max_length) for q in saved] == [
        (1, "q4", OWN[0].text_sv, True, 500),
        (2, "q5", OWN[1].text_sv, False, 200),
    ]
    with translation.override("en"):
        assert [q.text for q in questions_of(draft)] == [OWN[0].text_en, OWN[1].text_en]
    [event] = AuditEvent.objects.filter(action="edition.questions_set")
    assert (event.actor, event.target) == (
        "organiser@example.se",
        "edition:digitaliseringskommun:2027",
    )
    assert [q["sv"] for q in event.before["questions"]] == STANDARD
    assert [q["sv"] for q in event.after["questions"]] == [q.text_sv for q in OWN]


def test_a_question_that_keeps_its_key_keeps_its_name(draft, organiser):
    set_questions(
        edition=draft,
        questions=[QuestionText(text_sv="Vad är ni stoltast över?", key="proud"), *OWN],
        actor=organiser,
    )
    assert [q.key for q in questions_of(draft)] == ["proud", "q4", "q5"]


@pytest.mark.parametrize(
    ("questions", "message"),
    [
        ([], "Nomineringen behöver minst en fråga."),
        (
            [QuestionText(text_sv=" ")],
            "Fråga 1 saknar svensk text. Skriv den, eller ta bort frågan.",
        ),
        (
            [QuestionText(text_sv="Vad?", max_length=50)],
            "Fråga 1: längdgränsen ska vara mellan 100 och 20000 tecken.",
        ),
        (
            [QuestionText(text_sv="Vad?", required=False)],
            "Gör minst en fråga obligatorisk, annars kan en nominering skickas tom.",
        ),
        (
            [QuestionText(text_sv=f"Fråga {n}?") for n in range(11)],
            "En nominering har högst 10 frågor; ta bort 1.",
        ),
    ],
)
def test_questions_that_cannot_be_taken_are_refused_and_change_nothing(
    draft, organiser, questions, message
):
    with translation.override("sv"), pytest.raises(CallError) as refused:
        set_questions(edition=draft, questions=questions, actor=organiser)
    assert str(refused.value) == message
    assert not NominationQuestion.objects.filter(edition=draft).exists()
    assert not AuditEvent.objects.filter(action="edition.questions_set").exists()


def test_only_an_organiser_sets_the_questions(draft, juror_user):
    with pytest.raises(NotTheOrganiser):
        set_questions(edition=draft, questions=OWN, actor=juror_user)
    assert _texts(draft) == STANDARD


@pytest.fixture
def juror_user(db):
    from django.contrib.auth.models import User

    return User.objects.create_user("juror@example.se", "juror@example.se", "pw")


# --- frozen by the first nomination ----------------------------------------------------------


def test_the_first_nomination_freezes_the_questions_and_says_when(edition, organiser):
    set_questions(edition=edition, questions=OWN, actor=organiser)  # open, no nomination yet
    _nominate(edition, {"q4": "Vi flyttade allt till nätet på två veckor."})
    frozen = list(NominationQuestion.objects.filter(edition=edition))
    assert all(q.frozen_at is not None for q in frozen)
    with translation.override("sv"), pytest.raises(CallFrozen) as refused:
        set_questions(
            edition=edition, questions=[QuestionText(text_sv="Ny fråga?")], actor=organiser
        )
    assert str(refused.value).startswith(
        "Frågorna till Sveriges DigitaliseringsKommun 2027 kan inte längre ändras: den första "
        "nomineringen kom "
    )
    assert str(refused.value).endswith("och varje svar behåller den fråga det gavs till.")
    assert _texts(edition) == [q.text_sv for q in OWN]
    assert AuditEvent.objects.filter(action="edition.questions_frozen").count() == 1


def test_the_standard_questions_are_stored_when_the_first_nomination_arrives(edition):
    _nominate(edition, {"proud": "Bygglov.", "effect": "Snabbare.", "learned": "Mät."})
    stored = list(NominationQuestion.objects.filter(edition=edition).order_by("position"))
    assert [(q.key, q.text_sv) for q in stored] == list(
        zip(["proud", "effect", "learned"], STANDARD, strict=True)
    )
    assert Nomination.objects.get().answers == {
        "proud": "Bygglov.",
        "effect": "Snabbare.",
        "learned": "Mät.",
    }


def test_a_refused_nomination_freezes_nothing(edition, organiser):
    with translation.override("sv"), pytest.raises(NominationError) as refused:
        _nominate(edition, {"proud": "Bygglov.", "effect": "", "learned": "Mät."})
    assert str(refused.value) == "Svara på frågan ”Vilken effekt har det fått?”."
    assert not NominationQuestion.objects.filter(edition=edition).exists()
    set_questions(edition=edition, questions=OWN, actor=organiser)  # still free to change


def test_each_answer_is_held_to_its_own_questions_limit(edition, organiser):
    set_questions(edition=edition, questions=OWN, actor=organiser)
    with translation.override("sv"), pytest.raises(NominationError) as refused:
        _nominate(edition, {"q4": "Kort.", "q5": "x" * 201})
    assert str(refused.value) == (
        "Svaret på ”Vad vill ni att juryn ska veta mer?” får vara högst 200 tecken; det har 201."
    )
    assert not Nomination.objects.exists()
    _nominate(edition, {"q4": "x" * 500, "q5": ""})  # the optional one left empty
    assert Nomination.objects.get().answers == {"q4": "x" * 500}


def test_a_closed_call_keeps_its_questions(edition, organiser):
    close_nominations(edition=edition, actor=organiser)
    with translation.override("sv"), pytest.raises(CallFrozen) as refused:
        set_questions(edition=edition, questions=OWN, actor=organiser)
    assert str(refused.value) == (
        "Nomineringen till Sveriges DigitaliseringsKommun 2027 har stängt, så frågorna står kvar "
        "så som nomineringarna besvarade dem."
    )


def test_earlier_editions_keep_their_questions(edition, organiser, award):
    _nominate(edition, {"proud": "Bygglov.", "effect": "Snabbare.", "learned": "Mät."})
    now = timezone.now()
    later = create_edition(
        award=award,
        year=2029,
        nominations_close_at=now + timedelta(days=60),
        supplement_close_at=now + timedelta(days=70),
        ceremony_at=now + timedelta(days=300),
        actor=organiser,
    )
    assert _texts(later) == STANDARD  # starts from the latest edition's questions
    set_questions(edition=later, questions=OWN, actor=organiser)
    assert _texts(later) == [q.text_sv for q in OWN]
    assert _texts(edition) == STANDARD
    assert _texts(Edition.objects.get(award=award, year=2023)) == STANDARD  # the archive
    nomination = Nomination.objects.get()
    with translation.override("sv"):
        shown = [(a.label, a.text) for a in answered(questions_of(edition), nomination.answers)]
    assert shown == [
        (STANDARD[0], "Bygglov."),
        (STANDARD[1], "Snabbare."),
        (STANDARD[2], "Mät."),
    ]


def test_a_new_edition_starts_from_the_latest_questions(draft, organiser, award):
    set_questions(edition=draft, questions=OWN, actor=organiser)
    now = timezone.now()
    later = create_edition(
        award=award,
        year=2029,
        nominations_close_at=now + timedelta(days=60),
        supplement_close_at=now + timedelta(days=70),
        ceremony_at=now + timedelta(days=300),
        actor=organiser,
    )
    assert [(q.key, q.text_sv, q.pk) for q in questions_of(later)] == [
        ("q4", OWN[0].text_sv, None),
        ("q5", OWN[1].text_sv, None),
    ]


# --- through the desk ------------------------------------------------------------------------


def test_the_organiser_sets_questions_on_the_desk(organiser_client, draft):
    page = organiser_client.get(QUESTIONS_PAGE.format(year=2027)).content.decode()
    assert "Nomineringens frågor – Sveriges DigitaliseringsKommun 2027" in page
    assert "Upplagan har inga egna frågor än" in page
    assert 'value="Vad är kommunen mest stolt över?"' in page
    data = {
        "q-TOTAL_FORMS": "5",
        "q-INITIAL_FORMS": "3",
        "q-MIN_NUM_FORMS": "0",
        "q-MAX_NUM_FORMS": "10",
    }
    for n, key in enumerate(["proud", "effect", "learned"]):
        data |= {
            f"q-{n}-key": key,
            f"q-{n}-text_sv": STANDARD[n],
            f"q-{n}-required": "on",
            f"q-{n}-max_length": "3000",
            f"q-{n}-ORDER": str(n + 1),
        }
    data["q-2-DELETE"] = "on"  # drop "what has been learned"
    data["q-1-ORDER"] = "5"  # the effect last
    data |= {
        "q-3-text_sv": OWN[0].text_sv,
        "q-3-text_en": OWN[0].text_en,
        "q-3-required": "on",
        "q-3-max_length": "500",
        "q-3-ORDER": "2",
        "q-4-required": "on",
        "q-4-max_length": "3000",
    }  # the fifth block left empty
    saved = organiser_client.post(QUESTIONS_PAGE.format(year=2027), data, follow=True)
    assert "Frågorna till Sveriges DigitaliseringsKommun 2027 är sparade." in saved.content.decode()
    assert [(q.key, q.text_sv, q.max_length) for q in questions_of(draft)] == [
        ("proud", STANDARD[0], 3000),
        ("q4", OWN[0].text_sv, 500),
        ("effect", STANDARD[1], 3000),
    ]


def test_the_desk_refuses_frozen_questions_and_says_why(organiser_client, edition):
    _nominate(edition, {"proud": "Bygglov.", "effect": "Snabbare.", "learned": "Mät."})
    page = organiser_client.get(QUESTIONS_PAGE.format(year=2027)).content.decode()
    assert "kan inte längre ändras: den första nomineringen kom" in page
    assert "Spara frågorna" not in page
    refused = organiser_client.post(QUESTIONS_PAGE.format(year=2027), {"standard": "yes"})
    assert refused.status_code == 409
    assert "Ingenting ändrades" in refused.content.decode()


# --- every reader sees the question each answer belongs to -----------------------------------


@pytest.fixture
def own_call(edition, organiser):
    set_questions(edition=edition, questions=OWN, actor=organiser)
    return edition


def test_the_public_form_asks_the_editions_questions(client, own_call, nominate, confirm, link_in):
    form = client.get("/nominera/").content.decode()
    assert f'<label for="id_q4">{OWN[0].text_sv}</label>' in form
    assert "Ett exempel räcker." in form
    assert f'<label for="id_q5">{OWN[1].text_sv} (valfritt)</label>' in form
    assert 'data-limit="500"' in form and 'data-limit="200"' in form
    assert "Vad är kommunen mest stolt över?" not in form
    english = client.get("/en/nominera/").content.decode()
    assert OWN[0].text_en in english
    missing = nominate(q4="", q5="")
    assert missing.status_code == 400
    assert f"Svara på frågan ”{OWN[0].text_sv}”." in missing.content.decode()
    nominate(q4="Allt blev digitalt.", q5="Fråga oss gärna.")
    confirmation = link_in(mail.outbox[-1], "/nominera/bekrafta/")
    shown = client.get(confirmation).content.decode()
    assert f"<h3>{OWN[0].text_sv}</h3>" in shown
    assert '<blockquote class="answer">Allt blev digitalt.</blockquote>' in shown
    confirm(confirmation)
    assert Nomination.objects.get().answers == {
        "q4": "Allt blev digitalt.",
        "q5": "Fråga oss gärna.",
    }


def test_the_organiser_reads_and_exports_answers_under_their_questions(
    organiser_client, own_call, nominate, confirm, link_in
):
    nominate(q4="Allt blev digitalt.", q5="=1+1")
    confirm(link_in(mail.outbox[-1], "/nominera/bekrafta/"))
    listed = organiser_client.get("/arbetsyta/nomineringar/2027/nomineringar/").content.decode()
    assert f"<h4>{OWN[0].text_sv}</h4>" in listed
    assert "Allt blev digitalt." in listed
    searched = organiser_client.get(
        "/arbetsyta/nomineringar/2027/nomineringar/", {"q": "digitalt"}
    ).content.decode()
    assert "Allt blev digitalt." in searched
    rows = list(
        csv.reader(
            io.StringIO(
                b"".join(
                    organiser_client.get("/arbetsyta/nomineringar/2027/nomineringar.csv")
                ).decode("utf-8-sig")
            ),
            delimiter=";",
        )
    )
    header, [row] = rows[0], rows[1:]
    assert header[10:13] == [OWN[0].text_sv, OWN[1].text_sv, "Skäl för avvisning"]
    assert row[10:12] == ["Allt blev digitalt.", "'=1+1"]


def test_a_search_finds_swedish_letters_in_the_answers(
    organiser_client, own_call, nominate, confirm, link_in
):
    nominate(q4="Lärplattor i förskolan åt alla.")
    confirm(link_in(mail.outbox[-1], "/nominera/bekrafta/"))
    found = organiser_client.get(
        "/arbetsyta/nomineringar/2027/nomineringar/", {"q": "förskolan"}
    ).content.decode()
    assert "Lärplattor i förskolan åt alla." in found


def test_the_municipality_answers_the_same_questions_with_twice_the_room(
    own_call, organiser, nominate, confirm, link_in, django_capture_on_commit_callbacks
):
    nominate(q4="Allt blev digitalt.")
    confirm(link_in(mail.outbox[-1], "/nominera/bekrafta/"))
    candidacy = candidacies(own_call).get()
    with django_capture_on_commit_callbacks(execute=True):
        contact = register_contact(
            edition=own_call,
            municipality=Municipality.objects.get(name="Sundsvall"),
            email="kontakt@sundsvall.se",
            actor=organiser,
        )
    respond_to_candidacy(candidacy=candidacy, actor=contact, accept=True)
    save_contribution(candidacy=candidacy, actor=contact, answers={"q5": "y" * 400})
    with translation.override("sv"):
        contribution = contribution_of(candidacies(own_call).get())
        shown = [(a.label, a.text) for a in contribution.answers]
    assert shown == [
        (OWN[0].text_sv, ""),
        (OWN[1].text_sv, "y" * 400),
    ]
    page = Client()
    page.post(link_in(mail.outbox[-1], "/kommun/lank/"))
    shown = page.get("/arbetsyta/nomineringar/kommun/").content.decode()
    assert f'<label for="id_q5">{OWN[1].text_sv} (valfritt)</label>' in shown
    assert 'data-limit="400"' in shown  # twice the nominator's 200


def test_the_desk_leads_the_organiser_to_the_questions_before_the_call_opens(
    organiser_client, draft
):
    start = organiser_client.get("/arbetsyta/").content.decode()
    assert "Se över nomineringens frågor" in start
    assert (
        "Nomineringen ställer 3 frågor; de kan ändras tills den första nomineringen kommer."
        in start
    )
    assert 'href="/arbetsyta/nomineringar/2027/fragor/"' in start
    editions = organiser_client.get("/arbetsyta/nomineringar/").content.decode()
    assert (
        '<a href="/arbetsyta/nomineringar/2027/fragor/">Nomineringens frågor för 2027</a>'
        in editions
    )
