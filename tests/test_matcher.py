"""The matcher on small hand-made knowledge: ranking, typos, caching, bounded reading."""

from __future__ import annotations

import math

import pytest

from bot.knowledge import Synonym
from bot.matcher import Matcher, Scoring, Target, reference_scores
from bot.normalize import Normalizer

TARGETS = [
    Target("length", "entry", ("how long is the fellowship", "fellowship duration in years",
                               "how many years of training")),
    Target("books", "entry", ("what books should i read", "recommended reading list",
                              "a good book on communication")),
    Target("cost", "entry", ("is membership free", "how much does membership cost")),
    Target("typo", "entry", ("comunication tips for hard talks",)),
    Target("help", "intent", ("what can you do",)),
]


def matcher(**options) -> Matcher:
    normalizer = Normalizer(synonyms=[Synonym("pediatric", ("kids", "children"))])
    return Matcher(TARGETS, normalizer=normalizer, **options)


def test_the_distinctive_word_decides():
    [top, *_] = matcher().match("fellowship years?")
    assert (top.id, top.kind) == ("length", "entry")
    assert 0.0 < top.confidence <= 1.0


def test_a_typo_reaches_the_word_it_misspells():
    assert matcher().match("how long is the felowship")[0].id == "length"


def test_a_one_off_misspelling_in_the_base_is_not_a_clue_of_its_own():
    """"count" must not fuzz onto "comun" (the stem of the base's "comunication")."""
    assert all(m.id != "typo" for m in matcher().match("does it count"))


def test_function_words_alone_land_only_on_function_word_phrasings():
    matches = matcher().match("what can you do")
    assert matches[0].id == "help" and matches[0].confidence == 1.0
    assert [m.id for m in matcher().match("what is it")] == ["help"]


def test_results_are_cached_and_the_same_without_the_cache():
    cached = matcher()
    assert cached.match("recommended books") is cached.match("recommended books")
    assert matcher(cache_size=0).match("recommended books") == cached.match("recommended books")


@pytest.mark.parametrize("question", ["how long is the fellowship", "membership cost", "books"])
def test_a_small_postings_budget_keeps_the_best_answer_here(question):
    full = matcher(cache_size=0).match(question)[0].id
    bounded = matcher(cache_size=0, scoring=Scoring(postings_budget=1, common_share=0.0))
    assert bounded.match(question)[0].id == full


def test_a_typo_is_read_on_the_word_as_typed_not_its_stem():
    """Stems mangle typos ("grwoing" -> "grwo"); the word as typed is close to "growing"."""
    normalizer = Normalizer(synonyms=[Synonym("growth", ("growing",))])
    growing = Matcher([Target("growth", "entry", ("is the field growing",)),
                       Target("other", "entry", ("how long is the fellowship",))],
                      normalizer=normalizer)
    assert growing.match("is it grwoing")[0].id == "growth"


UNBOUNDED = {"rerank": 10**6, "postings_budget": 10**9, "common_share": 1.0}
"""Scoring that scores every competing document in full: the fast matcher, unshortened."""


@pytest.mark.parametrize(("budget", "context_weight"), [(None, 0.35), (None, 0.0), (5, 0.35)])
def test_the_fast_scorer_gives_the_reference_scores(bot, budget, context_weight):
    """The matcher's scores are those of the plain formula (bot.matcher.reference_scores) on
    the shipped base, for questions made of its words (whole, misspelt, in any order, with or
    without a previous topic, with a context that weighs nothing); with a postings budget
    that truncates, a target it ranks scores at most what the formula says (fewer of its
    phrasings were read)."""
    import random

    limits = UNBOUNDED if budget is None else {"postings_budget": budget}
    scoring = Scoring(context_weight=context_weight, **limits)
    normalizer = Normalizer(synonyms=bot.knowledge.synonyms,
                            abbreviations=bot.knowledge.abbreviations)
    m = Matcher(bot.matcher.targets, normalizer=normalizer, cache_size=0, scoring=scoring)
    rng = random.Random(7)
    words = sorted({w for t in m.targets for p in t.phrasings for w in p.split()})
    for _ in range(120):
        picked = rng.sample(words, rng.randint(1, 8))
        picked = [w[:-2] + w[-1] + w[-2] if len(w) > 5 and rng.random() < 0.3 else w
                  for w in picked]
        question = " ".join(picked)
        context = rng.choice([None, rng.choice(m.targets).phrasings[0]])
        got = {match.id: match.confidence
               for match in m.match(question, context=context, limit=len(m.targets))}
        expected = reference_scores(m.index, m.query(question, context=context), scoring=scoring)
        if budget is None:
            assert got.keys() == expected.keys(), question
            for target, confidence in got.items():
                assert confidence == pytest.approx(expected[target], abs=1e-4), (question, target)
        else:
            assert all(confidence <= expected[target] + 1e-4 for target, confidence in got.items())


def test_the_reference_scores_one_question_by_hand():
    """One question, worked through the formula by hand on a base of two targets."""
    normalizer = Normalizer()
    m = Matcher([Target("a", "entry", ("fellowship length",)),
                 Target("b", "entry", ("fellowship salary",))], normalizer=normalizer)
    idf = m.index.idf  # each distinctive word: log(1 + 2 targets / targets holding it)
    assert idf["length"] == pytest.approx(math.log(3)) and idf["fellowship"] == pytest.approx(
        math.log(2))
    # recall of "fellowship length": all of it; precision: all of it -> 1.0 (and pooled 1.0)
    [a, b] = m.match("length of the fellowship")
    assert (a.id, b.id) == ("a", "b")
    asked = idf["length"] + idf["fellowship"] + 2 * Scoring().stopword_weight  # "of", "the"
    recall = (idf["length"] + idf["fellowship"]) / asked
    assert a.confidence == pytest.approx(round(recall ** 0.6 * 0.6 + 0.4 * recall, 4), abs=1e-4)
    recall_b = idf["fellowship"] / asked
    precision_b = idf["fellowship"] / (idf["fellowship"] + idf["salari"])  # its stem
    expected_b = 0.6 * recall_b ** 0.6 * precision_b ** 0.4 + 0.4 * recall_b
    assert b.confidence == pytest.approx(expected_b, abs=1e-4)


@pytest.mark.parametrize("question", ["how long is the dellowship", "how long is the fellowshio"])
def test_a_typo_at_either_end_of_a_word_is_still_found(question):
    """Typos are looked up among words sharing the first letter and among those sharing the
    last, so a slip at one end of the word does not hide it."""
    assert matcher().match(question)[0].id == "length"


def test_a_word_spoilt_at_both_ends_is_not_taken_for_a_typo():
    assert all(m.id != "length" for m in matcher().match("dellowshio"))


@pytest.mark.parametrize("cutoff", [0.0, 50.0, 80.0, 88.0, 100.0])
def test_near_lengths_are_exactly_those_that_can_reach_the_cutoff(cutoff):
    """Words of equal letters reach the highest ratio two lengths allow."""
    from rapidfuzz import fuzz

    from bot.typos import near_lengths

    for a in range(1, 25):
        near = {b for b in near_lengths(a, cutoff=cutoff) if b < 40}
        assert near == {b for b in range(1, 40) if fuzz.ratio("x" * a, "x" * b) >= cutoff}
