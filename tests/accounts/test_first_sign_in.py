"""A juror's first sign-in, end to end: the invitation, a password, the authenticator app set
up from the page (the code computed from the key shown, as an app would), the recovery codes
shown once, then the desk."""

from __future__ import annotations

import re
from base64 import b32decode

from django.test import Client
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from kommunpris.audit.models import AuditEvent

ENROL = "/arbetsyta/konto/tvastegsverifiering/"
CODES = "/arbetsyta/konto/reservkoder/"


def test_first_sign_in_juror_sets_password_app_and_recovery_codes(invite, kit, time_machine):
    time_machine.move_to("2029-09-25 09:00:10+02:00", tick=False)
    path = invite("dan@example.se")
    person = Client()
    assert "Välj ditt lösenord" in kit.text(person.get(path))
    response = person.post(path, {"new_password1": kit.password, "new_password2": kit.password})
    assert (response.status_code, response["Location"]) == (302, "/arbetsyta/jury/")

    # The password alone does not open the desk: first the app.
    response = person.get("/arbetsyta/jury/")
    assert response["Location"] == f"{ENROL}?next=%2Farbetsyta%2Fjury%2F"
    assert person.get("/arbetsyta/")["Location"] == f"{ENROL}?next=%2Farbetsyta%2F"
    page = person.get(response["Location"])
    shown = kit.text(page)
    assert "Ställ in tvåstegsverifiering" in shown
    assert "Skanna den här QR-koden med appen:" in shown
    body = page.content.decode()
    assert '<svg role="img"' in body and "<title>QR-kod för din autentiseringsapp</title>" in body
    assert 'autocomplete="one-time-code"' in body and 'inputmode="numeric"' in body
    secret = kit.secret_on(page)
    device = TOTPDevice.objects.get(user__username="dan@example.se")
    assert (device.confirmed, b32decode(secret.replace(" ", ""))) == (False, device.bin_key)
    uri = f"otpauth://totp/kommunpris%3Adan%40example.se?secret={secret.replace(' ', '')}"
    assert (
        f'href="{uri}&amp;algorithm=SHA1&amp;digits=6&amp;period=30&amp;issuer=kommunpris"' in body
    )
    assert kit.secret_on(person.get(ENROL)) == secret  # the same key until confirmed

    # A mistyped code is refused and changes nothing.
    wrong = person.post(ENROL, {"code": "000000", "next": "/arbetsyta/jury/"})
    assert wrong.status_code == 400
    assert "Något behöver rättas Koden stämmer inte." in kit.text(wrong)
    assert TOTPDevice.objects.get(pk=device.pk).confirmed is False

    # The code the app shows confirms it (django-otp waits a second after a wrong code).
    time_machine.shift(5)
    code = kit.code_from_secret(secret)
    response = person.post(ENROL, {"code": code, "next": "/arbetsyta/jury/"})
    assert (response.status_code, response["Location"]) == (302, CODES)
    assert TOTPDevice.objects.get(pk=device.pk).confirmed is True

    # Ten recovery codes, shown once, to download as text.
    shown = kit.text(person.get(CODES))
    assert "Spara koderna nu De visas bara den här gången." in shown
    codes = re.findall(r"\b[a-z2-7]{4}-[a-z2-7]{4}-[a-z2-7]{4}-[a-z2-7]{4}\b", shown)
    assert len(codes) == len(set(codes)) == 10
    stored = set(
        StaticToken.objects.filter(device__user__username="dan@example.se").values_list(
            "token", flat=True
        )
    )
    assert stored == {c.replace("-", "") for c in codes}
    download = person.get("/arbetsyta/konto/reservkoder.txt")
    assert download["Content-Disposition"] == 'attachment; filename="reservkoder-kommunpris.txt"'
    assert download["Content-Type"] == "text/plain; charset=utf-8"
    assert (
        re.findall(r"[a-z2-7]{4}-[a-z2-7]{4}-[a-z2-7]{4}-[a-z2-7]{4}", download.content.decode())
        == codes
    )
    assert download.content.decode().startswith("Reservkoder för kommunpris, dan@example.se")

    # "Saved": on to where the person was going; the codes are not shown again.
    response = person.post(CODES)
    assert response["Location"] == "/arbetsyta/jury/"
    assert "Sveriges DigitaliseringsKommun 2029 – ledamot" in kit.text(
        person.get("/arbetsyta/jury/")
    )
    assert "Reservkoder visas bara en gång, när de skapas." in kit.text(person.get(CODES))
    assert person.get("/arbetsyta/konto/reservkoder.txt").status_code == 404
    assert person.get(ENROL)["Location"] == "/arbetsyta/konto/"

    assert kit.audit_actions("dan@example.se") == [
        "accounts.two_factor_enrolment_started",
        "accounts.two_factor_enrolled",
        "accounts.signed_in",
    ]
    signed_in = AuditEvent.objects.get(action="accounts.signed_in")
    assert (signed_in.actor, signed_in.after) == (
        "dan@example.se",
        {"username": "dan@example.se", "second_factor": "enrolment"},
    )
    enrolled = AuditEvent.objects.get(action="accounts.two_factor_enrolled")
    assert enrolled.after == {"method": "totp", "recovery_codes": 10}
    assert secret.replace(" ", "") not in str(
        list(AuditEvent.objects.values_list("before", "after"))
    )


def test_first_sign_in_organiser_without_app_goes_from_password_to_set_up(world, kit):
    person = Client()
    response = kit.sign_in(person, world.organiser.username, next="/arbetsyta/nomineringar/")
    assert response["Location"] == f"{ENROL}?next=%2Farbetsyta%2Fnomineringar%2F"
    assert person.get("/admin/")["Location"] == f"{ENROL}?next=%2Fadmin%2F"
    assert "Ställ in tvåstegsverifiering" in kit.text(person.get(response["Location"]))


def test_set_up_refuses_a_code_that_is_not_six_digits(juror, kit):
    person = Client()
    kit.sign_in(person, juror.username)
    response = person.post(ENROL, {"code": "12ab"})
    assert response.status_code == 400
    assert "Koden har sex siffror, till exempel 123456." in kit.text(response)
    assert 'aria-invalid="true"' in response.content.decode()
    assert not TOTPDevice.objects.filter(user=juror, confirmed=True).exists()
