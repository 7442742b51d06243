"""Accessibility, proven: axe-core on every public page type, keyboard use, phone-width reflow.

axe-core comes from node_modules (pinned in package-lock.json, installed by `make install`),
is injected into each page served by the live server, and runs in Debian's headless Chromium
with the WCAG 2.1 A and AA rules. Any violation fails the test, with what and where.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from kommunpris.awards.models import Award, Edition
from kommunpris.awards.services import create_edition, open_nominations

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]

# Every public page type (path without the language prefix).
PAGES = {
    "home": "/",
    "winners": "/vinnare/",
    "edition": "/vinnare/2023/",
    "edition-not-announced": "/vinnare/2025/",
    "municipalities": "/kommun/",
    "municipality": "/kommun/2062/",
    "counties": "/lan/",
    "county": "/lan/20/",
    "map": "/karta/",
    "themes": "/teman/",
    "theme": "/teman/samverkan/",
    "themes-method": "/teman/metod/",
    "search-results": "/sok/?q=samarbete",
    "search-nothing": "/sok/?q=xyzzy",
    "search-odd": "/sok/?q=%21%21%21",
    "search-empty": "/sok/",
    "open-data": "/oppna-data/",
    "accessibility": "/tillganglighet/",
    "not-found": "/kommun/9999/",
}
LANGUAGES = {"sv": "", "en": "/en"}

_RUN_AXE = """async (tags) => {
  const result = await axe.run(document, {runOnly: {type: "tag", values: tags}});
  return result.violations.map(v => ({
    rule: v.id,
    impact: v.impact,
    help: v.help,
    where: v.nodes.slice(0, 5).map(n => n.target.join(" ") + " — " + n.failureSummary),
  }));
}"""


@pytest.fixture
def site(archive: Award) -> Award:
    """The archive plus a 2025 edition under way: nominations open, nothing decided."""
    if not Edition.objects.filter(award=archive, year=2025).exists():
        now = timezone.now()
        edition = create_edition(
            award=archive,
            year=2025,
            nominations_close_at=now + timedelta(days=30),
            supplement_close_at=now + timedelta(days=45),
            ceremony_at=now + timedelta(days=200),
            actor="cli",
        )
        open_nominations(edition=edition, actor="cli")
    return archive


@pytest.fixture
def tab(chromium: Any) -> Iterator[Any]:
    # bypass_csp: axe is injected as a script tag, which a Content-Security-Policy would stop.
    context = chromium.new_context(locale="sv-SE", bypass_csp=True)
    page = context.new_page()
    yield page
    context.close()


def violations(page: Any) -> list[dict[str, Any]]:
    assert AXE.exists(), f"{AXE} is missing: run `make install` (npm ci installs axe-core)"
    page.add_script_tag(path=str(AXE))
    found: list[dict[str, Any]] = page.evaluate(_RUN_AXE, WCAG_21_AA)
    return found


def _open(page: Any, url: str) -> Any:
    response = page.goto(url, wait_until="load")
    assert response is not None
    return response


@pytest.mark.browser
@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("name", PAGES)
def test_axe_finds_no_violation(
    live_server: Any, site: Award, tab: Any, name: str, language: str
) -> None:
    url = live_server.url + LANGUAGES[language] + PAGES[name]
    response = _open(tab, url)

    assert response.status == (404 if name == "not-found" else 200)
    assert tab.locator("html").get_attribute("lang") == language
    found = violations(tab)
    assert found == [], json.dumps(found, ensure_ascii=False, indent=2)


@pytest.mark.browser
@pytest.mark.parametrize("language", LANGUAGES)
def test_axe_finds_no_violation_on_nomination_form_with_errors(
    live_server: Any, site: Award, tab: Any, language: str
) -> None:
    response = _open(tab, live_server.url + LANGUAGES[language] + "/nominera/")
    assert response.status == 200
    found = violations(tab)
    assert found == [], json.dumps(found, ensure_ascii=False, indent=2)

    form = tab.locator("main form[method=post], main form[method=POST]").first
    assert form.count() == 1, "the nomination page shows no form while nominations are open"
    # Send the form empty, past the browser's own checks, so the server's errors show.
    with tab.expect_navigation(wait_until="load"):
        form.evaluate("f => { f.noValidate = true; f.requestSubmit(); }")
    found = violations(tab)
    assert found == [], json.dumps(found, ensure_ascii=False, indent=2)


def _focused(page: Any) -> dict[str, Any]:
    info: dict[str, Any] = page.evaluate(
        """() => {
          const el = document.activeElement;
          const style = getComputedStyle(el);
          const box = el.getBoundingClientRect();
          return {
            tag: el.tagName.toLowerCase(),
            text: (el.getAttribute("aria-label") || el.querySelector("title")?.textContent
                   || el.innerText || el.value || el.placeholder || "").trim(),
            id: el.id,
            outline: style.outlineStyle !== "none" && parseFloat(style.outlineWidth) >= 2,
            visible: box.width > 0 && box.height > 0 && box.top >= 0 && box.bottom <= innerHeight,
          };
        }"""
    )
    return info


@pytest.mark.browser
def test_axe_harness_reports_a_violation(tab: Any) -> None:
    tab.set_content(
        '<!DOCTYPE html><html lang="sv"><title>t</title><main><img src="x.png"></main></html>'
    )

    assert [v["rule"] for v in violations(tab)] == ["image-alt"]


@pytest.mark.browser
def test_keyboard_skip_link_comes_first_is_visible_and_moves_focus_to_content(
    live_server: Any, site: Award, tab: Any
) -> None:
    _open(tab, live_server.url + "/vinnare/")

    tab.keyboard.press("Tab")
    first = _focused(tab)
    tab.keyboard.press("Enter")
    landed = _focused(tab)
    tab.keyboard.press("Tab")
    after = _focused(tab)

    assert (first["text"], first["outline"], first["visible"]) == (
        "Hoppa till innehållet",
        True,
        True,
    )
    assert (landed["tag"], landed["id"]) == ("main", "main")
    # The first thing in the content: the newest winner on the map beside the list of winners.
    assert (after["tag"], after["text"]) == (
        "a",
        "Värmdö – vinnare Sveriges DigitaliseringsKommun 2023",
    )


@pytest.mark.browser
def test_keyboard_order_follows_the_page_and_focus_is_always_visible(
    live_server: Any, site: Award, tab: Any
) -> None:
    _open(tab, live_server.url + "/")
    order = []
    for _ in range(14):
        tab.keyboard.press("Tab")
        order.append(_focused(tab))

    assert [f["text"] for f in order[:12]] == [
        "Hoppa till innehållet",
        "Sveriges DigitaliseringsKommun",
        "Vinnare",
        "Karta",
        "Teman",
        "Kommuner",
        "Län",
        "Nominera",
        "Öppna data",
        "English",
        "Sök …",
        "Sök",
    ]
    assert [f["text"] for f in order if not f["outline"]] == []


@pytest.mark.browser
def test_keyboard_can_skip_the_map_to_its_table(live_server: Any, site: Award, tab: Any) -> None:
    _open(tab, live_server.url + "/karta/")
    tab.keyboard.press("Tab")
    tab.keyboard.press("Enter")  # skip to content
    tab.keyboard.press("Tab")
    skip = _focused(tab)
    tab.keyboard.press("Enter")
    heading = _focused(tab)
    tab.keyboard.press("Tab")
    first_row = _focused(tab)

    assert skip["text"] == "Hoppa förbi kartan till tabellen"
    assert (heading["tag"], heading["id"]) == ("h2", "facts")
    assert first_row["text"] == "Värmdö"


@pytest.mark.browser
def test_keyboard_reaches_map_municipalities_with_their_names(
    live_server: Any, site: Award, tab: Any
) -> None:
    _open(tab, live_server.url + "/karta/")
    tab.focus("#main")
    names = []
    for _ in range(3):
        tab.keyboard.press("Tab")
        names.append(
            tab.evaluate("() => document.activeElement.querySelector('title')?.textContent || ''")
        )

    # The skip link, then the first municipalities of the map, named.
    assert names[0] == ""
    assert all(names[1:]), names


@pytest.mark.browser
@pytest.mark.parametrize("name", [n for n in PAGES if n != "not-found"])
def test_pages_reflow_to_a_phone_without_sideways_scrolling(
    live_server: Any, site: Award, chromium: Any, name: str
) -> None:
    context = chromium.new_context(viewport={"width": 320, "height": 640}, locale="sv-SE")
    page = context.new_page()
    try:
        _open(page, live_server.url + PAGES[name])
        overflow = page.evaluate(
            "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
    finally:
        context.close()

    assert overflow <= 0
