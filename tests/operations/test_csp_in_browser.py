"""The Content-Security-Policy holds in a real browser: nothing is refused, and Swagger UI works."""

from __future__ import annotations

from typing import Any

import pytest

from kommunpris.awards.models import Award


def _collect_refusals(page: Any) -> list[str]:
    refused: list[str] = []
    page.on(
        "console",
        lambda message: (
            refused.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    return refused


@pytest.mark.browser
def test_api_docs_render_under_the_policy(live_server: Any, page: Any, archive: Award) -> None:
    refused = _collect_refusals(page)
    page.goto(f"{live_server.url}/api/v1/docs")
    page.wait_for_selector(".opblock-summary-path", timeout=20_000)
    paths = page.locator(".opblock-summary-path").all_inner_texts()
    assert "/api/v1/winners" in [p.replace("\u200b", "") for p in paths]
    assert refused == []


@pytest.mark.browser
@pytest.mark.parametrize("path", ["/", "/vinnare/", "/kommun/0120/", "/en/oppna-data/"])
def test_public_pages_break_no_rule_of_the_policy(
    live_server: Any, page: Any, archive: Award, path: str
) -> None:
    refused = _collect_refusals(page)
    page.goto(f"{live_server.url}{path}")
    page.wait_for_load_state("load")
    assert page.locator("h1").count() >= 1
    assert refused == []
