"""What juries have valued: themes found where a reader finds them, the chart, the API."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client
from jsonschema import Draft202012Validator

from kommunpris.archive.selectors import motivation_themes
from kommunpris.awards.models import Award, Edition

ALL = {"ledarskap", "kompetens", "nytta", "samverkan", "innovation", "resultat", "demokrati"}

# Hand-labelled: the themes a reader finds in each motivation, with the words that show them.
# A theme not listed is one the reader does not find there.
READER = {
    # förnya demokratin; IT-strategi, handlingskraft; IT-innovationer, utvecklingsfronten;
    # deltagandet, rådslag
    2001: {"demokrati", "ledarskap", "innovation"},
    # strategiskt sätt; kommunmedborgarnas service; insyn och valfrihet
    2003: {"ledarskap", "nytta", "demokrati"},
    # IT-strategiska arbete, kommunledningsnivå; kunskapsstaden; service och demokrati,
    # stöd till medborgare; effektiv IT-miljö
    2005: {"ledarskap", "kompetens", "nytta", "demokrati", "resultat"},
    # effektivare verksamheter; innovationsförmåga; stärka välfärden, e-tjänster
    2007: {"resultat", "innovation", "nytta"},
    # hållbar framtid, effektivt; långsiktiga nytta; agera strategiskt
    2009: {"resultat", "nytta", "ledarskap"},
    # samarbetande, samarbeten; kundorienterade, IT-nytta, medborgarna; minsta möjliga resurser,
    # resultat; transparens; styrningen, kommunledningens mål
    2011: {"samverkan", "nytta", "resultat", "demokrati", "ledarskap"},
    # god service; bred samverkan; sänka kostnaderna och öka effektiviteten
    2013: {"nytta", "samverkan", "resultat"},
    # vågar, nyfikenhet, testa nya vägar, föregångare; vision, målinriktat;
    # service till medborgare och företag
    2015: {"innovation", "ledarskap", "nytta"},
    # hållbar plats; medborgare och företag, nytta; kompetent ledarskap; bred förmåga,
    # digitala kompetensen; innovation; nya samarbeten
    2017: {"resultat", "nytta", "ledarskap", "kompetens", "innovation", "samverkan"},
    # mod, förnyelse, innovationskraft; invånarnas behov, servicen; kulturen; ledningen och
    # styrningen; resultat, energin, klimatet, skattemedlen; samverkanskultur
    2019: {"innovation", "nytta", "kompetens", "ledarskap", "resultat", "samverkan"},
    # tydligt ledarskap, långsiktiga; hållbar välfärd; kultur; nytta för invånare;
    # delar med sig, allianser; mod och nyfikenhet, förnyelse
    2021: {"ledarskap", "resultat", "kompetens", "nytta", "samverkan", "innovation"},
    # starkt ledarskap, chefer; mod, vågar, nyfikenhet; kultur, kompetens och förmåga;
    # värdet för invånare och medarbetare; delar med sig, samarbetar
    2023: {"ledarskap", "innovation", "kompetens", "nytta", "samverkan"},
}


def _text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


@pytest.fixture
def found(archive: Award) -> dict[int, set[str]]:
    return {m.winner.edition.year: set(m.themes) for m in motivation_themes(award=archive)}


def test_themes_reader_table_covers_the_twelve_motivations_and_every_theme() -> None:
    assert sorted(READER) == list(range(2001, 2024, 2))
    assert set().union(*READER.values()) == ALL


@pytest.mark.parametrize("year", sorted(READER))
def test_themes_found_where_a_reader_finds_them(found: dict[int, set[str]], year: int) -> None:
    assert found[year] == READER[year]


@pytest.mark.parametrize("theme", sorted(ALL))
def test_themes_each_theme_found_in_exactly_the_motivations_a_reader_names(
    found: dict[int, set[str]], theme: str
) -> None:
    assert {year for year, themes in found.items() if theme in themes} == {
        year for year, themes in READER.items() if theme in themes
    }


def test_themes_compound_and_inflection_count(archive: Award) -> None:
    by_year = {m.winner.edition.year: m.themes for m in motivation_themes(award=archive)}

    assert [w.text for w in by_year[2019]["samverkan"]] == ["samverkanskultur"]
    assert [w.text for w in by_year[2001]["demokrati"]][:1] == ["demokratin"]


def test_themes_page_shows_chart_table_and_each_motivation(client: Client, archive: Award) -> None:
    html = client.get("/teman/").content.decode()
    text = _text(html)

    assert "<h1>Vad juryerna har värderat</h1>" in html
    chart = re.search(r'<svg class="chart".*?</svg>', html, re.S)
    assert chart is not None
    assert 'role="img"' in chart.group(0)
    assert "Samverkan och delning: 6 av 12 motiveringar" in chart.group(0)
    assert len(re.findall(r'<circle class="dot"', chart.group(0))) == sum(map(len, READER.values()))
    row = re.search(
        r'<th scope="row"><a href="/teman/samverkan/">Samverkan och delning</a></th>(.*?)</tr>',
        html,
        re.S,
    )
    assert row is not None
    assert (
        re.findall(r'<td class="num">([^<]*(?:<span[^>]*>–</span>)?)</td>', row.group(1))[-1] == "6"
    )
    assert "Sveriges DigitaliseringsKommun 2019 : Lidingö stad" in text
    assert "Samverkan och delning : samverkanskultur" in text


def test_themes_page_in_english_names_themes_in_english(client: Client, archive: Award) -> None:
    text = _text(client.get("/en/teman/").content.decode())

    assert "What juries have valued" in text
    assert "Collaboration and sharing : samverkanskultur" in text


def test_theme_page_marks_the_words(client: Client, archive: Award) -> None:
    html = client.get("/teman/demokrati/").content.decode()

    assert "<h1>Demokrati och delaktighet</h1>" in html
    assert "förnya <mark>demokratin</mark> med hjälp av IT" in html
    assert "<mark>insyn</mark> och <mark>valfrihet</mark>" in html
    assert "4 av de 12 motiveringarna talar om det här temat." in _text(html)
    assert "Lidingö" not in html.split("<main")[1]


def test_theme_page_unknown_theme_is_404(client: Client, archive: Award) -> None:
    response = client.get("/teman/mod/")

    assert response.status_code == 404
    assert "Det finns inget tema som heter mod." in _text(response.content.decode())


def test_themes_method_page_lists_the_words_behind_each_theme(
    client: Client, archive: Award
) -> None:
    html = client.get("/teman/metod/").content.decode()
    text = _text(html)

    assert "Snowball" in text
    assert "”samverkanskultur” är ”samverkan” + ”kultur”" in text
    assert re.search(
        r'<dt id="theme-samverkan">.*?</dt>\s*<dd lang="sv">samverkan, samverka, samarbete',
        html,
        re.S,
    )
    assert len(re.findall(r'<dt id="theme-', html)) == 7


def test_themes_pages_hide_an_embargoed_motivation(client: Client, embargoed_2025: Edition) -> None:
    for path in ("/teman/", "/teman/demokrati/", "/api/v1/themes", "/api/v1/themes/motivations"):
        body = client.get(path).content.decode()
        assert "gruvstadens" not in body, path
        assert "2025" not in body, path


def test_themes_pages_count_a_motivation_once_public(
    client: Client, published_2025: Edition
) -> None:
    html = client.get("/teman/demokrati/").content.decode()

    assert "gruvstadens" in html
    assert "5 av de 13 motiveringarna" in _text(html)


@pytest.fixture
def openapi(client: Client, archive: Award) -> dict[str, Any]:
    return client.get("/api/v1/openapi.json").json()  # type: ignore[no-any-return]


def _valid(openapi: dict[str, Any], template: str, body: Any) -> list[str]:
    schema = openapi["paths"][template]["get"]["responses"]["200"]["content"]["application/json"][
        "schema"
    ]
    validator = Draft202012Validator({**schema, "components": openapi["components"]})
    return [e.message for e in validator.iter_errors(body)]


def test_themes_api_lists_themes_with_years(client: Client, openapi: dict[str, Any]) -> None:
    body = client.get("/api/v1/themes").json()

    assert _valid(openapi, "/api/v1/themes", body) == []
    assert [t["key"] for t in body] == [
        "ledarskap",
        "kompetens",
        "nytta",
        "samverkan",
        "innovation",
        "resultat",
        "demokrati",
    ]
    by_key = {t["key"]: t for t in body}
    assert by_key["samverkan"]["name"] == "Samverkan och delning"
    assert by_key["samverkan"]["name_en"] == "Collaboration and sharing"
    assert {t["key"]: t["motivations"] for t in body} == {
        key: sum(1 for themes in READER.values() if key in themes) for key in by_key
    }
    assert {
        "year": 2019,
        "award_name": "Sveriges DigitaliseringsKommun",
        "words": ["samverkanskultur"],
    } in by_key["samverkan"]["years"]


def test_themes_api_gives_each_motivation_with_word_offsets(
    client: Client, openapi: dict[str, Any]
) -> None:
    body = client.get("/api/v1/themes/motivations").json()

    assert _valid(openapi, "/api/v1/themes/motivations", body) == []
    assert [m["year"] for m in body] == sorted(READER)
    assert {m["year"]: {t["key"] for t in m["themes"]} for m in body} == READER
    kalix = body[0]
    word = next(t for t in kalix["themes"] if t["key"] == "demokrati")["words"][0]
    assert kalix["motivation"][word["start"] : word["end"]] == word["text"] == "demokratin"
    assert word["seed"] == "demokrati"


def test_themes_api_unknown_award_is_404(client: Client, archive: Award) -> None:
    response = client.get("/api/v1/themes?award=okand")

    assert response.status_code == 404
