"""The two-factor QR code scans: Chromium draws the set-up page at the size it shows the code,
and zbar (Debian's zbar-tools) reads the screenshot back to the very otpauth:// link the page
names. Without its viewBox the same code, squeezed by the page's CSS, reads as nothing."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import pytest
from django.contrib.auth.models import User

PASSWORD = "rätt-häst-batteri-häftstift"


def decoded(png: Path) -> str:
    """What zbarimg reads in a picture: the text of every QR code in it ('' if none)."""
    zbarimg = shutil.which("zbarimg")
    assert zbarimg, "zbarimg is missing: run scripts/system-packages (Debian's zbar-tools)"
    done = subprocess.run(
        [zbarimg, "--quiet", "--raw", "-Sdisable", "-Sqrcode.enable", str(png)],
        capture_output=True,
        timeout=60,
    )
    return done.stdout.decode("utf-8").strip()


@pytest.mark.browser
@pytest.mark.slow
@pytest.mark.parametrize("width", [1280, 390])
def test_the_qr_code_on_the_set_up_page_reads_back_as_its_link(
    live_server: Any, award: Any, chromium: Any, tmp_path: Path, width: int
) -> None:
    User.objects.create_user("eva.ek@example.se", "eva.ek@example.se", PASSWORD, is_staff=True)
    context = chromium.new_context(locale="sv-SE", viewport={"width": width, "height": 900})
    tab = context.new_page()
    try:
        tab.goto(live_server.url + "/logga-in/")
        tab.get_by_label("E-postadress").fill("Eva.Ek@example.se")
        tab.get_by_label("Lösenord").fill(PASSWORD)
        tab.get_by_role("button", name="Logga in").click()
        assert urlsplit(tab.url).path == "/arbetsyta/konto/tvastegsverifiering/"

        link = tab.locator("a.otpauth").get_attribute("href")
        assert link is not None and link.startswith("otpauth://totp/")
        assert "eva.ek%40example.se" in link.lower() or "eva.ek@example.se" in unquote(link)
        code = tab.get_by_role("img", name="QR-kod för din autentiseringsapp")
        box = code.bounding_box()
        assert box is not None and round(box["width"]) == round(box["height"]) == 192  # 12rem

        shown = tmp_path / f"qr-{width}.png"
        code.screenshot(path=str(shown))
        assert decoded(shown) == link

        # The fault this guards against, as the page drew the code before: five pixels a module
        # in a fixed 225-pixel picture without a viewBox, which the page's CSS cut to 192.
        code.evaluate(
            """svg => {
                svg.removeAttribute('viewBox');
                svg.setAttribute('width', '225');
                svg.setAttribute('height', '225');
                for (const part of svg.querySelectorAll('path, rect')) {
                    part.setAttribute('transform', 'scale(5)');
                }
            }"""
        )
        cut = tmp_path / f"qr-{width}-cut.png"
        code.screenshot(path=str(cut))
        assert decoded(cut) == ""
    finally:
        context.close()
