"""Render the main public pages with headless Chromium at desktop and phone widths.

Usage: python tools/screenshots.py OUTPUT_DIR [PAGE_NAME ...]

Starts the development server on a throw-away SQLite database loaded with the archive
(`kommunpris bootstrap`), so the pictures show exactly what a fresh installation shows.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from playwright.sync_api import sync_playwright

CHROMIUM = "/usr/bin/chromium"
WIDTHS = {"desktop": (1280, 900), "phone": (390, 844)}
# name: (path, full page?)
PAGES = {
    "home": ("/", True),
    "winners": ("/vinnare/", False),
    "edition": ("/vinnare/2023/", True),
    "map": ("/karta/", False),
    "themes": ("/teman/", True),
    "search": ("/sok/?q=samarbete", False),
    "municipality": ("/kommun/2281/", True),
    "county": ("/lan/01/", False),
    "accessibility": ("/tillganglighet/", False),
    "map-en": ("/en/karta/", False),
}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait(url: str, seconds: float = 60.0) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=5):
                return
        except OSError:
            time.sleep(0.3)
    raise SystemExit(f"the server at {url} did not answer within {seconds:.0f} s")


def main(argv: list[str]) -> int:
    if not argv:
        print(__doc__, file=sys.stderr)
        return 2
    out = Path(argv[0])
    names = argv[1:] or list(PAGES)
    out.mkdir(parents=True, exist_ok=True)
    kommunpris = str(Path(sys.executable).with_name("kommunpris"))
    with tempfile.TemporaryDirectory() as var:
        env = {
            **os.environ,
            "KOMMUNPRIS_VAR": var,
            "DJANGO_SETTINGS_MODULE": "kommunpris.settings.development",
            "DATABASE_URL": "",
        }
        for command in (["migrate", "--no-input", "--verbosity", "0"], ["bootstrap"]):
            subprocess.run([kommunpris, *command], env=env, check=True, stdout=subprocess.DEVNULL)
        port = _free_port()
        server = subprocess.Popen(
            [kommunpris, "runserver", "--noreload", f"127.0.0.1:{port}"],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            base = f"http://127.0.0.1:{port}"
            _wait(base + "/")
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(
                    executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"]
                )
                for device, (width, height) in WIDTHS.items():
                    context = browser.new_context(
                        viewport={"width": width, "height": height},
                        device_scale_factor=1,
                        locale="sv-SE",
                        is_mobile=device == "phone",
                        has_touch=device == "phone",
                    )
                    tab = context.new_page()
                    for name in names:
                        path, full = PAGES[name]
                        tab.goto(base + path, wait_until="load")
                        target = out / f"{name}-{device}.png"
                        tab.screenshot(path=str(target), full_page=full and device == "desktop")
                        print(target)
                    context.close()
                browser.close()
        finally:
            server.terminate()
            server.wait(timeout=20)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
