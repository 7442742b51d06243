"""One registry of abilities: `may(user, "jury.decide", edition)` asks the predicate registered
under that name. Each area module of `kommunpris.permissions` registers its own predicates;
views, templates (`{% may %}`) and services ask by name or call the predicate directly.
"""

from __future__ import annotations

import importlib
import inspect
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

# The area modules that register abilities; `may` loads them all before its first answer, so
# the registry is whole whatever was imported first.
AREAS = (
    "kommunpris.permissions.accounts",
    "kommunpris.permissions.awards",
    "kommunpris.permissions.mail",
    "kommunpris.permissions.nominations",
    "kommunpris.permissions.jury",
    "kommunpris.permissions.candidacy_material",
)


class UnknownAbility(LookupError):
    """A programming error: an ability name nobody registered (a typo, most likely)."""


@dataclass(frozen=True)
class Ability:
    name: str
    predicate: Callable[..., bool]
    takes_target: bool


_registry: dict[str, Ability] = {}
_areas_loaded = False


def _positional_parameters(predicate: Callable[..., bool]) -> int:
    kinds = (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)
    return sum(
        1
        for parameter in inspect.signature(predicate).parameters.values()
        if parameter.kind in kinds and parameter.default is inspect.Parameter.empty
    )


def register(name: str, predicate: Callable[..., bool]) -> Callable[..., bool]:
    """Name `predicate(user)` or `predicate(user, target)` as an ability; returns it unchanged."""
    arity = _positional_parameters(predicate)
    if arity not in (1, 2):
        raise TypeError(f"{name}: a predicate takes the user and at most one target, not {arity}")
    existing = _registry.get(name)
    if existing is not None and existing.predicate is not predicate:
        raise ValueError(f"{name} is registered already, to {existing.predicate.__qualname__}")
    _registry[name] = Ability(name=name, predicate=predicate, takes_target=arity == 2)
    return predicate


def _load_areas() -> None:
    global _areas_loaded
    if not _areas_loaded:
        for module in AREAS:
            importlib.import_module(module)
        _areas_loaded = True


def ability(name: str) -> Ability:
    _load_areas()
    try:
        return _registry[name]
    except KeyError:
        known = ", ".join(sorted(_registry))
        raise UnknownAbility(f"No ability {name!r}; the registered ones are: {known}") from None


def abilities() -> dict[str, Ability]:
    """Every registered ability by name."""
    _load_areas()
    return dict(_registry)


def may(user: Any, name: str, target: Any = None) -> bool:
    """Whether `user` has the ability `name` (on `target`, for abilities about a thing).

    An ability about a thing asked without one (a template whose object is missing) is denied.
    """
    found = ability(name)
    if not found.takes_target:
        return bool(found.predicate(user))
    if target is None:
        return False
    return bool(found.predicate(user, target))
