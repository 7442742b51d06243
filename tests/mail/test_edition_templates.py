"""The organiser's own texts of the platform's messages, per edition and language.

The platform's own texts are the defaults, written out in the organiser's template language: a
default renders exactly what the platform sends today, in Swedish and English. A template the
organiser saves is used for every message of its edition (through the services that send them),
never for another edition's; links that let the reader in are still built only at sending. Bad
templates are refused with the line and the fix, and nothing is saved.
"""

from __future__ import annotations

import itertools
import random
import re
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.test import Client
from django.utils import timezone, translation

from kommunpris.audit.models import AuditEvent
from kommunpris.audit.vocabulary import CLI
from kommunpris.awards.models import Award, Edition
from kommunpris.awards.services import create_edition, open_nominations
from kommunpris.jury import services as jury
from kommunpris.jury.demo import DemoJuror, run_jury
from kommunpris.jury.models import Role
from kommunpris.mail import catalogue
from kommunpris.mail.models import EditionMailTemplate, OutgoingMail
from kommunpris.mail.organiser_templates import check, default_subject_and_body, render
from kommunpris.mail.services import render_mail
from kommunpris.mail.templates_service import (
    MailConflict,
    MailNotAllowed,
    MailTemplateInvalid,
    preview,
    reset_template,
    save_template,
    send_test,
    template_text,
)
from kommunpris.nominations import services as nominations
from kommunpris.register.models import Municipality
from tests.jury.conftest import make_candidacy, make_edition

from .own_text import every_placeholder, placeholder_values

ORGANISER = "organisator@kvalitetsmassan.se"
SRC = Path(__file__).resolve().parents[2] / "src" / "kommunpris"


def _open_edition(award: Award, year: int = 2029) -> Edition:
    now = timezone.now()
    return open_nominations(
        edition=create_edition(
            award=award,
            year=year,
            nominations_close_at=now + timedelta(days=30),
            supplement_close_at=now + timedelta(days=45),
            ceremony_at=now + timedelta(days=200),
            actor=CLI,
        ),
        actor=CLI,
    )


# --- the catalogue and the defaults -----------------------------------------------------------


def test_every_message_the_platform_sends_is_in_the_catalogue(db):
    on_disk = {
        str(path.relative_to(path.parents[2])).removeprefix("mail/").removesuffix(".subject.txt")
        for path in SRC.glob("*/templates/mail/**/*.subject.txt")
    }
    assert on_disk == {m.key for m in catalogue.messages()}
    assert len(on_disk) == 14


# Values that take every branch of every message, none changed by HTML escaping (three of the
# platform's own text templates escape their values).
VARIANTS = {
    "name": ["", "Anna"],
    "is_update": [False, True],
    "role": ["chair", "juror"],
    "has_password": [False, True],
    "count": [1, 7],
    "stage": ["nominee", "finalist"],
    "remaining": [1, 4],
}


def _contexts(message: catalogue.Message, edition: Edition) -> list[dict[str, Any]]:
    base = message.example(edition).context
    base.update({p.name: "[[link-0123456789abcdef]]" for p in message.placeholders if p.is_link})
    varied = [name for name in VARIANTS if name in {p.name for p in message.placeholders}]
    return [
        {**base, **dict(zip(varied, values, strict=True))}
        for values in itertools.product(*(VARIANTS[name] for name in varied))
    ]


@pytest.mark.parametrize("language", ["sv", "en"])
@pytest.mark.parametrize("key", [m.key for m in catalogue.messages()])
def test_the_default_is_what_the_platform_sends_today(award, key, language):
    edition = _open_edition(award)
    message = catalogue.message(key)
    subject, body = default_subject_and_body(key, language=language)
    # The default uses only the message's own placeholders: the organiser's check accepts it.
    checked = check(subject=subject, body=body, placeholders=message.placeholders)
    contexts = _contexts(message, edition)
    assert len(contexts) >= 1
    for context in contexts:
        today = render_mail(key, context, language=language)
        with translation.override(language):
            ours = render(checked, context, language=language)
        assert (ours.subject, ours.text.strip()) == (today[0], today[1].strip()), context


def test_defaults_are_written_in_the_language_asked_for(db):
    swedish = default_subject_and_body("nominations/candidacy_notice", language="sv")
    english = default_subject_and_body("nominations/candidacy_notice", language="en")
    assert swedish[0] == "{{ municipality }} är nominerad till {{ edition_title }}"
    assert english[0] == "{{ municipality }} has been nominated for {{ edition_title }}"
    assert swedish[1].startswith("{% if name %}Hej {{ name }}!{% else %}Hej!{% endif %}\n")
    assert "Logga in med länken nedan" in swedish[1]
    assert "Sign in with the link below" in english[1]
    plural = default_subject_and_body("jury/round_open", language="sv")[1]
    assert "{% if count == 1 %}" in plural and "{{ count }} kandidaturer" in plural


# --- refusals ---------------------------------------------------------------------------------

BODY = "Hej {{ name }}!\n\n{{ link }}\n"
REFUSED = [
    ("Hej {{ namn }}!\n{{ link }}", "Rad 1: {{ namn }} är ingen platshållare i det här"),
    ("{% for x in name %}{{ x }}{% endfor %}\n{{ link }}", "{% for %} kan inte användas"),
    ("{% load static %}\n{{ link }}", "{% load %} kan inte användas"),
    ("{% include 'x.html' %}\n{{ link }}", "{% include %} kan inte användas"),
    ("Hej!\n\n{% if name %}Hej {{ name }}\n{{ link }}", "Rad 3: {% if name %} saknar sitt"),
    ("Hej!\n{% endif %}\n{{ link }}", "Rad 2: {% endif %} har inget {% if … %} före sig"),
    ("Hej {{ name }!\n{{ link }}", "Rad 1: ”{{” är inte stängt eller inte öppnat"),
    ("Hej {{ name|safe }}\n{{ link }}", "Filtret i ”name|safe” kan inte användas"),
    ("Hej {{ name.upper }}\n{{ link }}", "Skriv platshållaren {{ name }} ensam, utan ”.upper”"),
    ("Hej!\n{{ link|upper }}", "{{ link }} är en länk som skapas när meddelandet skickas"),
    ("Hej {{ name }}!", "Texten måste innehålla {{ link }}"),
    ("", "Texten är tom"),
]


@pytest.mark.parametrize(("body", "says"), REFUSED)
def test_a_bad_template_is_refused_with_the_line_and_nothing_is_saved(award, organiser, body, says):
    edition = _open_edition(award)
    events = AuditEvent.objects.count()
    with pytest.raises(MailTemplateInvalid) as refused:
        save_template(
            edition=edition,
            key="nominations/contact_link",
            language="sv",
            subject="Din länk",
            body=body,
            actor=organiser,
        )
    assert says in str(refused.value)
    assert EditionMailTemplate.objects.count() == 0
    assert AuditEvent.objects.count() == events


def test_a_bad_subject_is_refused_too(award, organiser):
    edition = _open_edition(award)
    for subject, says in [
        ("", "Ämnesraden är tom"),
        ("Hej {{ vem }}", "I ämnesraden: Rad 1: {{ vem }} är ingen platshållare"),
        ("x" * 201, "Ämnesraden är 201 tecken lång; högst 200 får plats."),
    ]:
        with pytest.raises(MailTemplateInvalid) as refused:
            save_template(
                edition=edition,
                key="nominations/contact_link",
                language="sv",
                subject=subject,
                body=BODY,
                actor=organiser,
            )
        assert says in str(refused.value)
    assert EditionMailTemplate.objects.count() == 0


def test_only_an_organiser_may_write_the_platforms_mail(award):
    edition = _open_edition(award)
    juror = User.objects.create_user(username="j@example.se", email="j@example.se")
    with pytest.raises(MailNotAllowed):
        save_template(
            edition=edition,
            key="nominations/contact_link",
            language="sv",
            subject="Din länk",
            body=BODY,
            actor=juror,
        )
    assert EditionMailTemplate.objects.count() == 0


# --- saving, going back, the default kept ---------------------------------------------------


def test_saving_audits_before_and_after_and_going_back_restores_the_platforms_text(
    award, organiser
):
    edition = _open_edition(award)
    saved = save_template(
        edition=edition,
        key="nominations/contact_link",
        language="en",
        subject="Your link, {{ municipality }}",
        body=BODY,
        actor=organiser,
    )
    assert saved is not None and (saved.language, saved.updated_by) == ("en", ORGANISER)
    shown = template_text(edition, "nominations.contact_link", "en")
    assert (shown.is_own, shown.subject, shown.body) == (
        True,
        "Your link, {{ municipality }}",
        BODY,
    )
    event = AuditEvent.objects.filter(action="mail.template_saved").get()
    assert event.target == "edition:digitaliseringskommun:2029"
    assert event.before == {"message": "nominations/contact_link", "language": "en", "text": None}
    assert event.after["text"] == {"subject": "Your link, {{ municipality }}", "body": BODY}

    reset_template(edition=edition, key="nominations/contact_link", language="en", actor=organiser)
    shown = template_text(edition, "nominations/contact_link", "en")
    assert shown.is_own is False
    assert (shown.subject, shown.body) == default_subject_and_body(
        "nominations/contact_link", language="en"
    )
    reset = AuditEvent.objects.filter(action="mail.template_reset").get()
    assert reset.before["text"]["subject"] == "Your link, {{ municipality }}"
    with pytest.raises(MailConflict) as again:
        reset_template(
            edition=edition, key="nominations/contact_link", language="en", actor=organiser
        )
    assert "har redan plattformens egen text" in str(again.value)


def test_the_default_typed_back_unchanged_keeps_no_text_of_its_own(award, organiser):
    edition = _open_edition(award)
    subject, body = default_subject_and_body("jury/decided", language="sv")
    assert (
        save_template(
            edition=edition,
            key="jury/decided",
            language="sv",
            subject=subject,
            body=body.replace("\n", "\r\n"),  # as a browser sends it
            actor=organiser,
        )
        is None
    )
    assert EditionMailTemplate.objects.count() == 0
    assert not AuditEvent.objects.filter(action="mail.template_saved").exists()


# --- used when the platform sends -------------------------------------------------------------


def test_the_editions_own_templates_write_every_message_the_call_sends(
    award, organiser, django_capture_on_commit_callbacks
):
    edition = _open_edition(award)
    other = _open_edition(award, year=2031)
    # The reminder to confirm is the reminder run's (tests/reminders/test_own_texts.py).
    keys = [
        "nominations/confirm",
        "nominations/candidacy_notice",
        "nominations/contact_link",
        "nominations/personal_data_link",
        "jury/invitation",
    ]
    for key in keys:
        subject, body = every_placeholder(key)
        save_template(
            edition=edition, key=key, language="sv", subject=subject, body=body, actor=organiser
        )
    sundsvall = Municipality.objects.get(code="2281")
    with django_capture_on_commit_callbacks(execute=True):
        nominations.submit_nomination(
            edition=edition,
            municipality=sundsvall,
            answers={
                "proud": "Bygglov på nätet.",
                "effect": "Kortare väntan.",
                "learned": "Att mäta.",
            },
            nominator_name="Anna Andersson",
            nominator_email="anna@example.se",
        )
    confirmation = mail.outbox[-1]
    token = urlsplit(re.search(r"https?://\S+/nominera/bekrafta/\S+", confirmation.body)[0])
    nominations.confirm_nomination(token=token.path.rstrip("/").split("/")[-1])
    with django_capture_on_commit_callbacks(execute=True):
        nominations.register_contact(
            edition=edition,
            municipality=sundsvall,
            email="kontakt@sundsvall.se",
            name="Karin Kontakt",
            actor=CLI,
        )
        nominations.request_contact_link(email="kontakt@sundsvall.se")
        nominations.request_personal_data_link(email="anna@example.se")
        jury.invite_member(
            edition=edition,
            email="sara@example.se",
            role=Role.JUROR,
            actor=CLI,
            name="Sara Svensson",
        )
        # Another edition's message keeps the platform's text.
        jury.invite_member(edition=other, email="olle@example.se", role=Role.JUROR, actor=CLI)

    sent = {m.template: m for m in OutgoingMail.objects.filter(edition=edition)}
    assert set(sent) == set(keys)
    by_subject = {m.subject: m for m in mail.outbox}
    for key in keys:
        stored = sent[key]
        assert stored.body_text.startswith("EGEN MALL\n"), key
        values = placeholder_values(stored.body_text)
        declared = [p.name for p in catalogue.message(key).placeholders if not p.is_link]
        # Every placeholder the message declares is given a value by the service that sends it.
        assert sorted(values) == sorted(declared), key
        assert all(value != "" for value in values.values()), (key, values)
        # The link is a marker in the outbox and a working link in the e-mail as sent.
        assert re.search(r"^\[\[link-[0-9a-f]{16}\]\]$", stored.body_text, flags=re.M), key
        as_sent = by_subject[stored.subject]
        assert re.search(r"^https?://\S+/\S{20,}/$", as_sent.body, flags=re.M), key
        assert as_sent.alternatives[0][0].startswith("<!DOCTYPE html>")
    assert (
        placeholder_values(sent["nominations/candidacy_notice"].body_text)["municipality"]
        == "Sundsvall"
    )
    assert placeholder_values(sent["nominations/contact_link"].body_text)["name"] == "Karin Kontakt"
    assert sent["nominations/confirm"].subject == (
        "EGEN nominations/confirm Sveriges DigitaliseringsKommun 2029"
    )
    # The contact's sign-in link in the organiser's text lets the contact in.
    notice = by_subject[sent["nominations/candidacy_notice"].subject]
    door = re.search(r"https?://\S+/arbetsyta/nomineringar/kommun/lank/\S+", notice.body)[0]
    assert "Sundsvall" in Client().get(urlsplit(door).path).content.decode()
    # The other edition's invitation is the platform's own text.
    olle = OutgoingMail.objects.get(to="olle@example.se")
    assert olle.edition == other
    assert olle.body_text.startswith("Hej!\n\nDu är inbjuden att sitta i juryn för")


def test_a_template_in_english_is_used_only_for_messages_in_english(
    award, organiser, django_capture_on_commit_callbacks
):
    edition = _open_edition(award)
    save_template(
        edition=edition,
        key="jury/invitation",
        language="en",
        subject="Welcome to the jury of {{ edition_title }}",
        body="Welcome!\n\n{{ link }}\n",
        actor=organiser,
    )
    with django_capture_on_commit_callbacks(execute=True):
        jury.invite_member(edition=edition, email="sv@example.se", role=Role.JUROR, actor=CLI)
        jury.invite_member(
            edition=edition,
            email="en@example.se",
            role=Role.JUROR,
            actor=CLI,
            language="en",
        )
    english = OutgoingMail.objects.get(to="en@example.se")
    swedish = OutgoingMail.objects.get(to="sv@example.se")
    assert english.subject == "Welcome to the jury of Sveriges DigitaliseringsKommun 2029"
    assert swedish.subject == "Inbjudan till juryn för Sveriges DigitaliseringsKommun 2029"


# --- preview and test -------------------------------------------------------------------------


def test_the_preview_shows_the_editions_real_data_and_no_link(
    award, organiser, django_capture_on_commit_callbacks
):
    edition = _open_edition(award)
    made_up = preview(
        edition=edition,
        key="nominations/contact_link",
        language="sv",
        subject="Länk – {{ municipality }}",
        body=BODY,
    )
    assert made_up.about == "Upplagan har inga sådana uppgifter ännu: värdena är exempel."
    with django_capture_on_commit_callbacks(execute=True):
        nominations.register_contact(
            edition=edition,
            municipality=Municipality.objects.get(code="2262"),
            email="kontakt@timra.se",
            name="Tora Timrå",
            actor=CLI,
        )
    shown = preview(
        edition=edition,
        key="nominations/contact_link",
        language="sv",
        subject="Länk – {{ municipality }}",
        body=BODY,
    )
    assert shown.subject == "Länk – Timrå"
    assert shown.text == (
        "Hej Tora Timrå!\n\n[den personliga länken – skapas när meddelandet skickas]\n"
    )
    assert shown.about == "Kontaktpersonen för Timrå."


def test_a_test_goes_to_the_organiser_alone_with_a_stand_in_for_the_link(
    award, organiser, django_capture_on_commit_callbacks
):
    edition = _open_edition(award)
    with django_capture_on_commit_callbacks(execute=True):
        sent = send_test(
            edition=edition,
            key="nominations/candidacy_notice",
            language="sv",
            subject="{{ municipality }} är nominerad",
            body="Hej!\n\n{{ link }}\n\nSista dag: {{ supplement_close }}\n",
            actor=organiser,
        )
    assert [m.to for m in mail.outbox] == [[ORGANISER]]
    message = mail.outbox[0]
    assert message.subject == "[Test] Sundsvall är nominerad"
    assert "[den personliga länken – skapas när meddelandet skickas]" in message.body
    assert "://" not in message.body
    assert sent.template == "nominations/candidacy_notice/test"  # purged with the call's mail
    assert EditionMailTemplate.objects.count() == 0  # a test saves nothing
    event = AuditEvent.objects.filter(action="mail.test_sent").get()
    assert event.after["to"] == ORGANISER


def test_the_editions_own_templates_write_every_message_the_jury_sends(award, organiser):
    """Seating the jury, three scoring rounds, the ballot and the decision, through the services
    (the demo's simulated jury): every message is the edition's own text, each placeholder
    given its value."""
    edition = make_edition(award, year=2031)
    for code in ("2121", "2262", "2584", "2161", "1281"):
        make_candidacy(edition, code)
    # The announcements and the feedback have tests of their own (tests/jury/
    # test_announcements.py, tests/packet/test_feedback.py).
    keys = ["jury/invitation", "jury/round_open", "jury/ballot_open", "jury/decided"]
    for key in keys:
        subject, body = every_placeholder(key)
        save_template(
            edition=edition, key=key, language="sv", subject=subject, body=body, actor=organiser
        )
    jurors = (
        DemoJuror("Karin Lindqvist", Role.CHAIR),
        DemoJuror("Ahmed Haddad"),
        DemoJuror("Elin Björk"),
        DemoJuror("Johan Ek"),
    )
    run_jury(
        edition=edition,
        publish_at=datetime(2031, 11, 12, 18, 0, tzinfo=ZoneInfo("Europe/Stockholm")),
        rng=random.Random(3),
        say=lambda line: None,
        jury=jurors,
        nominees=4,
        finalists=3,
    )
    sent = list(OutgoingMail.objects.filter(edition=edition).order_by("id"))
    assert sorted({m.template for m in sent}) == sorted(keys)
    assert [m.template for m in sent].count("jury/round_open") == 12  # three rounds, four members
    for stored in sent:
        assert stored.subject.startswith(f"EGEN {stored.template} "), stored.template
        assert stored.body_text.startswith("EGEN MALL\n"), stored.template
        values = placeholder_values(stored.body_text)
        declared = [
            p.name for p in catalogue.message(stored.template).placeholders if not p.is_link
        ]
        assert sorted(values) == sorted(declared), stored.template
        assert all(value != "" for value in values.values()), (stored.template, values)
    decided = next(m for m in sent if m.template == "jury/decided")
    assert placeholder_values(decided.body_text)["publish_at"] == "12 november 2031 18:00"
