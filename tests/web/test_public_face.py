"""The public face beyond the map, themes and search: statement, shared links, navigation."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from django.test import Client, override_settings

from kommunpris.awards.models import Award, Edition


def _text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def _meta(html: str, prop: str) -> str:
    match = re.search(rf'<meta property="{re.escape(prop)}" content="([^"]*)">', html)
    assert match is not None, prop
    return match.group(1)


def _json_ld(html: str) -> list[Any]:
    return [
        json.loads(body)
        for body in re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    ]


@override_settings(KOMMUNPRIS_ACCESSIBILITY_CONTACT="webb@example.se")
def test_accessibility_statement_names_the_law_shortcomings_contact_and_digg(
    client: Client, archive: Award
) -> None:
    html = client.get("/tillganglighet/").content.decode()
    text = _text(html)

    assert "<h1>Tillgänglighetsredogörelse</h1>" in html
    assert "lagen (2018:1937) om tillgänglighet till digital offentlig service" in text
    assert "Innehåll som inte är tillgängligt" in text
    assert '<a href="mailto:webb@example.se">webb@example.se</a>' in html
    assert "Myndigheten för digital förvaltning (Digg) har ansvaret för tillsyn" in text
    assert 'href="https://www.digg.se/tdosanmalan"' in html
    assert "Redogörelsen uppdaterades senast 30 november 2026." in text


def test_accessibility_statement_in_english(client: Client, archive: Award) -> None:
    text = _text(client.get("/en/tillganglighet/").content.decode())

    assert "Accessibility statement" in text
    assert "contact Digg and report it" in text
    assert "tillganglighet@kommunpris.se" in text


@pytest.mark.parametrize("path", ["/", "/karta/", "/teman/", "/sok/", "/vinnare/2023/"])
def test_every_page_links_map_themes_search_and_statement(
    client: Client, archive: Award, path: str
) -> None:
    html = client.get(path).content.decode()

    for href in ('href="/karta/"', 'href="/teman/"', 'href="/tillganglighet/"', 'action="/sok/"'):
        if href == 'action="/sok/"' and path == "/sok/":
            continue  # the search page has its own, larger form
        assert href in html, (path, href)
    assert "<script" not in html.replace('<script type="application/ld+json">', "")


def test_edition_shared_link_shows_winner_and_award(client: Client, archive: Award) -> None:
    html = client.get("/vinnare/2023/").content.decode()

    assert _meta(html, "og:title") == "Sveriges DigitaliseringsKommun 2023: Värmdö kommun"
    assert _meta(html, "og:description").startswith(
        "Sveriges DigitaliseringsKommun 2023 tilldelades Värmdö kommun. “Med starkt ledarskap"
    )
    assert _meta(html, "og:type") == "article"
    assert _meta(html, "og:url") == "http://127.0.0.1:8000/vinnare/2023/"
    assert _meta(html, "og:locale") == "sv_SE"
    (data,) = _json_ld(html)
    event, organisation = data["@graph"]
    assert (event["@type"], event["name"], event["location"]["name"]) == (
        "Event",
        "Sveriges DigitaliseringsKommun 2023",
        "Kvalitetsmässan",
    )
    assert organisation == {
        "@type": "GovernmentOrganization",
        "name": "Värmdö kommun",
        "url": "http://127.0.0.1:8000/kommun/0120/",
        "award": "Sveriges DigitaliseringsKommun 2023",
        "address": {
            "@type": "PostalAddress",
            "addressLocality": "Värmdö",
            "addressRegion": "Stockholms län",
            "addressCountry": "SE",
        },
    }


def test_edition_shared_link_keeps_an_embargoed_winner_secret(
    client: Client, embargoed_2025: Edition
) -> None:
    html = client.get("/vinnare/2025/").content.decode()

    assert _meta(html, "og:title") == "Sveriges DigitaliseringsKommun 2025"
    assert "Kiruna" not in html
    assert "gruvstadens" not in html
    (data,) = _json_ld(html)
    assert "@graph" not in data and "about" not in data


def test_edition_shared_link_names_the_winner_once_public(
    client: Client, published_2025: Edition
) -> None:
    html = client.get("/vinnare/2025/").content.decode()

    assert _meta(html, "og:title") == "Sveriges DigitaliseringsKommun 2025: Kiruna kommun"
    assert _json_ld(html)[0]["@graph"][1]["name"] == "Kiruna kommun"


def test_json_ld_cannot_close_its_script_element(client: Client, archive: Award) -> None:
    from kommunpris.web.structured import json_ld

    html = str(json_ld({"name": "</script><script>alert(1)</script>&"}))

    assert html.count("</script>") == 1
    assert json.loads(html.split(">", 1)[1].rsplit("<", 1)[0]) == {
        "name": "</script><script>alert(1)</script>&"
    }


def test_print_stylesheet_hides_navigation_and_keeps_motivations(client: Client) -> None:
    from django.contrib.staticfiles import finders

    path = finders.find("web/site.css")
    assert path is not None
    with open(path, encoding="utf-8") as stylesheet:
        css = stylesheet.read()
    print_rules = css.split("@media print", 1)[1]

    for selector in (".site-header nav", ".site-search", ".skip-link", ".site-footer", ".side-map"):
        assert selector in print_rules
    assert ".motivation" in print_rules


@pytest.mark.parametrize(
    ("path", "limit"),
    [
        ("/", 40_000),
        ("/vinnare/", 70_000),
        ("/vinnare/2023/", 30_000),
        ("/lan/01/", 60_000),
        ("/kommun/0120/", 45_000),
        ("/teman/", 60_000),
        ("/sok/?q=samarbete", 30_000),
    ],
)
def test_pages_stay_light(client: Client, archive: Award, path: str, limit: int) -> None:
    assert len(client.get(path).content) < limit
