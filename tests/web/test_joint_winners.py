"""A joint winner (Mora, Orsa and Älvdalen in 2025) is shown with all its municipalities on
every page, map, download, feed and API answer, and the text export gives the document back."""

from __future__ import annotations

import csv
import io
import json

from django.test import Client

from kommunpris.archive.announcement import render
from kommunpris.archive.models import Winner
from kommunpris.archive.selectors import public_announcement
from kommunpris.awards.models import Award, Phase

from .conftest import seed_with_joint_winner

MEMBERS = [("2062", "Mora"), ("2034", "Orsa"), ("2039", "Älvdalen")]
DISPLAY = "Mora kommun, Orsa kommun och Älvdalens kommun"


def _text(client: Client, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200, path
    return response.content.decode("utf-8")


def test_import_records_every_member_in_written_order(joint_winner_2025: Winner) -> None:
    assert (joint_winner_2025.edition.phase, joint_winner_2025.display_name) == (
        Phase.ANNOUNCED,
        DISPLAY,
    )
    assert [(m.code, m.name) for m in joint_winner_2025.places] == MEMBERS
    assert joint_winner_2025.is_joint


def _lines(text: str) -> list[str]:
    # Whitespace at line ends aside, as the seed's round trip is defined.
    return [line.rstrip() for line in text.rstrip().splitlines()]


def test_text_export_gives_the_document_back(joint_winner_2025: Winner, archive: Award) -> None:
    assert _lines(render(public_announcement(award=archive))) == _lines(seed_with_joint_winner())


def test_edition_page_links_every_member(client: Client, joint_winner_2025: Winner) -> None:
    html = _text(client, "/vinnare/2025/")
    assert f'<p class="winner-name">{DISPLAY}</p>' in html
    for code, name in MEMBERS:
        assert (
            f'<li><a href="/kommun/{code}/">{name}</a> <span class="muted">(Dalarnas län)</span></li>'
            in html
        )
    english = _text(client, "/en/vinnare/2025/")
    assert '<a href="/en/kommun/2039/">Älvdalen</a>' in english


def test_winners_and_home_pages_name_every_member(
    client: Client, joint_winner_2025: Winner
) -> None:
    links = (
        '<a href="/kommun/2062/">Mora</a>, <a href="/kommun/2034/">Orsa</a> och '
        '<a href="/kommun/2039/">Älvdalen</a>'
    )
    assert f"{DISPLAY} (gemensamt: {links})" in _text(client, "/vinnare/")
    assert f"{DISPLAY} ({links})" in _text(client, "/")


def test_municipality_pages_show_the_joint_win(client: Client, joint_winner_2025: Winner) -> None:
    for code, _name in MEMBERS:
        html = _text(client, f"/kommun/{code}/")
        assert '<strong class="badge badge-winner">vinnare</strong>' in html
        assert f"(tillsammans: {DISPLAY})" in html


def test_maps_mark_every_member_as_winner(client: Client, joint_winner_2025: Winner) -> None:
    html = _text(client, "/karta/")
    for code, name in MEMBERS:
        others = " och ".join(n for c, n in MEMBERS if c != code)
        assert (
            f'<a href="/kommun/{code}/"><title>{name} – vinnare Sveriges DigitaliseringsKommun '
            f"2025, tillsammans med {others}</title>"
        ) in html
        row = html.split(f'<th scope="row"><a href="/kommun/{code}/">{name}</a></th>', 1)[1]
        assert '<strong class="badge badge-winner">vinnare</strong>' in row.split("</tr>", 1)[0]
    winners_page = _text(client, "/vinnare/")
    for code, _name in MEMBERS:
        assert (
            f'href="/kommun/{code}/"'
            in winners_page.split('id="winners-map-title"', 1)[1].split("</svg>", 1)[0]
        )


def test_downloads_give_every_member(client: Client, joint_winner_2025: Winner) -> None:
    rows = list(
        csv.DictReader(
            io.StringIO(_text(client, "/vinnare/vinnare.csv").lstrip("\ufeff")), delimiter=";"
        )
    )
    first = rows[0]
    assert (
        first["year"],
        first["municipality_code"],
        first["municipality"],
        first["county_code"],
    ) == (
        "2025",
        "2062, 2034, 2039",
        "Mora, Orsa, Älvdalen",
        "20, 20, 20",
    )
    data = json.loads(_text(client, "/vinnare/vinnare.json"))[0]
    assert (data["joint"], [(m["code"], m["name"]) for m in data["municipalities"]]) == (
        True,
        MEMBERS,
    )
    results = {
        r["municipality_code"]: r["winner"]
        for r in csv.DictReader(
            io.StringIO(_text(client, "/kommun/kommuner.csv").lstrip("\ufeff")), delimiter=";"
        )
    }
    assert [results[code] for code, _ in MEMBERS] == ["2025", "2025", "2025"]
    assert f"tilldelades {DISPLAY} med motiveringen:" in _text(client, "/vinnare/vinnare.txt")


def test_feed_and_api_give_every_member(client: Client, joint_winner_2025: Winner) -> None:
    assert f"<title>Sveriges DigitaliseringsKommun 2025: {DISPLAY}</title>" in _text(
        client, "/feed/"
    )
    winners = client.get("/api/v1/winners").json()
    assert [(m["code"], m["name"]) for m in winners[0]["municipalities"]] == MEMBERS
    edition = client.get("/api/v1/editions/2025").json()
    assert (edition["winner"]["joint"], edition["winner"]["display_name"]) == (True, DISPLAY)
    assert [m["code"] for m in edition["winner"]["municipalities"]] == ["2062", "2034", "2039"]
    motivations = client.get("/api/v1/themes/motivations").json()
    assert [m["municipality_codes"] for m in motivations if m["year"] == 2025] == [
        ["2062", "2034", "2039"]
    ]


def test_structured_data_names_every_member(client: Client, joint_winner_2025: Winner) -> None:
    html = _text(client, "/vinnare/2025/")
    data = json.loads(
        html.split('<script type="application/ld+json">', 1)[1].split("</script>", 1)[0]
    )
    organisations = [node for node in data["@graph"] if node["@type"] == "GovernmentOrganization"]
    assert [o["name"] for o in organisations] == ["Mora", "Orsa", "Älvdalen"]
