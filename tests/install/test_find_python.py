"""Which Python `make install` takes (scripts/find-python), and when it makes .venv again
(scripts/venv --check), on machines described by a PATH and a pyenv folder of their own."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow  # runs the scripts

ROOT = Path(__file__).resolve().parents[2]
# The interpreter behind the one running the tests, under whatever name a test gives it.
REAL_PYTHON = os.path.realpath(sys.executable)
MINOR = f"{sys.version_info.major}.{sys.version_info.minor}"
TOOLS = ["bash", "env", "find", "sort", "awk", "readlink", "sed", "head", "tr", "cat", "dirname"]


def machine(tmp_path: Path, pythons: dict[str, str]) -> dict[str, str]:
    """An environment whose PATH holds the shell tools and the given `name: target` Pythons."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for tool in TOOLS:
        (bin_dir / tool).symlink_to(shutil.which(tool) or f"/usr/bin/{tool}")
    for name, target in pythons.items():
        (bin_dir / name).symlink_to(target)
    return {"PATH": str(bin_dir), "PYENV_ROOT": str(tmp_path / "no-pyenv"), "HOME": str(tmp_path)}


def find_python(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(ROOT / "scripts" / "find-python"), *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_python3_is_taken_when_it_is_new_enough(tmp_path: Path) -> None:
    found = find_python(machine(tmp_path, {"python3": REAL_PYTHON, "python3.19": "/bin/false"}))

    assert (found.returncode, os.path.realpath(found.stdout.strip())) == (0, REAL_PYTHON)


def test_without_python3_a_versioned_python_is_taken(tmp_path: Path) -> None:
    found = find_python(machine(tmp_path, {"python3.12": REAL_PYTHON}))

    assert (found.returncode, os.path.realpath(found.stdout.strip())) == (0, REAL_PYTHON)


def test_pythons_kept_by_pyenv_are_found_without_pyenv_switching_them_on(tmp_path: Path) -> None:
    env = machine(tmp_path, {})
    versions = tmp_path / "pyenv" / "versions" / f"{MINOR}.99" / "bin"
    versions.mkdir(parents=True)
    (versions / f"python{MINOR}").symlink_to(REAL_PYTHON)
    env["PYENV_ROOT"] = str(tmp_path / "pyenv")

    found = find_python(env, "--all")

    [(minor, path)] = [line.split(" ", 1) for line in found.stdout.splitlines()]
    assert (found.returncode, minor, os.path.realpath(path)) == (0, MINOR, REAL_PYTHON)


def test_every_python_is_listed_once(tmp_path: Path) -> None:
    env = machine(tmp_path, {"python3": REAL_PYTHON, f"python{MINOR}": REAL_PYTHON})

    found = find_python(env, "--all")

    assert [line.split(" ")[0] for line in found.stdout.splitlines()] == [MINOR]


def test_without_any_python_the_message_says_how_to_get_one(tmp_path: Path) -> None:
    found = find_python(machine(tmp_path, {"python3": "/bin/false"}))

    assert found.returncode == 1
    assert found.stdout == ""
    assert found.stderr.splitlines()[:3] == [
        "kommunpris needs CPython 3.11 or newer with its venv module, and found none.",
        "Install one, then run make again:",
        "  Debian 13, Ubuntu 24.04 (Python 3.13, 3.12):  sudo apt-get install python3 python3-venv",
    ]


def test_a_python_asked_for_that_does_not_run_is_named(tmp_path: Path) -> None:
    found = find_python(machine(tmp_path, {"python3": REAL_PYTHON}), "python3.13")

    assert found.returncode == 1
    assert found.stderr.splitlines()[:3] == [
        "PYTHON=python3.13 does not run here; kommunpris needs CPython 3.11 or newer with its "
        "venv module.",
        "These qualify (give one as PYTHON=…):",
        f"  {MINOR} {tmp_path}/bin/python3",
    ]


def check_venv(venv: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(ROOT / "scripts" / "venv"), "--check", str(venv)],
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.fixture
def venv(tmp_path: Path) -> Path:
    subprocess.run([REAL_PYTHON, "-m", "venv", "--without-pip", str(tmp_path / "venv")], check=True)
    return tmp_path / "venv"


def test_venv_whose_python_still_runs_is_kept(venv: Path) -> None:
    checked = check_venv(venv)

    assert (checked.returncode, checked.stdout) == (0, f"{venv} runs Python {MINOR}.\n")


def test_venv_whose_python_is_gone_is_made_again(venv: Path, tmp_path: Path) -> None:
    for python in (venv / "bin").glob("python*"):
        python.unlink()
        python.symlink_to(tmp_path / "removed-by-an-upgrade" / "python3")
    home = next(
        line.split("=", 1)[1].strip()
        for line in (venv / "pyvenv.cfg").read_text().splitlines()
        if line.startswith("home")
    )

    checked = check_venv(venv)

    assert (checked.returncode, checked.stdout) == (
        1,
        f"{venv} must be made again: the Python {MINOR} that made it is gone ({home}).\n",
    )


def test_venv_made_by_another_python_than_it_now_runs_is_made_again(venv: Path) -> None:
    # What Debian 12 → 13 does to a venv made with /usr/bin/python3: the link now reaches 3.13.
    config = venv / "pyvenv.cfg"
    config.write_text(
        "\n".join(
            "version = 3.9.2" if line.startswith("version") else line
            for line in config.read_text().splitlines()
        )
    )

    checked = check_venv(venv)

    assert (checked.returncode, checked.stdout) == (
        1,
        f"{venv} must be made again: it was made by Python 3.9, and its python is now {MINOR}.\n",
    )
