"""Resolves what people write for a municipality ("Sundsvalls kommun", "Falu kommun") to a code."""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from django.utils.translation import gettext as _

from kommunpris.errors import NotFound

from .collation import swedish_sort_key

# Official names whose genitive is irregular, as the municipalities write themselves.
IRREGULAR_GENITIVES = {"falu": "falun"}
# Words around a name that say what kind of body it is, not which one.
_PREFIXES = ("region ", "kommunen ", "staden ")
_SUFFIXES = (" kommun", " stad", " municipality", " city", " kommune", " landskommun")
_DASHES = re.compile(r"\s*[-‐‑‒–—]\s*")
_SPACE = re.compile(r"\s+")
# Between the members of a joint candidacy: "Mora kommun, Orsa kommun och Älvdalens kommun".
_JOINT_SEPARATORS = re.compile(r"\s*,\s*|\s+(?:och|samt|and|&)\s+", re.IGNORECASE)


class MunicipalityNotFound(NotFound, LookupError):
    """No single municipality matches; `candidates` holds the closest register names."""

    def __init__(self, written: str, candidates: list[str], *, ambiguous: bool) -> None:
        self.written = written
        self.candidates = candidates
        self.ambiguous = ambiguous
        super().__init__(self.message)

    @property
    def message(self) -> str:
        listed = ", ".join(self.candidates)
        if self.ambiguous:
            return _(
                "'%(written)s' could be several municipalities: %(listed)s. Write the whole name."
            ) % {
                "written": self.written,
                "listed": listed,
            }
        if listed:
            return _("Unknown municipality '%(written)s'. Did you mean: %(listed)s?") % {
                "written": self.written,
                "listed": listed,
            }
        return _(
            "Unknown municipality '%(written)s'. Write the municipality's name, e.g. 'Sundsvall'."
        ) % {"written": self.written}


class RepeatedMunicipality(MunicipalityNotFound):
    """A joint name lists the same municipality twice."""

    @property
    def message(self) -> str:
        return _(
            "'%(written)s' names %(municipality)s twice. Write each municipality of the joint "
            "candidacy once."
        ) % {"written": self.written, "municipality": self.candidates[0]}


@dataclass(frozen=True)
class Match:
    code: str
    name: str


def normalise(text: str) -> str:
    """Case, spacing, dashes and Unicode form folded away; letters and diacritics kept.

    A dash counts as a space ("Malung Sälen" is Malung-Sälen): no two register names differ
    only there.
    """
    text = unicodedata.normalize("NFC", text).casefold()
    text = _DASHES.sub(" ", text)
    return _SPACE.sub(" ", text).strip(" .,;:\"'“”’")


def fold_diacritics(text: str) -> str:
    decomposed = unicodedata.normalize("NFD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _strip_affixes(text: str) -> str:
    changed = True
    while changed:
        changed = False
        for prefix in _PREFIXES:
            if text.startswith(prefix) and len(text) > len(prefix):
                text, changed = text[len(prefix) :], True
        for suffix in _SUFFIXES:
            if text.endswith(suffix) and len(text) > len(suffix):
                text, changed = text[: -len(suffix)], True
    return text


class Resolver:
    """Maps written names to register codes; built once from (code, register name) pairs."""

    def __init__(self, names: Mapping[str, str] | Iterable[tuple[str, str]]) -> None:
        pairs = names.items() if isinstance(names, Mapping) else names
        self._names: dict[str, str] = dict(pairs)
        self._by_key: dict[str, str] = {}
        self._by_folded: dict[str, set[str]] = {}
        for code, name in self._names.items():
            key = normalise(name)
            self._by_key[key] = code
            self._by_folded.setdefault(fold_diacritics(key), set()).add(code)

    def _base_forms(self, key: str) -> list[str]:
        """The written key, then without kind-words, then without a genitive ending."""
        forms = [key]
        bare = _strip_affixes(key)
        forms.append(bare)
        if bare in IRREGULAR_GENITIVES:
            forms.append(IRREGULAR_GENITIVES[bare])
        if bare.endswith("s"):
            # Genitive: "Sundsvalls kommun". Exact names are tried first, so "Borås" stays Borås.
            forms.append(bare[:-1])
        return forms

    def resolve(self, written: str) -> Match:
        key = normalise(written)
        if not key:
            raise MunicipalityNotFound(written, [], ambiguous=False)
        forms = self._base_forms(key)
        for form in forms:
            if form in self._by_key:
                return self._match(self._by_key[form])
        for form in forms:
            codes = self._by_folded.get(fold_diacritics(form), set())
            if len(codes) == 1:
                return self._match(next(iter(codes)))
            if len(codes) > 1:
                raise MunicipalityNotFound(written, self._sorted_names(codes), ambiguous=True)
        bare = forms[1]
        starting = {code for k, code in self._by_key.items() if k.startswith(bare + " ")}
        if len(starting) == 1:
            return self._match(next(iter(starting)))
        if len(starting) > 1:
            raise MunicipalityNotFound(written, self._sorted_names(starting), ambiguous=True)
        raise MunicipalityNotFound(written, self.closest(written), ambiguous=False)

    def resolve_all(self, written: str) -> list[Match]:
        """One municipality, or each member of a joint candidacy in the order written
        ("Mora kommun, Orsa kommun och Älvdalens kommun"); raises MunicipalityNotFound."""
        try:
            return [self.resolve(written)]
        except MunicipalityNotFound:
            parts = [part for part in _JOINT_SEPARATORS.split(written) if part.strip()]
            if len(parts) < 2:
                raise
        matches = [self.resolve(part) for part in parts]
        seen: set[str] = set()
        for match in matches:
            if match.code in seen:
                raise RepeatedMunicipality(written, [match.name], ambiguous=False)
            seen.add(match.code)
        return matches

    def closest(self, written: str, *, limit: int = 3) -> list[str]:
        """The register names most like what was written, best first."""
        bare = fold_diacritics(_strip_affixes(normalise(written)))
        folded = {fold_diacritics(k): code for k, code in self._by_key.items()}
        hits = difflib.get_close_matches(bare, list(folded), n=limit, cutoff=0.6)
        if bare.endswith("s"):
            hits += difflib.get_close_matches(bare[:-1], list(folded), n=limit, cutoff=0.6)
        if not hits:
            # Nothing much alike: still name the nearest few, so the person has a way forward.
            hits = difflib.get_close_matches(bare, list(folded), n=limit, cutoff=0.0)
        seen: list[str] = []
        for hit in hits:
            name = self._names[folded[hit]]
            if name not in seen:
                seen.append(name)
        return seen[:limit]

    def suggestions(self, prefix: str, *, limit: int = 10) -> list[Match]:
        """Register names that begin with (or contain) what was typed, for autocompletion."""
        key = fold_diacritics(_strip_affixes(normalise(prefix)))
        if not key:
            return []
        ranked = sorted(
            (
                (
                    0 if fold_diacritics(k).startswith(key) else 1,
                    swedish_sort_key(self._names[code]),
                    self._names[code],
                    code,
                )
                for k, code in self._by_key.items()
                if key in fold_diacritics(k)
            )
        )
        return [Match(code, name) for _, _key, name, code in ranked[:limit]]

    def _match(self, code: str) -> Match:
        return Match(code=code, name=self._names[code])

    def _sorted_names(self, codes: Iterable[str]) -> list[str]:
        return sorted((self._names[c] for c in codes), key=swedish_sort_key)
