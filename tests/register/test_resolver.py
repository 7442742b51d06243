"""The name resolver: every register name, the written forms people use, and the refusals."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kommunpris.register.models import Municipality
from kommunpris.register.resolver import MunicipalityNotFound, Resolver
from kommunpris.register.selectors import resolve, resolver
from kommunpris.register.services import read_official_register

OFFICIAL = Resolver(read_official_register()[1])


def test_register_has_290_municipalities_and_21_counties_with_zero_padded_codes(
    archive: object,
) -> None:
    codes = list(Municipality.objects.values_list("code", flat=True))
    assert len(codes) == 290
    assert all(len(code) == 4 and code.isdigit() for code in codes)
    assert Municipality.objects.get(code="0114").name == "Upplands Väsby"
    assert Municipality.objects.get(code="0114").county.code == "01"
    assert Municipality.objects.get(code="0114").county.name == "Stockholms län"
    from kommunpris.register.models import County

    assert County.objects.count() == 21
    assert sorted(County.objects.values_list("code", flat=True))[:3] == ["01", "03", "04"]


def test_resolver_maps_every_register_name_to_itself(archive: object) -> None:
    names = dict(Municipality.objects.values_list("code", "name"))
    the_resolver = resolver()
    resolved = {code: the_resolver.resolve(name).code for code, name in names.items()}
    assert resolved == {code: code for code in names}


@pytest.mark.parametrize(
    ("written", "code", "name"),
    [
        ("Sundsvalls kommun", "2281", "Sundsvall"),
        ("sundsvall", "2281", "Sundsvall"),
        ("  SUNDSVALLS   Kommun ", "2281", "Sundsvall"),
        ("Lidingö stad", "0186", "Lidingö"),
        ("Göteborgs Stad", "1480", "Göteborg"),
        ("Region Gotland", "0980", "Gotland"),
        ("Falu kommun", "2080", "Falun"),
        ("Borås Stad", "1490", "Borås"),
        ("Hofors kommun", "2104", "Hofors"),
        ("Malung-Sälens kommun", "2023", "Malung-Sälen"),
        ("malung sälen", "2023", "Malung-Sälen"),
        ("Dals-Eds kommun", "1438", "Dals-Ed"),
        ("Upplands Väsby kommun", "0114", "Upplands Väsby"),
        ("Upplands-Bro kommun", "0139", "Upplands-Bro"),
        ("Stockholms stad", "0180", "Stockholm"),
        ("Östra Göinge kommun", "1256", "Östra Göinge"),
        ("Lilla Edets kommun", "1462", "Lilla Edet"),
        ("Håbo kommun", "0305", "Håbo"),
        ("Habo kommun", "0643", "Habo"),
        ("HÅBO", "0305", "Håbo"),
        ("Vasteras", "1980", "Västerås"),
    ],
)
def test_resolver_maps_written_form_to_code(written: str, code: str, name: str) -> None:
    match = OFFICIAL.resolve(written)
    assert (match.code, match.name) == (code, name)


def test_resolver_unknown_name_names_closest_candidates() -> None:
    with pytest.raises(MunicipalityNotFound) as caught:
        OFFICIAL.resolve("Sundsval")
    assert caught.value.candidates[0] == "Sundsvall"
    assert caught.value.ambiguous is False
    assert caught.value.message.startswith("Okänd kommun 'Sundsval'. Menade du: Sundsvall")


def test_resolver_name_with_nothing_alike_still_offers_candidates() -> None:
    with pytest.raises(MunicipalityNotFound) as caught:
        OFFICIAL.resolve("Atlantis")
    assert len(caught.value.candidates) == 3
    assert "Okänd kommun 'Atlantis'" in caught.value.message


def test_resolver_ambiguous_name_lists_all_matches() -> None:
    with pytest.raises(MunicipalityNotFound) as caught:
        OFFICIAL.resolve("Upplands")
    assert caught.value.ambiguous is True
    assert caught.value.candidates == ["Upplands-Bro", "Upplands Väsby"]
    assert caught.value.message == (
        "'Upplands' kan vara flera kommuner: Upplands-Bro, Upplands Väsby. Skriv hela namnet."
    )


def test_resolver_habo_without_diacritics_mark_is_not_hakan_habo() -> None:
    with pytest.raises(MunicipalityNotFound) as caught:
        OFFICIAL.resolve("Hábo")
    assert caught.value.candidates == ["Habo", "Håbo"]


@pytest.mark.parametrize("written", ["", "   ", "kommun", "Region", "stad"])
def test_resolver_empty_or_kind_word_only_is_refused(written: str) -> None:
    with pytest.raises(MunicipalityNotFound):
        OFFICIAL.resolve(written)


def test_resolver_suggestions_start_with_typed_prefix() -> None:
    names = [m.name for m in OFFICIAL.suggestions("sund")]
    assert names[:2] == ["Sundbyberg", "Sundsvall"]
    assert "Askersund" in names[2:]


def test_resolve_selector_uses_database_register(archive: object) -> None:
    assert resolve("Värmdö kommun").code == "0120"


@given(st.text(max_size=60))
def test_resolver_any_text_resolves_or_gives_clear_error(text: str) -> None:
    try:
        match = OFFICIAL.resolve(text)
    except MunicipalityNotFound as exc:
        assert exc.message
    else:
        assert len(match.code) == 4
