"""The privacy notice says what is kept, why and for how long, and the housekeeping command keeps
that promise."""

from __future__ import annotations

import io
from datetime import timedelta

from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from kommunpris.audit.models import AuditEvent
from kommunpris.awards.models import Edition, Phase
from kommunpris.nominations.models import MunicipalityContact, Nomination, NominationStatus
from kommunpris.nominations.services import register_contact, submit_nomination
from kommunpris.register.models import Municipality


def test_privacy_notice_says_what_why_and_how_long(client, award):
    page = client.get("/nominera/personuppgifter/").content.decode()
    assert "<h1>Personuppgifter i nomineringar</h1>" in page
    assert "Kvalitetsmässan driver utmärkelsen och är personuppgiftsansvarig" in page
    for heading in ("Vad vi sparar", "Varför", "Hur länge", "Dina rättigheter"):
        assert f"<h2>{heading}</h2>" in page
    assert "raderas 180 dagar efter att upplagans vinnare har tillkännagetts" in page
    assert "Integritetsskyddsmyndigheten (IMY)" in page

    english = client.get("/en/nominera/personuppgifter/").content.decode()
    assert "erased 180 days after the edition's winner has been announced" in english


def test_form_links_to_the_privacy_notice(client, edition):
    page = client.get("/nominera/").content.decode()
    assert page.count('href="/nominera/personuppgifter/"') >= 2


def test_housekeeping_erases_what_the_notice_promises(
    edition, nominate, confirm, link_in, django_capture_on_commit_callbacks
):
    nominate()
    confirm(link_in(mail.outbox[-1], "/nominera/bekrafta/"))
    with django_capture_on_commit_callbacks(execute=True):
        register_contact(
            edition=edition,
            municipality=Municipality.objects.get(name="Sundsvall"),
            email="kontakt@sundsvall.se",
            actor="organiser@example.se",
        )
        submit_nomination(
            edition=edition,
            municipality=Municipality.objects.get(name="Lidingö"),
            proud="Aldrig bekräftad.",
            effect="-",
            learned="-",
            nominator_name="Glömsk Person",
            nominator_email="glomsk@example.se",
            now=timezone.now() - timedelta(days=31),
        )

    # Nothing of this edition is old enough yet; only the forgotten unconfirmed nomination goes.
    out = io.StringIO()
    call_command("purge_nominator_data", stdout=out)
    assert "1 obekräftade nomineringar raderade, 0 nominerares uppgifter raderade" in out.getvalue()
    assert list(Nomination.objects.values_list("nominator_email", flat=True)) == ["anna@example.se"]

    # The jury's later phases belong to the jury's services; this moves the edition there
    # directly, announced 181 days ago.
    Edition.objects.filter(pk=edition.pk).update(
        phase=Phase.ANNOUNCED, publish_at=timezone.now() - timedelta(days=181)
    )
    out = io.StringIO()
    call_command("purge_nominator_data", stdout=out)
    assert "1 nominerares uppgifter raderade, 1 kontaktpersoner raderade" in out.getvalue()
    kept = Nomination.objects.get()
    assert (kept.nominator_name, kept.nominator_email, kept.nominator_organisation) == ("", "", "")
    assert kept.proud.startswith("E-tjänsterna för bygglov")
    assert kept.status == NominationStatus.CONFIRMED
    assert not MunicipalityContact.objects.exists()
    event = AuditEvent.objects.filter(action="nominations.personal_data_purged").last()
    assert event.after == {
        "unconfirmed_deleted": 0,
        "nominators_erased": 1,
        "contact_rows_deleted": 1,
    }
    # Personal data never reached the append-only audit log.
    assert not AuditEvent.objects.filter(after__icontains="anna@example.se").exists()
