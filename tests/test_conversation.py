"""bot.conversation: bounded, expiring sessions and answers to a pending "did you mean"."""

from __future__ import annotations

import threading

import pytest

from bot.conversation import REJECT, SessionStore, State, pick_choice
from tests.helpers import FakeClock


def topic(name: str) -> State:
    return State(topic=name)


# -- SessionStore: basics --------------------------------------------------------------------------
def test_an_unknown_session_is_fresh_and_is_not_created_by_reading():
    store = SessionStore(clock=FakeClock())
    assert store.get("nobody") == State()
    assert len(store) == 0


def test_a_session_remembers_what_was_put():
    store = SessionStore(clock=FakeClock())
    store.put("a", State(topic="fellowship-length", choices=("x", "y")))
    store.put("b", topic("reading-list"))
    assert store.get("a") == State(topic="fellowship-length", choices=("x", "y"))
    assert store.get("b").topic == "reading-list"
    store.put("a", topic("hashtags"))
    assert store.get("a") == topic("hashtags")
    assert len(store) == 2


def test_state_is_immutable():
    with pytest.raises(AttributeError):
        State().topic = "x"  # type: ignore[misc]


@pytest.mark.parametrize(("max_sessions", "idle"), [(0, 10.0), (-1, 10.0), (5, 0.0), (5, -1.0)])
def test_nonsensical_limits_are_refused(max_sessions, idle):
    with pytest.raises(ValueError):
        SessionStore(max_sessions=max_sessions, idle_seconds=idle)


# -- SessionStore: the bound ------------------------------------------------------------------------
def test_the_number_of_sessions_is_bounded_least_recently_used_first():
    clock = FakeClock()
    store = SessionStore(max_sessions=3, idle_seconds=3600, clock=clock)
    for name in "abc":
        store.put(name, topic(name))
        clock.advance(1)
    store.put("a", topic("a2"))       # "a" is now the most recent
    store.put("d", topic("d"))        # evicts "b", the least recently written
    assert len(store) == 3
    assert store.get("b") == State()
    assert store.get("a") == topic("a2")
    assert store.get("c") == topic("c") and store.get("d") == topic("d")


def test_a_flood_of_sessions_cannot_grow_the_store():
    store = SessionStore(max_sessions=100, idle_seconds=3600, clock=FakeClock())
    for n in range(5000):
        store.put(f"s{n}", topic("x"))
    assert len(store) == 100
    assert store.get("s4999") == topic("x") and store.get("s0") == State()


# -- SessionStore: idle expiry ----------------------------------------------------------------------
def test_a_session_idle_too_long_is_forgotten():
    clock = FakeClock()
    store = SessionStore(idle_seconds=60, clock=clock)
    store.put("a", topic("fellowship-length"))
    clock.advance(59.5)
    assert store.get("a") == topic("fellowship-length"), "just under the idle time: still alive"
    clock.advance(0.5)
    assert store.get("a") == State(), "idle for the idle time: forgotten"
    assert len(store) == 0


def test_expiry_drops_only_the_idle_sessions():
    clock = FakeClock()
    store = SessionStore(idle_seconds=60, clock=clock)
    store.put("old", topic("a"))
    clock.advance(40)
    store.put("young", topic("b"))
    clock.advance(30)                  # old: 70 s idle, young: 30 s
    assert len(store) == 1
    assert store.get("old") == State() and store.get("young") == topic("b")


def test_writing_to_a_session_keeps_it_alive():
    clock = FakeClock()
    store = SessionStore(idle_seconds=60, clock=clock)
    store.put("a", topic("x"))
    for _ in range(10):
        clock.advance(50)
        store.put("a", store.get("a"))
    assert store.get("a") == topic("x")


def test_the_store_is_safe_under_threads():
    store = SessionStore(max_sessions=50, idle_seconds=3600, clock=FakeClock())

    def work(k: int) -> None:
        for n in range(500):
            store.put(f"{k}-{n}", topic("x"))
            store.get(f"{k}-{n // 2}")

    threads = [threading.Thread(target=work, args=(k,)) for k in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(store) == 50


# -- pick_choice -----------------------------------------------------------------------------------
CHOICES = [
    "How long does the hospice and palliative medicine fellowship last?",
    "How do I become a hospice and palliative medicine physician?",
    "Where do hospice and palliative medicine physicians work?",
]


@pytest.mark.parametrize(("text", "index"), [
    ("1", 0), ("2", 1), ("3", 2),
    ("#2", 1), ("2.", 1), ("2)", 1), (" 2 ", 1),
    ("the second one", 1), ("second", 1), ("2nd", 1), ("The 2nd", 1),
    ("the first", 0), ("first one please", 0), ("one", 0), ("two", 1),
    ("number 2", 1), ("option 3", 2), ("choice 2", 1), ("the third", 2),
    ("the last one", 2), ("last", 2),
    ("yes", 0), ("Yes!", 0), ("yeah", 0), ("yes please", 0),
])
def test_a_choice_picked_by_number_ordinal_or_yes(text, index):
    assert pick_choice(text, CHOICES) == index


@pytest.mark.parametrize("text", ["no", "No.", "nope", "neither", "none", "no thanks", "nah"])
def test_a_no_rejects_every_choice(text):
    assert pick_choice(text, CHOICES) == REJECT


@pytest.mark.parametrize("text", ["none of these", "neither of those", "no, none of them"])
def test_common_ways_of_saying_none_of_them_reject(text):
    assert pick_choice(text, CHOICES) == REJECT


def test_yes_with_the_choice_named_picks_it():
    assert pick_choice("yes, the first one", CHOICES) == 0


@pytest.mark.parametrize(("text", "index"), [
    ("how do I become a hospice and palliative medicine physician", 1),
    ("Where do hospice and palliative medicine physicians work", 2),
    ("how long does the hospice and palliative medicine fellowship last", 0),
    ("where do hospice & palliative medicine physicians work?", 2),
])
def test_a_choice_picked_by_its_text(text, index):
    assert pick_choice(text, CHOICES) == index


@pytest.mark.parametrize("text", [
    "4", "#4", "fourth",              # beyond the choices
    "how long",                       # a fragment of a choice is a new question, not a pick
    "what books should I read",       # a new question
    "I want to kill myself",
    "", "   ", "?!",
])
def test_anything_else_picks_nothing(text):
    assert pick_choice(text, CHOICES) is None


def test_numbers_beyond_fewer_choices_pick_nothing():
    assert pick_choice("3", CHOICES[:2]) is None
    assert pick_choice("2", CHOICES[:2]) == 1
    assert pick_choice("last", CHOICES[:2]) == 1


def test_a_choice_named_inside_a_longer_message_is_not_a_pick():
    choices = ["How long does the fellowship last?", "Which residencies lead to HPM?"]
    story = ("my friend told me about this and I wondered how long does the fellowship last "
             "and also whether it is hard to match and what the pay is like")
    assert pick_choice(story, choices) is None
    assert pick_choice("how long does the fellowship last", choices) == 0
