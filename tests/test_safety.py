"""bot.safety: the five safety replies, read before anything else, and what they must not catch."""

from __future__ import annotations

import re

import pytest

from bot.engine import Bot
from bot.examples import ExampleClassifier, word_features
from bot.knowledge import (
    Entry,
    KnowledgeBase,
    SafetyLexicon,
    SafetyRule,
    Scope,
    Support,
    load_knowledge,
)
from bot.normalize import surface_words
from bot.policy import Policy
from bot.safety import NOT_SAFETY, SafetyScreen, ScopeScreen, sentences


@pytest.fixture(scope="module")
def screen(bot) -> SafetyScreen:
    return bot._safety


# -- the rule language ---------------------------------------------------------------------------
def parse(trigger):
    slots = [trigger] if isinstance(trigger, str) else trigger
    return tuple(tuple(p.strip() for p in slot.split("|")) for slot in slots)


def rule(rule_id: str, *triggers, ignore=(), unless=(), about=(), signs=()) -> SafetyRule:
    return SafetyRule(id=rule_id, reply="...", triggers=tuple(parse(t) for t in triggers),
                      ignore=tuple(parse(t) for t in ignore), unless=tuple(parse(t) for t in unless),
                      about=tuple(about), signs=tuple(parse(t) for t in signs))


LEXICON = SafetyLexicon(
    people=(("writer", ("i", "me", "my", "myself")), ("patient", ("patient", "pt")),
            ("family", ("mom", "dad")), ("other", ("he", "she", "friend", "himself"))),
    negations=("not", "never"), negation_breakers=("stop", "can"), prepositions=("for", "to"),
    determiners=("the", "my"), typos=("suicidal",))


def test_every_slot_of_a_trigger_must_be_present():
    s = SafetyScreen([rule("dose", ["how much | what dose", "morphine | fentanyl"])])
    assert s.check("how much morphine") == "dose"
    assert s.check("What dose of FENTANYL?") == "dose"
    assert s.check("how much is the fellowship") is None
    assert s.check("morphine") is None


def test_the_first_rule_in_file_order_wins():
    s = SafetyScreen([rule("first", "alpha"), rule("second", "alpha | beta")])
    assert s.check("alpha beta") == "first"
    assert s.check("beta") == "second"


def test_ignored_phrases_are_taken_out_before_the_triggers_are_looked_for():
    s = SafetyScreen([rule("c", "suicid*", ignore=["assisted suicide | suicide prevention"])])
    assert s.check("is assisted suicide legal") is None
    assert s.check("i feel suicidal") == "c"
    assert s.check("assisted suicide debates make me think of suicide myself") == "c"


def test_unless_cancels_a_rule():
    s = SafetyScreen([rule("c", ["my patient", "morphine"], unless=["do fellows learn"])])
    assert s.check("my patient needs morphine") == "c"
    assert s.check("do fellows learn morphine dosing for my patient") is None


@pytest.mark.parametrize(("text", "fires"), [
    ("i feel hopeless", True),                      # the writer
    ("feeling hopeless lately", True),              # no one named: the writer
    ("my patient feels hopeless", False),           # a patient, named before the phrase
    ("hopeless pt in bed 4", False),                # a person word right after it
    ("i sat with the patient and felt hopeless", False),  # the nearest person named decides
    ("i cried for the patient, i feel hopeless", True),    # "for the patient": an object
    ("my friend is hopeless at cooking", False),
])
def test_about_says_whom_a_phrase_must_be_about(text, fires):
    s = SafetyScreen([rule("w", "hopeless", about=["writer"])], lexicon=LEXICON)
    assert (s.check(text) == "w") is fires


def test_a_person_named_inside_the_phrase_decides():
    s = SafetyScreen([rule("self", "kill myself | kill himself", about=["writer"]),
                      rule("other", "kill myself | kill himself", about=["other"])],
                     lexicon=LEXICON)
    assert s.check("my friend thinks i should kill myself") == "self"
    assert s.check("my friend wants to kill himself") == "other"


@pytest.mark.parametrize(("text", "fires"), [
    ("i am not suicidal", False),
    ("not really suicidal, just tired", False),
    ("never suicidal", False),
    ("i can not stop feeling suicidal", True),     # a breaker after the negation
    ("i can not be suicidal", True),               # ... or right before it ("can not")
    ("i am suicidal, not ok", True),               # the negation after the phrase
])
def test_a_phrase_right_after_a_negation_does_not_count(text, fires):
    s = SafetyScreen([rule("c", "suicidal", about=["writer"])], lexicon=LEXICON)
    assert (s.check(text) == "c") is fires


def test_signs_count_whoever_they_name():
    s = SafetyScreen([rule("o", "wants to die", about=["other"], signs=["said goodbye"])],
                     lexicon=LEXICON)
    assert s.check("my friend wants to die") == "o"
    assert s.check("i want to die") is None
    assert s.check("she texted me and said goodbye to everyone") == "o"


def test_misspellings_of_typo_words_count_but_english_words_are_never_mended():
    s = SafetyScreen([rule("c", "suicidal")], lexicon=LEXICON)
    assert s.check("im so sucidal") == "c"
    assert s.check("i feel suicdal") == "c"
    assert s.check("is the work sacrificial") is None  # a real word, even if it is close


def test_phrases_do_not_run_across_sentences():
    s = SafetyScreen([rule("c", "end it")])
    assert s.check("i want to end it") == "c"
    assert s.check("how do i end. it is late") is None


def test_mrs_and_dr_do_not_end_a_sentence():
    assert sentences("Mrs. Jones in 14 is anxious. What do I say?") == [
        "Mrs Jones in 14 is anxious", " What do I say", ]


def test_no_rules_means_nothing_fires():
    assert SafetyScreen([]).check("I want to kill myself") is None


# -- the example classifier ----------------------------------------------------------------------
def test_the_classifier_learns_which_words_go_with_which_label():
    examples = [("sad", frozenset(w.split())) for w in ("cry tears", "tears alone", "cry alone")]
    examples += [("job", frozenset(w.split())) for w in ("fellowship length", "fellowship pay",
                                                          "pay length")]
    classifier = ExampleClassifier.learn(examples)
    assert max(classifier.probabilities({"tears", "cry"}).items(), key=lambda x: x[1])[0] == "sad"
    assert max(classifier.probabilities({"fellowship"}).items(), key=lambda x: x[1])[0] == "job"
    even = classifier.probabilities({"never", "seen"})  # unknown words: the labels' shares
    assert even["sad"] == pytest.approx(0.5)


def test_a_higher_temperature_makes_the_classifier_less_sure():
    examples = [("a", frozenset({"x", "y"})), ("a", frozenset({"x"})), ("b", frozenset({"z"}))]
    sure = ExampleClassifier.learn(examples).probabilities({"x", "y"})["a"]
    tempered = ExampleClassifier.learn(examples, temperature=3.0).probabilities({"x", "y"})["a"]
    assert 0.5 < tempered < sure


def test_word_features_are_words_and_neighbouring_pairs():
    assert word_features(["want", "to", "die"]) == {"want", "to", "die", "want to", "to die"}


def test_examples_teach_the_screen_a_wording_no_phrase_foresaw():
    rules = [rule("crisis", "kill myself", about=["writer"]), rule("wellbeing", "burned out")]
    examples = [("wellbeing", t) for t in (
        "i sit in my car before every shift", "i sit in the car park and cannot go in",
        "every shift i sit in the car for an hour")]
    examples += [(NOT_SAFETY, t) for t in (
        "how long is the fellowship", "where do palliative doctors work",
        "can i park my car at the hospital", "what is the pay like")]
    s = SafetyScreen(rules, lexicon=LEXICON, examples=examples, tokens=surface_words)
    assert s.check("i sit in my car for ages before my shift") == "wellbeing"
    assert s.check("how long is the fellowship") is None
    assert s.check("i want to kill myself") == "crisis"  # the most urgent rule's phrases win at once


# -- the shipped screen: the issue's probes --------------------------------------------------------
@pytest.mark.parametrize(("text", "expected"), [
    ("i keep thinking about ending it", {"crisis"}),
    ("what is the hpm fellowship like? i dont wanna b alive anymore tbh", {"crisis"}),
    ("my co-resident said he wants to kill himself, what do I do", {"crisis-other", "crisis"}),
    ("I'm so burned out I don't see the point anymore", {"wellbeing", "crisis"}),
    ("i'm depressed and struggling in residency", {"wellbeing", "crisis"}),
    ("best med for breathlessness in my COPD patient who is dying", {"clinical-advice"}),
    ("patient in room 4 has bone mets pain, would you add gabapentin or steroids",
     {"clinical-advice"}),
    ("what antiemetic should I order for my bowel obstruction patient", {"clinical-advice"}),
    ("my grandmother is in hospice, how long does she have", {"family-care"}),
    ("my dad is on hospice and I'm scared", {"family-care"}),
    ("my patient feels hopeless, what should I say", {"clinical-advice"}),
])
def test_the_issues_probes_get_their_reply(screen, text, expected):
    assert screen.check(text) in expected


@pytest.mark.parametrize("text", [
    "is prescribing opioids a big part of the job",
    "how do I treat an opioid overdose with naloxone",
    "is it depressing to work in hospice",
    "how do hpm docs avoid burnout",
    "my mom's hospice nurse inspired me, how long is the HPM fellowship?",
    "my grandfather died in hospice and that's why I want to do HPM",
    "is physician assisted suicide part of hospice work?",
    "do hpm fellows learn opioid conversion?",
    "should I start a fellowship right after residency",
    "i'm not suicidal or anything, just wondering how long fellowship is",
])
def test_career_and_general_questions_with_such_words_get_no_safety_reply(screen, text):
    assert screen.check(text) is None


@pytest.mark.parametrize("text", [
    "I want to kill myself", "kms", "im so sucidal rn", "i wanna unalive myself",
    "thinking about ctb tonight", "I don't want to be here anymore", "i wish i were dead",
    "I'm going to overdose tonight", "everyone would be better off without me",
])
def test_crisis_language_is_caught_however_it_is_written(screen, text):
    assert screen.check(text) == "crisis"


# -- through the engine ---------------------------------------------------------------------------
def links(markdown: str) -> list[str]:
    return re.findall(r"\]\(([^)\s]+)\)", markdown)


@pytest.mark.parametrize("rule_id", ["crisis", "crisis-other"])
def test_crisis_type_replies_put_the_lines_first_as_links_a_phone_can_tap(bot, rule_id):
    reply = bot._replies.safety(rule_id)
    first_paragraphs = "\n".join(reply.text.split("\n\n")[:2])
    for address in ("tel:988", "sms:988", "https://988lifeline.org/", "tel:+18884090141"):
        assert f"]({address})" in first_paragraphs, address
    assert "911" in reply.text


def test_the_wellbeing_reply_offers_the_support_line_988_and_the_emotional_side(bot):
    reply = bot.reply(None, "i'm so burned out and i cry in my car before every shift")
    assert (reply.kind, reply.id) == ("safety", "wellbeing")
    assert {"tel:+18884090141", "tel:988"} <= set(links(reply.text))
    assert [s.id for s in reply.suggestions] == ["emotional-challenges"]


def test_the_family_care_reply_names_who_can_answer_and_that_hospice_supports_families(bot):
    reply = bot.reply(None, "my grandmother is in hospice, how long does she have")
    assert (reply.kind, reply.id) == ("safety", "family-care")
    text = reply.text.lower()
    assert "care team" in text and "hospice nurse" in text and "family" in text
    assert "I'm so sorry" in reply.text


def test_the_clinical_advice_reply_gives_no_advice_and_says_who_to_ask(bot):
    reply = bot.reply(None, "how much morphine should I give my patient")
    assert (reply.kind, reply.id) == ("safety", "clinical-advice")
    assert "attending" in reply.text and "pharmacist" in reply.text
    assert "mg" not in reply.text.split()


@pytest.mark.parametrize("rule_id", ["crisis", "crisis-other", "wellbeing", "family-care",
                                     "clinical-advice"])
def test_every_safety_reply_is_short(bot, rule_id):
    assert len(bot._replies.safety(rule_id).text.split()) <= 130


def test_a_career_question_asked_with_distress_is_offered_under_the_safety_reply(bot):
    reply = bot.reply(None, "how long is the hpm fellowship? honestly i want to die")
    assert (reply.kind, reply.id) == ("safety", "crisis")
    assert [s.id for s in reply.suggestions] == ["fellowship-length"]


def test_a_safety_reply_alone_offers_no_career_question(bot):
    assert bot.reply(None, "I want to kill myself").suggestions == ()


def test_every_turn_is_screened_the_same_way(bot):
    bot.reply("turns", "how long is the hpm fellowship?")
    reply = bot.reply("turns", "ok. and honestly i don't want to be alive anymore")
    assert (reply.kind, reply.id) == ("safety", "crisis")


def test_safety_wins_over_a_pending_did_you_mean():
    shipped = load_knowledge()
    entries = tuple(
        Entry(id=f"fellowship-{topic}", question=f"fellowship {topic}?",
              alternates=(f"the fellowship {topic}",), answer=f"About the {topic}.")
        for topic in ("length", "salary", "application")
    )
    kb = KnowledgeBase(entries=entries, safety=shipped.safety, lexicon=shipped.lexicon)
    bot = Bot(kb, policy=Policy(answer=0.99, sure=0.999, margin=0.5, clarify=0.05, window=1.0))
    assert bot.reply("s", "tell me about the fellowship").kind == "clarify"
    for text in ("I want to kill myself", "yes, I want to kill myself", "2 I want to die"):
        bot.reply("s", "tell me about the fellowship")
        reply = bot.reply("s", text)
        assert (reply.kind, reply.id) == ("safety", "crisis"), text


def test_crisis_language_late_in_a_long_message_is_still_caught(bot):
    story = ("I'm a third year resident and the last few months have been really hard. " * 15
             + "Honestly I want to kill myself.")
    assert len(story) > 1000
    reply = bot.reply(None, story)
    assert (reply.kind, reply.id) == ("safety", "crisis")


def test_a_fallback_that_shows_distress_gets_a_gentle_word_and_the_lines_first(bot):
    reply = bot.reply(None, "ugh rough week honestly, anyway who won the game last night")
    assert reply.kind == "fallback"
    assert reply.text.startswith(bot.knowledge.support.reply.strip())
    assert {"tel:+18884090141", "tel:988"} <= set(links(reply.text))


def test_a_plain_fallback_gets_no_support_line(bot):
    reply = bot.reply(None, "which team won the game last night")
    assert reply.kind == "fallback"
    assert "988" not in reply.text


def test_the_support_line_is_only_for_the_writers_own_distress():
    support = Support(reply="Support.", signals=((("sad", "tired"),),))
    kb = KnowledgeBase(entries=(Entry("e", "how long is the fellowship", (), "One year."),),
                       lexicon=LEXICON, support=support)
    bot = Bot(kb)
    assert bot.reply(None, "so sad about the weather on mars").text.startswith("Support.")
    assert not bot.reply(None, "my patient is sad about mars").text.startswith("Support.")


# -- the scope screen ----------------------------------------------------------------------------
def test_scope_catches_another_field_that_names_nothing_of_ours():
    scope = ScopeScreen(Scope(own_field=("palliat*", "hospice"), other_fields=("cardiology",)))
    assert scope.outside(surface_words("how long is cardiology fellowship"))
    assert not scope.outside(surface_words("cardiology or palliative fellowship"))
    assert not scope.outside(surface_words("how long is the fellowship"))
