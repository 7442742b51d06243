"""Search: Swedish forms and compounds found, names resolved, odd queries answered calmly."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kommunpris.awards.models import Award, Edition


def _hits(html: str) -> dict[str, list[str]]:
    """Section id → the titles of its hits, as a reader sees them."""
    sections: dict[str, list[str]] = {}
    for kind, body in re.findall(
        r'<section aria-labelledby="results-(\w+)" class="result-group">(.*?)</section>', html, re.S
    ):
        sections[kind] = [
            " ".join(re.sub(r"<[^>]+>", "", title).split())
            for title in re.findall(
                r'<li class="hit[^"]*">\s*<a href="[^"]+">(.*?)</a>', body, re.S
            )
        ]
    return sections


def _text(html: str) -> str:
    main = html.split("<main", 1)[1]
    return " ".join(re.sub(r"<[^>]+>", " ", main).split())


def _search(client: Client, q: str, prefix: str = "") -> str:
    response = client.get(f"{prefix}/sok/", {"q": q})
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        # The definite form "demokratin" (2001) and the plain "demokrati" (2005).
        (
            "demokrati",
            {
                "motivation": [
                    "Sveriges IT-kommun 2001: Kalix kommun",
                    "Sveriges IT-kommun 2005: Malmö stad",
                ]
            },
        ),
        # samarbetande and samarbeten (2011, two words: first), then newest first:
        # samarbetar (2023), samarbeten (2017).
        (
            "samarbete",
            {
                "motivation": [
                    "Sveriges IT-kommun 2011: Upplands Väsby kommun",
                    "Sveriges DigitaliseringsKommun 2023: Värmdö kommun",
                    "Sveriges DigitaliseringsKommun 2017: Stockholms stad",
                ]
            },
        ),
        # The compound samverkanskultur (2019) holds samverkan.
        (
            "samverkan",
            {
                "motivation": [
                    "Sveriges DigitaliseringsKommun 2019: Lidingö stad",
                    "Sveriges IT-kommun 2013: Karlstads kommun",
                ]
            },
        ),
        ("samverkanskultur", {"motivation": ["Sveriges DigitaliseringsKommun 2019: Lidingö stad"]}),
        (
            "Sundsvalls kommun",
            {
                "municipality": ["Sundsvall"],
                "edition": ["Sveriges DigitaliseringsKommun 2021"],
                "motivation": ["Sveriges DigitaliseringsKommun 2021: Sundsvalls kommun"],
            },
        ),
        ("Västernorrland", {"county": ["Västernorrlands län"]}),
        ("2015", {"edition": ["Sveriges IT-kommun 2015"]}),
        ("håbo", {"municipality": ["Håbo"]}),
        ("habo", {"municipality": ["Habo"]}),
        ("Region Gotland", {"municipality": ["Gotland"]}),
    ],
)
def test_search_finds_what_a_reader_expects(
    client: Client, archive: Award, query: str, expected: dict[str, list[str]]
) -> None:
    assert _hits(_search(client, query)) == expected


def test_search_marks_the_words_found_in_a_snippet(client: Client, archive: Award) -> None:
    html = _search(client, "samarbete")

    assert "<mark>samarbetar</mark>" in html
    assert "Genom <mark>samarbeten</mark> som Anna-projektet" in html
    assert "3 träffar för ”samarbete”" in _text(html)


def test_search_marks_a_municipality_name(client: Client, archive: Award) -> None:
    html = _search(client, "sundsvall")

    assert '<a href="/kommun/2281/"><mark>Sundsvall</mark></a>' in html


def test_search_ranks_the_resolved_municipality_first(client: Client, archive: Award) -> None:
    assert _hits(_search(client, "Lidingö stad"))["municipality"] == ["Lidingö"]
    assert _hits(_search(client, "stockholm"))["municipality"][0] == "Stockholm"


def test_search_in_english_links_to_english_pages(client: Client, archive: Award) -> None:
    html = _search(client, "demokrati", prefix="/en")

    assert '<a href="/en/vinnare/2001/">' in html
    assert "2 results for “demokrati”" in _text(html)
    assert '<p class="snippet" lang="sv">' in html


@pytest.mark.parametrize(
    ("query", "answer"),
    [
        ("", "Skriv ett ord eller ett namn att söka efter."),
        ("   ", "Skriv ett ord eller ett namn att söka efter."),
        ("!!! ???", "Skriv ett ord eller ett namn att söka efter: bokstäver eller siffror."),
        ("och att som", "De orden är för vanliga för att söka på."),
        ("a" * 201, "Sökningen är längre än 200 tecken."),
        ("xyzzyplugh", "Inga träffar för ”xyzzyplugh”"),
    ],
)
def test_search_answers_odd_queries_calmly(
    client: Client, archive: Award, query: str, answer: str
) -> None:
    assert answer in _text(_search(client, query))


def test_search_without_query_shows_just_the_form(client: Client, archive: Award) -> None:
    html = client.get("/sok/").content.decode()

    assert 'id="search-q"' in html
    assert (
        '<label for="search-q">Sök bland motiveringar, kommuner, län och upplagor</label>' in html
    )
    assert "Skriv ett ord" not in _text(html)


def test_search_never_reveals_an_embargoed_decision(
    client: Client, embargoed_2025: Edition
) -> None:
    for query in ("gruvstadens", "hemlig motivering", "samverkanskultur", "demokratin"):
        html = _search(client, query)
        # Words of the embargoed motivation that the query does not contain never show.
        assert "medborgardialog" not in html, query
        assert "Kiruna kommun" not in html, query
    assert _hits(_search(client, "gruvstadens")) == {}
    assert _hits(_search(client, "Kiruna kommun")) == {"municipality": ["Kiruna"]}
    # The edition itself is public (its page says the winner is yet to be announced).
    assert _hits(_search(client, "2025")) == {"edition": ["Sveriges DigitaliseringsKommun 2025"]}


def test_search_finds_the_decision_once_public(client: Client, published_2025: Edition) -> None:
    assert _hits(_search(client, "gruvstadens")) == {
        "motivation": ["Sveriges DigitaliseringsKommun 2025: Kiruna kommun"]
    }
    assert _hits(_search(client, "Kiruna kommun"))["edition"] == [
        "Sveriges DigitaliseringsKommun 2025"
    ]


def test_search_query_count_is_small(
    client: Client, archive: Award, django_assert_max_num_queries: object
) -> None:
    # One of them reads the data version, as every public answer does (web.freshness).
    with django_assert_max_num_queries(12):  # type: ignore[operator]
        _search(client, "samarbete")


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    q=st.one_of(
        st.text(max_size=300),
        st.text(alphabet="åäöÅÄÖ -–‑samverkanskultur&<>\"'%\\/\x00\t\n?*", max_size=60),
        st.sampled_from(["<script>", "%00", "' OR 1=1 --", "\u200b", "e\u0301", "ﬁ", "İ", "ß"]),
    )
)
def test_search_never_fails_on_any_query(client: Client, archive: Award, q: str) -> None:
    response = client.get("/sok/", {"q": q})

    if "\x00" in q:
        # No honest query carries a NUL; it is refused before any query runs, with a message.
        assert response.status_code == 400
        assert "otillåtet tecken (NUL)" in response.content.decode()
        return
    assert response.status_code == 200
    html = response.content.decode()
    assert "<script>" not in html.split("<main", 1)[1]
