"""The organiser's list of who has two-factor sign-in, and resetting it for a lost phone; the
same reset from the command line."""

from __future__ import annotations

import io

import pytest
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command
from django.test import Client
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from kommunpris.accounts import services
from kommunpris.audit.models import AuditEvent
from kommunpris.audit.vocabulary import CLI
from kommunpris.jury import services as jury
from kommunpris.jury.models import Role

PEOPLE = "/arbetsyta/konto/personer/"


def test_reset_organiser_resets_a_jurors_lost_phone(enrolled, world, kit, sign_in_verified):
    jury.invite_member(edition=world.edition, email="dan@example.se", role=Role.CHAIR, actor=CLI)
    anna = sign_in_verified(Client(), enrolled.user)
    organiser = sign_in_verified(Client(), world.organiser)
    listing = kit.text(organiser.get(PEOPLE))
    assert "anna@example.se jury inställd" in listing
    assert "dan@example.se jury inte inställd än –" in listing
    assert "organisator@kvalitetsmassan.se arrangör inställd" in listing
    pk = enrolled.user.pk
    assert (
        f'action="/arbetsyta/konto/personer/{pk}/aterstall/"'
        in organiser.get(PEOPLE).content.decode()
    )

    response = organiser.post(f"{PEOPLE}{pk}/aterstall/")
    assert response["Location"] == PEOPLE
    assert (
        "Tvåstegsverifieringen för anna@example.se är återställd. Personen ställer in den igen "
        "nästa gång hen loggar in." in kit.text(organiser.get(PEOPLE))
    )
    assert not TOTPDevice.objects.filter(user=enrolled.user).exists()
    assert not StaticDevice.objects.filter(user=enrolled.user).exists()
    event = AuditEvent.objects.get(action="accounts.two_factor_reset")
    assert (event.actor, event.target, event.before, event.after) == (
        "organisator@kvalitetsmassan.se",
        "user:anna@example.se",
        {"totp_devices": 1, "recovery_codes": 10},
        {"totp_devices": 0, "recovery_codes": 0},
    )
    # Anna's open session needs the new app before the desk opens again, and so does her next sign-in.
    assert anna.get("/arbetsyta/jury/")["Location"].startswith(
        "/arbetsyta/konto/tvastegsverifiering/"
    )
    fresh = Client()
    assert (
        kit.sign_in(fresh, "anna@example.se")["Location"] == "/arbetsyta/konto/tvastegsverifiering/"
    )


def test_reset_only_an_organiser_and_not_for_themselves(enrolled, world, sign_in_verified):
    anna = sign_in_verified(Client(), enrolled.user)
    assert anna.get(PEOPLE).status_code == 404
    assert anna.post(f"{PEOPLE}{world.organiser.pk}/aterstall/").status_code == 404
    organiser = sign_in_verified(Client(), world.organiser)
    assert organiser.post(f"{PEOPLE}{world.organiser.pk}/aterstall/").status_code == 404
    admin = User.objects.create_superuser(
        "admin@example.se", email="admin@example.se", password="x"
    )
    sign_in_verified(Client(), admin)
    assert organiser.post(f"{PEOPLE}{admin.pk}/aterstall/").status_code == 404
    assert TOTPDevice.objects.filter(confirmed=True).count() == 3
    assert not AuditEvent.objects.filter(action="accounts.two_factor_reset").exists()


def test_reset_people_page_reads_in_a_few_queries(
    world, sign_in_verified, django_assert_max_num_queries
):
    organiser = sign_in_verified(Client(), world.organiser)
    for number in range(12):
        seat = jury.invite_member(
            edition=world.edition, email=f"ledamot{number}@example.se", role=Role.JUROR, actor=CLI
        )
        sign_in_verified(Client(), seat.user)
    with django_assert_max_num_queries(8):
        page = organiser.get(PEOPLE)
    assert page.content.decode().count("inställd") == 13


def test_reset_from_the_command_line(enrolled):
    out = io.StringIO()
    call_command("reset_two_factor", "Anna@Example.se", stdout=out)
    assert out.getvalue() == (
        "Tvåstegsverifieringen för anna@example.se är återställd. "
        "Personen ställer in den igen vid nästa inloggning.\n"
    )
    assert AuditEvent.objects.get(action="accounts.two_factor_reset").actor == "cli"
    with pytest.raises(
        CommandError, match="anna@example.se har ingen tvåstegsverifiering att återställa."
    ):
        call_command("reset_two_factor", "anna@example.se")
    with pytest.raises(CommandError, match="Ingen användare med e-postadressen okand@example.se."):
        call_command("reset_two_factor", "okand@example.se")


def test_reset_service_refuses_a_person_without_two_factor(juror):
    with pytest.raises(services.AccountError, match="har ingen tvåstegsverifiering"):
        services.reset_two_factor(person=juror, actor="cli")
