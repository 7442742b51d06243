"""The lock files agree with pyproject.toml, and the tests run on what they pin.

requirements.lock (servers) and requirements-dev.lock (make install) must pin every requirement
of pyproject.toml at a version it allows, on every supported Python, with hashes; must pin nothing
that those requirements do not bring in; and must pin the same version of a package where both
have it. When one of these fails, `make lock` writes the locks again from pyproject.toml.
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

import pytest
from packaging.markers import Marker, default_environment
from packaging.requirements import Requirement
from packaging.utils import NormalizedName, canonicalize_name
from packaging.version import Version

ROOT = Path(__file__).resolve().parents[2]
SERVERS_LOCK = ROOT / "requirements.lock"
DEV_LOCK = ROOT / "requirements-dev.lock"
# The Pythons the locks are checked for without installing them: every CPython from the oldest
# supported one to the newest released, on Linux (the markers in the locks are what differs).
CHECKED_PYTHONS = ["3.11", "3.12", "3.13", "3.14", "3.15"]

Environment = dict[str, str]


@dataclass(frozen=True)
class Pin:
    name: NormalizedName
    version: Version
    marker: Marker | None
    hashes: tuple[str, ...]

    def applies(self, environment: Environment) -> bool:
        return self.marker is None or self.marker.evaluate(environment)


def read_lock(text: str) -> list[Pin]:
    """The pins of a requirements file in pip's hash-checking format, as uv writes it."""
    entries: list[str] = []
    for line in text.splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        if line[0].isspace():
            entries[-1] += " " + line.strip()
        else:
            entries.append(line.strip())
    pins = []
    for entry in entries:
        requirement_text, *options = entry.replace("\\", " ").split(" --")
        requirement = Requirement(requirement_text.strip())
        [specifier] = requirement.specifier
        assert specifier.operator == "==", f"not an exact pin: {entry[:80]}"
        hashes = tuple(o.removeprefix("hash=") for o in (o.strip() for o in options))
        pins.append(
            Pin(
                name=canonicalize_name(requirement.name),
                version=Version(specifier.version),
                marker=requirement.marker,
                hashes=hashes,
            )
        )
    return pins


def read_pyproject(text: str) -> tuple[list[Requirement], list[Requirement]]:
    """(what a server needs: dependencies and the build backend, what the dev extra adds)."""
    project = tomllib.loads(text)
    servers = [
        Requirement(r)
        for r in project["project"]["dependencies"] + project["build-system"]["requires"]
    ]
    dev = [Requirement(r) for r in project["project"]["optional-dependencies"]["dev"]]
    return servers, dev


def linux_cpython(version: str) -> Environment:
    environment = default_environment()
    environment.update(
        python_version=version,
        python_full_version=f"{version}.0",
        implementation_name="cpython",
        implementation_version=f"{version}.0",
        platform_python_implementation="CPython",
        sys_platform="linux",
        platform_system="Linux",
        os_name="posix",
    )
    return environment


def _applies(requirement: Requirement, environment: Environment, extras: Iterable[str]) -> bool:
    if requirement.marker is None:
        return True
    return any(
        requirement.marker.evaluate({**environment, "extra": extra}) for extra in {"", *extras}
    )


def disagreements(
    requirements: list[Requirement], pins: list[Pin], environments: Mapping[str, Environment]
) -> list[str]:
    """Each requirement pinned exactly once per environment, at a version it allows, with hashes."""
    problems = [f"{pin.name}=={pin.version} has no hash" for pin in pins if not pin.hashes]
    for python, environment in environments.items():
        applying = [p.name for p in pins if p.applies(environment)]
        problems += [
            f"Python {python}: {name} is pinned {applying.count(name)} times"
            for name in sorted(set(applying))
            if applying.count(name) > 1
        ]
        for requirement in requirements:
            if not _applies(requirement, environment, ()):
                continue
            name = canonicalize_name(requirement.name)
            versions = [p.version for p in pins if p.name == name and p.applies(environment)]
            if not versions:
                problems.append(f"Python {python}: {requirement} is not in the lock")
            elif not requirement.specifier.contains(versions[0], prereleases=True):
                problems.append(f"Python {python}: {requirement} but the lock has {versions[0]}")
    return problems


def needed(
    requirements: list[Requirement],
    environment: Environment,
    requires_of: Callable[[NormalizedName], list[Requirement]],
) -> set[NormalizedName]:
    """Every package the requirements bring in, transitively, in one environment."""
    extras_seen: dict[NormalizedName, set[str]] = {}
    queue = [r for r in requirements if _applies(r, environment, ())]
    while queue:
        requirement = queue.pop()
        name = canonicalize_name(requirement.name)
        extras = set(requirement.extras)
        if name in extras_seen and extras <= extras_seen[name]:
            continue
        extras_seen.setdefault(name, set()).update(extras)
        queue.extend(r for r in requires_of(name) if _applies(r, environment, extras_seen[name]))
    return set(extras_seen)


def orphans_and_missing(
    requirements: list[Requirement],
    pins: list[Pin],
    environment: Environment,
    requires_of: Callable[[NormalizedName], list[Requirement]],
) -> list[str]:
    pinned = {p.name for p in pins if p.applies(environment)}
    brought_in = needed(requirements, environment, requires_of)
    return [
        f"{name} is in the lock, but nothing needs it" for name in sorted(pinned - brought_in)
    ] + [f"{name} is needed, but not in the lock" for name in sorted(brought_in - pinned)]


def installed_requires(name: NormalizedName) -> list[Requirement]:
    return [Requirement(r) for r in metadata.requires(name) or []]


def _lock_and_requirements(lock: Path) -> tuple[list[Pin], list[Requirement]]:
    servers, dev = read_pyproject((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    requirements = servers + dev if lock == DEV_LOCK else servers
    return read_lock(lock.read_text(encoding="utf-8")), requirements


LOCKS = pytest.mark.parametrize("lock", [SERVERS_LOCK, DEV_LOCK], ids=lambda p: p.name)


@LOCKS
def test_lock_pins_every_requirement_of_pyproject_at_a_version_it_allows(lock: Path) -> None:
    pins, requirements = _lock_and_requirements(lock)
    environments = {python: linux_cpython(python) for python in CHECKED_PYTHONS}
    environments["this one"] = default_environment()

    assert disagreements(requirements, pins, environments) == [], "run `make lock`"


@LOCKS
def test_lock_pins_nothing_the_requirements_do_not_bring_in(lock: Path) -> None:
    # Walks the installed packages' own requirements, so it holds for the Python the tests run
    # on; make test runs it on every Python it finds. The installed versions are the locked ones
    # (the test below), so their requirements are the locked versions' requirements.
    pins, requirements = _lock_and_requirements(lock)

    problems = orphans_and_missing(requirements, pins, default_environment(), installed_requires)

    assert problems == [], "run `make lock`"


def _installed_version(name: NormalizedName) -> Version | None:
    try:
        return Version(metadata.version(name))
    except metadata.PackageNotFoundError:
        return None


def test_environment_holds_the_versions_the_dev_lock_pins() -> None:
    lock = read_lock(DEV_LOCK.read_text(encoding="utf-8"))
    pins = [p for p in lock if p.applies(default_environment())]

    installed = {p.name: _installed_version(p.name) for p in pins}

    assert installed == {p.name: p.version for p in pins}, "run `make install`"


def test_servers_lock_pins_what_the_dev_lock_pins() -> None:
    dev = {(p.name, str(p.marker)): p for p in read_lock(DEV_LOCK.read_text(encoding="utf-8"))}
    servers = read_lock(SERVERS_LOCK.read_text(encoding="utf-8"))

    differing = [p for p in servers if dev.get((p.name, str(p.marker))) != p]

    assert differing == [], "run `make lock`"


# The checks above can fail: each kind of disagreement, made on purpose, is reported.

PYPROJECT = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
PYTHONS = {python: linux_cpython(python) for python in CHECKED_PYTHONS}


def _django_pin() -> str:
    [django] = [r for r in read_pyproject(PYPROJECT)[0] if r.name == "Django"]
    return str(django)


def test_pyproject_pin_the_lock_does_not_hold_is_reported_on_every_python() -> None:
    pinned = _django_pin()
    servers, _ = read_pyproject(PYPROJECT.replace(f'"{pinned}"', '"Django==5.2.999"'))
    [locked] = [p.version for p in read_lock(SERVERS_LOCK.read_text()) if p.name == "django"]

    problems = disagreements(servers, read_lock(SERVERS_LOCK.read_text()), PYTHONS)

    assert problems == [
        f"Python {python}: Django==5.2.999 but the lock has {locked}" for python in PYTHONS
    ]


def test_requirement_missing_from_the_lock_is_reported() -> None:
    servers, _ = read_pyproject(PYPROJECT)
    pins = [p for p in read_lock(SERVERS_LOCK.read_text()) if p.name != "django"]

    problems = disagreements(servers, pins, {"3.13": linux_cpython("3.13")})

    assert problems == [f"Python 3.13: {_django_pin()} is not in the lock"]


def test_pin_without_hashes_and_package_pinned_twice_are_reported() -> None:
    servers, _ = read_pyproject(PYPROJECT)
    pins = read_lock(SERVERS_LOCK.read_text())
    [segno] = [p for p in pins if p.name == "segno"]
    pins += [Pin(name=segno.name, version=Version("0.1"), marker=None, hashes=())]

    problems = disagreements(servers, pins, {"3.12": linux_cpython("3.12")})

    assert problems == ["segno==0.1 has no hash", "Python 3.12: segno is pinned 2 times"]


def test_pin_that_nothing_needs_and_a_dependency_left_out_are_reported() -> None:
    servers, _ = read_pyproject(PYPROJECT)
    pins = [p for p in read_lock(SERVERS_LOCK.read_text()) if p.name != "sqlparse"]
    pins.append(
        Pin(name=canonicalize_name("left-over"), version=Version("1"), marker=None, hashes=("x",))
    )

    problems = orphans_and_missing(servers, pins, default_environment(), installed_requires)

    assert problems == [
        "left-over is in the lock, but nothing needs it",
        "sqlparse is needed, but not in the lock",
    ]
