"""No stored message holds a link that works: not the outbox, not the admin, not a backup.

Every message that lets its reader in — a nomination's confirmation link (the first text and a
newer one), a municipality contact's sign-in link (in the candidacy notice and on request), a
juror's invitation (set a password), a nominator's link to their personal data — is sent with a
link that works, while everything the platform keeps (the message in the outbox, while it waits
and after it is sent, the admin's page of it, the whole database as a backup holds it) holds no
part of that link's secret.
"""

from __future__ import annotations

import io
import json
import re
from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.core.management import call_command
from django.test import Client
from django.utils import timezone, translation

from kommunpris.accounts.testing import organiser_account, sign_in_verified
from kommunpris.audit.vocabulary import CLI
from kommunpris.awards.models import Award
from kommunpris.awards.services import create_edition, open_nominations
from kommunpris.jury import services as jury
from kommunpris.jury.models import Role
from kommunpris.mail.models import MailStatus, OutgoingMail
from kommunpris.nominations import services as nominations
from kommunpris.register.models import Municipality

ORGANISER = "organisator@kvalitetsmassan.se"
# The links that let someone in, and how each page that opens them greets its holder.
DOORS = {
    "/nominera/bekrafta/": "Bekräfta din nominering",
    "/arbetsyta/nomineringar/kommun/lank/": "Sundsvall",
    "/arbetsyta/jury/inbjudan/": "sara@example.se",
    "/personuppgifter/mina/": "anna@example.se",
}


@pytest.fixture(autouse=True)
def swedish():
    with translation.override("sv"):
        yield


def _send_everything(award: Award, capture: Any, then: Any = None) -> None:
    """Every kind of message with a link that lets its reader in, through the services; `then`
    runs once the nomination is confirmed, before the rest is sent."""
    now = timezone.now()
    edition = open_nominations(
        edition=create_edition(
            award=award,
            year=2029,
            nominations_close_at=now + timedelta(days=30),
            supplement_close_at=now + timedelta(days=45),
            ceremony_at=now + timedelta(days=200),
            actor=organiser_account(ORGANISER),
        ),
        actor=organiser_account(ORGANISER),
    )
    sundsvall = Municipality.objects.get(code="2281")
    with capture(execute=True):
        for proud in ("Bygglov på nätet.", "Bygglov och e-arkiv på nätet."):
            nominations.submit_nomination(
                edition=edition,
                municipality=sundsvall,
                proud=proud,
                effect="Kortare väntan.",
                learned="Att mäta.",
                nominator_name="Anna Andersson",
                nominator_email="anna@example.se",
            )
    first = _links_in(mail.outbox[0], "/nominera/bekrafta/")[0]
    nominations.confirm_nomination(token=_secret_of(first))
    if then is not None:
        then()
    with capture(execute=True):
        nominations.register_contact(
            edition=edition, municipality=sundsvall, email="kontakt@sundsvall.se", actor=CLI
        )
        nominations.request_contact_link(email="kontakt@sundsvall.se")
        jury.invite_member(edition=edition, email="sara@example.se", role=Role.JUROR, actor=CLI)
        nominations.request_personal_data_link(email="anna@example.se")


def _links_in(message: Any, door: str) -> list[str]:
    found = re.findall(r"https?://[^\s\"'<>]+", message.body)
    for html, _kind in getattr(message, "alternatives", []):
        found += re.findall(r'href="([^"]+)"', html)
    return [url for url in found if re.search(re.escape(door) + r"[^/]+/", url)]


def _doors(messages: list[Any]) -> dict[str, list[str]]:
    """Every link that lets someone in, by kind, as the messages were sent."""
    return {
        door: list(dict.fromkeys(u for m in messages for u in _links_in(m, door))) for door in DOORS
    }


def _secret_of(url: str) -> str:
    return urlsplit(url).path.rstrip("/").split("/")[-1]


def _database() -> str:
    out = io.StringIO()
    call_command("dumpdata", exclude=["sessions", "contenttypes", "auth.permission"], stdout=out)
    return out.getvalue()


def _stored_messages() -> str:
    return json.dumps(list(OutgoingMail.objects.values()), default=str, ensure_ascii=False)


def test_sent_links_work_and_nothing_kept_holds_them(award, django_capture_on_commit_callbacks):
    _send_everything(award, django_capture_on_commit_callbacks)
    doors = _doors(mail.outbox)
    # Two confirmation links (first text, newer text), two contact links (notice, request).
    assert {door: len(urls) for door, urls in doors.items()} == {
        "/nominera/bekrafta/": 2,
        "/arbetsyta/nomineringar/kommun/lank/": 2,
        "/arbetsyta/jury/inbjudan/": 1,
        "/personuppgifter/mina/": 1,
    }
    assert OutgoingMail.objects.exclude(status=MailStatus.SENT).count() == 0
    kept = _stored_messages() + _database()
    admin = sign_in_verified(
        Client(), User.objects.create_superuser("drift@kommunpris.se", password="x" * 12)
    )
    pages = "".join(
        admin.get(f"/admin/mail/outgoingmail/{pk}/change/").content.decode()
        for pk in OutgoingMail.objects.values_list("pk", flat=True)
    )
    for door, urls in doors.items():
        for url in urls:
            secret = _secret_of(url)
            assert len(secret) >= 20, url
            assert secret not in kept, f"{door}: the link's secret is kept in the database"
            assert secret not in pages, f"{door}: the admin shows the link's secret"
    # ... and the links work: the newest of each kind (the first confirmation link is used).
    for door, greeting in DOORS.items():
        page = Client().get(urlsplit(doors[door][-1]).path)
        assert page.status_code == 200, door
        assert greeting in page.content.decode(), door


def test_a_message_waiting_to_be_sent_holds_no_working_link_either(
    award, django_capture_on_commit_callbacks, settings
):
    def mail_server_down() -> None:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 2
        mail.outbox.clear()

    _send_everything(award, django_capture_on_commit_callbacks, then=mail_server_down)
    assert mail.outbox == []
    # The notice and sign-in link to the contact, the invitation, the personal-data link.
    assert OutgoingMail.objects.filter(status=MailStatus.PENDING).count() == 4
    kept = _stored_messages() + _database()

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    call_command("send_pending_mail", stdout=io.StringIO())
    doors = _doors(mail.outbox)
    assert sum(len(urls) for urls in doors.values()) == 4
    for urls in doors.values():
        for url in urls:
            assert _secret_of(url) not in kept
    assert Client().get(urlsplit(doors["/arbetsyta/jury/inbjudan/"][0]).path).status_code == 200


def test_messages_stored_before_links_were_built_at_sending_lose_their_secrets(db):
    """The migration that moved links out of the outbox also removes the secret part of every
    link already stored in clear (a waiting message then tells its reader to ask again)."""
    import importlib

    from django.apps import apps

    migration = importlib.import_module("kommunpris.mail.migrations.0003_links_built_at_sending")
    stored = OutgoingMail.objects.create(
        to="anna@example.se",
        subject="Bekräfta",
        template="nominations/confirm",
        body_text=(
            "Bekräfta: https://kommunpris.se/nominera/bekrafta/eyJpIjoxfQ:1abc:SIGNATUR/\n"
            "Dina uppgifter: https://kommunpris.se/en/personuppgifter/mina/eyJpIjo5fQ:1x:Y/\n"
            "Be om en ny länk: https://kommunpris.se/personuppgifter/mina/\n"
        ),
        body_html=(
            '<a href="https://kommunpris.se/arbetsyta/jury/inbjudan/eyJ1IjozfQ:1z:SIG/">x</a>'
            '<a href="https://kommunpris.se/arbetsyta/nomineringar/kommun/lank/Hemlig_123/">y</a>'
        ),
    )
    migration.remove_stored_link_secrets(apps, None)
    stored.refresh_from_db()
    kept = stored.body_text + stored.body_html
    for secret in ("SIGNATUR", "eyJpIjo5fQ", "SIG/", "Hemlig_123"):
        assert secret not in kept
    assert "https://kommunpris.se/personuppgifter/mina/\n" in stored.body_text  # no secret
    assert stored.body_text.count("link removed – ask for a new one") == 2
