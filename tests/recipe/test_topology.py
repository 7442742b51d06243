"""The site as it runs in production (tests/recipe/conftest.py): nginx with TLS in front of two
gunicorn application servers on UNIX sockets, PostgreSQL, Redis. Visitors come from different
loopback addresses; every limit counts the address nginx saw, across both servers, and no
header a visitor sends changes it."""

from __future__ import annotations

import http.client
import re
import time

import pytest

pytestmark = [pytest.mark.slow, pytest.mark.postgres]

NOMINATION_REFUSED = "väldigt många nomineringar har kommit från din uppkoppling"
LINK_REFUSED = "Väldigt många länkar har begärts från din uppkoppling"
CONTACT_REFUSED = "Ingen länk skickades: många länkar har begärts på kort tid."


def _nomination(token: str, email: str) -> dict[str, str]:
    return {
        "csrfmiddlewaretoken": token,
        "municipality": "Sundsvall",
        "municipality_choice": "",
        "proud": "E-tjänster som invånarna använder.",
        "effect": "Kortare väntan.",
        "learned": "Börja i behoven.",
        "nominator_name": "Flod Flodsson",
        "nominator_email": email,
        "nominator_organisation": "",
        "consent": "on",
        "website": "",
    }


def test_nginx_serves_tls_static_files_and_sends_plain_http_to_https(recipe):
    visitor = recipe.visitor("127.0.0.2")
    page = visitor.get("/vinnare/")
    assert page.status == 200
    assert "Värmdö kommun" in page.text
    # The page names its stylesheet by a hash of its content: kept a year, sent compressed.
    stylesheet = re.search(r'href="(/static/web/site\.[0-9a-f]{12}\.css)"', page.text)
    assert stylesheet, "the page names no hashed stylesheet"
    css = visitor.get(stylesheet.group(1), Accept_Encoding="gzip")
    assert css.status == 200
    assert css.headers.get_all("Cache-Control") == ["max-age=31536000", "public, immutable"]
    assert css.headers["Content-Encoding"] == "gzip"
    assert (
        css.headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    )
    # Under its own name (which no page uses) only an hour, so no old copy outlives a deploy.
    unhashed = visitor.get("/static/web/site.css")
    assert unhashed.headers.get_all("Cache-Control") == ["max-age=3600", "public"]
    assert "upgrade-insecure-requests" in page.headers["Content-Security-Policy"]
    plain = http.client.HTTPConnection("127.0.0.1", recipe.http_port, timeout=10)
    plain.request("GET", "/vinnare/", headers={"Host": "kommunpris.example.se"})
    redirect = plain.getresponse()
    assert (redirect.status, redirect.headers["Location"]) == (
        301,
        "https://kommunpris.example.se/vinnare/",
    )


def test_both_application_servers_answer(recipe):
    visitor = recipe.visitor("127.0.0.2")
    # With a session (made up) nginx hands every request on; it keeps only public answers.
    visitor.cookies["__Host-sessionid"] = "not-a-session-of-anyone"
    for _ in range(6):
        assert visitor.get("/oppna-data/").status == 200
    # Each server's access log has its share (a line is written just after its answer).
    deadline = time.monotonic() + 5
    while True:
        served = [recipe.served_by(n).count('"GET /oppna-data/ HTTP/1.1" 200') for n in range(2)]
        if sum(served) == 6 or time.monotonic() > deadline:
            break
        time.sleep(0.05)
    assert sum(served) == 6
    assert all(served), served


def test_a_nomination_flood_from_one_address_is_limited_and_another_address_is_not(recipe):
    flood = recipe.visitor("127.0.0.3")
    token = flood.get("/nominera/").hidden("csrfmiddlewaretoken")
    answers = [
        # Each request forges another address: nginx replaces the header, the app ignores it.
        flood.post(
            "/nominera/",
            _nomination(token, f"flod-{n}@recipe.example.invalid"),
            X_Forwarded_For=f"203.0.113.{n}",
            X_Real_IP=f"203.0.113.{n}",
        )
        for n in range(21)
    ]
    assert [a.status for a in answers] == [302] * 20 + [429]
    assert NOMINATION_REFUSED in answers[-1].text
    # nginx spread the flood over both application servers: the limit counted across them.
    accepted_by = [recipe.served_by(n).count('"POST /nominera/ HTTP/1.1" 302') for n in range(2)]
    assert all(accepted_by), accepted_by

    neighbour = recipe.visitor("127.0.0.4")
    token = neighbour.get("/nominera/").hidden("csrfmiddlewaretoken")
    accepted = neighbour.post("/nominera/", _nomination(token, "granne@recipe.example.invalid"))
    assert (accepted.status, accepted.headers["Location"]) == (302, "/nominera/skickad/")

    # Requests only queued the confirmations; the hung mail server held none of them.
    queued = recipe.query(
        "SELECT status, attempts, count(*) FROM mail_outgoingmail "
        "WHERE template = 'nominations/confirm' AND \"to\" LIKE '%%@recipe.example.invalid' "
        "GROUP BY status, attempts"
    )
    assert queued == [("pending", 0, 21)]


def test_contact_links_from_one_address_are_limited_and_another_address_is_not(recipe):
    path = "/arbetsyta/nomineringar/kommun/logga-in/"
    flood = recipe.visitor("127.0.0.5")
    # The form's token from another page: nginx also limits requests to sign-in pages.
    token = flood.get("/personuppgifter/mina/").hidden("csrfmiddlewaretoken")
    answers = [
        flood.post(
            path,
            {"csrfmiddlewaretoken": token, "email": f"it-{n}@kommun.example.invalid"},
            X_Forwarded_For="203.0.113.99",
        )
        for n in range(6)
    ]
    assert [a.status for a in answers] == [200] * 5 + [429]
    assert "har vi nu mejlat en inloggningslänk dit" in answers[0].text
    assert CONTACT_REFUSED in answers[-1].text

    neighbour = recipe.visitor("127.0.0.6")
    token = neighbour.get("/personuppgifter/mina/").hidden("csrfmiddlewaretoken")
    sent = neighbour.post(path, {"csrfmiddlewaretoken": token, "email": "it@umea.example.invalid"})
    assert sent.status == 200
    assert "har vi nu mejlat en inloggningslänk dit" in sent.text


def test_personal_data_requests_from_one_address_are_limited_and_another_is_not(recipe):
    path = "/personuppgifter/mina/"
    flood = recipe.visitor("127.0.0.7")
    token = flood.get(path).hidden("csrfmiddlewaretoken")
    answers = [
        flood.post(
            path,
            {
                "csrfmiddlewaretoken": token,
                "email": f"vem-{n}@recipe.example.invalid",
                "website": "",
            },
            X_Forwarded_For=f"198.51.100.{n}",
        )
        for n in range(21)
    ]
    assert [a.status for a in answers] == [200] * 20 + [429]
    assert "Titta i din e-post" in answers[0].text
    assert LINK_REFUSED in answers[-1].text

    neighbour = recipe.visitor("127.0.0.8")
    token = neighbour.get(path).hidden("csrfmiddlewaretoken")
    asked = neighbour.post(
        path,
        {"csrfmiddlewaretoken": token, "email": "flod-1@recipe.example.invalid", "website": ""},
    )
    assert asked.status == 200
    assert "Titta i din e-post" in asked.text


def test_five_wrong_passwords_lock_that_address_out_and_another_address_still_signs_in(recipe):
    organiser, password = recipe.world["organiser"], recipe.world["password"]

    def sign_in(visitor, secret):
        # The form's token from another page: nginx limits requests to the sign-in page itself.
        token = visitor.get("/personuppgifter/mina/").hidden("csrfmiddlewaretoken")
        fields = {"csrfmiddlewaretoken": token, "username": organiser, "password": secret}
        return visitor.post("/logga-in/", {**fields, "next": ""}, X_Forwarded_For="192.0.2.1")

    guesser = recipe.visitor("127.0.0.9")
    tries = [sign_in(guesser, f"gissning-{n}") for n in range(5)]
    assert [t.status for t in tries] == [400, 400, 400, 400, 429]
    assert "Inloggningen är stängd en stund" in tries[-1].text
    refused = sign_in(guesser, password)
    assert refused.status == 429

    colleague = recipe.visitor("127.0.0.10")
    signed = sign_in(colleague, password)
    # The password is taken: on to setting up the second factor (the organiser's first time).
    assert (signed.status, signed.headers["Location"]) == (
        302,
        "/arbetsyta/konto/tvastegsverifiering/",
    )

    # django-axes counted the address nginx saw, not the forged one nor the socket's.
    attempts = recipe.query(
        "SELECT host(ip_address), failures_since_start FROM axes_accessattempt WHERE username = %s",
        organiser,
    )
    assert attempts == [("127.0.0.9", 5)]
