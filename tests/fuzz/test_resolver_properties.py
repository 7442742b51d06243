"""Property tests of the municipality resolver over the official register: any text resolves to
one municipality or gives the clear error naming the closest ones, never another exception; and
the ways people write a real name all lead to its code."""

from __future__ import annotations

import unicodedata

from hypothesis import given, settings
from hypothesis import strategies as st

from kommunpris.register.resolver import Match, MunicipalityNotFound, Resolver
from kommunpris.register.services import read_official_register

REGISTER = dict(read_official_register()[1])
RESOLVER = Resolver(REGISTER)
NAMES = set(REGISTER.values())
CODES_BY_NAME = {name: code for code, name in REGISTER.items()}

# Pieces people use around a name, plus arbitrary text.
_written = st.lists(
    st.one_of(
        st.sampled_from(sorted(NAMES)),
        st.sampled_from([" kommun", " stad", "s", "Region ", "-", " ", "Å", "ä", "ö", "\u0308"]),
        st.text(max_size=6),
    ),
    max_size=6,
).map("".join)


@settings(max_examples=500, deadline=None)
@given(st.one_of(st.text(max_size=80), _written))
def test_any_text_resolves_or_names_the_closest(text: str) -> None:
    try:
        match = RESOLVER.resolve(text)
    except MunicipalityNotFound as exc:
        assert exc.message.startswith(("Okänd kommun '", f"'{text}' kan vara flera kommuner"))
        assert set(exc.candidates) <= NAMES
        assert len(exc.candidates) <= (len(NAMES) if exc.ambiguous else 3)
        if exc.ambiguous:
            assert len(exc.candidates) >= 2
    else:
        assert isinstance(match, Match)
        assert REGISTER[match.code] == match.name


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(max_size=40), _written))
def test_suggestions_for_any_text_are_register_names(text: str) -> None:
    found = RESOLVER.suggestions(text)
    assert len(found) <= 10
    assert all(REGISTER[m.code] == m.name for m in found)


@settings(max_examples=500, deadline=None)
@given(
    name=st.sampled_from(sorted(NAMES)),
    case=st.sampled_from([str, str.upper, str.lower, str.title]),
    suffix=st.sampled_from(["", " kommun", " Kommun", " stad", " Stad", "s kommun", "s stad"]),
    left=st.sampled_from(["", " ", "  ", "\t"]),
    right=st.sampled_from(["", " ", ".", "\n"]),
    form=st.sampled_from(["NFC", "NFD"]),
)
def test_written_forms_of_a_register_name_resolve_to_its_code(
    name: str, case: object, suffix: str, left: str, right: str, form: str
) -> None:
    written = unicodedata.normalize(form, left + case(name) + suffix + right)  # type: ignore[operator]
    assert RESOLVER.resolve(written).code == CODES_BY_NAME[name]
