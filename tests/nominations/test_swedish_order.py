"""The nomination form's suggestions and the desk list names in Swedish order (…, Z, Å, Ä, Ö)."""

from __future__ import annotations

import re

from django.test import Client

from kommunpris.awards.models import Edition

ORDER = ["Ystad", "Åre", "Åstorp", "Ängelholm", "Älvdalen", "Örkelljunga"]


def _datalist(html: str) -> list[str]:
    block = html.split('<datalist id="municipality-names">', 1)[1].split("</datalist>", 1)[0]
    return re.findall(r'<option value="([^"]+)">', block)


def _in_order(names: list[str]) -> list[str]:
    return [name for name in names if name in ORDER]


def test_nomination_form_suggests_names_in_swedish_order(client: Client, edition: Edition) -> None:
    for path in ["/nominera/", "/en/nominera/"]:
        names = _datalist(client.get(path).content.decode("utf-8"))
        assert len(names) == 290
        assert _in_order(names) == [
            "Ystad",
            "Åre",
            "Åstorp",
            "Älvdalen",
            "Ängelholm",
            "Örkelljunga",
        ]


def test_desk_lists_names_in_swedish_order(organiser_client: Client, edition: Edition) -> None:
    html = organiser_client.get(
        f"/arbetsyta/nomineringar/{edition.year}/kontakter/"
    ).content.decode("utf-8")
    assert _in_order(_datalist(html)) == [
        "Ystad",
        "Åre",
        "Åstorp",
        "Älvdalen",
        "Ängelholm",
        "Örkelljunga",
    ]
