from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from kommunpris.accounts.testing import sign_in_verified
from tests.packet.test_feedback_browser import _session, _tab, world  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
OUT = Path("/tmp/packet-look")


def test_shots(live_server: Any, world: Any, chromium: Any) -> None:
    juror = _session(sign_in_verified(Client(), world.juror))
    staff = _session(sign_in_verified(Client(), world.organiser))
    y = world.jury.year
    pages = [
        (
            "packet",
            juror,
            reverse("desk:jury-packet", kwargs={"year": y, "pk": world.sundsvall.pk}),
        ),
        (
            "round",
            juror,
            reverse("desk:jury-round-packet", kwargs={"year": y, "stage": "finalist"}),
        ),
        ("comments", juror, reverse("desk:jury-comments", kwargs={"year": world.decided.year})),
        ("edition", staff, reverse("desk:jury-edition", kwargs={"year": y})),
    ]
    for width in (1280, 390):
        for name, session, path in pages:
            tab = _tab(chromium, live_server, session, width)
            tab.goto(live_server.url + path, wait_until="load")
            tab.screenshot(path=str(OUT / f"{name}-{width}.png"), full_page=False)
            if name == "packet" and width == 1280:
                tab.emulate_media(media="print")
                tab.screenshot(path=str(OUT / f"{name}-print.png"), full_page=False)
            tab.context.close()
