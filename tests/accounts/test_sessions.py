"""Sessions: a signed-in person is signed out after 8 hours without activity and when the
browser closes; activity keeps the session going."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.test import Client
from django.utils import timezone


def test_session_expired_after_eight_idle_hours_is_sent_to_sign_in(
    enrolled, kit, time_machine, sign_in_verified
):
    time_machine.move_to(timezone.now(), tick=False)
    person = sign_in_verified(Client(), enrolled.user)
    assert "Inloggad som anna@example.se" in kit.text(person.get("/arbetsyta/"))
    time_machine.shift(timedelta(hours=8, minutes=1))
    response = person.get("/arbetsyta/jury/")
    assert (response.status_code, response["Location"]) == (302, "/logga-in/?next=/arbetsyta/jury/")
    assert "Logga in" in kit.text(person.get(response["Location"]))


def test_session_in_use_goes_on_past_eight_hours(enrolled, kit, time_machine):
    time_machine.move_to(timezone.now() + timedelta(minutes=1), tick=False)
    person = Client()
    kit.sign_in(person, "anna@example.se")
    person.post("/logga-in/kod/", {"code": kit.code_from_secret(enrolled.secret)})
    for _ in range(3):  # a long working day: a page every six hours
        time_machine.shift(timedelta(hours=6))
        assert "Inloggad som anna@example.se" in kit.text(person.get("/arbetsyta/"))
    time_machine.shift(timedelta(hours=8, minutes=6))
    assert person.get("/arbetsyta/")["Location"] == "/logga-in/?next=/arbetsyta/"


def test_session_cookie_ends_with_the_browser(enrolled, kit, time_machine):
    time_machine.move_to(timezone.now() + timedelta(minutes=1), tick=False)
    person = Client()
    kit.sign_in(person, "anna@example.se")
    response = person.post("/logga-in/kod/", {"code": kit.code_from_secret(enrolled.secret)})
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert (cookie["expires"], cookie["max-age"]) == (
        "",
        "",
    )  # no date: gone when the browser closes
    assert settings.SESSION_COOKIE_AGE == 8 * 3600
