"""The matcher on small hand-made knowledge: ranking, typos, caching, bounded reading."""

from __future__ import annotations

import pytest

from bot.matcher import Matcher, Scoring, Target, _Prepared
from bot.normalize import Normalizer, Synonym

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


def _reference(m: Matcher, question: str, context: str | None, *,
               context_weight: float = 0.35) -> dict[str, float]:
    """Every candidate scored in full by the general formula: what the shortcuts must give."""
    query = m._query(question, factor=1.0)
    if context:
        seen = {token for token, _, _ in query}
        query += [q for q in m._query(context, factor=context_weight) if q[0] not in seen]
    if not query:
        return {}
    prepared = _Prepared.of(query, m._weights, exponent=0.6)
    if prepared.asked <= 0.0:
        return {}
    best: dict[int, float] = {}
    for index, _ in m._candidates(query):
        score = prepared.score(m._tokens[index], m._totals[index])
        if score > best.get(m._target_of[index], 0.0):
            best[m._target_of[index]] = score
    return {m.targets[t].id: 0.6 * score + 0.4 * prepared.explains(m._pooled[t]) / prepared.asked
            for t, score in best.items()}


@pytest.mark.parametrize(("budget", "context_weight"), [(2000, 0.35), (5, 0.35), (2000, 0.0)])
def test_the_shortcuts_score_as_the_general_formula(bot, budget, context_weight):
    """Plain questions scored from their partial sums, and phrasings skipped by their bound,
    give what scoring every candidate in full gives: on the shipped base, questions made of
    its words (whole, misspelt, in any order, with or without a previous topic), with a
    postings budget that truncates too, and a context that weighs nothing."""
    import random

    m = Matcher(bot.matcher.targets, normalizer=bot.matcher._normalizer, cache_size=0,
                scoring=Scoring(postings_budget=budget, context_weight=context_weight))
    rng = random.Random(7)
    words = sorted({w for t in m.targets for p in t.phrasings for w in p.split()})
    for _ in range(400):
        picked = rng.sample(words, rng.randint(1, 8))
        picked = [w[:-2] + w[-1] + w[-2] if len(w) > 5 and rng.random() < 0.3 else w
                  for w in picked]
        question = " ".join(picked)
        context = rng.choice([None, rng.choice(m.targets).phrasings[0]])
        got = {match.id: match.confidence for match in m.match(question, context=context,
                                                                limit=len(m.targets))}
        expected = _reference(m, question, context, context_weight=context_weight)
        assert got.keys() == expected.keys(), question
        for target, confidence in expected.items():
            assert got[target] == pytest.approx(confidence, abs=1e-4), (question, target)


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

    from bot.matcher import _near_lengths

    for a in range(1, 25):
        near = {b for b in _near_lengths(a, cutoff=cutoff) if b < 40}
        assert near == {b for b in range(1, 40) if fuzz.ratio("x" * a, "x" * b) >= cutoff}
