"""A NUL character anywhere in the address is refused with 400 on every backend.

PostgreSQL cannot compare text holding NUL; without the refusal such a request is a server
error there and an ordinary miss on SQLite. Found by fuzzing the API on PostgreSQL."""

from __future__ import annotations

import pytest
from django.test import Client

from kommunpris.awards.models import Award

MESSAGE = "Adressen innehåller ett otillåtet tecken (NUL). Kontrollera länken."


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/awards/digitaliseringskommun%00",
        "/api/v1/editions?award=%00",
        "/api/v1/editions/2023?award=x%00y",
        "/api/v1/winners?award=%00",
        "/api/v1/municipalities?q=Sundsvall%00",
        "/api/v1/municipalities/0120%00",
        "/api/v1/counties/%0001",
        "/api/v1/counties?x%00=1",
    ],
)
def test_api_refuses_nul_with_documented_error(client: Client, archive: Award, url: str) -> None:
    response = client.get(url)
    assert (response.status_code, response.json()) == (400, {"detail": MESSAGE})


@pytest.mark.parametrize(
    "url", ["/kommun/%00/", "/lan/01%00/", "/vinnare/?q=%00", "/en/kommun/%00/"]
)
def test_site_refuses_nul(client: Client, archive: Award, url: str) -> None:
    response = client.get(url)
    assert (response.status_code, response.content.decode()) == (400, MESSAGE)


def test_nul_in_a_cookie_is_refused(client: Client, archive: Award) -> None:
    # The raw header, as a client sends it: Python's own cookie jar refuses control characters
    # since the security releases of 2025 (3.13.4 and Debian 13's 3.13.5, for example).
    response = client.get("/arbetsyta/", HTTP_COOKIE="sessionid=abc\x00def")
    assert (response.status_code, response.content.decode()) == (400, MESSAGE)


def test_refusal_follows_the_readers_language(client: Client, archive: Award) -> None:
    response = client.get("/api/v1/winners?award=%00", HTTP_ACCEPT_LANGUAGE="en")
    assert (response.status_code, response.json()) == (
        400,
        {"detail": "The address holds a character that is not allowed (NUL). Check the link."},
    )


def test_openapi_document_names_the_refusal_and_validation_errors(
    client: Client, archive: Award
) -> None:
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    for path, item in paths.items():
        responses = item["get"]["responses"]
        assert responses["400"]["content"]["application/json"]["schema"] == {
            "$ref": "#/components/schemas/ErrorOut"
        }, path
        # If-None-Match (conditional GET, every operation) is read by no view, so it cannot fail.
        parsed = [p for p in item["get"]["parameters"] if p["name"] != "If-None-Match"]
        assert ("422" in responses) == bool(parsed), path
