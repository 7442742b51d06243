"""scripts/system-packages on a fresh machine of the project's kind (Debian 12 whose Node.js brings
its own npm, no Chromium, no Pango, no fonts): exactly the missing packages, one per need, never
Debian's npm where npm exists; and apt-get accepts that list. `make run` needs none of the
test-only tools, only the translations' compiler and what the PDFs are made with."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "system-packages"

# Every test here runs the script or make in a subprocess.
pytestmark = pytest.mark.slow


# What the PDFs need at run time, as the script looks for it: Pango's FreeType library and the
# DejaVu Sans font (a described machine holds them by base name).
PANGO = "libpangoft2-1.0.so.0"
FONT = "DejaVuSans.ttf"
PDF_PACKAGES = ["libpangoft2-1.0-0", "fonts-dejavu-core"]


def _machine(folder: Path, *commands: str, files: tuple[str, ...] = ()) -> Path:
    """A folder standing for a machine's PATH that has exactly these commands (and libraries
    and files by base name)."""
    folder.mkdir()
    for command in commands:
        found = shutil.which(command)
        assert found, command
        (folder / command).symlink_to(found)
    for name in files:
        (folder / name).touch()
    return folder


def _packages(path: Path, *arguments: str) -> list[str]:
    done = subprocess.run(
        [str(SCRIPT), "--list", *arguments],
        env={"PATH": "/usr/bin:/bin", "KOMMUNPRIS_NEEDS_PATH": str(path)},
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.split()


def test_a_fresh_machine_with_nodesources_node_gets_everything_but_npm(tmp_path):
    fresh = _machine(tmp_path / "fresh", "node", "npm", "python3")
    assert _packages(fresh) == [
        "gettext",
        *PDF_PACKAGES,
        "chromium",
        "nginx",
        "redis-server",
        "openssl",
        "postgresql",
        "locales",
        "zbar-tools",
    ]


def test_a_machine_without_npm_gets_debians(tmp_path):
    bare = _machine(tmp_path / "bare", "python3")
    assert _packages(bare) == [
        "gettext",
        *PDF_PACKAGES,
        "chromium",
        "npm",
        "nginx",
        "redis-server",
        "openssl",
        "postgresql",
        "locales",
        "zbar-tools",
    ]


def test_the_benchmarks_add_wrk_to_what_the_tests_need(tmp_path):
    fresh = _machine(tmp_path / "fresh", "node", "npm", "python3")
    assert _packages(fresh, "--for", "bench") == [*_packages(fresh), "wrk"]
    assert "wrk" not in _packages(fresh) + _packages(fresh, "--for", "run")


def test_make_run_needs_gettext_and_what_the_pdfs_are_made_with(tmp_path):
    fresh = _machine(tmp_path / "fresh", "node", "npm", "python3")
    assert _packages(fresh, "--for", "run") == ["gettext", *PDF_PACKAGES]
    ready = _machine(tmp_path / "ready", "python3", "msgfmt", files=(PANGO, FONT))
    assert _packages(ready, "--for", "run") == []
    no_font = _machine(tmp_path / "no-font", "python3", "msgfmt", files=(PANGO,))
    assert _packages(no_font, "--for", "run") == ["fonts-dejavu-core"]


def test_this_machine_has_what_the_pdfs_need():
    """Without KOMMUNPRIS_NEEDS_PATH the script looks in the system's library folders."""
    assert not set(PDF_PACKAGES) & set(_installed_needs())


def _installed_needs() -> list[str]:
    done = subprocess.run(
        [str(SCRIPT), "--list", "--for", "run"],
        env={"PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.split()


def test_make_run_starts_no_node_npm_or_chromium():
    planned = subprocess.run(
        ["make", "-n", "run"], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert planned.returncode == 0, planned.stderr
    assert "scripts/system-packages --for run" in planned.stdout
    assert not re.search(r"\bnpm\b|chromium|playwright", planned.stdout), planned.stdout


def test_apt_accepts_the_fresh_machines_list_without_debians_npm(tmp_path):
    fresh = _machine(tmp_path / "fresh", "node", "npm", "python3")
    simulated = subprocess.run(
        [str(SCRIPT), "--simulate"],
        env={"PATH": "/usr/sbin:/usr/bin:/sbin:/bin", "KOMMUNPRIS_NEEDS_PATH": str(fresh)},
        capture_output=True,
        text=True,
        timeout=300,
    )
    # apt-get -s resolves the whole list or refuses it (e.g. "held broken packages").
    assert simulated.returncode == 0, simulated.stdout + simulated.stderr
    for package in [
        "gettext",
        *PDF_PACKAGES,
        "chromium",
        "nginx",
        "redis-server",
        "openssl",
        "postgresql",
        "locales",
        "zbar-tools",
    ]:
        assert re.search(
            rf"^(Inst|Conf) {re.escape(package)} |^{re.escape(package)} is already the newest",
            simulated.stdout,
            re.MULTILINE,
        ), package
    assert not re.search(r"^Inst npm ", simulated.stdout, re.MULTILINE)
