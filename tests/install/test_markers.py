"""The check in tests/conftest.py that a test starting Chromium, a server or a subprocess is marked.

The short suite on other Pythons leaves out tests marked browser, postgres or slow; the check
keeps those markers true. Its audit hook was seen failing each test that ran a subprocess
unmarked; here its verdicts on what it saw.
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest


def _test(*, fixtures: list[str], marks: list[str]) -> SimpleNamespace:
    return SimpleNamespace(
        fixturenames=fixtures,
        iter_markers=lambda: [SimpleNamespace(name=mark) for mark in marks],
    )


def test_unmarked_test_that_starts_a_subprocess_is_named(marker_problems: Any) -> None:
    started = ["subprocess.Popen ['nginx', '-t']"]

    problems = marker_problems(_test(fixtures=[], marks=[]), started)

    assert problems == [
        "starts subprocess.Popen ['nginx', '-t'] but is marked neither slow nor browser"
    ]


def test_unmarked_test_on_chromium_or_a_live_server_is_named(marker_problems: Any) -> None:
    problems = marker_problems(_test(fixtures=["page", "chromium", "live_server"], marks=[]), [])

    assert problems == [
        "uses Chromium (fixture chromium) but is not marked browser",
        "starts a server (fixture live_server) but is marked neither slow nor browser",
    ]


@pytest.mark.parametrize(
    ("fixtures", "marks"),
    [
        (["chromium", "live_server"], ["browser"]),
        (["live_server"], ["slow"]),
        ([], ["slow", "django_db"]),
    ],
)
def test_marked_test_may_start_what_its_marker_says(
    marker_problems: Any, fixtures: list[str], marks: list[str]
) -> None:
    started = ["subprocess.Popen ['true']"]

    assert marker_problems(_test(fixtures=fixtures, marks=marks), started) == []
