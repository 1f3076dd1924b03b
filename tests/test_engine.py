"""bot.engine: Bot.reply(session, text) -> Reply, the one entry point every face calls."""

from __future__ import annotations

import itertools
import json
import time
from dataclasses import FrozenInstanceError, fields

import pytest

from bot.engine import MAX_QUESTION_CHARS, Bot, Policy
from bot.knowledge import Entry, Fallback, Intent, KnowledgeBase
from bot.reply import REPLY_KINDS, Reply, Suggestion

_ids = itertools.count()


def session() -> str:
    """A fresh session id: the shipped ``bot`` fixture is shared by the whole test run."""
    return f"engine-test-{next(_ids)}"


def dialogue(bot: Bot, *lines: str) -> list[Reply]:
    """Ask ``lines`` in order in one new session."""
    sid = session()
    return [bot.reply(sid, line) for line in lines]


# -- a tiny base that asks "did you mean" whatever the tuning -----------------------------------------
def entry(entry_id: str, question: str, *alternates: str, related: tuple[str, ...] = ()) -> Entry:
    return Entry(id=entry_id, question=question, alternates=alternates,
                 answer=f"The answer about {entry_id}.", sources=(f"source of {entry_id}",),
                 related=related)


TINY = KnowledgeBase(
    entries=(
        entry("fellowship-length", "How long is the fellowship?", "fellowship duration",
              related=("fellowship-salary",)),
        entry("fellowship-salary", "How much are fellows paid?", "fellowship salary"),
        entry("fellowship-apply", "How do I apply to fellowship?", "fellowship application"),
        entry("books", "What books should I read?", "reading list"),
    ),
    intents=(Intent("help", ("help",), "Ask me about fellowships."),),
    fallback=Fallback("I don't know that one.", ("books", "fellowship-length", "fellowship-apply")),
)
# Every partial match clarifies: the choices depend on ranking only, not on tuned thresholds.
ALWAYS_ASK = Policy(answer=0.99, sure=0.999, margin=0.5, clarify=0.05, window=1.0)


@pytest.fixture
def asking() -> Bot:
    return Bot(TINY, policy=ALWAYS_ASK)


# -- the reply value ---------------------------------------------------------------------------------
def test_a_reply_has_exactly_the_public_fields(bot):
    reply = bot.reply(None, "how long is the hpm fellowship?")
    assert [f.name for f in fields(Reply)] == [
        "kind", "id", "confidence", "text", "suggestions", "sources"]
    data = reply.to_dict()
    assert list(data) == ["kind", "id", "confidence", "text", "suggestions", "sources"]
    assert json.loads(json.dumps(data)) == data
    assert all(set(s) == {"id", "question"} for s in data["suggestions"])


def test_a_reply_is_immutable(bot):
    reply = bot.reply(None, "how long is the hpm fellowship?")
    with pytest.raises(FrozenInstanceError):
        reply.kind = "fallback"  # type: ignore[misc]
    with pytest.raises(FrozenInstanceError):
        reply.suggestions[0].id = "x"  # type: ignore[misc]
    assert isinstance(reply.suggestions, tuple) and isinstance(reply.sources, tuple)
    data = reply.to_dict()
    data["suggestions"].clear()
    data["sources"].append("tampered")
    assert reply.suggestions and "tampered" not in reply.sources
    hash(reply)


def test_the_same_question_gets_an_equal_reply(bot):
    uncached = Bot(bot.knowledge, cache_size=0)
    assert bot.reply(None, "where do palliative doctors work") == uncached.reply(
        None, "where do palliative doctors work")


def test_an_answer_carries_the_entry_its_sources_and_related_suggestions(bot):
    reply = bot.reply(None, "how long is the hpm fellowship?")
    kb_entry = bot.knowledge.entry("fellowship-length")
    assert (reply.kind, reply.id, reply.text) == ("answer", "fellowship-length", kb_entry.answer)
    assert reply.sources == kb_entry.sources
    assert reply.suggestions == tuple(
        Suggestion(r, bot.knowledge.entry(r).question) for r in kb_entry.related)
    assert bot.policy.clarify <= reply.confidence <= 1.0


# -- kinds -------------------------------------------------------------------------------------------
@pytest.mark.parametrize(("text", "kind", "reply_id"), [
    ("how do I become a palliative care doctor", "answer", "training-pathway"),
    ("hi", "smalltalk", "greeting"),
    ("thanks!", "smalltalk", "thanks"),
    ("bye", "smalltalk", "goodbye"),
    ("what can you do", "smalltalk", "help"),
    ("are you a real person?", "smalltalk", "bot-identity"),
    ("I want to kill myself", "safety", "crisis"),
    ("how much morphine should I give my patient", "safety", "clinical-advice"),
    ("what is the capital of france", "fallback", None),
    ("pizza recipe", "fallback", None),
    ("how long is the cardiology fellowship?", "fallback", None),
])
def test_each_kind_of_reply(bot, text, kind, reply_id):
    reply = bot.reply(None, text)
    assert (reply.kind, reply.id) == (kind, reply_id)
    assert reply.kind in REPLY_KINDS and 0.0 <= reply.confidence <= 1.0 and reply.text.strip()


def test_a_fallback_admits_it_and_offers_three_questions_and_a_person(bot):
    reply = bot.reply(None, "what is the capital of france")
    assert reply.kind == "fallback" and reply.id is None
    assert "don't know" in reply.text and "AAHPM" in reply.text
    assert len(reply.suggestions) == 3
    assert all(bot.knowledge.entry(s.id) for s in reply.suggestions)
    assert reply.confidence < bot.policy.answer


def test_a_clarify_lists_numbered_choices_and_names_the_top_one(asking):
    reply = asking.reply(None, "tell me about the fellowship")
    assert reply.kind == "clarify"
    assert 2 <= len(reply.suggestions) <= asking.policy.choices
    assert reply.id == reply.suggestions[0].id
    for n, suggestion in enumerate(reply.suggestions, start=1):
        assert f"{n}. {suggestion.question}" in reply.text
    assert {s.id for s in reply.suggestions} <= {
        "fellowship-length", "fellowship-salary", "fellowship-apply"}


# -- the dialogues, replayed in one session ---------------------------------------------------
def test_dialogue_training_then_how_long(bot):
    first, second = dialogue(bot, "how do I become a palliative care doctor", "how long does it take?")
    assert (first.kind, first.id) == ("answer", "training-pathway")
    assert (second.kind, second.id) == ("answer", "fellowship-length")


def test_dialogue_settings_then_children(bot):
    first, second = dialogue(bot, "where do palliative doctors work", "what about with children?")
    assert (first.kind, first.id) == ("answer", "practice-settings")
    assert (second.kind, second.id) == ("answer", "pediatric-palliative-care")


def test_dialogue_membership_then_is_it_free(bot):
    first, second = dialogue(bot, "how do I join the academy", "is it free?")
    assert first.id == "aahpm-membership" and (second.kind, second.id) == ("answer", "aahpm-membership")


def test_an_elliptical_follow_up_is_read_in_the_context_of_the_session(bot):
    _, follow_up = dialogue(bot, "how do I join the academy", "what about for students?")
    assert (follow_up.kind, follow_up.id) == ("answer", "aahpm-membership")
    alone = bot.reply(session(), "what about for students?")
    assert (alone.kind, alone.id) != ("answer", "aahpm-membership")


def test_context_helps_a_follow_up_reach_a_neighbouring_topic(bot):
    """After "where do they work", "what about at home?" asks about home visits."""
    _, follow_up = dialogue(bot, "where do palliative doctors work", "what about at home?")
    assert (follow_up.kind, follow_up.id) == ("answer", "home-and-telemedicine")


def test_a_new_full_question_is_not_pulled_back_to_the_previous_topic(bot):
    _, second = dialogue(bot, "how long is the hpm fellowship", "what books should I read?")
    assert (second.kind, second.id) == ("answer", "reading-list")


@pytest.mark.parametrize(("topic", "off_topic"), [
    ("is aahpm membership free for residents", "what is the weather"),
    ("how long is the hpm fellowship", "what is the weather"),
    ("what books should I read", "recommend a good movie"),
    ("how long is the hpm fellowship", "how long does it take to learn guitar"),
])
def test_an_off_topic_follow_up_is_not_answered_with_the_previous_topic(bot, topic, off_topic):
    assert bot.reply(None, off_topic).kind == "fallback", "rejected when asked alone"
    first, second = dialogue(bot, topic, off_topic)
    assert first.kind == "answer"
    assert second.kind == "fallback", (second.kind, second.id, second.confidence)


# -- "did you mean" --------------------------------------------------------------------------------------
@pytest.mark.parametrize(("pick", "index"), [
    ("2", 1), ("1", 0), ("#2", 1), ("the second one", 1), ("yes", 0), ("3", 2)])
def test_a_clarify_answered_by_a_choice_gives_that_answer(asking, pick, index):
    sid = session()
    clarify = asking.reply(sid, "tell me about the fellowship")
    assert clarify.kind == "clarify" and len(clarify.suggestions) == 3
    reply = asking.reply(sid, pick)
    chosen = clarify.suggestions[index].id
    assert (reply.kind, reply.id) == ("answer", chosen)
    assert reply.text == TINY.entry(chosen).answer
    again = asking.reply(sid, pick)   # the choices are spent: a bare number now means nothing
    assert again.kind == "fallback", (again.kind, again.id)


def test_a_clarify_answered_by_the_text_of_a_choice(asking):
    sid = session()
    clarify = asking.reply(sid, "tell me about the fellowship")
    second = clarify.suggestions[1]
    reply = asking.reply(sid, second.question)
    assert (reply.kind, reply.id) == ("answer", second.id)


def test_a_clarify_answered_no_falls_back_and_forgets_the_choices(asking):
    sid = session()
    asking.reply(sid, "tell me about the fellowship")
    reply = asking.reply(sid, "no")
    assert reply.kind == "fallback" and "another way" in reply.text
    assert asking.reply(sid, "1").kind != "answer"


def test_a_clarify_followed_by_a_new_question_answers_that_question(asking):
    sid = session()
    asking.reply(sid, "tell me about the fellowship")
    reply = asking.reply(sid, "what books should I read")
    assert reply.id == "books"


AMBIGUOUS = [
    "tell me about palliative care",
    "what do hpm doctors do all day",
    "jobs outside the hospital",
    "is it depressing to work with dying patients",
    "what should I read to learn symptom management",
    "palliative fellowship jobs and training",
    "where do palliative docs train and work",
    "hospice",
    "residency",
]


def test_the_shipped_bot_asks_did_you_mean_and_2_gives_the_second_choice(bot):
    for question in AMBIGUOUS:
        sid = session()
        clarify = bot.reply(sid, question)
        if clarify.kind == "clarify" and len(clarify.suggestions) >= 2:
            break
    else:
        pytest.fail(f"none of {AMBIGUOUS} gets a 'did you mean' with two choices or more")
    reply = bot.reply(sid, "2")
    assert (reply.kind, reply.id) == ("answer", clarify.suggestions[1].id)
    assert reply.text == bot.knowledge.entry(clarify.suggestions[1].id).answer


def test_entries_tied_exactly_are_not_answered_arbitrarily():
    """Three entries equally close to "fellowship": the default policy must ask, not pick one."""
    bot = Bot(TINY)
    ranked = bot.matcher.match("fellowship", limit=3)
    assert len({m.confidence for m in ranked}) == 1, "the three entries really do tie"
    reply = bot.reply(None, "fellowship")
    assert reply.kind in ("clarify", "fallback"), (reply.kind, reply.id, reply.confidence)


# -- edges of the input ----------------------------------------------------------------------------------
@pytest.mark.parametrize("text", ["", " ", "\n\t  \r\n", "\u3000", "\u00a0\u2003"])
def test_empty_or_whitespace_gets_the_help_reply(bot, text):
    reply = bot.reply(None, text)
    help_intent = next(i for i in bot.knowledge.intents if i.id == "help")
    assert (reply.kind, reply.id, reply.text) == ("smalltalk", "help", help_intent.reply)
    assert reply.suggestions


def test_help_keeps_the_topic(bot):
    sid = session()
    bot.reply(sid, "how do I become a palliative care doctor")
    bot.reply(sid, "   ")
    assert bot.reply(sid, "how long does it take?").id == "fellowship-length"


def test_a_non_string_is_treated_as_empty(bot):
    assert bot.reply(None, None).id == "help"  # type: ignore[arg-type]


def test_input_is_cut_to_the_maximum_length(bot):
    assert MAX_QUESTION_CHARS == 1000
    pushed_out = " " * MAX_QUESTION_CHARS + "how long is the hpm fellowship"
    assert bot.reply(None, pushed_out).id == "help"
    head = "how long is the hpm fellowship".ljust(MAX_QUESTION_CHARS)
    tail = " what books about burnout with kids and hashtags" * 20
    assert bot.reply(None, head + tail) == bot.reply(None, head)
    assert bot.reply(None, head + tail) != bot.reply(None, head[:40] + tail)


def test_a_huge_input_is_answered_quickly(bot):
    huge = ("fellowship length kids board " + "zxqv" * 50 + " ") * 20_000
    start = time.perf_counter()
    reply = bot.reply(None, huge)
    assert time.perf_counter() - start < 1.0
    assert reply.kind in REPLY_KINDS


@pytest.mark.parametrize(("word", "expected"), [
    ("books", "reading-list"),
    ("burnout", "emotional-challenges"),
    ("telehealth", "home-and-telemedicine"),
    ("hashtags", "hashtags"),
    ("kids", "pediatric-palliative-care"),
    ("board", "board-certification"),
    ("AAHPM", {"about-aahpm", "aahpm-membership"}),
    ("fellowship", {"fellowship-length", "training-pathway", "clinical-training-info"}),
])
def test_one_word_queries_land_on_the_entry_they_name(bot, word, expected):
    reply = bot.reply(None, word)
    expected = {expected} if isinstance(expected, str) else expected
    assert reply.kind in ("answer", "clarify") and reply.id in expected, (reply.kind, reply.id)


@pytest.mark.parametrize("word", ["books", "burnout", "telehealth", "hashtags", "board", "kids"])
def test_a_one_word_query_does_not_tie_with_every_entry_containing_it(bot, word):
    ranked = [m for m in bot.matcher.match(word, limit=5) if m.kind == "entry"]
    assert ranked
    if len(ranked) > 1:
        assert ranked[0].confidence - ranked[1].confidence >= bot.policy.margin, ranked[:2]


@pytest.mark.parametrize("word", ["doctor", "physician"])
def test_a_one_word_topic_is_not_read_as_small_talk(bot, word):
    """"doctor" alone should not get "I'm an automated FAQ assistant" (from "are you a doctor")."""
    reply = bot.reply(None, word)
    assert reply.kind != "smalltalk", (reply.kind, reply.id)


@pytest.mark.parametrize(("text", "expected"), [
    ("fellowsip lenght", "fellowship-length"),
    ("boad certifcation in hpm", "board-certification"),
    ("reccomended books for palliative", "reading-list"),
    ("pediatric paliative care", "pediatric-palliative-care"),
    ("aahpm membrship cost", "aahpm-membership"),
    ("hashtgas for hpm", "hashtags"),
    # a typo of a synonym variant ("telehealth" becomes "telemedicine" before matching)
    ("telehelth palliative", "home-and-telemedicine"),
    # a typo that one entry's alternates happen to contain ("palliatve medicine what is it")
    ("how do i becom a palliatve doctor", "training-pathway"),
])
def test_typos_still_find_the_entry(bot, text, expected):
    reply = bot.reply(None, text)
    assert (reply.kind, reply.id) == ("answer", expected), (reply.kind, reply.id, reply.confidence)


def test_an_unknown_word_is_not_fuzzed_onto_a_misspelling_in_the_base(bot):
    """"count" must not read as "comun" (from the alternate "comunication with seriously ill pts")."""
    reply = bot.reply(None, "which residencies count?")
    assert reply.id == "eligible-residencies", (reply.kind, reply.id, reply.confidence)


# -- sessions through the engine ------------------------------------------------------------------------
def test_no_session_means_no_memory(bot):
    bot.reply(None, "how do I become a palliative care doctor")
    before = bot.session_count
    bot.reply(None, "how long does it take?")
    assert bot.session_count == before


def test_sessions_do_not_share_their_topic():
    bot = Bot.from_path()
    bot.reply("a", "how do I become a palliative care doctor")
    bot.reply("b", "where do palliative doctors work")
    assert bot.reply("b", "what about with children?").id == "pediatric-palliative-care"
    assert bot.reply("a", "how long does it take?").id == "fellowship-length"
    assert bot.session_count == 2


def test_an_idle_session_forgets_its_topic(bot):
    now = [0.0]
    clocked = Bot(bot.knowledge, session_idle_seconds=600, clock=lambda: now[0])
    clocked.reply("s", "how do I join the academy")
    now[0] += 599
    assert clocked.reply("s", "what about for students?").id == "aahpm-membership"
    now[0] += 601
    forgot = clocked.reply("s", "what about for students?")
    assert (forgot.kind, forgot.id) != ("answer", "aahpm-membership")
    assert clocked.session_count == 1
    now[0] += 10_000
    assert clocked.session_count == 0


def test_an_idle_pending_choice_is_forgotten():
    now = [0.0]
    bot = Bot(TINY, policy=ALWAYS_ASK, session_idle_seconds=60, clock=lambda: now[0])
    assert bot.reply("s", "tell me about the fellowship").kind == "clarify"
    now[0] += 61
    assert bot.reply("s", "2").kind != "answer"


def test_the_number_of_sessions_is_bounded(bot):
    small = Bot(bot.knowledge, max_sessions=3)
    for n in range(10):
        small.reply(f"s{n}", "how do I join the academy")
    assert small.session_count == 3
    # the newest remembers, the oldest has been dropped
    assert small.reply("s9", "what about for students?").id == "aahpm-membership"
    dropped = small.reply("s0", "what about for students?")
    assert (dropped.kind, dropped.id) != ("answer", "aahpm-membership")


# -- other public helpers ------------------------------------------------------------------------------
def test_closest_ranks_entries_only_best_first(bot):
    found = bot.closest("hello how long is the fellowship", limit=3)
    assert 1 <= len(found) <= 3
    assert found[0].id == "fellowship-length"
    assert [c.confidence for c in found] == sorted((c.confidence for c in found), reverse=True)
    assert all(bot.knowledge.entry(c.id) for c in found)


def test_starters_are_the_curated_first_questions(bot):
    starters = bot.starters()
    assert [s.id for s in starters] == list(bot.knowledge.starters)
    assert all(s.question == bot.knowledge.entry(s.id).question for s in starters)


# -- scope, examples of what the bot does not cover, hashtags ---------------------------------
@pytest.mark.parametrize("question", [
    "how long is cardiology fellowship?",
    "how do I become a dermatologist",
    "is radiology competitive",
])
def test_a_question_about_another_specialty_gets_the_fallback(bot, question):
    assert bot.reply(None, question).kind == "fallback"


def test_another_specialty_beside_hpm_is_still_an_hpm_question(bot):
    reply = bot.reply(None, "can a psychiatrist go into palliative medicine?")
    assert (reply.kind, reply.id) == ("answer", "eligible-residencies")


@pytest.mark.parametrize("question", ["tell me a joke please", "what's the weather like tomorrow"])
def test_questions_like_the_fallback_examples_get_the_fallback(bot, question):
    reply = bot.reply(None, question)
    assert (reply.kind, reply.id) == ("fallback", None)


def test_a_hashtag_reads_as_a_question_about_hashtags(bot):
    assert bot.reply(None, "what's #hapc").id == "hashtags"


def test_a_first_question_is_answered_from_the_cache_and_follow_ups_are_not(bot):
    first = bot.reply("cache-a", "how do I become a palliative care doctor")
    assert bot.reply("cache-b", "how do I become a palliative care doctor") is first
    follow_up = bot.reply("cache-a", "how long does it take?")
    assert follow_up.id == "fellowship-length"
    uncached = Bot(bot.knowledge, cache_size=0)
    assert uncached.reply(None, "how do I become a palliative care doctor") == first


def test_crisis_wins_over_a_pending_did_you_mean():
    bot = Bot.from_path()
    first = bot.reply("pending", "work")
    assert first.kind == "clarify"
    question = bot.knowledge.entry(first.suggestions[0].id).question
    reply = bot.reply("pending", f"{question} because honestly I want to kill myself")
    assert (reply.kind, reply.id) == ("safety", "crisis")



def test_pain_management_is_a_clinical_career_topic_not_leadership(bot):
    """'management' alone is not 'director': the issue's own example of a career question."""
    reply = bot.reply(None, "how do palliative doctors manage pain?")
    assert reply.kind == "answer" and reply.id != "leadership-roles"


@pytest.mark.parametrize(("story", "expected"), [
    ("I rotated through oncology last month and saw the palliative team in action, which "
     "honestly changed how I think about medicine. How many years is the palliative fellowship?",
     "fellowship-length"),
    ("So I am an MS3 who keeps going back and forth between a bunch of specialties and my "
     "advisor is no help at all. Where do HPM physicians work?", "practice-settings"),
])
def test_a_question_at_the_end_of_a_story_is_answered(story, expected):
    uncached = Bot(Bot.from_path().knowledge, cache_size=0)
    assert uncached.matcher.match(story)[0].confidence < uncached.policy.clarify  # the story alone
    reply = uncached.reply(None, story)
    assert (reply.kind, reply.id) == ("answer", expected)


def test_a_story_lends_its_words_to_the_question_at_its_end():
    """The question alone is not sure enough; read with the story as weaker context, it is."""
    uncached = Bot(Bot.from_path().knowledge, cache_size=0)
    question = "How long does the fellowship take after IM?"
    story = f"I loved my palliative elective, it felt like real doctoring. {question}"
    assert uncached.matcher.match(story)[0].confidence < uncached.policy.clarify
    assert uncached.matcher.match(question)[0].confidence < uncached.policy.sure
    reply = uncached.reply(None, story)
    assert (reply.kind, reply.id) == ("answer", "fellowship-length")


@pytest.mark.parametrize(("story", "kind", "expected"), [
    ("I'm a third year med student and I love my hospice rotation. what is AAHPM",
     "answer", "about-aahpm"),
    ("My friend is a nurse. what is hospice and palliative medicine", "answer", "what-is-hpm"),
    ("I'm a third year med student and I love my hospice rotation. what time is it",
     "fallback", None),
])
def test_a_question_sure_on_its_own_is_not_blurred_by_its_story(story, kind, expected):
    """Found in review: the story's words, read first, watered down a perfect match."""
    reply = Bot(Bot.from_path().knowledge, cache_size=0).reply(None, story)
    assert (reply.kind, reply.id) == (kind, expected)
