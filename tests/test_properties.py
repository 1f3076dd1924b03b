"""Properties over any text whatsoever (hypothesis): a valid reply, never an exception."""

from __future__ import annotations

import itertools
import json
from dataclasses import replace

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.engine import MAX_QUESTION_CHARS, Bot
from bot.normalize import Normalizer, surface_words
from bot.reply import REPLY_KINDS, Reply

# One bot for the module: hypothesis does not mix well with function-scoped fixtures.
BOT = Bot.from_path()
UNCACHED = Bot(BOT.knowledge, cache_size=0)  # so equal replies are not the cached object
KB = BOT.knowledge
NORMALIZER = Normalizer(synonyms=KB.synonyms, abbreviations=KB.abbreviations)
ENTRY_IDS = {e.id for e in KB.entries}
ALL_IDS = ENTRY_IDS | {i.id for i in KB.intents} | {r.id for r in KB.safety}

CONVERSING = Bot(KB, max_sessions=4)
_SESSIONS = itertools.count()

FAST = settings(max_examples=150, deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

# -- strategies --------------------------------------------------------------------------------------
VOCABULARY = sorted({w for e in KB.entries for p in e.phrasings for w in surface_words(p)})
PIECES = [
    "IM", "EM", "FM", "I'm", "im", "can't", "dont", "what's", "HPM", "hapc", "pall care", "#2",
    "🙂", "👩‍⚕️", "🏥", "緩和ケア", "паллиативная", "الرعاية", "मेडिसिन", "\u200b", "\u0301",
    "<script>alert(1)</script>", "**bold**", "[link](http://x.y)", "`code`", "&amp;", "%s", "{0}",
    "\\", "\x00", "\x07", "\x1b[31m", "\r\n", "\t", "\ufeff", "\ud800", "\U0010ffff", "ﬁ", "\uff26",
    "1", "2", "yes", "no", "the second one", "I want to", "how much", "my patient", "my mom",
    "?", "!!!", "...", "—", "'", "\u2019", "*", "|", "(", ")",
]
words = st.sampled_from(VOCABULARY + PIECES)
mixed = st.lists(words, max_size=30).map(" ".join)
anything = st.one_of(
    st.text(),                                                     # any Unicode, controls too
    st.text(alphabet=st.characters(codec="utf-8"), max_size=50),
    mixed,
    st.binary(max_size=200).map(lambda b: b.decode("utf-8", "surrogateescape")),
)
very_long = st.one_of(
    st.text(min_size=MAX_QUESTION_CHARS, max_size=4 * MAX_QUESTION_CHARS),
    st.lists(words, min_size=300, max_size=900).map(" ".join),
)


def assert_valid(reply: Reply) -> None:
    assert isinstance(reply, Reply)
    assert reply.kind in REPLY_KINDS
    assert isinstance(reply.confidence, float) and 0.0 <= reply.confidence <= 1.0
    assert isinstance(reply.text, str) and reply.text.strip()
    assert (reply.id is None) == (reply.kind == "fallback")
    if reply.id is not None:
        assert reply.id in ALL_IDS
    assert all(s.id in ENTRY_IDS for s in reply.suggestions)
    assert len({s.id for s in reply.suggestions}) == len(reply.suggestions)
    if reply.kind == "clarify":
        assert reply.suggestions and reply.id == reply.suggestions[0].id
    data = reply.to_dict()
    assert list(data) == ["kind", "id", "confidence", "text", "suggestions", "sources"]
    json.dumps(data, ensure_ascii=False)


# -- replies ---------------------------------------------------------------------------------------------
@FAST
@given(text=anything)
def test_any_text_gets_a_valid_reply(text):
    assert_valid(BOT.reply(None, text))


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(text=very_long)
def test_very_long_text_gets_a_valid_reply_the_same_as_its_cut(text):
    reply = BOT.reply(None, text)
    assert_valid(reply)
    support = BOT.knowledge.support.reply.strip() + "\n\n"
    cut = BOT.reply(None, text[:MAX_QUESTION_CHARS])
    if reply.kind != "safety":   # the screens may read further than the cut (a support line)
        assert reply == cut or replace(reply, text=reply.text.removeprefix(support)) == cut


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(turns=st.lists(st.one_of(anything, st.sampled_from(
    ["1", "2", "3", "yes", "no", "the second one", "how long does it take?",
     "tell me about palliative care", "what about with children?", "hospice", ""])),
    min_size=1, max_size=8))
def test_any_conversation_gets_valid_replies(turns):
    session = f"conversation-{next(_SESSIONS)}"
    for turn in turns:
        assert_valid(CONVERSING.reply(session, turn))
    assert CONVERSING.session_count <= 4


@FAST
@given(prefix=mixed)
def test_crisis_language_is_caught_whatever_comes_before_it(prefix):
    reply = BOT.reply(None, f"{prefix}. I want to kill myself")
    assert (reply.kind, reply.id) == ("safety", "crisis")


@FAST
@given(text=anything)
def test_the_same_text_always_gets_the_same_reply(text):
    assert BOT.reply(None, text) == UNCACHED.reply(None, text)


# -- normalisation ----------------------------------------------------------------------------------------
@FAST
@given(text=anything)
def test_surface_words_are_clean_and_stable(text):
    out = surface_words(text)
    assert all(w and not any(c.isspace() for c in w) for w in out)
    assert all(w == w.casefold() for w in out)
    assert surface_words(" ".join(out)) == out


@FAST
@given(text=anything)
def test_normalised_words_are_stable_under_renormalisation(text):
    """Synonym and abbreviation output is already canonical: a second pass changes nothing."""
    once = NORMALIZER.words(text)
    assert NORMALIZER.words(" ".join(once)) == once


@FAST
@given(text=mixed)
def test_case_does_not_matter_once_abbreviations_are_out_of_the_way(text):
    no_abbreviations = Normalizer(synonyms=KB.synonyms)
    assert no_abbreviations.tokens(text.upper()) == no_abbreviations.tokens(text.lower())


@pytest.mark.parametrize("phrasing", [p for e in KB.entries for p in e.phrasings][::5])
def test_shouting_and_extra_punctuation_do_not_change_a_phrasing(phrasing):
    no_abbreviations = Normalizer(synonyms=KB.synonyms)
    shouted = "¿" + phrasing.upper().replace(" ", " ... ") + "?!"
    assert no_abbreviations.tokens(shouted) == no_abbreviations.tokens(phrasing)
