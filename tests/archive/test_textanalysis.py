"""Tests for Swedish tokenising, stemming, compound splitting and jury-theme detection."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kommunpris.archive.textanalysis import (
    DEFAULT_LEXICON,
    THEMES,
    MatchedWord,
    Term,
    Theme,
    Token,
    analyse,
    split_compound,
    stem,
    themes_in,
    tokenize,
)

LEXICON = frozenset(
    {"samverkan", "kultur", "medborgare", "service", "skatt", "medel", "kommunledning", "nivå"}
)

KALIX_2001 = (
    "För sin friska satsning på att förnya demokratin med hjälp av IT utses Kalix till Sveriges "
    "IT-kommun 2001. Kalix har visat att en kommun inte behöver vara stor och rik för att ligga "
    "i den främsta utvecklingsfronten. Med en genomtänkt IT-strategi och en beundransvärd "
    "handlingskraft har Kalix lanserat IT-innovationer som kan öka deltagandet och i synnerhet "
    "ungdomars engagemang i den kommunala demokratin. Kalix-modellen med rådslag över Internet "
    "har en bred tillämpning och har även uppmärksammats internationellt."
)
KARLSTAD_2013 = (
    "För att kunna erbjuda värmlänningarna en så god service som möjligt har Karlstad lagt "
    "grunden för en bred samverkan i hela länet, som hjälper till att bygga det goda samhället "
    "samtidigt som man kan sänka kostnaderna och öka effektiviteten."
)
LIDINGO_2019 = (
    "Årets vinnare når resultat på riktigt. De höjer servicen och kvaliteten samtidigt som de "
    "sparar på energin, klimatet och skattemedlen. Genom en utpräglad samverkanskultur och en "
    "inställning bidrar man också till hela Sveriges innovationskraft."
)


def words(matches: list[MatchedWord]) -> list[str]:
    return [match.text for match in matches]


def stems_of(text: str) -> set[str]:
    return {term.stem for term in analyse(text)}


# Tokens


def test_tokenize_sentence_gives_casefolded_words_with_offsets() -> None:
    assert tokenize("Årets vinnare, 2023!") == [
        Token("årets", 0, 5),
        Token("vinnare", 6, 13),
        Token("2023", 15, 19),
    ]


def test_tokenize_hyphenated_word_gives_whole_and_parts() -> None:
    assert tokenize("Sveriges IT-kommun") == [
        Token("sveriges", 0, 8),
        Token("it-kommun", 9, 18),
        Token("it", 9, 11),
        Token("kommun", 12, 18),
    ]


def test_tokenize_several_hyphens_give_whole_and_every_part() -> None:
    assert [token.word for token in tokenize("Ett-klicks-ärenden")] == [
        "ett-klicks-ärenden",
        "ett",
        "klicks",
        "ärenden",
    ]


def test_tokenize_dash_between_words_does_not_join_them() -> None:
    assert [token.word for token in tokenize("syns och hörs – helt enkelt - och mer")] == [
        "syns",
        "och",
        "hörs",
        "helt",
        "enkelt",
        "och",
        "mer",
    ]


def test_tokenize_leading_and_trailing_hyphen_is_a_separator() -> None:
    assert [token.word for token in tokenize("-kommun- e-")] == ["kommun", "e"]


def test_tokenize_habo_and_haabo_are_different_tokens() -> None:
    assert [token.word for token in tokenize("Håbo Habo")] == ["håbo", "habo"]
    assert stem("Håbo") != stem("Habo")


def test_tokenize_offsets_point_at_original_text_with_swedish_letters() -> None:
    text = "ÖPPENHET och Ärenden i Älvdalen"

    tokens = tokenize(text)

    assert [(text[token.start : token.end], token.word) for token in tokens] == [
        ("ÖPPENHET", "öppenhet"),
        ("och", "och"),
        ("Ärenden", "ärenden"),
        ("i", "i"),
        ("Älvdalen", "älvdalen"),
    ]


def test_tokenize_keeps_combining_marks_inside_the_word() -> None:
    decomposed = unicodedata.normalize("NFD", "Håbo Örebro")

    assert [token.word for token in tokenize(decomposed)] == [
        unicodedata.normalize("NFD", "håbo"),
        unicodedata.normalize("NFD", "örebro"),
    ]
    assert stem(decomposed.split()[0]) == stem("håbo")


# Stems


def test_stem_of_inflections_is_shared() -> None:
    assert {stem(word) for word in ("samarbete", "samarbeten", "samarbetar")} == {"samarbet"}


def test_stem_casefolds_first() -> None:
    assert stem("KOMMUNERNA") == stem("kommunerna") == "kommun"


def test_stem_of_nytt_is_not_the_stem_of_nytta() -> None:
    assert (stem("nytt"), stem("nytta")) == ("ny", "nytt")


# Compounds


@pytest.mark.parametrize(
    ("word", "parts"),
    [
        ("samverkanskultur", ["samverkan", "kultur"]),
        ("medborgarservice", ["medborgar", "service"]),
        ("skattemedlen", ["skatt", "medlen"]),
        ("kommunledningsnivå", ["kommunledning", "nivå"]),
        ("Samverkanskulturen", ["samverkan", "kulturen"]),
        ("kulturnivå", ["kultur", "nivå"]),
    ],
)
def test_split_compound_known_parts_gives_parts(word: str, parts: list[str]) -> None:
    assert split_compound(word, lexicon=LEXICON) == parts


def test_split_compound_without_longer_part_backtracks_to_shorter_ones() -> None:
    lexicon = {"kommun", "ledning", "nivå"}

    assert split_compound("kommunledningsnivå", lexicon=lexicon) == ["kommun", "ledning", "nivå"]


def test_split_compound_lexicon_of_stems_splits_too() -> None:
    assert split_compound("medborgarservice", lexicon={"medborg", "servic"}) == [
        "medborgar",
        "service",
    ]


def test_split_compound_unknown_part_gives_nothing() -> None:
    assert split_compound("kommunalråd", lexicon=LEXICON | {"kommun"}) == []


def test_split_compound_part_shorter_than_three_letters_gives_nothing() -> None:
    assert split_compound("itkultur", lexicon=LEXICON | {"it"}) == []


def test_split_compound_known_whole_word_gives_nothing() -> None:
    assert split_compound("samverkan", lexicon=LEXICON | {"sam", "verkan"}) == []


def test_split_compound_word_with_hyphen_gives_nothing() -> None:
    assert split_compound("kultur-nivå", lexicon=LEXICON) == []


# Analysis


def test_analyse_samarbete_matches_samarbeten_and_samarbetar() -> None:
    assert stems_of("samarbete") & stems_of("samarbeten") & stems_of("samarbetar") == {"samarbet"}


def test_analyse_compound_gives_stems_of_parts_with_offsets_of_the_word() -> None:
    assert analyse("En samverkanskultur.") == [
        Term("en", "en", 0, 2),
        Term("samverkanskultur", "samverkanskultur", 3, 19),
        Term("samverkan", "samverkan", 3, 19),
        Term("kultur", "kultur", 3, 19),
    ]


def test_analyse_inflection_gives_lexicon_stem() -> None:
    assert analyse("Kompetensen") == [
        Term("kompetens", "kompetensen", 0, 11),
        Term("kompet", "kompetensen", 0, 11),
    ]
    assert stems_of("kompetens") <= stems_of("kompetensen")


def test_analyse_definite_form_snowball_keeps_gives_base_stem() -> None:
    assert stems_of("demokratin") == {"demokratin", "demokrati"}


def test_analyse_hyphenated_word_gives_terms_for_whole_and_parts() -> None:
    assert [(term.stem, term.start, term.end) for term in analyse("IT-kommunen")] == [
        ("it-kommun", 0, 11),
        ("it", 0, 2),
        ("kommun", 3, 11),
    ]


def test_analyse_with_lexicon_splits_with_that_lexicon() -> None:
    assert [term.stem for term in analyse("skattemedlen", lexicon=LEXICON)] == [
        "skattemedl",
        "skatt",
        "medl",
        "medel",
    ]


def test_analyse_empty_text_gives_no_terms() -> None:
    assert analyse("  –  ") == []


@settings(max_examples=300, deadline=None)
@given(text=st.text())
def test_tokenize_any_text_offsets_slice_to_the_token(text: str) -> None:
    tokens = tokenize(text)
    terms = analyse(text)
    themes_in(text)

    assert [text[token.start : token.end].casefold() for token in tokens] == [
        token.word for token in tokens
    ]
    assert {(term.start, term.end) for term in terms} <= {
        (token.start, token.end) for token in tokens
    }


PIECES = [
    "a",
    "e",
    "s",
    "n",
    "t",
    "å",
    "Ö",
    "-",
    "‑",
    " ",
    "–",
    "IT-kommun",
    "samverkans",
    "kultur",
]


@settings(max_examples=200, deadline=None)
@given(text=st.lists(st.sampled_from(PIECES), max_size=16).map("".join))
def test_analyse_any_swedish_letters_never_raises(text: str) -> None:
    terms = analyse(text)
    themes = themes_in(text)

    assert all(term.stem for term in terms)
    assert all(text[m.start : m.end] == m.text for found in themes.values() for m in found)


# Themes


def test_themes_rubric_has_the_seven_themes_in_order() -> None:
    assert [(theme.key, theme.name_sv) for theme in THEMES] == [
        ("ledarskap", "Ledarskap och styrning"),
        ("kompetens", "Kultur, kompetens och förmåga"),
        ("nytta", "Nytta för invånare, medarbetare och företag"),
        ("samverkan", "Samverkan och delning"),
        ("innovation", "Innovation och mod"),
        ("resultat", "Resultat och hållbarhet"),
        ("demokrati", "Demokrati och delaktighet"),
    ]


def test_themes_seed_words_are_not_too_general() -> None:
    seeds = {seed for theme in THEMES for seed in theme.seeds}

    assert seeds & {"kommun", "digital", "digitalisering", "it", "stad", "arbete"} == set()
    assert all(seed in DEFAULT_LEXICON for seed in seeds if " " not in seed)


def test_themes_in_samverkanskultur_counts_for_samverkan() -> None:
    assert themes_in("Genom en utpräglad samverkanskultur")["samverkan"] == [
        MatchedWord("samverkanskultur", 19, 35, "samverkan")
    ]


def test_themes_in_demokratin_counts_for_demokrati() -> None:
    assert themes_in("att förnya demokratin") == {
        "innovation": [MatchedWord("förnya", 4, 10, "förnya")],
        "demokrati": [MatchedWord("demokratin", 11, 21, "demokrati")],
    }


def test_themes_in_phrase_seed_matches_consecutive_words() -> None:
    assert themes_in("En kommun som generöst delar med sig.") == {
        "samverkan": [MatchedWord("delar med sig", 23, 36, "dela med sig")]
    }


def test_themes_in_delar_alone_is_not_sharing() -> None:
    assert themes_in("i stora delar av landet") == {}


def test_themes_in_nytt_is_not_nytta() -> None:
    assert themes_in("ett nytt sätt och en modern miljö") == {}


def test_themes_in_hyphenated_word_reports_the_part() -> None:
    assert themes_in("en genomtänkt IT-strategi") == {
        "ledarskap": [MatchedWord("strategi", 17, 25, "strategi")]
    }


def test_themes_in_custom_rubric_uses_its_seeds() -> None:
    themes = (Theme("skola", "Skola", "School", ("elev", "skola")),)

    assert themes_in("alla elever i årskurs sju", themes=themes) == {
        "skola": [MatchedWord("elever", 5, 11, "elev")]
    }


def test_themes_in_kalix_2001_finds_democracy_innovation_and_leadership() -> None:
    found = themes_in(KALIX_2001)

    assert list(found) == ["ledarskap", "innovation", "demokrati"]
    assert words(found["demokrati"]) == [
        "demokratin",
        "deltagandet",
        "demokratin",
        "rådslag",
    ]
    assert words(found["ledarskap"]) == ["strategi", "handlingskraft"]
    assert words(found["innovation"]) == ["förnya", "utvecklingsfronten", "innovationer"]


def test_themes_in_karlstad_2013_finds_collaboration_value_and_results_only() -> None:
    found = themes_in(KARLSTAD_2013)

    assert {key: words(matches) for key, matches in found.items()} == {
        "nytta": ["service"],
        "samverkan": ["samverkan"],
        "resultat": ["kostnaderna", "effektiviteten"],
    }


def test_themes_in_lidingo_2019_finds_collaboration_and_results() -> None:
    found = themes_in(LIDINGO_2019)

    assert words(found["samverkan"]) == ["samverkanskultur"]
    assert words(found["resultat"]) == [
        "resultat",
        "kvaliteten",
        "sparar",
        "energin",
        "klimatet",
        "skattemedlen",
    ]
    assert list(found) == ["kompetens", "nytta", "samverkan", "innovation", "resultat"]


def test_themes_in_matches_offsets_slice_the_text() -> None:
    found = themes_in(KALIX_2001)

    assert [
        (KALIX_2001[match.start : match.end] == match.text)
        for matches in found.values()
        for match in matches
    ] == [True] * sum(len(matches) for matches in found.values())
