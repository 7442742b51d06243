"""Later sign-ins: password, then the code from the app or a recovery code; wrong codes;
new recovery codes; sign-out."""

from __future__ import annotations

import re
from datetime import timedelta

from django.test import Client
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticToken

from kommunpris.audit.models import AuditEvent

CODE = "/logga-in/kod/"
RECOVERY = "/logga-in/reservkod/"


def _next_day(time_machine) -> None:
    time_machine.move_to(timezone.now() + timedelta(days=1), tick=False)


def test_second_sign_in_with_the_code_from_the_app(enrolled, kit, time_machine):
    _next_day(time_machine)
    person = Client()
    response = kit.sign_in(person, "anna@example.se", next="/arbetsyta/jury/")
    assert response["Location"] == f"{CODE}?next=%2Farbetsyta%2Fjury%2F"
    # Between the steps the desk stays shut and sends the person back to the code page.
    assert person.get("/arbetsyta/")["Location"] == f"{CODE}?next=%2Farbetsyta%2F"
    page = person.get(response["Location"])
    assert "Lösenordet stämmer. Öppna nu autentiseringsappen" in kit.text(page)
    body = page.content.decode()
    assert re.search(
        r'<input type="text" name="code" id="id_code"[^>]*autocomplete="one-time-code"', body
    )
    assert 'inputmode="numeric"' in body and '<label for="id_code">Kod från appen</label>' in body

    response = person.post(
        CODE, {"code": kit.code_from_secret(enrolled.secret), "next": "/arbetsyta/jury/"}
    )
    assert response["Location"] == "/arbetsyta/jury/"
    assert "Sveriges DigitaliseringsKommun 2029 – ledamot" in kit.text(
        person.get("/arbetsyta/jury/")
    )
    event = AuditEvent.objects.filter(action="accounts.signed_in").latest("id")
    assert event.after == {"username": "anna@example.se", "second_factor": "totp"}


def test_second_sign_in_the_same_code_is_not_accepted_twice(enrolled, kit, time_machine):
    _next_day(time_machine)
    code = kit.code_from_secret(enrolled.secret)
    first, second = Client(), Client()
    kit.sign_in(first, "anna@example.se")
    kit.sign_in(second, "anna@example.se")
    assert first.post(CODE, {"code": code})["Location"] == "/arbetsyta/"
    refused = second.post(CODE, {"code": code})
    assert refused.status_code == 400
    assert "Koden stämmer inte. Skriv de sex siffror som appen visar just nu." in kit.text(refused)


def test_second_sign_in_with_a_recovery_code_that_then_is_gone(enrolled, kit, time_machine):
    _next_day(time_machine)
    person = Client()
    kit.sign_in(person, "anna@example.se")
    assert "Använd en av dina reservkoder i stället" in kit.text(person.get(CODE))
    page = person.get(RECOVERY)
    assert "Logga in med en reservkod" in kit.text(page)
    assert 'autocomplete="one-time-code"' in page.content.decode()
    used = enrolled.recovery_codes[0]
    typed = " ".join(used[i : i + 4] for i in range(0, 16, 4)).upper()  # "ABCD EFGH …"
    response = person.post(RECOVERY, {"code": typed})
    assert response["Location"] == "/arbetsyta/"
    assert "Du loggade in med en reservkod. Du har 9 reservkoder kvar." in kit.text(
        person.get("/arbetsyta/")
    )
    assert not StaticToken.objects.filter(token=used).exists()
    used_event = AuditEvent.objects.get(action="accounts.recovery_code_used")
    assert (used_event.actor, used_event.after) == ("anna@example.se", {"remaining": 9})
    assert AuditEvent.objects.filter(action="accounts.signed_in").latest("id").after == {
        "username": "anna@example.se",
        "second_factor": "recovery_code",
    }

    # The same code again, in a new sign-in, is refused; another one works.
    person.post("/logga-ut/")
    kit.sign_in(person, "anna@example.se")
    again = person.post(RECOVERY, {"code": used})
    assert again.status_code == 400
    assert "Reservkoden stämmer inte eller är redan använd." in kit.text(again)
    assert person.get("/arbetsyta/")["Location"] == f"{CODE}?next=%2Farbetsyta%2F"
    time_machine.shift(5)
    assert person.post(RECOVERY, {"code": enrolled.recovery_codes[1]})["Location"] == "/arbetsyta/"
    assert StaticToken.objects.filter(device__user=enrolled.user).count() == 8


def test_wrong_codes_three_in_a_row_send_the_person_back_to_the_password(
    enrolled, kit, time_machine
):
    _next_day(time_machine)
    person = Client()
    kit.sign_in(person, "anna@example.se", next="/arbetsyta/jury/")
    for attempt in range(2):
        wrong = person.post(CODE, {"code": "000000", "next": "/arbetsyta/jury/"})
        assert wrong.status_code == 400, attempt
        assert "Koden stämmer inte." in kit.text(wrong)
        time_machine.shift(60)
    response = person.post(CODE, {"code": "000000", "next": "/arbetsyta/jury/"})
    assert response["Location"] == "/logga-in/?next=%2Farbetsyta%2Fjury%2F"
    page = kit.text(person.get(response["Location"]))
    assert "För många felaktiga koder. Logga in igen med e-postadress och lösenord." in page
    # The password has to be given again: the half-finished sign-in is gone.
    assert person.get("/arbetsyta/")["Location"] == "/logga-in/?next=/arbetsyta/"
    failures = AuditEvent.objects.filter(action="accounts.sign_in_failed")
    assert [(e.actor, e.after) for e in failures] == [
        ("anna@example.se", {"username": "anna@example.se", "step": "code", "reason": "wrong_code"})
    ] * 3


def test_wrong_codes_in_quick_succession_are_slowed_down(enrolled, kit, time_machine):
    _next_day(time_machine)
    person = Client()
    kit.sign_in(person, "anna@example.se")
    assert person.post(CODE, {"code": "000000"}).status_code == 400
    too_soon = person.post(CODE, {"code": kit.code_from_secret(enrolled.secret)})
    assert "För många felaktiga koder i rad. Vänta 1 sekund och försök igen." in kit.text(too_soon)
    time_machine.shift(2)
    assert person.post(CODE, {"code": kit.code_from_secret(enrolled.secret)})["Location"] == (
        "/arbetsyta/"
    )


def test_new_recovery_codes_replace_the_old_ones(enrolled, kit, sign_in_verified):
    person = sign_in_verified(Client(), enrolled.user)
    account = kit.text(person.get("/arbetsyta/konto/"))
    assert "Du har 10 oanvända reservkoder." in account
    assert "Du loggas ut efter 8 timmar utan aktivitet och när du stänger webbläsaren." in account
    response = person.post("/arbetsyta/konto/reservkoder/nya/")
    assert response["Location"] == "/arbetsyta/konto/reservkoder/"
    shown = kit.text(person.get(response["Location"]))
    new = [c.replace("-", "") for c in re.findall(r"\b[a-z2-7]{4}(?:-[a-z2-7]{4}){3}\b", shown)]
    assert len(new) == 10 and not set(new) & set(enrolled.recovery_codes)
    assert set(
        StaticToken.objects.filter(device__user=enrolled.user).values_list("token", flat=True)
    ) == set(new)
    assert person.post("/arbetsyta/konto/reservkoder/")["Location"] == "/arbetsyta/konto/"
    event = AuditEvent.objects.get(action="accounts.recovery_codes_regenerated")
    assert (event.actor, event.after) == ("anna@example.se", {"recovery_codes": 10})

    # An old code no longer signs in.
    stranger = Client()
    kit.sign_in(stranger, "anna@example.se")
    refused = stranger.post(RECOVERY, {"code": enrolled.recovery_codes[2]})
    assert "Reservkoden stämmer inte eller är redan använd." in kit.text(refused)


def test_sign_out_is_audited_and_closes_the_desk(enrolled, kit, sign_in_verified):
    person = sign_in_verified(Client(), enrolled.user)
    assert person.get("/logga-ut/").status_code == 405  # only a button (POST) signs out
    response = person.post("/logga-ut/")
    assert response["Location"] == "/logga-in/"
    assert "Du är utloggad." in kit.text(person.get("/logga-in/"))
    assert person.get("/arbetsyta/")["Location"] == "/logga-in/?next=/arbetsyta/"
    event = AuditEvent.objects.get(action="accounts.signed_out")
    assert (event.actor, event.target) == ("anna@example.se", "user:anna@example.se")
