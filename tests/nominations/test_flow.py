"""The whole call for nominations through the HTTP client, as people meet it: the form, the
e-mail, the link, the candidacy, the municipality's contact and its contribution, and the
read-only candidacy after the deadline."""

from __future__ import annotations

import io
from datetime import timedelta

from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client
from django.utils import timezone, translation

from kommunpris.audit.models import AuditEvent
from kommunpris.awards.services import change_edition
from kommunpris.mail.models import MailStatus, OutgoingMail
from kommunpris.nominations.models import Candidacy, Nomination, NominationStatus, Response
from kommunpris.nominations.selectors import candidacies, contribution_of
from kommunpris.nominations.services import register_contact


def test_nomination_flow_from_form_to_read_only_candidacy(
    client, edition, nominate, confirm, link_in, organiser, pdf, django_capture_on_commit_callbacks
):
    # A person nominates Sundsvall, writing it the way the municipality calls itself.
    page = client.get("/nominera/")
    assert page.status_code == 200
    assert "Nominera en kommun" in page.content.decode()
    assert '<option value="Sundsvall">' in page.content.decode()

    sent = nominate(municipality="Sundsvalls kommun")
    assert sent.status_code == 302
    assert sent["Location"] == "/nominera/skickad/"
    check_mail = client.get(sent["Location"]).content.decode()
    assert "Titta i din e-post" in check_mail
    assert "anna@example.se" in check_mail and "Sundsvall" in check_mail

    nomination = Nomination.objects.get()
    assert nomination.status == NominationStatus.PENDING
    assert nomination.municipality.code == "2281"
    assert Candidacy.objects.filter(edition=edition).count() == 0  # nothing counts yet

    # The e-mail: Swedish, plain text and HTML, with a link valid 72 hours.
    [message] = mail.outbox
    assert message.to == ["anna@example.se"]
    assert message.subject == (
        "Bekräfta din nominering av Sundsvall – Sveriges DigitaliseringsKommun 2027"
    )
    assert "Länken gäller i 72 timmar" in message.body
    assert message.alternatives and "Bekräfta nomineringen" in message.alternatives[0][0]
    link = link_in(message, "/nominera/bekrafta/")

    # Following the link shows what it confirms; the button confirms it.
    shown = client.get(link).content.decode()
    assert "Bekräfta din nominering" in shown and "Anna Andersson" in shown
    assert Nomination.objects.get().status == NominationStatus.PENDING
    done = confirm(link)
    assert "Tack! Din nominering är bekräftad" in done.content.decode()
    assert "Vad händer nu?" in done.content.decode()

    # The confirmed nomination made Sundsvall a candidacy with one nomination.
    [candidacy] = candidacies(edition)
    assert candidacy.name == "Sundsvall"
    assert candidacy.nomination_count == 1
    assert Nomination.objects.get().status == NominationStatus.CONFIRMED

    # The organiser registers Sundsvall's contact, who is told at once with a one-time link.
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        register_contact(
            edition=edition,
            municipality=candidacy.municipalities[0],
            email="Digitalisering@Sundsvall.se",
            name="Sara Sundin",
            actor=organiser,
        )
    [notice] = mail.outbox
    assert notice.to == ["digitalisering@sundsvall.se"]
    assert notice.subject == "Sundsvall är nominerad till Sveriges DigitaliseringsKommun 2027"
    signin = link_in(notice, "/arbetsyta/nomineringar/kommun/lank/")

    contact_client = Client()
    assert "Du loggar in som kontaktperson för Sundsvall" in (
        contact_client.get(signin).content.decode()
    )
    home = contact_client.post(signin, follow=True).content.decode()
    assert "Sundsvall i Sveriges DigitaliseringsKommun 2027" in home
    assert "Accepterar kommunen kandidaturen?" in home

    # The contact accepts and adds the municipality's own answers and a PDF.
    accepted = contact_client.post("/arbetsyta/nomineringar/kommun/svar/", {"response": "accept"})
    assert accepted.status_code == 302
    saved = contact_client.post(
        "/arbetsyta/nomineringar/kommun/bidrag/",
        {
            "proud": "Vår digitala bygglovsprocess.",
            "effect": "Kortare väntan för invånarna.",
            "learned": "Små steg, ofta.",
        },
        follow=True,
    ).content.decode()
    assert "Era svar är sparade" in saved
    uploaded = contact_client.post(
        "/arbetsyta/nomineringar/kommun/bilagor/",
        {"file": SimpleUploadedFile("Bygglov 2026.pdf", pdf, "application/pdf")},
        follow=True,
    ).content.decode()
    assert "”Bygglov 2026.pdf” är tillagd." in uploaded

    candidacy = candidacies(edition).get()
    assert candidacy.response == Response.ACCEPTED
    contribution = contribution_of(candidacy)
    # Each answer with the question it was given to.
    with translation.override("sv"):
        shown = [(a.label, a.text) for a in contribution.answers]
    assert shown == [
        ("Vad är kommunen mest stolt över?", "Vår digitala bygglovsprocess."),
        ("Vilken effekt har det fått?", "Kortare väntan för invånarna."),
        ("Vad har man lärt sig?", "Små steg, ofta."),
    ]
    assert [a.original_name for a in contribution.attachments] == ["Bygglov 2026.pdf"]

    # After the supplement deadline the candidacy is read-only for the municipality.
    past = timezone.now() - timedelta(minutes=1)
    change_edition(
        edition=edition,
        nominations_close_at=past - timedelta(days=1),
        supplement_close_at=past,
        ceremony_at=edition.ceremony_at,
        actor=organiser,
    )
    closed = contact_client.get("/arbetsyta/nomineringar/kommun/").content.decode()
    assert "Tiden för era svar är ute" in closed
    assert "Vår digitala bygglovsprocess." in closed
    assert 'action="/arbetsyta/nomineringar/kommun/bidrag/"' not in closed
    assert 'action="/arbetsyta/nomineringar/kommun/bilagor/"' not in closed
    late = contact_client.post(
        "/arbetsyta/nomineringar/kommun/bidrag/",
        {"proud": "Ändrat för sent.", "effect": "", "learned": ""},
    )
    assert late.status_code == 409
    assert "Sista dag för kommunernas egna svar och bilagor" in late.content.decode()
    assert candidacies(edition).get().own_answers["proud"] == "Vår digitala bygglovsprocess."

    # Every step is in the audit log.
    actions = list(AuditEvent.objects.values_list("action", flat=True))
    for action in (
        "edition.created",
        "edition.nominations_opened",
        "nomination.submitted",
        "nomination.confirmed",
        "candidacy.created",
        "contact.registered",
        "contact.notified",
        "contact.signed_in",
        "candidacy.accepted",
        "candidacy.contribution_saved",
        "attachment.added",
        "edition.changed",
    ):
        assert action in actions, action


def test_nomination_in_english_gets_english_pages_and_mail(client, edition, nominate, link_in):
    page = client.get("/en/nominera/").content.decode()
    assert "Nominate a municipality" in page
    assert "What is the municipality most proud of?" in page

    sent = nominate(path="/en/nominera/", municipality="Lidingö stad")
    assert sent["Location"] == "/en/nominera/skickad/"
    [message] = mail.outbox
    assert message.subject == (
        "Confirm your nomination of Lidingö – Sveriges DigitaliseringsKommun 2027"
    )
    assert "The link is valid for 72 hours" in message.body
    assert link_in(message, "/nominera/bekrafta/").startswith("/en/nominera/bekrafta/")
    assert Nomination.objects.get().language == "en"


def test_same_address_municipality_and_edition_updates_the_nomination(
    client, edition, nominate, confirm, link_in, form
):
    nominate()
    confirm(link_in(mail.outbox[-1], "/nominera/bekrafta/"))
    again = nominate(
        municipality="sundsvall", nominator_email="ANNA@example.se", proud="Nytt svar."
    )
    assert again.status_code == 302
    assert "ersätter den text du bekräftar den tidigare" in (
        client.get("/nominera/skickad/").content.decode()
    )

    # Until the new link is followed, the confirmed text stands.
    nomination = Nomination.objects.get()
    assert nomination.answers["proud"] == form["proud"]
    assert [r.answers["proud"] for r in nomination.revisions.all()] == ["Nytt svar."]

    done = confirm(link_in(mail.outbox[-1], "/nominera/bekrafta/"))
    assert "Tack! Din nominering är uppdaterad" in done.content.decode()
    nomination = Nomination.objects.get()
    assert (nomination.answers["proud"], nomination.revisions.count()) == ("Nytt svar.", 0)
    assert Nomination.objects.count() == 1
    assert candidacies(edition).get().nomination_count == 1

    # Another address counts as another nomination of the same candidacy.
    nominate(nominator_email="bertil@example.se", nominator_name="Bertil Berg")
    confirm(link_in(mail.outbox[-1], "/nominera/bekrafta/"))
    assert candidacies(edition).get().nomination_count == 2


def test_unconfirmed_nomination_sent_again_waits_for_the_link_of_the_text_to_count(
    client, edition, nominate, confirm, link_in
):
    nominate(proud="Första versionen.")
    first = link_in(mail.outbox[-1], "/nominera/bekrafta/")
    nominate(proud="Andra versionen.")
    second = link_in(mail.outbox[-1], "/nominera/bekrafta/")

    # Nothing changes until a link is followed; the newer one confirms the newer text.
    assert Nomination.objects.get().answers["proud"] == "Första versionen."
    confirm(second)
    nomination = Nomination.objects.get()
    assert (nomination.status, nomination.answers["proud"]) == (
        NominationStatus.CONFIRMED,
        "Andra versionen.",
    )
    old = confirm(first).content.decode()
    assert "Länken har redan använts" in old
    assert Nomination.objects.get().answers["proud"] == "Andra versionen."


def test_failed_send_is_kept_and_retried_without_losing_the_nomination(
    client, edition, nominate, settings, link_in
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = 9  # nothing listens on the discard port: the send fails
    settings.EMAIL_TIMEOUT = 2

    sent = nominate()
    assert sent.status_code == 302
    assert Nomination.objects.get().status == NominationStatus.PENDING
    queued = OutgoingMail.objects.get()
    assert (queued.status, queued.attempts) == (MailStatus.PENDING, 1)
    assert queued.last_error

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    call_command("send_pending_mail", stdout=io.StringIO())
    queued.refresh_from_db()
    assert queued.status == MailStatus.SENT
    [message] = mail.outbox
    assert "/nominera/bekrafta/" in link_in(message, "/nominera/bekrafta/")
