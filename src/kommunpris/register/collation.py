"""Swedish alphabetical order (…, X, Y, Z, Å, Ä, Ö) as a byte string, the same everywhere.

`swedish_sort_key(name)` is stored beside every municipality and county name (`sort_key`) and
used for lists sorted in Python, so the order is the same on SQLite, on PostgreSQL (whatever
the database's own collation or ICU version) and in memory: both databases compare the bytes.

The order is the Swedish collation of the C library's `sv_SE.UTF-8` locale (glibc 2.36, ISO
14651 with the Swedish tailoring), which the tests compare the whole register against:

1. letters: a–z, then å, ä, ö; æ sorts as ä, ø and œ as ö, ü as y, w after v (its own letter
   since 2006); other accents (é, à, ç …) count only after the letters; digits before letters;
   spaces, hyphens and other punctuation do not count at this level ("Upplands-Bro" before
   "Upplands Väsby", as b comes before v);
2. accents ("Ed" before "Éd");
3. case, lower before upper;
4. finally the text itself, code point by code point, so different names never tie.
"""

from __future__ import annotations

import unicodedata

# Each weight is three bytes, so every code point fits and a level separator of zeros sorts
# before any weight (a shorter name that is a prefix of a longer one comes first).
_SEPARATOR = b"\x00\x00\x00"
_DIGIT_BASE = 0x10
_LETTER_BASE = 0x100
_OTHER_BASE = 0x1000
_ALPHABET = "abcdefghijklmnopqrstuvwxyzåäö"
# Letters that Swedish sorts as another letter, with an accent weight to keep them apart.
_AS_LETTER = {"æ": ("ä", 1), "ø": ("ö", 1), "œ": ("ö", 2), "ü": ("y", 1), "ß": ("s", 1)}


def _weights(char: str) -> tuple[int, int] | None:
    """(primary, accent) weights of one lower-case character, or None if it is ignorable."""
    if char in _ALPHABET:
        return _LETTER_BASE + _ALPHABET.index(char), 0
    if char in _AS_LETTER:
        letter, accent = _AS_LETTER[char]
        return _LETTER_BASE + _ALPHABET.index(letter), accent
    if char.isdigit():
        return _DIGIT_BASE + unicodedata.digit(char, 0), 0
    if not char.isalnum():
        return None
    decomposed = unicodedata.normalize("NFD", char)
    base, marks = decomposed[0], decomposed[1:]
    if base in _ALPHABET and base != char:
        accent = sum(ord(mark) for mark in marks) or 1
        return _LETTER_BASE + _ALPHABET.index(base), accent
    return _OTHER_BASE + ord(char), 0


def swedish_sort_key(text: str) -> bytes:
    """Bytes whose order is Swedish alphabetical order of `text`."""
    primary: list[int] = []
    accents: list[int] = []
    cases: list[int] = []
    for char in unicodedata.normalize("NFC", text):
        lower = char.lower()
        # å, ä and ö are letters of their own: only decompose what is not in the alphabet.
        weights = _weights(lower if len(lower) == 1 else char)
        if weights is None:
            continue
        primary.append(weights[0])
        accents.append(weights[1] + 1)
        cases.append(1 if char == lower else 2)
    levels = [primary, accents, cases, [ord(char) for char in text]]
    return _SEPARATOR.join(b"".join(w.to_bytes(3, "big") for w in level) for level in levels)


def swedish_sorted(names: list[str]) -> list[str]:
    return sorted(names, key=swedish_sort_key)
