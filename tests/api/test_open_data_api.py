"""The read-only JSON API: every response checked against the OpenAPI document it publishes."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from jsonschema import Draft202012Validator
from openapi_spec_validator import validate

from kommunpris.awards.models import Award


@pytest.fixture
def openapi(client: Client, archive: Award) -> dict[str, Any]:
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    return response.json()  # type: ignore[no-any-return]


def _check(
    openapi: dict[str, Any], client: Client, template: str, url: str, status: int = 200
) -> Any:
    """GET url and validate its JSON against the operation's response schema for status."""
    response = client.get(url)
    assert response.status_code == status, response.content
    operation = openapi["paths"][template]["get"]
    schema = operation["responses"][str(status)]["content"]["application/json"]["schema"]
    validator = Draft202012Validator({**schema, "components": openapi["components"]})
    body = response.json()
    errors = [e.message for e in validator.iter_errors(body)]
    assert errors == []
    return body


def test_openapi_document_is_valid(openapi: dict[str, Any]) -> None:
    validate(openapi)
    assert openapi["info"]["version"] == "1"
    assert set(openapi["paths"]) == {
        "/api/v1/awards",
        "/api/v1/awards/{slug}",
        "/api/v1/editions",
        "/api/v1/editions/{year}",
        "/api/v1/winners",
        "/api/v1/municipalities",
        "/api/v1/municipalities/{code}",
        "/api/v1/counties",
        "/api/v1/counties/{code}",
        "/api/v1/themes",
        "/api/v1/themes/motivations",
    }


def test_api_docs_page_is_served(client: Client, archive: Award) -> None:
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    assert b"openapi.json" in response.content


def test_winners_endpoint_matches_json_export(openapi: dict[str, Any], client: Client) -> None:
    rows = _check(openapi, client, "/api/v1/winners", "/api/v1/winners")
    assert [(r["year"], r["municipality_code"], r["display_name"]) for r in rows][:3] == [
        (2023, "0120", "Värmdö kommun"),
        (2021, "2281", "Sundsvalls kommun"),
        (2019, "0186", "Lidingö stad"),
    ]
    assert len(rows) == 12
    assert client.get("/vinnare/vinnare.json").json() == rows


def test_awards_endpoints_give_name_history(openapi: dict[str, Any], client: Client) -> None:
    awards = _check(openapi, client, "/api/v1/awards", "/api/v1/awards")
    assert awards[0]["slug"] == "digitaliseringskommun"
    detail = _check(
        openapi, client, "/api/v1/awards/{slug}", "/api/v1/awards/digitaliseringskommun"
    )
    assert detail == {
        "slug": "digitaliseringskommun",
        "name": "Sveriges DigitaliseringsKommun",
        "names": [
            {"name": "Sveriges IT-kommun", "from_year": 2001},
            {"name": "Sveriges DigitaliseringsKommun", "from_year": 2017},
        ],
        "founded_year": 2001,
        "cadence_years": 2,
        "venue": "Kvalitetsmässan",
        "is_default": True,
    }
    missing = _check(openapi, client, "/api/v1/awards/{slug}", "/api/v1/awards/nobel", 404)
    assert missing["detail"].startswith("Okänd utmärkelse 'nobel'.")


def test_edition_endpoint_has_winner_and_finalists(openapi: dict[str, Any], client: Client) -> None:
    edition = _check(openapi, client, "/api/v1/editions/{year}", "/api/v1/editions/2023")
    assert (edition["name"], edition["phase"], edition["decision_public"]) == (
        "Sveriges DigitaliseringsKommun",
        "announced",
        True,
    )
    assert edition["winner"]["municipality_code"] == "0120"
    assert sorted(f["name"] for f in edition["finalists"]) == [
        "Mora, Orsa och Älvdalen",
        "Nacka",
        "Värmdö",
    ]
    joint = next(f for f in edition["finalists"] if f["joint"])
    assert [m["code"] for m in joint["municipalities"]] == ["2062", "2034", "2039"]
    assert sorted(n["name"] for n in edition["nominees"]) == ["Staffanstorp", "Östersund"]
    old = _check(openapi, client, "/api/v1/editions/{year}", "/api/v1/editions/2015")
    assert old["name"] == "Sveriges IT-kommun"
    editions = _check(openapi, client, "/api/v1/editions", "/api/v1/editions")
    assert [e["year"] for e in editions] == list(range(2023, 2000, -2))
    assert _check(openapi, client, "/api/v1/editions/{year}", "/api/v1/editions/2025", 404)[
        "detail"
    ] == ("Upplagan 2025 finns inte.")


def test_municipalities_endpoint_lists_all_and_resolves_written_names(
    openapi: dict[str, Any], client: Client
) -> None:
    every = _check(openapi, client, "/api/v1/municipalities", "/api/v1/municipalities")
    assert len(every) == 290
    falun = _check(
        openapi, client, "/api/v1/municipalities", "/api/v1/municipalities?q=Falu%20kommun"
    )
    assert falun == [
        {"code": "2080", "name": "Falun", "county_code": "20", "county": "Dalarnas län"}
    ]
    unknown = _check(
        openapi, client, "/api/v1/municipalities", "/api/v1/municipalities?q=Sundsval", 404
    )
    assert unknown["candidates"][0] == "Sundsvall"
    assert unknown["detail"].startswith("Okänd kommun 'Sundsval'. Menade du: Sundsvall")
    one = _check(openapi, client, "/api/v1/municipalities/{code}", "/api/v1/municipalities/0114")
    assert one["name"] == "Upplands Väsby"
    _check(openapi, client, "/api/v1/municipalities/{code}", "/api/v1/municipalities/114", 404)


def test_counties_endpoints(openapi: dict[str, Any], client: Client) -> None:
    counties = _check(openapi, client, "/api/v1/counties", "/api/v1/counties")
    assert len(counties) == 21
    assert counties[0] == {"code": "01", "name": "Stockholms län"}
    dalarna = _check(openapi, client, "/api/v1/counties/{code}", "/api/v1/counties/20")
    assert len(dalarna["municipalities"]) == 15
    assert {
        "code": "2062",
        "name": "Mora",
        "county_code": "20",
        "county": "Dalarnas län",
    } in dalarna["municipalities"]


# Each limit counts the query for the data version every public answer makes (web.freshness).
@pytest.mark.parametrize(
    ("url", "limit"),
    [("/api/v1/winners", 6), ("/api/v1/editions", 10), ("/api/v1/municipalities", 4)],
)
def test_api_list_query_counts(
    client: Client, archive: Award, django_assert_max_num_queries: Any, url: str, limit: int
) -> None:
    with django_assert_max_num_queries(limit):
        assert client.get(url).status_code == 200
