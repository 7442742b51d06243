"""The municipality's side: signing in by one-time link, accepting, answering, attaching PDFs,
and every refusal there (bad links, fake or oversized PDFs, too many, after the deadline)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from django.contrib.auth.models import Permission, User
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from kommunpris.accounts.testing import organiser_account
from kommunpris.audit.models import AuditEvent
from kommunpris.awards.services import change_edition
from kommunpris.nominations.models import Attachment, ContactLink, Response
from kommunpris.nominations.selectors import candidacies
from kommunpris.nominations.services import (
    register_contact,
    request_contact_link,
    respond_to_candidacy,
)
from kommunpris.register.models import Municipality

CONTACT = "/arbetsyta/nomineringar/kommun/"


@pytest.fixture
def candidacy(edition, nominate, confirm, link_in):
    """Sundsvall with one confirmed nomination."""
    nominate()
    confirm(link_in(mail.outbox[-1], "/nominera/bekrafta/"))
    return candidacies(edition).get()


@pytest.fixture
def contact(edition, candidacy, organiser, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return register_contact(
            edition=edition,
            municipality=Municipality.objects.get(name="Sundsvall"),
            email="kontakt@sundsvall.se",
            actor=organiser,
        )


@pytest.fixture
def signed_in(contact, link_in) -> Client:
    """The contact's browser, signed in through the link in the notice."""
    browser = Client()
    response = browser.post(link_in(mail.outbox[-1], "/kommun/lank/"))
    assert response["Location"] == CONTACT
    return browser


@pytest.fixture
def accepted(signed_in, candidacy, contact) -> Client:
    respond_to_candidacy(candidacy=candidacy, actor=contact, accept=True)
    return signed_in


def upload(browser: Client, name: str, content: bytes):
    return browser.post(
        CONTACT + "bilagor/", {"file": SimpleUploadedFile(name, content, "application/pdf")}
    )


def stored_files(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def test_contact_is_told_once_and_only_after_a_confirmed_nomination(
    edition, organiser, nominate, confirm, link_in, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        register_contact(
            edition=edition,
            municipality=Municipality.objects.get(name="Sundsvall"),
            email="kontakt@sundsvall.se",
            actor=organiser,
        )
    assert mail.outbox == []  # no nomination yet: nothing to tell

    nominate()
    assert [m.to for m in mail.outbox] == [["anna@example.se"]]  # unconfirmed: still nothing
    confirm(link_in(mail.outbox[-1], "/nominera/bekrafta/"))
    assert [m.to for m in mail.outbox][-1] == ["kontakt@sundsvall.se"]

    nominate(nominator_email="bertil@example.se")
    confirm(link_in(mail.outbox[-1], "/nominera/bekrafta/"))
    told = [m for m in mail.outbox if m.to == ["kontakt@sundsvall.se"]]
    assert len(told) == 1


def test_contact_notice_waits_until_a_contact_is_registered(candidacy, contact):
    [notice] = [m for m in mail.outbox if m.to == ["kontakt@sundsvall.se"]]
    assert "Sundsvall har nominerats till Sveriges DigitaliseringsKommun 2027" in notice.body
    assert "upp till fem PDF-dokument" in notice.body
    contact.refresh_from_db()
    assert contact.notified_at is not None


def test_contact_asks_for_a_new_link_without_revealing_who_is_registered(
    contact, client, link_in, django_capture_on_commit_callbacks
):
    mail.outbox.clear()
    for address in ("kontakt@sundsvall.se", "okand@example.se"):
        with django_capture_on_commit_callbacks(execute=True):
            page = client.post(CONTACT + "logga-in/", {"email": address}).content.decode()
        assert f"Om {address} är registrerad som en kommuns kontaktperson" in page
    [message] = mail.outbox
    assert message.to == ["kontakt@sundsvall.se"]
    assert message.subject == "Din inloggningslänk – Sveriges DigitaliseringsKommun 2027"
    assert link_in(message, "/kommun/lank/")


def test_contact_link_used_twice_or_expired_or_made_up_gets_a_clear_page(
    contact, link_in, django_capture_on_commit_callbacks
):
    path = link_in(mail.outbox[-1], "/kommun/lank/")
    first, second = Client(), Client()
    assert first.post(path)["Location"] == CONTACT
    again = second.post(path).content.decode()
    assert "Länken har redan använts" in again
    assert "Be om en ny inloggningslänk" in again
    assert second.get(CONTACT)["Location"] == CONTACT + "logga-in/"

    made_up = Client().get(CONTACT + "lank/hittepa/").content.decode()
    assert "Länken fungerar inte" in made_up

    with django_capture_on_commit_callbacks(execute=True):
        request_contact_link(email="kontakt@sundsvall.se", now=timezone.now() - timedelta(hours=73))
    old_path = link_in(mail.outbox[-1], "/kommun/lank/")
    for response in (Client().get(old_path), Client().post(old_path)):
        assert "Länken har gått ut" in response.content.decode()
        assert "En inloggningslänk fungerar i 72 timmar" in response.content.decode()
    assert ContactLink.objects.filter(used_at__isnull=False).count() == 1  # only the first


def test_contact_must_accept_before_adding_answers(signed_in, candidacy):
    page = signed_in.get(CONTACT).content.decode()
    assert "Acceptera kandidaturen först" in page
    refused = signed_in.post(
        CONTACT + "bidrag/", {"proud": "Vi är stolta.", "effect": "", "learned": ""}
    )
    assert refused.status_code == 400
    assert "Acceptera kandidaturen först" in refused.content.decode()
    assert candidacies(candidacy.edition).get().own_answers.get("proud", "") == ""


def test_contact_declines_and_may_change_their_mind(signed_in, candidacy):
    asked = signed_in.post(CONTACT + "svar/", {"response": "decline"})
    assert asked.status_code == 200
    assert "Tacka nej till kandidaturen för Sundsvall?" in asked.content.decode()
    assert "Juryn får veta att Sundsvall inte vill vara kandidat." in asked.content.decode()
    assert candidacies(candidacy.edition).get().response == Response.PENDING
    declined = signed_in.post(
        CONTACT + "svar/", {"response": "decline", "confirmed": "yes"}, follow=True
    )
    assert "Sundsvall avböjer kandidaturen" in declined.content.decode()
    assert "Kommunen har avböjt kandidaturen." in declined.content.decode()
    assert "Acceptera ändå" in declined.content.decode()
    assert candidacies(candidacy.edition).get().response == Response.DECLINED
    signed_in.post(CONTACT + "svar/", {"response": "accept"})
    assert candidacies(candidacy.edition).get().response == Response.ACCEPTED
    assert AuditEvent.objects.filter(action="candidacy.declined").count() == 1


def test_pdf_is_checked_by_content_not_by_name(accepted, candidacy, pdf, _uploads):
    fake = upload(accepted, "rapport.pdf", b"\x89PNG\r\n\x1a\n" + b"\0" * 200)
    assert fake.status_code == 400
    assert "”rapport.pdf” är ingen PDF-fil" in fake.content.decode()
    assert Attachment.objects.count() == 0
    assert stored_files(_uploads) == []

    real = upload(accepted, "rapport.txt", pdf)
    assert real.status_code == 302
    [stored] = Attachment.objects.all()
    assert stored.original_name == "rapport.txt"
    [path] = stored_files(_uploads)
    assert path.read_bytes() == pdf
    assert path.suffix == ".pdf" and path.name != "rapport.txt"
    assert str(path).startswith(str(_uploads / "nominations" / "2027"))


def padded(pdf: bytes, size: int) -> bytes:
    """A PDF of exactly `size` bytes: a long comment line after the header."""
    header, rest = pdf[:9], pdf[9:]
    return header + b"%" + b"0" * (size - len(pdf) - 2) + b"\n" + rest


def test_pdf_over_ten_megabytes_is_refused(accepted, pdf, _uploads):
    big = padded(pdf, 10 * 1024 * 1024 + 1)
    assert len(big) == 10 * 1024 * 1024 + 1
    refused = upload(accepted, "stor.pdf", big)
    assert refused.status_code == 400
    assert "”stor.pdf” är 10,0 MB; en bilaga får vara högst 10 MB." in refused.content.decode()
    assert Attachment.objects.count() == 0
    assert stored_files(_uploads) == []

    just_fits = padded(pdf, 10 * 1024 * 1024)
    assert upload(accepted, "precis.pdf", just_fits).status_code == 302


def test_sixth_attachment_is_refused(accepted, pdf):
    for number in range(5):
        different = padded(pdf, len(pdf) + 10 + number)
        assert upload(accepted, f"bilaga-{number}.pdf", different).status_code == 302
    page = accepted.get(CONTACT).content.decode()
    assert "Kandidaturen har 5 dokument, det högsta tillåtna." in page
    refused = upload(accepted, "en-till.pdf", padded(pdf, len(pdf) + 20))
    assert refused.status_code == 400
    assert "Kandidaturen har redan 5 bilagor" in refused.content.decode()
    assert Attachment.objects.count() == 5


def test_contact_removes_an_attachment(accepted, pdf, _uploads, django_capture_on_commit_callbacks):
    upload(accepted, "fel.pdf", pdf)
    attachment = Attachment.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        asked = accepted.post(f"{CONTACT}bilagor/{attachment.pk}/ta-bort/")
        assert "Ta bort ”fel.pdf”?" in asked.content.decode()
        assert Attachment.objects.count() == 1
        removed = accepted.post(
            f"{CONTACT}bilagor/{attachment.pk}/ta-bort/", {"confirmed": "yes"}, follow=True
        )
    assert "”fel.pdf” är borttagen." in removed.content.decode()
    assert Attachment.objects.count() == 0
    assert stored_files(_uploads) == []


def test_after_the_deadline_nothing_can_be_changed(accepted, candidacy, pdf, edition):
    accepted.post(CONTACT + "bidrag/", {"proud": "Före.", "effect": "", "learned": ""})
    upload(accepted, "före.pdf", pdf)
    past = timezone.now() - timedelta(seconds=1)
    change_edition(
        edition=edition,
        nominations_close_at=past - timedelta(days=1),
        supplement_close_at=past,
        ceremony_at=edition.ceremony_at,
        actor=organiser_account("organiser@example.se"),
    )
    events = AuditEvent.objects.count()
    attachment = Attachment.objects.get()
    attempts = [
        accepted.post(CONTACT + "bidrag/", {"proud": "Efter.", "effect": "", "learned": ""}),
        upload(accepted, "efter.pdf", pdf),
        accepted.post(CONTACT + "svar/", {"response": "decline"}),
        accepted.post(f"{CONTACT}bilagor/{attachment.pk}/ta-bort/"),
    ]
    for response in attempts:
        assert (
            response.status_code == 409
        )  # the deadline has passed: a conflict with time, not a missing right
        assert "Kandidaturen kan inte längre ändras" in response.content.decode()
    after = candidacies(edition).get()
    assert (after.own_answers.get("proud", ""), after.response) == ("Före.", Response.ACCEPTED)
    assert list(Attachment.objects.values_list("original_name", flat=True)) == ["före.pdf"]
    assert AuditEvent.objects.count() == events


def test_contact_of_another_municipality_cannot_touch_this_candidacy(
    candidacy, edition, organiser, link_in, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        register_contact(
            edition=edition,
            municipality=Municipality.objects.get(name="Lidingö"),
            email="kontakt@lidingo.se",
            actor=organiser,
        )
    browser = Client()
    with django_capture_on_commit_callbacks(execute=True):
        browser.post(CONTACT + "logga-in/", {"email": "kontakt@lidingo.se"})
    browser.post(link_in(mail.outbox[-1], "/kommun/lank/"))
    page = browser.get(CONTACT).content.decode()
    assert "Din kommun har ingen bekräftad nominering ännu." in page
    assert browser.post(CONTACT + "svar/", {"response": "decline"}).status_code == 404
    assert candidacies(edition).get().response == Response.PENDING


def test_attachments_are_served_only_to_organisers_and_the_jury(
    accepted, pdf, organiser_client, settings
):
    upload(accepted, "plan.pdf", pdf)
    path = f"/arbetsyta/nomineringar/bilagor/{Attachment.objects.get().pk}/"

    assert Client().get(path)["Location"].startswith("/logga-in/")
    assert accepted.get(path)["Location"].startswith("/logga-in/")  # the contact is no user
    someone = User.objects.create_user("someone@example.se", password="x")
    browser = Client()
    browser.force_login(someone)
    refused = browser.get(path)
    assert refused.status_code == 403
    assert "Inte för ditt konto" in refused.content.decode()

    served = organiser_client.get(path)
    assert served.status_code == 200
    assert served["Content-Type"] == "application/pdf"
    assert 'filename="plan.pdf"' in served["Content-Disposition"]
    assert b"".join(served.streaming_content) == pdf

    juror = User.objects.create_user("juror@example.se", password="x")
    juror.user_permissions.add(Permission.objects.get(codename="view_attachment"))
    jury_browser = Client()
    jury_browser.force_login(juror)
    assert jury_browser.get(path).status_code == 200

    # No media URL serves the upload folder.
    settings.MEDIA_URL = "/media/"
    name = Attachment.objects.get().stored_name
    assert Client().get(f"/media/{name}").status_code == 404
    assert Client().get(f"/uploads/{name}").status_code == 404


def test_new_contact_address_ends_the_previous_contacts_session(
    signed_in, edition, organiser, django_capture_on_commit_callbacks
):
    assert signed_in.get(CONTACT).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        register_contact(
            edition=edition,
            municipality=Municipality.objects.get(name="Sundsvall"),
            email="ny.kontakt@sundsvall.se",
            actor=organiser,
        )
    assert signed_in.get(CONTACT)["Location"] == CONTACT + "logga-in/"
    assert mail.outbox[-1].to == ["ny.kontakt@sundsvall.se"]


def answers(**text: str) -> dict[str, str]:
    return {"proud": "", "effect": "", "learned": "", **text}


def test_answers_and_a_document_are_saved_by_one_form(accepted, candidacy, pdf):
    page = accepted.get(CONTACT).content.decode()
    assert page.count('enctype="multipart/form-data"') == 1
    saved = accepted.post(
        CONTACT + "bidrag/",
        {
            **answers(proud="Vår e-tjänst för bygglov."),
            "file": SimpleUploadedFile("Bygglov.pdf", pdf, "application/pdf"),
        },
        follow=True,
    ).content.decode()
    assert "Era svar är sparade. ”Bygglov.pdf” är tillagd." in saved
    assert (
        candidacies(candidacy.edition).get().own_answers.get("proud", "")
        == "Vår e-tjänst för bygglov."
    )
    assert [a.original_name for a in Attachment.objects.all()] == ["Bygglov.pdf"]


def test_a_refused_document_never_costs_the_typed_answers(accepted, candidacy):
    typed = "Vi har byggt en e-tjänst som invånarna älskar."
    refused = accepted.post(
        CONTACT + "bidrag/",
        {
            **answers(proud=typed),
            "file": SimpleUploadedFile("bild.pdf", b"\x89PNG\r\n\x1a\n" + b"\0" * 99, "image/png"),
        },
    )
    body = refused.content.decode()
    assert refused.status_code == 400
    assert "Era svar är sparade. Dokumentet lades inte till: ”bild.pdf” är ingen PDF-fil" in body
    assert f">\n{typed}</textarea>" in body
    assert candidacies(candidacy.edition).get().own_answers.get("proud", "") == typed
    assert Attachment.objects.count() == 0


def test_the_same_file_twice_is_refused_by_its_content(accepted, pdf):
    assert upload(accepted, "Rapport.pdf", pdf).status_code == 302
    again = upload(accepted, "Rapport (kopia).pdf", pdf)
    assert again.status_code == 400
    assert (
        "”Rapport (kopia).pdf” har samma innehåll som ”Rapport.pdf”, som redan finns i "
        "kandidaturen, så den lades inte till igen."
    ) in again.content.decode()
    assert Attachment.objects.count() == 1
    assert AuditEvent.objects.filter(action="attachment.added").count() == 1


def test_the_contact_opens_the_municipalitys_own_documents_only(accepted, pdf, edition):
    upload(accepted, "Vår plan.pdf", pdf)
    own = Attachment.objects.get()
    page = accepted.get(CONTACT).content.decode()
    assert f'href="/arbetsyta/nomineringar/kommun/bilagor/{own.pk}/"' in page
    opened = accepted.get(f"{CONTACT}bilagor/{own.pk}/")
    assert opened.status_code == 200
    assert b"".join(opened.streaming_content) == pdf
    assert (
        "Vår plan.pdf" in opened["Content-Disposition"]
        or "V%C3%A5r" in (opened["Content-Disposition"])
    )
    assert Client().get(f"{CONTACT}bilagor/{own.pk}/").status_code == 302  # signed out
    assert accepted.get(f"{CONTACT}bilagor/{own.pk + 1000}/").status_code == 404


def test_removing_or_declining_from_the_form_saves_the_answers_first(accepted, candidacy, pdf):
    upload(accepted, "Gammal.pdf", pdf)
    attachment = Attachment.objects.get()
    asked = accepted.post(
        CONTACT + "bidrag/", {**answers(effect="Kortare väntan."), "remove": str(attachment.pk)}
    ).content.decode()
    assert "Ta bort ”Gammal.pdf”?" in asked
    assert "Era svar är sparade." in asked
    assert f'action="/arbetsyta/nomineringar/kommun/bilagor/{attachment.pk}/ta-bort/"' in asked
    assert candidacies(candidacy.edition).get().own_answers.get("effect", "") == "Kortare väntan."
    assert Attachment.objects.count() == 1

    asked = accepted.post(
        CONTACT + "bidrag/", {**answers(effect="Ännu kortare väntan."), "response": "decline"}
    ).content.decode()
    assert "Tacka nej till kandidaturen för Sundsvall?" in asked
    assert (
        candidacies(candidacy.edition).get().own_answers.get("effect", "") == "Ännu kortare väntan."
    )
    assert candidacies(candidacy.edition).get().response == Response.ACCEPTED
