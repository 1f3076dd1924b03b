"""bot.normalize: one normalisation for the index and the query alike."""

from __future__ import annotations

import pytest

from bot.knowledge import Synonym, load_knowledge
from bot.normalize import Normalizer, stem, surface_words


@pytest.fixture(scope="module")
def shipped() -> Normalizer:
    """The normaliser over the shipped synonyms and abbreviations tables."""
    kb = load_knowledge()
    return Normalizer(synonyms=kb.synonyms, abbreviations=kb.abbreviations)


# -- Unicode and case ----------------------------------------------------------------------------
@pytest.mark.parametrize(("raw", "expected"), [
    ("\uff26\uff45\uff4c\uff4c\uff4f\uff57\uff53\uff48\uff49\uff50", ["fellowship"]),  # full width
    ("\ufb01nancial aid", ["financial", "aid"]),  # the "fi" ligature
    ("PGY\u2010\u0033", ["pgy", "3"]),           # a Unicode hyphen splits like "-"
    ("\u2460", ["1"]),                           # circled digit one
])
def test_nfkc_folds_compatibility_forms(raw, expected):
    assert surface_words(raw) == expected


def test_case_is_folded_not_just_lowered():
    assert surface_words("STRASSE") == surface_words("straße") == ["strasse"]
    assert surface_words("HOW LONG Is The FELLOWSHIP") == ["how", "long", "is", "the", "fellowship"]


# -- contractions --------------------------------------------------------------------------------
@pytest.mark.parametrize(("raw", "expected"), [
    ("don't", ["do", "not"]),
    ("I'm", ["i", "am"]),
    ("you're", ["you", "are"]),
    ("we've", ["we", "have"]),
    ("I'll", ["i", "will"]),
    ("she'd", ["she", "would"]),
    ("can't", ["can", "not"]),
    ("won't", ["will", "not"]),
    ("let's", ["let", "us"]),
    ("don\u2019t", ["do", "not"]),   # typographic apostrophe, as phones type it
    ("I\u2018m", ["i", "am"]),
    ("don`t", ["do", "not"]),
])
def test_contractions_with_an_apostrophe_are_expanded(raw, expected):
    assert surface_words(raw) == expected


@pytest.mark.parametrize(("with_apostrophe", "without"), [
    ("don't", "dont"),
    ("doesn't", "doesnt"),
    ("isn't", "isnt"),
    ("can't", "cant"),
    ("I'm", "im"),
    ("I've", "ive"),
    ("you're", "youre"),
    # the possessive-style "'s" drops the "is" that the apostrophe-less forms keep
    ("what's", "whats"),
    ("that's", "thats"),
    # common forms missing from the apostrophe-less table
    ("shouldn't", "shouldnt"),
    ("wouldn't", "wouldnt"),
    ("they're", "theyre"),
    ("you've", "youve"),
])
def test_a_contraction_typed_without_its_apostrophe_reads_the_same(with_apostrophe, without):
    assert surface_words(without) == surface_words(with_apostrophe)


@pytest.mark.parametrize("raw", ["shouldn't've", "couldn't've"])
def test_stacked_contractions_are_fully_expanded(raw):
    """One pass must leave no apostrophe behind, or the text is not stable under re-reading."""
    words = surface_words(raw)
    assert not any("'" in w for w in words), words
    assert surface_words(" ".join(words)) == words


# -- punctuation ---------------------------------------------------------------------------------
@pytest.mark.parametrize(("raw", "expected"), [
    ("hello!!! world???", ["hello", "world"]),
    ("fellowship—how long?", ["fellowship", "how", "long"]),
    ("(board) [exam] {cost}", ["board", "exam", "cost"]),
    ("snake_case-words/and.dots", ["snake", "case", "words", "and", "dots"]),
    ("<b>bold</b>", ["b", "bold", "b"]),
    ("w/ kids b/c reasons", ["with", "kids", "because", "reasons"]),
    ("   \t\n  ", []),
    ("?!.,;:", []),
])
def test_punctuation_separates_words_and_disappears(raw, expected):
    assert surface_words(raw) == expected


# -- synonyms --------------------------------------------------------------------------------------
def test_synonyms_replace_single_and_multi_word_variants():
    n = Normalizer(synonyms=[
        Synonym("pediatric", ("peds", "kids")),
        Synonym("palliative", ("pall care", "hospice and palliative medicine")),
    ])
    assert n.words("peds fellowship") == ["pediatric", "fellowship"]
    assert n.words("Pall Care jobs") == ["palliative", "jobs"]
    assert n.words("Hospice & Palliative Medicine?") == ["hospice", "palliative", "medicine"]
    assert n.words("hospice and palliative medicine!") == ["palliative"]


@pytest.mark.parametrize("order", [1, -1])
def test_the_longest_synonym_wins_whatever_the_table_order(order):
    table = [Synonym("short", ("a b",)), Synonym("long", ("a b c",))][::order]
    n = Normalizer(synonyms=table)
    assert n.words("a b c d") == ["long", "d"]
    assert n.words("x a b d") == ["x", "short", "d"]


def test_synonyms_match_whole_words_only():
    n = Normalizer(synonyms=[Synonym("palliative", ("pall",)), Synonym("physician", ("doc",))])
    assert n.words("pallet documentation doc") == ["pallet", "documentation", "physician"]


def test_synonym_variants_are_read_through_the_same_surface_rules():
    """A variant written with capitals and punctuation still matches."""
    n = Normalizer(synonyms=[Synonym("palliative", ("Pall. Care!",))])
    assert n.words("pall care, pall-care") == ["palliative", "palliative"]


def test_a_synonym_variant_with_a_contraction_matches_it_typed_without_apostrophe():
    """A curator's "What's in it for me?" must catch a student's "whats in it for me"."""
    n = Normalizer(synonyms=[Synonym("benefits", ("What's in it for me?",))])
    assert n.words("so whats in it for me") == ["so", "benefits"]


def test_shipped_synonyms_longest_first(shipped):
    assert shipped.words("american academy of hospice and palliative medicine") == ["aahpm"]
    assert shipped.words("palliative care medicine fellowship") == ["palliative", "fellowship"]
    assert shipped.words("HPM") == shipped.words("hapc") == shipped.words("pall care") == ["palliative"]
    assert shipped.words("peds") == shipped.words("kids") == ["pediatric"]


# -- abbreviations (case-sensitive) ----------------------------------------------------------------
@pytest.fixture
def im() -> Normalizer:
    return Normalizer(abbreviations=[Synonym("internal medicine", ("IM",)),
                                     Synonym("obstetrics gynecology", ("OB", "OB/GYN"))])


@pytest.mark.parametrize(("raw", "expected"), [
    ("IM", ["internal", "medicine"]),
    ("IM.", ["internal", "medicine"]),
    ("(IM)", ["internal", "medicine"]),
    ("an IM resident", ["an", "internal", "medicine", "resident"]),
    ("im", ["i", "am"]),
    ("Im", ["i", "am"]),
    ("I'm", ["i", "am"]),
    ("iM", ["i", "am"]),
    ("SIM", ["sim"]),              # inside a longer word: untouched
    ("IMG", ["img"]),
    ("OB/GYN", ["obstetrics", "gynecology"]),   # the longer variant first
    ("OB", ["obstetrics", "gynecology"]),
    ("ob", ["ob"]),
])
def test_abbreviations_match_only_with_their_capitals(im, raw, expected):
    assert im.words(raw) == expected


def test_shipped_im_is_internal_medicine_but_im_is_i_am(shipped):
    assert shipped.tokens("I'm an IM resident") == shipped.tokens(
        "I am an internal medicine resident")
    assert shipped.tokens("im an IM resident") == shipped.tokens("I'm an IM resident")
    assert shipped.words("im") == ["i", "am"]


def test_nfkc_comes_before_the_abbreviations(im):
    """Full-width IM (U+FF29 U+FF2D) is "IM" after NFKC; the module says NFKC runs first."""
    assert im.words("\uff29\uff2d resident") == im.words("IM resident")


# -- tokens ----------------------------------------------------------------------------------------
def test_tokens_are_stems_in_order_with_repeats():
    n = Normalizer()
    assert n.tokens("Residents residency resident") == (stem("residents"),) * 3
    assert n.tokens("fellowships fellowship") == ("fellowship", "fellowship")
    assert n.text("Boards, boarding!") == " ".join(n.tokens("boards boarding"))


def test_index_and_query_meet_on_the_same_ground(shipped):
    """The same question written two ways normalises to the same text."""
    assert shipped.text("How long is the HPM fellowship?") == shipped.text(
        "how long is the hospice and palliative medicine fellowship")
    assert shipped.text("Do peds pall care docs exist") == shipped.text(
        "do pediatric palliative physicians exist")


def test_a_replacement_that_forms_another_variant_is_replaced_too():
    """Found by hypothesis: "academia center" -> "academic center" -> "academic"."""
    normalizer = Normalizer(synonyms=[Synonym("academic", ("academia", "academic center"))])
    assert normalizer.words("ACADEMIA:CENTER") == ["academic"]
    assert normalizer.words(" ".join(normalizer.words("academia center"))) == ["academic"]
