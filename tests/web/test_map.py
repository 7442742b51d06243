"""The map of Sweden: every municipality once, coloured as the public archive says, and light."""

from __future__ import annotations

import gzip
import re
from collections import Counter

import pytest
from django.test import Client

from kommunpris.awards.models import Award, Edition
from kommunpris.register.models import Municipality

# (code, CSS class, accessible name) as the archive says: the class is the stage's letter
# (w winner, f finalist, n nominee) and the colour set of the award's name in that year
# (0 Sveriges IT-kommun, 1 Sveriges DigitaliseringsKommun).
EXPECTED = {
    "2514": ("w0", "Kalix – vinnare Sveriges IT-kommun 2001"),
    "0182": ("w0", "Nacka – vinnare Sveriges IT-kommun 2003"),
    "1280": ("w0", "Malmö – vinnare Sveriges IT-kommun 2005"),
    "2480": ("w0", "Umeå – vinnare Sveriges IT-kommun 2007"),
    "1382": ("w0", "Falkenberg – vinnare Sveriges IT-kommun 2009"),
    "0114": ("w0", "Upplands Väsby – vinnare Sveriges IT-kommun 2011"),
    "1780": ("w0", "Karlstad – vinnare Sveriges IT-kommun 2013"),
    "1283": ("w0", "Helsingborg – vinnare Sveriges IT-kommun 2015"),
    "0180": ("w1", "Stockholm – vinnare Sveriges DigitaliseringsKommun 2017"),
    "0186": ("w1", "Lidingö – vinnare Sveriges DigitaliseringsKommun 2019"),
    "2281": ("w1", "Sundsvall – vinnare Sveriges DigitaliseringsKommun 2021"),
    "0120": ("w1", "Värmdö – vinnare Sveriges DigitaliseringsKommun 2023"),
    "1440": ("f0", "Ale – finalist Sveriges IT-kommun 2011"),
    "2583": ("f0", "Haparanda – finalist Sveriges IT-kommun 2013"),
    "1480": ("f0", "Göteborg – finalist Sveriges IT-kommun 2015"),
    "1980": ("f0", "Västerås – finalist Sveriges IT-kommun 2015"),
    "1470": ("f0", "Vara – finalist Sveriges IT-kommun 2015"),
    "1080": ("f1", "Karlskrona – finalist Sveriges DigitaliseringsKommun 2019"),
    "1384": ("f1", "Kungsbacka – finalist Sveriges DigitaliseringsKommun 2017"),
    "0380": ("f1", "Uppsala – finalist Sveriges DigitaliseringsKommun 2017"),
    "0181": ("f1", "Södertälje – finalist Sveriges DigitaliseringsKommun 2019"),
    "0139": ("f1", "Upplands-Bro – finalist Sveriges DigitaliseringsKommun 2021"),
    "0780": ("f1", "Växjö – finalist Sveriges DigitaliseringsKommun 2021"),
    "2062": (
        "f1",
        "Mora – finalist Sveriges DigitaliseringsKommun 2023, tillsammans med Orsa och Älvdalen",
    ),
    "2034": (
        "f1",
        "Orsa – finalist Sveriges DigitaliseringsKommun 2023, tillsammans med Mora och Älvdalen",
    ),
    "2039": (
        "f1",
        "Älvdalen – finalist Sveriges DigitaliseringsKommun 2023, tillsammans med Mora och Orsa",
    ),
    "1230": ("n1", "Staffanstorp – nominerad Sveriges DigitaliseringsKommun 2023"),
    "2380": ("n1", "Östersund – nominerad Sveriges DigitaliseringsKommun 2023"),
}

_LINK = re.compile(
    r'<a href="(?P<href>[^"]+)"(?: tabindex="-1")?><title>(?P<label>[^<]*)</title>'
    r'<path class="(?P<css>[^"]+)"(?P<fill> fill="[^"]+")? d="[^"]+"/>'
)


def _main_map(html: str) -> str:
    match = re.search(r'<svg class="map"[^>]*>.*?</svg>', html, re.S)
    assert match is not None
    return match.group(0)


def _shapes(svg: str) -> dict[str, tuple[str, str, bool]]:
    """code → (class, accessible name, joint pattern fill) of each linked municipality."""
    found: dict[str, tuple[str, str, bool]] = {}
    for match in _LINK.finditer(svg):
        code = re.fullmatch(r"(?:/en)?/kommun/(\d{4})/", match["href"])
        assert code is not None, match["href"]
        assert code[1] not in found, f"{code[1]} drawn twice"
        found[code[1]] = (match["css"], match["label"], bool(match["fill"]))
    return found


def test_map_draws_every_register_municipality_once_as_a_link(
    client: Client, archive: Award
) -> None:
    svg = _main_map(client.get("/karta/").content.decode())

    hrefs = Counter(re.findall(r'<a href="/kommun/(\d{4})/">', svg))

    assert sorted(hrefs) == sorted(Municipality.objects.values_list("code", flat=True))
    assert set(hrefs.values()) == {1}
    assert len(_shapes(svg)) == 290


def test_map_colours_winners_finalists_and_nominees_as_the_archive_says(
    client: Client, archive: Award
) -> None:
    shapes = _shapes(_main_map(client.get("/karta/").content.decode()))

    assert {code: shapes[code][:2] for code in EXPECTED} == EXPECTED
    coloured = {code for code, (css, _label, _joint) in shapes.items() if css != "m"}
    assert coloured == set(EXPECTED)
    assert shapes["2584"] == ("m", "Kiruna", False)


def test_map_shows_joint_candidacy_as_striped(client: Client, archive: Award) -> None:
    html = client.get("/karta/").content.decode()
    shapes = _shapes(_main_map(html))

    assert sorted(code for code, (_css, _label, joint) in shapes.items() if joint) == [
        "2034",
        "2039",
        "2062",
    ]
    assert '<pattern id="map-joint-f1"' in html
    assert "Gemensam kandidatur (randig)" in html


def test_map_legend_counts_each_colour(client: Client, archive: Award) -> None:
    html = client.get("/karta/").content.decode()
    legend = re.search(r'<ul class="legend-list">(.*?)</ul>', html, re.S)
    assert legend is not None

    items = [
        " ".join(re.sub(r"<[^>]+>", " ", li).split())
        for li in re.findall(r"<li>(.*?)</li>", legend[1], re.S)
    ]

    assert items == [
        "Vinnare, Sveriges IT-kommun (8)",
        "Vinnare, Sveriges DigitaliseringsKommun (4)",
        "Finalist, Sveriges IT-kommun (5)",
        "Finalist, Sveriges DigitaliseringsKommun (9)",
        "Nominerad, Sveriges DigitaliseringsKommun (2)",
        "Gemensam kandidatur (randig) (3)",
        "Ännu inte vinnare eller finalist (262)",
    ]


def test_map_table_gives_the_same_facts(client: Client, archive: Award) -> None:
    html = client.get("/karta/").content.decode()
    table = re.search(r'<table class="data">.*?</table>', html, re.S)
    assert table is not None

    rows = re.findall(r'<th scope="row"><a href="/kommun/(\d{4})/">', table.group(0))

    assert sorted(rows) == sorted(EXPECTED)
    assert rows[:1] == ["0120"]  # newest result first
    assert "28 kommuner har varit vinnare, finalister eller nominerade." in html


def test_map_svg_is_under_150_kb_and_the_page_light(client: Client, archive: Award) -> None:
    response = client.get("/karta/", headers={"accept-encoding": "gzip"})
    html = gzip.decompress(response.content).decode()

    assert response["Content-Encoding"] == "gzip"
    assert len(_main_map(html).encode()) < 150_000
    assert len(html.encode()) < 180_000
    assert len(response.content) < 60_000


def test_map_in_english_links_to_english_pages(client: Client, archive: Award) -> None:
    html = client.get("/en/karta/").content.decode()
    shapes = _shapes(_main_map(html))

    assert shapes["0120"][:2] == ("w1", "Värmdö – winner Sveriges DigitaliseringsKommun 2023")
    assert (
        shapes["2062"][1]
        == "Mora – finalist Sveriges DigitaliseringsKommun 2023, jointly with Orsa and Älvdalen"
    )
    assert '<a href="/en/kommun/0120/">' in html
    assert "<h1>Map of winners and finalists</h1>" in html


def test_map_never_reveals_an_embargoed_winner_or_finalist(
    client: Client, embargoed_2025: Edition
) -> None:
    html = client.get("/karta/").content.decode()
    shapes = _shapes(_main_map(html))

    assert {code: shapes[code] for code in ("2584", "2523", "2510", "2506")} == {
        "2584": ("m", "Kiruna", False),
        "2523": ("m", "Gällivare", False),
        "2510": ("m", "Jokkmokk", False),
        "2506": ("m", "Arjeplog", False),
    }
    assert "2025" not in html


def test_map_colours_a_winner_once_the_decision_is_public(
    client: Client, published_2025: Edition
) -> None:
    shapes = _shapes(_main_map(client.get("/karta/").content.decode()))

    assert shapes["2584"] == ("w1", "Kiruna – vinnare Sveriges DigitaliseringsKommun 2025", False)
    assert shapes["2523"] == (
        "f1",
        "Gällivare – finalist Sveriges DigitaliseringsKommun 2025, tillsammans med Jokkmokk",
        True,
    )
    assert shapes["2506"][:2] == ("f1", "Arjeplog – finalist Sveriges DigitaliseringsKommun 2025")


def test_map_query_count_is_constant(
    client: Client, archive: Award, django_assert_max_num_queries: object
) -> None:
    with django_assert_max_num_queries(10):  # type: ignore[operator]
        assert client.get("/karta/").status_code == 200


@pytest.mark.parametrize(
    ("path", "links", "title"),
    [
        ("/vinnare/", 12, "Karta över Sverige med alla vinnare"),
        ("/lan/01/", 26, "Karta över kommunerna i Stockholms län"),
        ("/lan/20/", 15, "Karta över kommunerna i Dalarnas län"),
    ],
)
def test_small_maps_on_archive_and_county_pages(
    client: Client, archive: Award, path: str, links: int, title: str
) -> None:
    html = client.get(path).content.decode()
    svg = re.search(r'<svg class="map map-small".*?</svg>', html, re.S)
    assert svg is not None

    assert len(_shapes(svg.group(0))) == links
    assert f">{title}</title>" in svg.group(0)
    assert len(svg.group(0).encode()) < 40_000


def test_small_map_of_county_draws_joint_candidacy(client: Client, archive: Award) -> None:
    html = client.get("/lan/20/").content.decode()
    shapes = _shapes(re.search(r'<svg class="map map-small".*?</svg>', html, re.S).group(0))  # type: ignore[union-attr]

    assert shapes["2062"] == (
        "f1",
        "Mora – finalist Sveriges DigitaliseringsKommun 2023, tillsammans med Orsa och Älvdalen",
        True,
    )


def test_municipality_page_locates_the_municipality_on_a_picture_of_sweden(
    client: Client, archive: Award
) -> None:
    html = client.get("/kommun/2584/").content.decode()
    svg = re.search(r'<svg class="map map-locator".*?</svg>', html, re.S)
    assert svg is not None

    assert 'role="img"' in svg.group(0)
    assert ">Kiruna på Sveriges karta</title>" in svg.group(0)
    assert '<path class="here"' in svg.group(0)
    assert "<a " not in svg.group(0)
