"""``Bot.reply(session_id, text)``: the one entry point every face calls."""

from __future__ import annotations

import functools
import re
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from bot.conversation import FRESH, REJECT, SessionStore, State, pick_choice
from bot.knowledge import KnowledgeBase, load_knowledge
from bot.matcher import Match, Matcher, Scoring, Target
from bot.normalize import Normalizer, surface_words
from bot.reply import Reply, Suggestion
from bot.safety import SafetyScreen, ScopeScreen

MAX_QUESTION_CHARS = 1000
"""Longer messages are cut to this many characters before matching."""
SAFETY_SCAN_CHARS = 20 * MAX_QUESTION_CHARS
"""The safety screen reads this much of a message, so a crisis late in a long one is caught."""

HELP_INTENT = "help"
FALLBACK = "fallback"  # the matcher's target for examples of what the bot does not cover


_SENTENCE_END = re.compile(r"(?<=[.!?;:\n])\s+|\.{2,}\s*|\s+-+\s+|\s+—\s+")


def _last_question(text: str) -> str | None:
    """The last sentence with a question mark (else the last sentence) of a message of
    several sentences, or ``None`` for a message of one."""
    sentences = [s for s in _SENTENCE_END.split(text.strip()) if surface_words(s)]
    if len(sentences) < 2:
        return None
    asked = [s for s in sentences if "?" in s]
    return (asked or sentences)[-1]


@dataclass(frozen=True)
class Policy:
    """When to answer, ask "did you mean", or admit not knowing (tuned on data; see README)."""

    answer: float = 0.45        # answer at or above this confidence when the runner-up is far
    margin: float = 0.05        # ... far means at least this much lower
    sure: float = 0.7           # answer at or above this unless the runner-up ties
    tie: float = 0.01           # ... ties means it is less than this lower
    clarify: float = 0.45       # below this: fallback
    choices: int = 3            # at most this many "did you mean" choices
    window: float = 0.2         # choices lie within this of the top


@dataclass(frozen=True)
class Candidate:
    """An FAQ entry close to a question, for curators' reports and other programs."""

    id: str
    question: str
    confidence: float


class Bot:
    """The FAQ bot: knowledge, matcher, safety screen and sessions behind one method.

    ``cache_size`` recent questions keep their match, and recent first questions of a
    conversation their whole reply (0: no caching); replies are immutable, so this is safe.
    """

    def __init__(self, knowledge: KnowledgeBase, *, policy: Policy = Policy(),
                 scoring: Scoring = Scoring(), max_sessions: int = 10_000,
                 session_idle_seconds: float = 1800.0, cache_size: int = 4096,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.knowledge = knowledge
        self.policy = policy
        normalizer = Normalizer(synonyms=knowledge.synonyms, abbreviations=knowledge.abbreviations)
        targets = [Target(e.id, "entry", e.phrasings, e.answer) for e in knowledge.entries]
        targets += [Target(i.id, "intent", i.phrasings) for i in knowledge.intents]
        if knowledge.fallback.phrasings:
            targets.append(Target(FALLBACK, FALLBACK, knowledge.fallback.phrasings))
        self.matcher = Matcher(targets, normalizer=normalizer, scoring=scoring,
                               cache_size=cache_size)
        self._cache_size = cache_size
        self._opening = self._cache()
        self._safety = SafetyScreen(knowledge.safety)
        self._scope = ScopeScreen(knowledge.scope)
        self._intents = {i.id: i for i in knowledge.intents}
        self._suggested: dict[tuple[str, ...], tuple[Suggestion, ...]] = {}
        self._safety_rules = {r.id: r for r in knowledge.safety}
        self._sessions = SessionStore(max_sessions=max_sessions, idle_seconds=session_idle_seconds,
                                      clock=clock)

    def _cache(self) -> Callable[[str], tuple[Reply, State]]:
        return (functools.lru_cache(maxsize=self._cache_size)(self._open) if self._cache_size
                else self._open)

    def __getstate__(self) -> dict[str, object]:
        """A pickled bot keeps its knowledge and index, not its conversations or caches."""
        state = self.__dict__.copy()
        del state["_opening"]
        state["_suggested"] = {}
        return state

    def __setstate__(self, state: dict[str, object]) -> None:
        self.__dict__.update(state)
        self._opening = self._cache()

    @classmethod
    def from_path(cls, path: str | Path | None = None, *, policy: Policy = Policy(),
                  max_sessions: int = 10_000, session_idle_seconds: float = 1800.0) -> Bot:
        """Load a knowledge folder or export JSON (default: the shipped one) and build a bot."""
        return cls(load_knowledge(path), policy=policy, max_sessions=max_sessions,
                   session_idle_seconds=session_idle_seconds)

    # -- public ------------------------------------------------------------------------------
    def reply(self, session_id: str | None, text: str) -> Reply:
        """Answer ``text`` in the conversation ``session_id`` (``None``: no memory)."""
        text = text if isinstance(text, str) else ""
        state = self._sessions.get(session_id) if session_id is not None else FRESH
        if state == FRESH and len(text) <= MAX_QUESTION_CHARS:
            reply, state = self._opening(text)  # depends on the text alone: cached
        else:
            reply, state = self._respond(text[:MAX_QUESTION_CHARS], state,
                                         screened=text[:SAFETY_SCAN_CHARS])
        if session_id is not None:
            self._sessions.put(session_id, state)
        return reply

    def starters(self) -> tuple[Suggestion, ...]:
        """Good first questions, for a widget's chips or a Home tab."""
        return self._suggestions(self.knowledge.starters)

    def closest(self, text: str, *, limit: int = 3) -> tuple[Candidate, ...]:
        """The FAQ entries nearest to ``text``, best first, whatever their confidence."""
        others = len(self.matcher.targets) - len(self.knowledge.entries)  # intents, fallback
        matches = self.matcher.match(text[:MAX_QUESTION_CHARS], limit=limit + others)
        return tuple(
            Candidate(m.id, self._question(m.id), m.confidence)
            for m in matches if m.kind == "entry"
        )[:limit]

    @property
    def session_count(self) -> int:
        return len(self._sessions)

    def _open(self, text: str) -> tuple[Reply, State]:
        """The reply to a conversation's first question: it depends on the text alone."""
        return self._respond(text, FRESH, screened=text)

    # -- the way of one question -------------------------------------------------------------------
    def _respond(self, text: str, state: State, *, screened: str) -> tuple[Reply, State]:
        screened_words = " ".join(surface_words(screened))  # read once for the screens
        words = screened_words if screened == text else " ".join(surface_words(text))
        if not words:
            return self._help(), State(topic=state.topic)
        rule = self._safety.check_words(screened_words)  # before anything else, pending choices included
        if rule is not None:
            return self._safety_reply(rule), State(topic=state.topic)
        if state.choices:
            picked = pick_choice(text, [self._question(c) for c in state.choices])
            if picked == REJECT:
                return self._fallback((), rephrase=True), State(topic=state.topic)
            if picked is not None:
                return self._answer(state.choices[picked], 1.0), State(topic=state.choices[picked])
        if self._scope.outside_words(words):
            return self._fallback(()), State(topic=state.topic)
        matches = self.matcher.match(text, limit=8)
        decision = self._decide(matches)
        if decision != "answer":  # a question at the end of a story is read in its story
            question = _last_question(text)
            if question is not None:
                matches, decision = self._story(text, question, matches, decision)
        if decision != "answer" and state.topic is not None and self.matcher.knows_all(text):
            topic = self.knowledge.entry(state.topic)
            if topic is not None:  # a follow-up is about the topic or one of its neighbours
                neighbours = {topic.id, *topic.related}
                in_context = tuple(
                    m for m in self.matcher.match(text, context=topic.question, limit=16)
                    if m.id in neighbours
                )
                if self._decide(in_context) == "answer":
                    matches, decision = in_context, "answer"
        top = matches[0] if matches else None
        if top is not None and top.kind == FALLBACK and decision != "fallback":
            return self._fallback(()), State(topic=state.topic)
        if decision == "answer" and top is not None:
            if top.kind == "intent":
                return self._smalltalk(top), State(topic=state.topic)
            return self._answer(top.id, top.confidence), State(topic=top.id)
        if decision == "clarify":
            choices = self._choices(matches)
            if choices:
                return self._clarify(choices, matches[0].confidence), State(
                    topic=state.topic, choices=tuple(c.id for c in choices))
            if top is not None and top.kind == "intent":
                return self._smalltalk(top), State(topic=state.topic)
        near = [m for m in matches if m.kind == "entry" and m.confidence >= self.policy.clarify / 2]
        return self._fallback(near, confidence=top.confidence if top else 0.0), State(topic=state.topic)

    def _story(self, text: str, question: str, matches: tuple[Match, ...],
               decision: str) -> tuple[tuple[Match, ...], str]:
        """A message that tells a story and ends with a question: the question on its own when
        that is sure (or plainly off-topic), else read with the story as weaker context."""
        alone = self.matcher.match(question, limit=8)
        if self._decide(alone) == "answer" and (alone[0].confidence >= self.policy.sure
                                                or alone[0].kind == FALLBACK):
            return alone, "answer"
        framed = self.matcher.match(question, context=text.replace(question, " "), limit=8)
        if self._decide(framed) == "answer":
            return framed, "answer"
        return matches, decision

    def _decide(self, matches: tuple[Match, ...]) -> str:
        if not matches or matches[0].confidence < self.policy.clarify:
            return "fallback"
        top = matches[0].confidence
        runner_up = matches[1].confidence if len(matches) > 1 else 0.0
        gap = top - runner_up
        if (top >= self.policy.sure and gap >= self.policy.tie) or (
                top >= self.policy.answer and gap >= self.policy.margin):
            return "answer"
        return "clarify"

    def _choices(self, matches: tuple[Match, ...]) -> list[Match]:
        floor = max(matches[0].confidence - self.policy.window, self.policy.clarify * 0.8)
        entries = [m for m in matches if m.kind == "entry" and m.confidence >= floor]
        return entries[: self.policy.choices]

    # -- replies -------------------------------------------------------------------------------
    def _question(self, entry_id: str) -> str:
        entry = self.knowledge.entry(entry_id)
        return entry.question if entry else entry_id

    def _suggestions(self, ids: Iterable[str]) -> tuple[Suggestion, ...]:
        """The entries among ``ids`` as suggestions (remembered: replies are built often)."""
        key = tuple(ids)
        known = self._suggested.get(key)
        if known is None:
            if len(self._suggested) >= 4096:  # bounded: clarify and fallback combine ids
                self._suggested.clear()
            known = self._suggested[key] = tuple(
                Suggestion(i, self._question(i)) for i in key if self.knowledge.entry(i))
        return known

    def _answer(self, entry_id: str, confidence: float) -> Reply:
        entry = self.knowledge.entry(entry_id)
        assert entry is not None
        return Reply(kind="answer", id=entry.id, confidence=confidence, text=entry.answer,
                     suggestions=self._suggestions(entry.related), sources=entry.sources)

    def _clarify(self, choices: list[Match], confidence: float) -> Reply:
        lines = "\n".join(f"{n}. {self._question(c.id)}" for n, c in enumerate(choices, start=1))
        text = ("I'm not quite sure what you're asking. Did you mean:\n\n"
                f"{lines}\n\nReply with a number, or ask another way.")
        return Reply(kind="clarify", id=choices[0].id, confidence=confidence, text=text,
                     suggestions=self._suggestions([c.id for c in choices]))

    def _smalltalk(self, match: Match) -> Reply:
        intent = self._intents[match.id]
        return Reply(kind="smalltalk", id=intent.id, confidence=match.confidence, text=intent.reply,
                     suggestions=self._suggestions(intent.suggestions))

    def _help(self) -> Reply:
        intent = self._intents.get(HELP_INTENT)
        if intent is None:
            return Reply(kind="smalltalk", id=HELP_INTENT, confidence=1.0,
                         text="Ask me a question in your own words.", suggestions=self.starters())
        return Reply(kind="smalltalk", id=intent.id, confidence=1.0, text=intent.reply,
                     suggestions=self._suggestions(intent.suggestions) or self.starters())

    def _safety_reply(self, rule_id: str) -> Reply:
        rule = self._safety_rules[rule_id]
        return Reply(kind="safety", id=rule.id, confidence=1.0, text=rule.reply,
                     sources=rule.sources)

    def _fallback(self, near: list[Match] | tuple[()], *, confidence: float = 0.0,
                  rephrase: bool = False) -> Reply:
        ids = list(dict.fromkeys([m.id for m in near] + list(self.knowledge.fallback.suggestions)))
        text = self.knowledge.fallback.reply
        if rephrase:
            text = "No problem. Could you ask it another way?\n\n" + text
        return Reply(kind="fallback", id=None, confidence=confidence, text=text,
                     suggestions=self._suggestions(ids[:3]))
