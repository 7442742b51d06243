"""`kommunpris purge_personal_data` keeps the privacy notice's schedule: unconfirmed nominations and
old messages after 30 days, nominators' contact data and municipality contacts a set number of
days after the edition is announced (from its publication time, whichever way it was announced),
the nominations' texts kept, and nothing personal in the audit log."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from datetime import timedelta

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.utils import timezone

from kommunpris.audit.models import AuditEvent
from kommunpris.awards.models import Edition, Phase
from kommunpris.mail.models import OutgoingMail
from kommunpris.nominations.models import (
    Attachment,
    ContactLink,
    MunicipalityContact,
    Nomination,
    NominationStatus,
)
from kommunpris.nominations.selectors import candidacies
from kommunpris.nominations.services import (
    add_attachment,
    purge_personal_data,
    register_contact,
    respond_to_candidacy,
    submit_nomination,
)
from kommunpris.register.models import Municipality

ANNA = ("Anna Andersson", "anna@example.se", "Sundsvalls företagarförening")


@pytest.fixture
def field(edition, organiser, nominate, confirm, link_in, pdf, django_capture_on_commit_callbacks):
    """Sundsvall nominated by Anna (confirmed), with a contact who accepted and uploaded a PDF."""
    nominate()
    confirm(link_in(mail.outbox[-1], "/nominera/bekrafta/"))
    candidacy = candidacies(edition).get()
    with django_capture_on_commit_callbacks(execute=True):
        contact = register_contact(
            edition=edition,
            municipality=Municipality.objects.get(name="Sundsvall"),
            email="kontakt@sundsvall.se",
            name="Sara Sundin",
            actor=organiser,
        )
    respond_to_candidacy(candidacy=candidacy, actor=contact, accept=True)
    add_attachment(
        candidacy=candidacy,
        actor=contact,
        upload=SimpleUploadedFile("plan.pdf", pdf, "application/pdf"),
    )
    return edition


def announce(edition: Edition, *, phase: str, publish_at) -> None:
    # The jury's decision and the announcement belong to the jury's services; the edition is
    # moved there directly.
    Edition.objects.filter(pk=edition.pk).update(phase=phase, publish_at=publish_at)


def nominator_of(nomination: Nomination) -> tuple[str, str, str]:
    return (
        nomination.nominator_name,
        nomination.nominator_email,
        nomination.nominator_organisation,
    )


def audit_text() -> str:
    return json.dumps(
        list(AuditEvent.objects.values("actor", "action", "target", "before", "after")),
        ensure_ascii=False,
        default=str,
    )


@pytest.mark.parametrize("phase", [Phase.ANNOUNCED, Phase.DECIDED])
def test_purge_erases_contact_data_only_once_the_retention_after_publication_has_passed(
    field, phase
):
    published = timezone.now() - timedelta(days=10)
    announce(field, phase=phase, publish_at=published)

    before = purge_personal_data(actor="cli", now=published + timedelta(days=180, minutes=-1))
    assert (before.nominators_erased, before.contacts_deleted, before.uploaders_erased) == (0, 0, 0)
    assert nominator_of(Nomination.objects.get()) == ANNA
    assert MunicipalityContact.objects.count() == 1

    after = purge_personal_data(actor="cli", now=published + timedelta(days=180, minutes=1))
    assert (after.nominators_erased, after.contacts_deleted, after.uploaders_erased) == (1, 1, 1)
    kept = Nomination.objects.get()
    assert nominator_of(kept) == ("", "", "")
    assert kept.anonymised_at == published + timedelta(days=180, minutes=1)
    assert kept.status == NominationStatus.CONFIRMED
    assert kept.proud == "E-tjänsterna för bygglov som invånarna faktiskt använder."
    assert kept.effect.startswith("Handläggningstiden halverades")
    assert kept.learned.startswith("Att börja med invånarnas behov")
    assert candidacies(field).get().nomination_count == 1  # the jury's record is unchanged
    assert not MunicipalityContact.objects.exists()
    assert not ContactLink.objects.exists()
    [attachment] = Attachment.objects.all()
    assert (attachment.original_name, attachment.uploaded_by) == ("plan.pdf", "")


def test_purge_waits_for_a_decision_whose_publication_time_has_not_come(field):
    # Decided, to be published at a gala that has been put off: not announced, so not erased.
    announce(field, phase=Phase.DECIDED, publish_at=timezone.now() + timedelta(days=30))
    purged = purge_personal_data(actor="cli", now=timezone.now() + timedelta(days=200))
    assert (purged.nominators_erased, purged.contacts_deleted) == (0, 0)
    assert nominator_of(Nomination.objects.get()) == ANNA


def test_purge_leaves_an_edition_still_with_the_jury_whatever_its_dates(field):
    announce(field, phase=Phase.DELIBERATION, publish_at=timezone.now() - timedelta(days=400))
    purged = purge_personal_data(actor="cli")
    assert (purged.nominators_erased, purged.contacts_deleted) == (0, 0)
    assert nominator_of(Nomination.objects.get()) == ANNA


def test_purge_warns_about_an_announced_edition_without_publication_time(field):
    announce(field, phase=Phase.ANNOUNCED, publish_at=None)
    out, err = io.StringIO(), io.StringIO()
    call_command("purge_personal_data", stdout=out, stderr=err)
    assert err.getvalue() == (
        "Varning: Sveriges DigitaliseringsKommun 2027 är tillkännagiven men saknar "
        "publiceringstid, så lagringstiden kan inte räknas och dess personuppgifter rensas inte; "
        "upplagan behöver en publiceringstid.\n"
    )
    assert nominator_of(Nomination.objects.get()) == ANNA
    # The imported archive editions (announced, no publication time, no nominators) are quiet.
    announce(field, phase=Phase.ANNOUNCED, publish_at=timezone.now())
    err = io.StringIO()
    call_command("purge_personal_data", stdout=io.StringIO(), stderr=err)
    assert err.getvalue() == ""


def test_purge_deletes_unconfirmed_nominations_and_changes_after_30_days(
    edition, nominate, confirm, link_in
):
    nominate()
    confirm(link_in(mail.outbox[-1], "/nominera/bekrafta/"))
    sent = timezone.now()
    # A change to the confirmed nomination, never confirmed, and a nomination never confirmed.
    submit_nomination(
        edition=edition,
        municipality=Municipality.objects.get(name="Sundsvall"),
        proud="Ny text.",
        effect="Ny effekt.",
        learned="Ny lärdom.",
        nominator_name="Anna A. Andersson",
        nominator_email="anna@example.se",
        now=sent,
    )
    submit_nomination(
        edition=edition,
        municipality=Municipality.objects.get(name="Lidingö"),
        proud="Aldrig bekräftad.",
        effect="-",
        learned="-",
        nominator_name="Glömsk Person",
        nominator_email="glomsk@example.se",
        now=sent,
    )

    early = purge_personal_data(actor="cli", now=sent + timedelta(days=30, minutes=-1))
    assert (early.unconfirmed_deleted, early.updates_dropped) == (0, 0)
    assert Nomination.objects.count() == 2

    late = purge_personal_data(actor="cli", now=sent + timedelta(days=30, minutes=1))
    assert (late.unconfirmed_deleted, late.updates_dropped) == (1, 1)
    kept = Nomination.objects.get()
    assert (kept.municipality.name, kept.status) == ("Sundsvall", NominationStatus.CONFIRMED)
    assert (kept.nominator_name, kept.revisions.count(), kept.token_hash) == (ANNA[0], 0, "")


def test_purge_deletes_messages_of_the_call_from_the_mail_log_after_30_days(
    field, organiser, django_capture_on_commit_callbacks
):
    # The confirmation, the contact's notice: queued a month ago.
    month_ago = timezone.now() - timedelta(days=31)
    OutgoingMail.objects.update(created_at=month_ago)
    other = OutgoingMail.objects.create(
        to="jury@example.se", subject="Juryns möte", body_text="-", template="jury/invitation"
    )
    OutgoingMail.objects.filter(pk=other.pk).update(created_at=month_ago)
    with django_capture_on_commit_callbacks(execute=True):
        register_contact(
            edition=field,
            municipality=Municipality.objects.get(name="Sundsvall"),
            email="ny.kontakt@sundsvall.se",
            actor=organiser,
        )

    purged = purge_personal_data(actor="cli")
    assert purged.mails_deleted == 2
    assert sorted(OutgoingMail.objects.values_list("to", "template")) == [
        ("jury@example.se", "jury/invitation"),  # another part's mail is not this purge's
        ("ny.kontakt@sundsvall.se", "nominations/candidacy_notice"),
    ]


def test_purge_command_reports_in_swedish_and_a_second_run_changes_nothing(field, settings):
    settings.KOMMUNPRIS_NOMINATOR_RETENTION_DAYS = 90
    announce(field, phase=Phase.ANNOUNCED, publish_at=timezone.now() - timedelta(days=91))
    out = io.StringIO()
    call_command("purge_personal_data", stdout=out)
    assert out.getvalue() == (
        "Rensning av personuppgifter (kontaktuppgifter sparas 90 dagar efter att upplagans "
        "vinnare har tillkännagetts):\n"
        "  obekräftade nomineringar raderade (äldre än 30 dagar): 0\n"
        "  obekräftade ändringar kastade (äldre än 30 dagar): 0\n"
        "  nominerares namn, e-postadress och organisation raderade: 1\n"
        "  kommuners kontaktpersoner raderade: 1\n"
        "  kontaktpersoners adresser raderade från bilagor: 1\n"
        "  e-postmeddelanden raderade ur e-postloggen (äldre än 30 dagar): 0\n"
    )
    [event] = AuditEvent.objects.filter(action="nominations.personal_data_purged")
    assert (event.actor, event.after) == (
        "cli",
        {
            "unconfirmed_deleted": 0,
            "updates_dropped": 0,
            "nominators_erased": 1,
            "contacts_deleted": 1,
            "uploaders_erased": 1,
            "mails_deleted": 0,
            "retention_days": 90,
        },
    )

    again = io.StringIO()
    call_command("purge_personal_data", stdout=again)
    assert again.getvalue().endswith(
        "  nominerares namn, e-postadress och organisation raderade: 0\n"
        "  kommuners kontaktpersoner raderade: 0\n"
        "  kontaktpersoners adresser raderade från bilagor: 0\n"
        "  e-postmeddelanden raderade ur e-postloggen (äldre än 30 dagar): 0\n"
        "Inget att rensa.\n"
    )
    assert AuditEvent.objects.filter(action="nominations.personal_data_purged").count() == 1


def test_audit_log_never_holds_a_nominators_address_or_name(field):
    announce(field, phase=Phase.ANNOUNCED, publish_at=timezone.now() - timedelta(days=181))
    purge_personal_data(actor="cli")
    logged = audit_text()
    assert "nomination.submitted" in logged and "nomination.confirmed" in logged
    for personal in ANNA:
        assert personal not in logged


@pytest.mark.slow
def test_retention_days_come_from_the_environment():
    def retention(env: dict[str, str]) -> str:
        result = subprocess.run(
            [
                sys.executable,
                "-c",
                "from kommunpris.settings import base; print(base.KOMMUNPRIS_NOMINATOR_RETENTION_DAYS)",
            ],
            env={k: v for k, v in os.environ.items() if k != "KOMMUNPRIS_NOMINATOR_RETENTION_DAYS"}
            | env,
            capture_output=True,
            text=True,
            check=True,
        )
        return result.stdout.strip()

    assert retention({}) == "180"
    assert retention({"KOMMUNPRIS_NOMINATOR_RETENTION_DAYS": "365"}) == "365"
