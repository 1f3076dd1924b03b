"""bot.phrases: phrase lists found as whole words, every list of a screen in one pass."""

from __future__ import annotations

import pytest

from bot.normalize import surface_words
from bot.phrases import PhraseBook, Place


def places(lists, text):
    return PhraseBook(lists).read(surface_words(text))


@pytest.mark.parametrize(("phrases", "text", "found"), [
    (["medic*", "medication*"], "her medications", True),   # the shorter start is found too
    (["medication*"], "her medic", False),
    (["how much"], "how much is it", True),
    (["how much"], "how is it much", False),                # the words in order, side by side
    (["kill my*"], "kill myself", True),                    # a star on a later word
    (["kill my*"], "my kill", False),
    (["harm*"], "harm", True),                              # a start matches the whole word too
    (["pca"], "pcas and apcas", False),                     # no star: whole words only
    (["suicid*"], "presuicide", False),                     # a start is the word's start
    (["can not go on"], "I can't go on", True),             # read with the question normalisation
    (["what"], "so what", True),
])
def test_phrases_are_found_as_whole_words(phrases, text, found):
    assert bool(places([phrases], text)) is found


def test_the_longest_phrase_at_a_place_wins_and_places_never_overlap():
    assert places([["end it", "end it all"]], "i want to end it all now") == {0: [Place(3, 6)]}
    assert places([["a b", "b c"]], "a b c") == {0: [Place(0, 2)]}


def test_each_list_is_read_on_its_own_in_one_pass():
    found = places([["end it all"], ["want to"], ["no such phrase"], ["it"]],
                   "i want to end it all")
    assert found == {1: [Place(1, 3)], 0: [Place(3, 6)], 3: [Place(4, 5)]}


def test_every_place_of_a_phrase_is_found():
    assert places([["hope*"]], "hopeless and hopeful") == {0: [Place(0, 1), Place(2, 3)]}


def test_an_empty_phrase_or_list_finds_nothing():
    assert places([[], ["", "  *"]], "anything at all") == {}
