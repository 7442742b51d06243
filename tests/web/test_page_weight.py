"""What a visitor downloads on gala night, and that nothing needs JavaScript: the winners page with
its stylesheet at most 40 kB compressed, the map's drawing at most 150 kB
(tests/web/test_map.py), and the public pages read and the nomination form sent in a browser
that runs no script at all."""

from __future__ import annotations

import gzip
import re
from pathlib import Path
from typing import Any

import pytest
from django.contrib.staticfiles import finders
from django.test import Client
from django.utils import timezone

from kommunpris.awards.models import Award
from kommunpris.nominations.models import Nomination

from .conftest import open_call_2027

KB = 1024


def _compressed_static(name: str) -> int:
    """The size of the gzip copy collectstatic writes for nginx (level 9)."""
    found = finders.find(name)
    assert isinstance(found, str), name
    return len(gzip.compress(Path(found).read_bytes(), compresslevel=9, mtime=0))


def test_the_winners_page_with_its_stylesheet_is_at_most_40_kb_compressed(
    client: Client, archive: Award
) -> None:
    page = client.get("/vinnare/", headers={"accept-encoding": "gzip"})
    html = gzip.decompress(page.content).decode()
    stylesheets = re.findall(r'<link rel="stylesheet" href="/static/([^"]+)">', html)
    assert stylesheets == ["web/site.css"]
    # Nothing else the page needs before it shows: no script, no image, no font file.
    assert re.findall(r'<script(?! type="application/ld\+json")', html) == []
    assert re.findall(r"<img\b|url\(", html) == []
    assert "Värmdö kommun" in html and 'aria-labelledby="winners-map-title"' in html
    assert len(page.content) + _compressed_static("web/site.css") <= 40 * KB


def test_the_map_page_is_light_to_send(client: Client, archive: Award) -> None:
    page = client.get("/karta/", headers={"accept-encoding": "gzip"})
    assert page["Content-Encoding"] == "gzip"
    assert len(page.content) + _compressed_static("web/site.css") <= 60 * KB


@pytest.mark.browser
def test_the_public_site_and_the_nomination_form_need_no_javascript(
    live_server: Any, chromium: Any, award: Award
) -> None:
    from playwright.sync_api import expect

    open_call_2027(award, now=timezone.now())
    context = chromium.new_context(java_script_enabled=False, locale="sv-SE")
    tab = context.new_page()
    try:
        tab.goto(live_server.url + "/vinnare/")
        expect(tab.get_by_role("heading", level=1)).to_contain_text("Vinnare")
        tab.get_by_role("link", name="Karta").first.click()
        expect(tab.locator("#main svg").first).to_be_visible()
        # A municipality on the map is a link, followed without any script.
        tab.locator('a[href="/kommun/0120/"]').first.click()
        expect(tab.get_by_role("heading", level=1)).to_contain_text("Värmdö")
        tab.get_by_role("link", name="Nominera").first.click()
        tab.get_by_label("Kommun", exact=True).fill("Sundsvall")
        tab.get_by_label("Vad är kommunen mest stolt över?").fill("Digitala bygglov.")
        tab.get_by_label("Vilken effekt har det fått?").fill("Halverad handläggningstid.")
        tab.get_by_label("Vad har man lärt sig?").fill("Att mäta från första dagen.")
        tab.get_by_label("Ditt namn").fill("Anna Andersson")
        tab.get_by_label("Din e-postadress").fill("anna@example.se")
        tab.get_by_label("Jag har läst informationen om personuppgifter").check()
        tab.get_by_role("button", name="Skicka nomineringen").click()
        expect(tab.get_by_role("heading", level=1)).to_have_text("Titta i din e-post")
    finally:
        context.close()
    assert Nomination.objects.get().municipality.name == "Sundsvall"
