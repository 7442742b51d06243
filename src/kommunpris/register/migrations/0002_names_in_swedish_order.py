"""Every county and municipality name gets its Swedish sort key (…, Z, Å, Ä, Ö).

The key function is copied here as it was when this migration was written (migrations never
import app code); kommunpris.register.collation is the living version, and a later change to
it comes with a migration that recomputes the keys.
"""

import unicodedata

from django.db import migrations, models

_SEPARATOR = b"\x00\x00\x00"
_ALPHABET = "abcdefghijklmnopqrstuvwxyzåäö"
_AS_LETTER = {"æ": ("ä", 1), "ø": ("ö", 1), "œ": ("ö", 2), "ü": ("y", 1), "ß": ("s", 1)}


def _weights(char):
    if char in _ALPHABET:
        return 0x100 + _ALPHABET.index(char), 0
    if char in _AS_LETTER:
        letter, accent = _AS_LETTER[char]
        return 0x100 + _ALPHABET.index(letter), accent
    if char.isdigit():
        return 0x10 + unicodedata.digit(char, 0), 0
    if not char.isalnum():
        return None
    decomposed = unicodedata.normalize("NFD", char)
    base, marks = decomposed[0], decomposed[1:]
    if base in _ALPHABET and base != char:
        return 0x100 + _ALPHABET.index(base), sum(ord(mark) for mark in marks) or 1
    return 0x1000 + ord(char), 0


def swedish_sort_key(text):
    primary, accents, cases = [], [], []
    for char in unicodedata.normalize("NFC", text):
        lower = char.lower()
        weights = _weights(lower if len(lower) == 1 else char)
        if weights is None:
            continue
        primary.append(weights[0])
        accents.append(weights[1] + 1)
        cases.append(1 if char == lower else 2)
    levels = [primary, accents, cases, [ord(char) for char in text]]
    return _SEPARATOR.join(b"".join(w.to_bytes(3, "big") for w in level) for level in levels)


def fill_sort_keys(apps, schema_editor):
    for model_name in ("County", "Municipality"):
        model = apps.get_model("register", model_name)
        for code, name in model.objects.values_list("code", "name"):
            model.objects.filter(code=code).update(sort_key=swedish_sort_key(name))


class Migration(migrations.Migration):

    dependencies = [
        ("register", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="county",
            name="sort_key",
            field=models.BinaryField(default=b"", editable=False, help_text="Swedish order of name."),
        ),
        migrations.AddField(
            model_name="municipality",
            name="sort_key",
            field=models.BinaryField(default=b"", editable=False, help_text="Swedish order of name."),
        ),
        migrations.AlterModelOptions(
            name="municipality",
            options={"ordering": ["sort_key"], "verbose_name": "kommun", "verbose_name_plural": "kommuner"},
        ),
        migrations.RunPython(fill_sort_keys, migrations.RunPython.noop, elidable=False),
    ]
