"""Sign-in throttling: five failures for one e-mail address from one computer close sign-in for
that pair for 30 minutes; wrong codes count as failures too."""

from __future__ import annotations

from axes.models import AccessAttempt
from django.test import Client

from kommunpris.audit.models import AuditEvent

NINE = "2029-09-25 09:00:00+02:00"
WRONG = "fel-lösenord-123"


def test_lockout_after_five_wrong_passwords_refuses_even_the_right_one(enrolled, kit, time_machine):
    time_machine.move_to(NINE, tick=False)
    person = Client()
    for attempt in range(4):
        response = kit.sign_in(person, "anna@example.se", WRONG)
        assert response.status_code == 400, attempt
        assert "Inloggningen misslyckades: kontrollera e-postadress och lösenord." in kit.text(
            response
        )
    assert (
        "Efter 5 misslyckade försök stängs inloggningen från den här datorn i 30 minuter."
        in kit.text(response)
    )

    locked = kit.sign_in(person, "anna@example.se", WRONG)
    assert locked.status_code == 429
    assert locked["Retry-After"] == "1800"
    assert (
        kit.text(locked)
        .split("Inloggningen är stängd en stund", 2)[2]
        .strip()
        .startswith(
            "Det har gjorts 5 misslyckade inloggningsförsök för den här e-postadressen från den här "
            "datorn. För att skydda kontot är inloggningen härifrån stängd i 30 minuter. "
            "Försök igen efter kl. 09:30 den 25 september 2029 (svensk tid). "
            "Till dess nekas även rätt lösenord och kod."
        )
    )

    time_machine.move_to("2029-09-25 09:10:00+02:00", tick=False)
    refused = kit.sign_in(person, "anna@example.se")
    assert refused.status_code == 429
    assert "Försök igen efter kl. 09:30 den 25 september 2029" in kit.text(refused)
    assert person.get("/arbetsyta/")["Location"] == "/logga-in/?next=/arbetsyta/"

    # The lockout is for this address and this computer only.
    assert kit.sign_in(Client(REMOTE_ADDR="192.0.2.99"), "anna@example.se").status_code == 302
    assert kit.sign_in(Client(), "organisator@kvalitetsmassan.se").status_code == 302

    time_machine.move_to("2029-09-25 09:30:01+02:00", tick=False)
    response = kit.sign_in(person, "anna@example.se")
    assert response["Location"] == "/logga-in/kod/"

    failures = AuditEvent.objects.filter(
        action="accounts.sign_in_failed", target="user:anna@example.se"
    )
    assert [(e.actor, e.after["step"], e.after["reason"]) for e in failures] == [
        ("public", "password", "wrong_password")
    ] * 5 + [("public", "password", "locked_out")]
    lockout = AuditEvent.objects.get(action="accounts.locked_out")
    assert (lockout.target, lockout.after) == (
        "user:anna@example.se",
        {"username": "anna@example.se", "until": "2029-09-25T07:30:00Z"},
    )
    # Neither the audit log nor the throttle's own records keep a password.
    kept = str(list(AuditEvent.objects.values_list("before", "after")))
    kept += str(list(AccessAttempt.objects.values_list("post_data", flat=True)))
    assert WRONG not in kept and kit.password not in kept


def test_lockout_counts_wrong_codes_with_wrong_passwords(enrolled, kit, time_machine):
    time_machine.move_to(NINE, tick=False)
    person = Client()
    for _ in range(3):
        assert kit.sign_in(person, "anna@example.se", WRONG).status_code == 400
    assert kit.sign_in(person, "anna@example.se")["Location"] == "/logga-in/kod/"
    assert person.post("/logga-in/kod/", {"code": "000000"}).status_code == 400
    time_machine.shift(60)
    locked = person.post("/logga-in/kod/", {"code": "000000"})
    assert locked.status_code == 429
    assert "Försök igen efter kl. 09:31 den 25 september 2029 (svensk tid)." in kit.text(locked)
    # The half-finished sign-in has ended, and the right code is of no use until then.
    assert person.get("/arbetsyta/")["Location"] == "/logga-in/?next=/arbetsyta/"
    assert kit.sign_in(person, "anna@example.se").status_code == 429
    assert AuditEvent.objects.filter(action="accounts.locked_out").count() == 1
    assert [
        (e.after["step"], e.after["reason"])
        for e in AuditEvent.objects.filter(action="accounts.sign_in_failed")
    ] == [("password", "wrong_password")] * 3 + [("code", "wrong_code")] * 2 + [
        ("password", "locked_out")
    ]


def test_sign_in_failure_of_an_unknown_address_is_audited_with_what_was_typed(db, kit):
    response = kit.sign_in(Client(), "ingen@example.se", WRONG)
    assert response.status_code == 400
    event = AuditEvent.objects.get(action="accounts.sign_in_failed")
    assert (event.actor, event.target, event.after) == (
        "public",
        "user:ingen@example.se",
        {"username": "ingen@example.se", "step": "password", "reason": "wrong_password"},
    )
