"""bot.safety: crisis and clinical-advice screening, before any matching, with precision."""

from __future__ import annotations

import pytest

from bot.engine import Bot, Policy
from bot.knowledge import Entry, KnowledgeBase, SafetyRule, load_knowledge
from bot.safety import SafetyScreen


@pytest.fixture(scope="module")
def screen() -> SafetyScreen:
    return SafetyScreen(load_knowledge().safety)


# -- the rule language -----------------------------------------------------------------------------
def rule(rule_id: str, *triggers, ignore=()) -> SafetyRule:
    def parse(trigger):
        slots = [trigger] if isinstance(trigger, str) else trigger
        return tuple(tuple(p.strip() for p in slot.split("|")) for slot in slots)

    return SafetyRule(id=rule_id, reply="...", triggers=tuple(parse(t) for t in triggers),
                      ignore=tuple(parse(t) for t in ignore))


def test_every_slot_of_a_trigger_must_be_present():
    s = SafetyScreen([rule("dose", ["how much | what dose", "morphine | fentanyl"])])
    assert s.check("how much morphine") == "dose"
    assert s.check("What dose of FENTANYL?") == "dose"
    assert s.check("how much is the fellowship") is None
    assert s.check("morphine") is None


def test_phrases_match_whole_words_and_a_star_matches_longer_words():
    s = SafetyScreen([rule("s", "suicid*"), rule("p", "pca")])
    assert s.check("Suicidal thoughts") == "s"
    assert s.check("suicide") == "s"
    assert s.check("presuicide") is None         # the star extends to the right only
    assert s.check("the pca pump") == "p"
    assert s.check("pcas and apcas") is None       # no star: whole words only


def test_phrases_are_read_with_the_question_normalisation():
    s = SafetyScreen([rule("c", "can not go on")])
    assert s.check("I can't go on") == "c"
    assert s.check("i CANT go on!!") == "c"
    assert s.check("I can\u2019t go on") == "c"


def test_the_first_rule_in_file_order_wins():
    s = SafetyScreen([rule("first", "alpha"), rule("second", "alpha | beta")])
    assert s.check("alpha beta") == "first"
    assert s.check("beta") == "second"


def test_ignored_phrases_are_taken_out_before_the_triggers_are_looked_for():
    s = SafetyScreen([rule("c", "suicid*", ignore=["assisted suicide | suicide prevention"])])
    assert s.check("is assisted suicide legal") is None
    assert s.check("i feel suicidal") == "c"
    assert s.check("assisted suicide debates make me think of suicide myself") == "c"


def test_no_rules_means_nothing_fires():
    assert SafetyScreen([]).check("I want to kill myself") is None


# -- the shipped rules: recall -------------------------------------------------------------------
CRISIS = [
    "I want to kill myself",
    "i've been thinking about suicide a lot lately",
    "honestly everyone would be better off without me",
    "I keep thinking about ending my life",
    "I want to end it all",
    "i cant go on like this anymore",
    "life is not worth living",
    "I have no reason to live",
    "I've been cutting myself again",
    "i wanna die",
    "I wish I were dead",
    "thinking of hurting myself tonight",
    "Im suicidal",
    "kms",
    "residency is so hard I want to die",
    "I don't want to be alive anymore",
    "SUICIDAL!!!",
    # seen missed by the shipped triggers:
    "I feel like ending it all",
    "I don't want to be here anymore",
    "I'm going to overdose tonight",
]


@pytest.mark.parametrize("text", CRISIS)
def test_crisis_language_is_caught(screen, text):
    assert screen.check(text) == "crisis"


CLINICAL = [
    "how much morphine should I give my patient",
    "what dose of haloperidol for delirium",
    "my patient has terrible nausea, what should i give",
    "how do I convert oxycodone to methadone",
    "what's the equianalgesic dose of hydromorphone",
    "should we put my grandmother in hospice",
    "my dad has cancer, should he stop chemo",
    "is it time for hospice for my mom",
    "how do i treat dyspnea in a dying patient",
    "how should I manage terminal secretions",
    "my patient is in pain, what should i do",
    "can you tell me how much fentanyl to start",
    "what's the best medication for terminal agitation",
    "my husband is on hospice, how long does he have",
    "start her on a morphine drip?",
    "Titrating a PCA for my pt in bed 4",
    "pt on our service is short of breath, should we start a morphine drip?",
    "patient on our team has delirium, should I give haldol",
]


@pytest.mark.parametrize("text", CLINICAL)
def test_clinical_advice_requests_are_caught(screen, text):
    assert screen.check(text) == "clinical-advice"


def test_crisis_is_screened_before_clinical_advice(screen):
    assert screen.check("how much morphine would it take to kill myself") == "crisis"


# -- the shipped rules: precision ----------------------------------------------------------------
CAREER = [
    "how do palliative doctors manage pain?",
    "my mom's hospice nurse inspired me, how long is the HPM fellowship?",
    "my dad is a palliative doctor, should I do the fellowship?",
    "is pain management a big part of palliative medicine",
    "my patient's death inspired me to go into palliative care",
    "is physician assisted suicide part of hospice work?",
    "how many patients does a hospice doctor see per day",
    "my grandfather died in hospice and that's why I want to do HPM",
    "how do palliative physicians treat pain differently from oncologists",
    "how do I manage burnout as a palliative doctor",
    "what's the board exam pass rate",
    "how long does the fellowship take",
    # seen caught by the shipped triggers though they are career questions:
    "my mother is a hospice nurse, how much does AAHPM membership cost?",
    "do hpm fellows learn opioid conversion?",
    "will I learn how to manage nausea in fellowship",
    "do palliative doctors deal with suicide prevention",
    "should I start a fellowship right after residency",
    "should we start an HPM interest group at our school",
]


@pytest.mark.parametrize("text", CAREER)
def test_career_questions_that_mention_clinical_words_are_not_safety(screen, text):
    assert screen.check(text) is None


# -- an ignored phrase must not silence a real crisis ------------------------------------------------------
@pytest.mark.parametrize("text", [
    "I keep thinking about suicide, is assisted dying an option for me",
    "I support physician assisted dying but honestly I want to kill myself",
    "we did suicide prevention training today and now I want to die",
])
def test_an_ignored_phrase_elsewhere_does_not_cancel_a_crisis(screen, text):
    """`ignore` is meant for career questions about assisted dying, not to mute other triggers."""
    assert screen.check(text) == "crisis"


# -- through the engine: safety wins -----------------------------------------------------------------
@pytest.mark.parametrize(("text", "rule_id"), [
    ("how long is the hpm fellowship? honestly I want to die", "crisis"),
    ("I'm an IM resident applying to HPM fellowship and I want to kill myself", "crisis"),
    ("how long is the fellowship, and how much morphine should I give my patient", "clinical-advice"),
    ("where do palliative doctors work? also my dad has cancer, should he stop chemo",
     "clinical-advice"),
])
def test_safety_wins_over_a_confident_faq_match(bot, text, rule_id):
    reply = bot.reply(None, text)
    assert (reply.kind, reply.id, reply.confidence) == ("safety", rule_id, 1.0)
    assert reply.text == next(r.reply for r in bot.knowledge.safety if r.id == rule_id)


def test_the_crisis_reply_gives_988(bot):
    reply = bot.reply(None, "I want to kill myself")
    assert "988" in reply.text
    assert reply.suggestions == ()


def test_the_clinical_advice_reply_gives_no_advice_and_says_who_to_ask(bot):
    reply = bot.reply(None, "how much morphine should I give my patient")
    assert "attending" in reply.text.lower() and "care team" in reply.text.lower()
    assert "mg" not in reply.text.split()


def test_safety_wins_over_a_pending_did_you_mean():
    shipped = load_knowledge()
    entries = tuple(
        Entry(id=f"fellowship-{topic}", question=f"fellowship {topic}?",
              alternates=(f"the fellowship {topic}",), answer=f"About the {topic}.")
        for topic in ("length", "salary", "application")
    )
    bot = Bot(KnowledgeBase(entries=entries, safety=shipped.safety),
              policy=Policy(answer=0.99, sure=0.999, margin=0.5, clarify=0.05, window=1.0))
    assert bot.reply("s", "tell me about the fellowship").kind == "clarify"
    for text in ("I want to kill myself", "yes, I want to kill myself", "2 I want to die"):
        bot.reply("s", "tell me about the fellowship")
        reply = bot.reply("s", text)
        assert (reply.kind, reply.id) == ("safety", "crisis"), text


def test_crisis_language_late_in_a_long_message_is_still_caught(bot):
    """A student pouring out a long message may only say the crucial thing at the end."""
    story = ("I'm a third year resident and the last few months have been really hard. " * 15
             + "Honestly I want to kill myself.")
    assert len(story) > 1000
    reply = bot.reply(None, story)
    assert (reply.kind, reply.id) == ("safety", "crisis")


@pytest.mark.parametrize("message", ["nobody would miss me if I was gone",
                                     "everyone would be better off without me honestly"])
def test_indirect_crisis_language_is_caught(bot, message):
    assert bot.reply(None, message).id == "crisis"
