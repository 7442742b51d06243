"""The public archive pages, in Swedish and English, asserting what a reader sees."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from kommunpris.awards.models import Award


def _text(html: str) -> str:
    """Visible text with tags removed and whitespace folded, as a reader sees it."""
    html = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", html, flags=re.S)
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def test_winners_page_shows_title_intro_and_every_winner_newest_first(
    client: Client, archive: Award
) -> None:
    response = client.get("/vinnare/")
    html = response.content.decode()
    text = _text(html)
    assert response.status_code == 200
    assert '<html lang="sv">' in html
    assert "<h1>Vinnare av Sveriges DigitaliseringsKommun</h1>" in html
    assert (
        "Utmärkelsen Sveriges IT-kommun instiftades 2001 och delas ut vartannat år på Kvalitetsmässan."
        in text
    )
    years = [int(y) for y in re.findall(r'<h2 id="h-(\d{4})">', html)]
    assert years == [2023, 2021, 2019, 2017, 2015, 2013, 2011, 2009, 2007, 2005, 2003, 2001]
    assert "Sveriges DigitaliseringsKommun 2023 tilldelades Värmdö kommun med motiveringen:" in text
    assert "Sveriges IT-kommun 2015 tilldelades Helsingborgs stad" in text
    assert "“Med starkt ledarskap, mod och handlingskraft" in text
    assert '<a href="/vinnare/2023/">Sveriges DigitaliseringsKommun 2023</a>' in html
    assert '<a href="/kommun/0120/">Värmdö kommun</a>' in html
    assert 'href="/vinnare/vinnare.csv"' in html and 'href="/vinnare/vinnare.json"' in html


def test_winners_page_keeps_2011_motivation_paragraphs(client: Client, archive: Award) -> None:
    html = client.get("/vinnare/").content.decode()
    assert (
        "<p>“Upplands Väsby är den samarbetande och kundorienterade kommunen" in html
        and "<p>Upplands Väsby värnar transparens, enkelhet och öppenhet" in html
    )


def test_winners_page_query_count_is_constant(
    client: Client, archive: Award, django_assert_max_num_queries: object
) -> None:
    # One of them reads the data version, as every public answer does (web.freshness).
    with django_assert_max_num_queries(9):  # type: ignore[operator]
        assert client.get("/vinnare/").status_code == 200


def test_edition_page_shows_name_in_force_winner_motivation_and_finalists(
    client: Client, archive: Award
) -> None:
    html = client.get("/vinnare/2023/").content.decode()
    text = _text(html)
    assert "<h1>Sveriges DigitaliseringsKommun 2023</h1>" in html
    assert "Vinnare Värmdö kommun (Stockholms län)" in text
    assert "Mora , Orsa och Älvdalen – finalist (gemensam kandidatur)" in text
    assert "Staffanstorp – nominerad" in text
    assert "Kvalitetsmässan" in text


def test_edition_page_uses_old_name_before_2017(client: Client, archive: Award) -> None:
    text = _text(client.get("/vinnare/2015/").content.decode())
    assert "Sveriges IT-kommun 2015" in text
    assert "Helsingborgs stad" in text
    assert "Göteborg – finalist" in text


def test_edition_page_shows_ceremony_after_edition_year(client: Client, archive: Award) -> None:
    text = _text(client.get("/vinnare/2021/").content.decode())
    assert "Utdelning 2 maj 2022 (utdelningen för 2021 hölls senare)" in text


def test_edition_page_for_missing_year_is_404_with_clear_text(
    client: Client, archive: Award
) -> None:
    response = client.get("/vinnare/2025/")
    assert response.status_code == 404
    assert "Det finns ingen upplaga 2025." in _text(response.content.decode())


def test_municipality_page_shows_county_wins_and_finalist_placings(
    client: Client, archive: Award
) -> None:
    text = _text(client.get("/kommun/0180/").content.decode())
    assert "Stockholm" in text
    assert "Kommunkod 0180" in text
    assert "Län Stockholms län" in text
    assert "Sveriges DigitaliseringsKommun 2017 : vinnare" in text
    assert "Sveriges IT-kommun 2011 : finalist" in text


def test_municipality_page_joint_candidacy_names_partners(client: Client, archive: Award) -> None:
    text = _text(client.get("/kommun/2034/").content.decode())
    assert "Orsa" in text
    assert (
        "Sveriges DigitaliseringsKommun 2023 : finalist (tillsammans: Mora, Orsa och Älvdalen)"
        in text
    )


def test_municipality_without_results_says_so(client: Client, archive: Award) -> None:
    text = _text(client.get("/kommun/2584/").content.decode())
    assert "Kiruna har ännu inte varit vinnare eller finalist." in text


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("/kommun/9999/", "Det finns ingen kommun med koden 9999."),
        ("/kommun/abc/", "En kommunkod har fyra siffror, t.ex. 0180."),
        ("/lan/99/", "Det finns inget län med koden 99."),
    ],
)
def test_unknown_codes_give_404_with_way_forward(
    client: Client, archive: Award, path: str, message: str
) -> None:
    response = client.get(path)
    assert response.status_code == 404
    text = _text(response.content.decode())
    assert message in text
    assert "Gå till startsidan" in text


def test_county_page_lists_municipalities_and_results(client: Client, archive: Award) -> None:
    html = client.get("/lan/22/").content.decode()
    text = _text(html)
    assert "<h1>Västernorrlands län</h1>" in html
    assert "Länskod 22, 7 kommuner." in text
    assert '<a href="/kommun/2281/">Sundsvall</a>' in html
    assert "Sveriges DigitaliseringsKommun 2021 : vinnare" in text
    assert "Sveriges IT-kommun 2015 : finalist" in text


def test_counties_page_counts_wins_per_county(client: Client, archive: Award) -> None:
    html = client.get("/lan/").content.decode()
    row = re.search(
        r'<a href="/lan/01/">Stockholms län</a></th><td class="num">(\d+)</td><td class="num">(\d+)</td>',
        html,
    )
    assert row is not None
    assert row.groups() == ("26", "5")


# Each limit counts the query for the data version every public answer makes (web.freshness).
@pytest.mark.parametrize(
    ("path", "limit"),
    [
        ("/lan/", 5),
        ("/lan/01/", 9),
        ("/kommun/", 7),
        ("/kommun/0180/", 9),
        ("/", 10),
        ("/vinnare/2023/", 11),
    ],
)
def test_list_and_detail_pages_query_counts(
    client: Client, archive: Award, django_assert_max_num_queries: object, path: str, limit: int
) -> None:
    with django_assert_max_num_queries(limit):  # type: ignore[operator]
        assert client.get(path).status_code == 200


def test_municipalities_page_lists_all_290_by_county(client: Client, archive: Award) -> None:
    html = client.get("/kommun/").content.decode()
    assert len(re.findall(r'href="/kommun/\d{4}/"', html)) == 290
    assert len(re.findall(r'<h2 id="c-\d{2}">', html)) == 21


def test_home_page_links_everything_and_shows_latest_winner(client: Client, archive: Award) -> None:
    html = client.get("/").content.decode()
    text = _text(html)
    assert "<h1>Sveriges DigitaliseringsKommun</h1>" in html
    assert "Senaste vinnare: Sveriges DigitaliseringsKommun 2023" in text
    assert "Värmdö kommun" in text
    for href in ("/vinnare/", "/kommun/", "/lan/", "/oppna-data/", "/en/"):
        assert f'href="{href}' in html


def test_english_pages_live_under_en_with_same_paths(client: Client, archive: Award) -> None:
    html = client.get("/en/vinnare/2023/").content.decode()
    text = _text(html)
    assert '<html lang="en">' in html
    assert "Winner Värmdö kommun" in text
    assert "The jury's motivation" in text
    assert '<blockquote class="motivation" lang="sv">' in html
    assert 'href="/vinnare/2023/"' in html  # the language switch goes back to Swedish
    home = _text(client.get("/en/").content.decode())
    assert "Latest winner: Sveriges DigitaliseringsKommun 2023" in home


def test_downloads_are_open_data(client: Client, archive: Award) -> None:
    csv_response = client.get("/vinnare/vinnare.csv")
    assert csv_response["Content-Type"] == "text/csv; charset=utf-8"
    body = csv_response.content
    assert body.startswith("\ufeffyear;award_name;".encode())
    assert "0120;Värmdö;Värmdö kommun;01;Stockholms län;".encode() in body
    json_rows = client.get("/vinnare/vinnare.json").json()
    assert [r["year"] for r in json_rows][:2] == [2023, 2021]
    text = client.get("/vinnare/vinnare.txt").content.decode()
    assert text.startswith(
        "Vinnare av Sveriges DigitaliseringsKommun\n\nUtmärkelsen Sveriges IT-kommun"
    )


def test_feed_lists_winners_as_atom(client: Client, archive: Award) -> None:
    response = client.get("/feed/")
    body = response.content.decode()
    assert response["Content-Type"].startswith("application/atom+xml")
    assert body.count("<entry>") == 12
    assert "<title>Sveriges DigitaliseringsKommun 2023: Värmdö kommun</title>" in body
    assert "/vinnare/2023/" in body


def test_sitemap_lists_public_pages_in_both_languages(client: Client, archive: Award) -> None:
    body = client.get("/sitemap.xml").content.decode()
    assert "<loc>http://testserver/vinnare/2023/</loc>" in body
    assert "<loc>http://testserver/en/vinnare/2023/</loc>" in body
    assert "<loc>http://testserver/kommun/0120/</loc>" in body
    assert "<loc>http://testserver/lan/25/</loc>" in body
    assert "/arbetsyta/" not in body


def test_robots_txt_keeps_desk_out_and_names_sitemap(client: Client, archive: Award) -> None:
    body = client.get("/robots.txt").content.decode()
    assert body.splitlines() == [
        "User-agent: *",
        "Disallow: /arbetsyta/",
        "Disallow: /admin/",
        "Disallow: /logga-in/",
        "Sitemap: http://testserver/sitemap.xml",
    ]


def test_edition_page_during_the_call_links_to_the_nomination_form(
    client: Client, archive: Award
) -> None:
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from kommunpris.awards.services import create_edition, open_nominations

    stockholm = ZoneInfo("Europe/Stockholm")
    edition = create_edition(
        award=archive,
        year=2027,
        nominations_close_at=datetime(2027, 4, 29, 23, 59, tzinfo=stockholm),
        supplement_close_at=datetime(2027, 5, 12, 23, 59, tzinfo=stockholm),
        ceremony_at=datetime(2027, 11, 10, 18, 0, tzinfo=stockholm),
        actor="cli",
    )
    open_nominations(edition=edition, actor="cli", now=datetime(2027, 3, 1, tzinfo=stockholm))
    html = client.get("/vinnare/2027/").content.decode()
    text = _text(html)
    assert "Nomineringen är öppen Alla får nominera en kommun till och med 29 april 2027." in text
    assert '<a href="/nominera/">Nominera en kommun</a>' in html
    assert "Vinnaren offentliggörs 10 november 2027, 18:00." in text
