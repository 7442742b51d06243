"""Signing in with the e-mail address, in any case, for every account: one made by
`createsuperuser` (which asks for the address), one made in the admin under another username,
a juror's; one lockout per account and computer however the address is written; the organiser's
overview shows the address."""

from __future__ import annotations

import io

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command
from django.test import Client

from kommunpris.audit.models import AuditEvent
from kommunpris.audit.vocabulary import CLI

WRONG = "fel-lösenord-123"


def create_superuser(*args: str, stdin: object = None) -> str:
    out = io.StringIO()
    call_command("createsuperuser", *args, stdout=out, stderr=io.StringIO(), stdin=stdin)
    return out.getvalue()


def test_createsuperuser_without_a_terminal_takes_the_address_and_the_password_from_the_environment(
    award, kit, monkeypatch
):
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", kit.password)
    out = create_superuser("--noinput", "--email", "Eva.Ek@Kvalitetsmassan.se")
    assert "Kontot eva.ek@kvalitetsmassan.se är skapat." in out
    user = User.objects.get(email="eva.ek@kvalitetsmassan.se")
    assert (user.username, user.is_superuser, user.is_staff) == (
        "eva.ek@kvalitetsmassan.se",
        True,
        True,
    )
    event = AuditEvent.objects.get(action="accounts.superuser_created")
    assert (event.actor, event.target, event.after) == (
        "cli",
        "user:eva.ek@kvalitetsmassan.se",
        {"email": "eva.ek@kvalitetsmassan.se", "has_password": True},
    )
    # She signs in with the address, however she writes it; then sets up her app.
    signed_in = kit.sign_in(Client(), "EVA.EK@kvalitetsmassan.se ")
    assert signed_in["Location"] == "/arbetsyta/konto/tvastegsverifiering/"


def test_createsuperuser_asks_for_the_address_and_refuses_one_in_use(award, kit, monkeypatch):
    User.objects.create_user("admin", "upptagen@example.se", kit.password)

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    typed = iter(["inte-en-adress", "Upptagen@Example.se", "ny.arrangor@example.se"])
    prompts: list[str] = []
    monkeypatch.setattr("builtins.input", lambda prompt="": prompts.append(prompt) or next(typed))
    passwords = iter(["kort", "kort", kit.password, kit.password])
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(passwords))
    errors = io.StringIO()
    call_command("createsuperuser", stdin=Terminal(), stdout=io.StringIO(), stderr=errors)
    assert prompts == ["E-postadress: "] * 3
    assert "'inte-en-adress' är ingen e-postadress." in errors.getvalue()
    assert "Det finns redan ett konto för upptagen@example.se." in errors.getvalue()
    assert "Det här lösenordet är för kort." in errors.getvalue()
    assert User.objects.get(email="ny.arrangor@example.se").check_password(kit.password)


def test_createsuperuser_refuses_a_taken_address_without_a_terminal(award, kit, monkeypatch):
    User.objects.create_user("admin", "anna@example.se", kit.password)
    with pytest.raises(CommandError, match="Det finns redan ett konto för anna@example.se"):
        create_superuser("--noinput", "--email", "ANNA@example.se")
    with pytest.raises(CommandError, match="Ange adressen med --email"):
        create_superuser("--noinput")
    assert User.objects.count() == 1


def test_an_account_made_under_another_username_signs_in_with_its_address(world, kit):
    User.objects.create_user("driftchef", "Drift@Example.se", kit.password, is_staff=True)
    for written in ("drift@example.se", "DRIFT@EXAMPLE.SE", "driftchef"):
        response = kit.sign_in(Client(), written)
        assert response.status_code == 302, written
    refused = kit.sign_in(Client(), "drift@example.se", WRONG)
    assert "Inloggningen misslyckades: kontrollera e-postadress och lösenord." in kit.text(refused)


def test_an_address_two_accounts_share_signs_in_neither(world, kit):
    User.objects.create_user("en", "delad@example.se", kit.password)
    User.objects.create_user("tva", "DELAD@example.se", kit.password)
    assert kit.sign_in(Client(), "delad@example.se").status_code == 400
    assert kit.sign_in(Client(), "en").status_code == 302  # the username still names one


def test_one_lockout_per_account_however_the_address_is_written(enrolled, kit):
    person = Client()
    for written in ("anna@example.se", "ANNA@example.se", "Anna@Example.se", "anna@EXAMPLE.se"):
        assert kit.sign_in(person, written, WRONG).status_code == 400
    locked = kit.sign_in(person, "aNNa@example.SE", WRONG)
    assert locked.status_code == 429
    assert kit.sign_in(person, "anna@example.se").status_code == 429
    assert list(AccessAttempt.objects.values_list("username", "failures_since_start")) == [
        ("anna@example.se", 5)
    ]
    # Another computer is not locked out.
    assert kit.sign_in(Client(REMOTE_ADDR="192.0.2.99"), "ANNA@example.se").status_code == 302


def test_the_two_factor_overview_lists_the_address(world, kit, sign_in_verified):
    User.objects.create_user("driftchef", "drift@example.se", kit.password, is_staff=True)
    organiser = sign_in_verified(Client(), world.organiser)
    page = kit.text(organiser.get("/arbetsyta/konto/personer/"))
    assert "drift@example.se arrangör" in page
    assert "driftchef" not in page


def test_the_invitation_finds_the_account_that_signs_in_with_the_address(world, kit):
    from kommunpris.jury import services as jury

    existing = User.objects.create_user("admin", "Ordf@Example.se", kit.password, is_staff=True)
    seat = jury.invite_member(
        edition=world.edition, email="ordf@example.se", role="chair", actor=CLI
    )
    assert seat.user_id == existing.pk
    assert User.objects.filter(email__iexact="ordf@example.se").count() == 1
