"""``Bot.reply(session_id, text)``: the one entry point every face calls.

A message goes through one pipeline. Each stage either settles the reply or passes on:

1. **screens**: an empty message gets help; the safety screen goes before anything else;
2. **pending choice**: a pick among the "did you mean" choices the bot just offered;
3. **scope**: a question about another field gets the fallback;
4. **read**: the matcher's candidates and the policy's :class:`Decision` (a story's last
   question, and a follow-up in the session's topic, are read again when the message alone
   is not enough);
5. **render**: the decision as a :class:`Reply`.

A stage's outcome is a :class:`Step`; the session's next :class:`State` is made from it in
one place, :meth:`Bot._respond`.
"""

from __future__ import annotations

import re
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from enum import Enum
from functools import lru_cache
from pathlib import Path

from bot.conversation import FRESH, REJECT, SessionStore, State, pick_choice
from bot.examples import Cache, digest
from bot.knowledge import KnowledgeBase, SafetyRule, load_knowledge
from bot.matcher import Match, Matcher, Scoring, Target
from bot.normalize import Normalizer, surface_words
from bot.policy import Decision, Policy
from bot.replies import Replies
from bot.reply import Reply, ReplyKind, Suggestion
from bot.safety import NOT_SAFETY, WRITER, SafetyScreen, ScopeScreen, sentences

MAX_QUESTION_CHARS = 1000
"""Longer messages are cut to this many characters before matching."""
SAFETY_SCAN_CHARS = 20 * MAX_QUESTION_CHARS
"""The safety screen reads this much of a message, so a crisis late in a long one is caught."""
CANDIDATES = 8
"""Candidates the policy looks at for one reading of a question."""
FOLLOW_UP_CANDIDATES = 16
"""Candidates read for a follow-up, before keeping the topic and its related entries."""

__all__ = ["MAX_QUESTION_CHARS", "Bot", "Candidate", "Decision", "Policy", "TargetKind"]


class TargetKind(str, Enum):
    """What a matcher target stands for."""

    ENTRY = "entry"        # an FAQ entry
    INTENT = "intent"      # small talk
    FALLBACK = "fallback"  # the examples of what the bot does not cover


@dataclass(frozen=True)
class Candidate:
    """An FAQ entry close to a question, for curators' reports and other programs."""

    id: str
    question: str
    confidence: float


@dataclass(frozen=True)
class Turn:
    """One message on its way through the pipeline."""

    text: str            # cut to MAX_QUESTION_CHARS: what is matched
    screened: str        # what the safety screen reads (cut to SAFETY_SCAN_CHARS)
    words: str           # the surface words of ``text``
    state: State         # what the session remembered before this message

    @classmethod
    def of(cls, text: str, state: State) -> Turn:
        question = text[:MAX_QUESTION_CHARS]
        return cls(question, text[:SAFETY_SCAN_CHARS], " ".join(surface_words(question)), state)


@dataclass(frozen=True)
class Reading:
    """A question's ranked candidates and the policy's decision on them."""

    matches: tuple[Match, ...]
    decision: Decision

    @property
    def top(self) -> Match | None:
        return self.matches[0] if self.matches else None


@dataclass(frozen=True)
class Step:
    """A stage's outcome: the reply, and what the session keeps of it."""

    reply: Reply
    topic: str | None = None       # the entry answered: a follow-up's context (None: unchanged)
    choices: tuple[str, ...] = ()  # the entries a "did you mean" offers


def last_question(text: str) -> str | None:
    """The last sentence with a question mark (else the last sentence) of a message of
    several sentences, or ``None`` for a message of one."""
    sentences = [s for s in _SENTENCE_END.split(text.strip()) if surface_words(s)]
    if len(sentences) < 2:
        return None
    questions = [s for s in sentences if "?" in s]
    return (questions or sentences)[-1]


_SENTENCE_END = re.compile(r"(?<=[.!?;:\n])\s+|\.{2,}\s*|\s+-+\s+|\s+—\s+")


class Bot:
    """The FAQ bot: knowledge, matcher, screens and sessions behind one method.

    ``cache_size`` recent questions keep their match, and recent first questions of a
    conversation their whole reply (0: no caching); replies are immutable, so this is safe.
    """

    def __init__(self, knowledge: KnowledgeBase, *, policy: Policy = Policy(),
                 scoring: Scoring = Scoring(), max_sessions: int = 10_000,
                 session_idle_seconds: float = 1800.0, cache_size: int = 4096,
                 clock: Callable[[], float] = time.monotonic,
                 learned_dir: Path | None = None) -> None:
        """``learned_dir``: a folder where what the safety screen learns from its examples is
        kept between starts (a fraction of a second each start; ``None``: learn every time)."""
        self.knowledge = knowledge
        self.policy = policy
        normalizer = Normalizer(synonyms=knowledge.synonyms, abbreviations=knowledge.abbreviations)
        self.matcher = Matcher(_targets(knowledge), normalizer=normalizer, scoring=scoring,
                               cache_size=cache_size)
        self._replies = Replies(knowledge)
        self._safety = SafetyScreen(knowledge.safety, lexicon=knowledge.lexicon,
                                    examples=_safety_examples(knowledge), tokens=normalizer.tokens,
                                    threshold=policy.safety, cache=_cache(knowledge, learned_dir))
        self._support = SafetyScreen(
            [SafetyRule(id="support", reply=knowledge.support.reply, about=(WRITER,),
                        triggers=knowledge.support.signals)],
            lexicon=knowledge.lexicon) if knowledge.support.signals else None
        self._scope = ScopeScreen(knowledge.scope)
        self._sessions = SessionStore(max_sessions=max_sessions, idle_seconds=session_idle_seconds,
                                      clock=clock)
        self._opening = lru_cache(maxsize=cache_size)(self._open)

    @classmethod
    def from_path(cls, path: str | Path | None = None, *, policy: Policy = Policy(),
                  max_sessions: int = 10_000, session_idle_seconds: float = 1800.0,
                  learned_dir: Path | None = None) -> Bot:
        """Load a knowledge folder or export JSON (default: the shipped one) and build a bot."""
        return cls(load_knowledge(path), policy=policy, max_sessions=max_sessions,
                   session_idle_seconds=session_idle_seconds, learned_dir=learned_dir)

    # -- public ------------------------------------------------------------------------------
    def reply(self, session_id: str | None, text: str) -> Reply:
        """Answer ``text`` in the conversation ``session_id`` (``None``: no memory)."""
        text = text if isinstance(text, str) else ""
        state = self._sessions.get(session_id) if session_id is not None else FRESH
        if state == FRESH and len(text) <= MAX_QUESTION_CHARS:
            reply, state = self._opening(text)  # depends on the text alone: cached
        else:
            reply, state = self._respond(text, state)
        if session_id is not None:
            self._sessions.put(session_id, state)
        return reply

    def starters(self) -> tuple[Suggestion, ...]:
        """Good first questions, for a widget's chips or a Home tab."""
        return self._replies.starters()

    def closest(self, text: str, *, limit: int = 3) -> tuple[Candidate, ...]:
        """The FAQ entries nearest to ``text``, best first, whatever their confidence."""
        others = len(self.matcher.targets) - len(self.knowledge.entries)  # intents, fallback
        matches = self.matcher.match(text[:MAX_QUESTION_CHARS], limit=limit + others)
        return tuple(
            Candidate(m.id, self._replies.question(m.id), m.confidence)
            for m in matches if m.kind == TargetKind.ENTRY
        )[:limit]

    @property
    def session_count(self) -> int:
        return len(self._sessions)

    # -- the pipeline ----------------------------------------------------------------------------
    def _open(self, text: str) -> tuple[Reply, State]:
        """The reply to a conversation's first question: it depends on the text alone."""
        return self._respond(text, FRESH)

    def _respond(self, text: str, state: State) -> tuple[Reply, State]:
        turn = Turn.of(text, state)
        step = (self._screen(turn) or self._pending_choice(turn) or self._outside_scope(turn)
                or self._render(self._read(turn)))
        if step.reply.kind is ReplyKind.FALLBACK and self._distressed(turn):
            step = replace(step, reply=self._replies.with_support(step.reply))
        topic = step.topic if step.topic is not None else state.topic
        return step.reply, State(topic=topic, choices=step.choices)

    def _screen(self, turn: Turn) -> Step | None:
        """Help for a message without words; the safety reply for one the safety screen stops
        (before anything else, a pending choice included)."""
        if not turn.words:
            return Step(self._replies.help())
        rule = self._safety.check(turn.screened)
        if rule is None:
            return None
        return Step(self._replies.safety(rule, asked=self._career_question(turn.screened)))

    def _career_question(self, text: str) -> str | None:
        """The FAQ entry asked about in the sentences of ``text`` that need no safety reply
        (offered under the safety reply of a message that also asks about careers)."""
        rest = " ".join(s for s in sentences(text) if self._safety.check(s) is None)
        if not surface_words(rest):
            return None
        reading = self._reading(tuple(m for m in self.matcher.match(rest[:MAX_QUESTION_CHARS],
                                                                    limit=CANDIDATES)
                                      if m.kind != TargetKind.FALLBACK))
        top = reading.top
        if reading.decision is Decision.ANSWER and top is not None and top.kind == TargetKind.ENTRY:
            return top.id
        return None

    def _distressed(self, turn: Turn) -> bool:
        """Whether a message the bot cannot answer shows distress in passing (it then gets a
        gentle word about support before the fallback)."""
        return self._support is not None and self._support.check(turn.screened) is not None

    def _pending_choice(self, turn: Turn) -> Step | None:
        """The entry picked among the pending "did you mean" choices, or the fallback for
        "none of them"; anything else is read as a new question."""
        choices = turn.state.choices
        if not choices:
            return None
        picked = pick_choice(turn.text, [self._replies.question(c) for c in choices])
        if picked == REJECT:
            return Step(self._replies.fallback(rephrase=True))
        if picked is None:
            return None
        return Step(self._replies.answer(choices[picked], 1.0), topic=choices[picked])

    def _outside_scope(self, turn: Turn) -> Step | None:
        """The fallback for a question about another field that says nothing of the bot's own."""
        return Step(self._replies.fallback()) if self._scope.outside(turn.words.split()) else None

    def _read(self, turn: Turn) -> Reading:
        """The message read alone; failing an answer, its story's last question; failing
        that, the message as a follow-up of the session's topic."""
        reading = self._reading(self.matcher.match(turn.text, limit=CANDIDATES))
        if reading.decision is not Decision.ANSWER:
            reading = self._read_story(turn.text) or reading
        if reading.decision is not Decision.ANSWER:
            reading = self._read_follow_up(turn) or reading
        return reading

    def _read_story(self, text: str) -> Reading | None:
        """A message that tells a story and ends with a question: the answer to the question
        alone when that is sure (or plainly off-topic), else to the question read with the
        story as weaker context; ``None`` when neither answers."""
        question = last_question(text)
        if question is None:
            return None
        alone = self._reading(self.matcher.match(question, limit=CANDIDATES))
        if alone.decision is Decision.ANSWER and alone.top is not None and (
                alone.top.confidence >= self.policy.sure or alone.top.kind == TargetKind.FALLBACK):
            return alone
        framed = self._reading(self.matcher.match(question, context=text.replace(question, " "),
                                                  limit=CANDIDATES))
        return framed if framed.decision is Decision.ANSWER else None

    def _read_follow_up(self, turn: Turn) -> Reading | None:
        """A question of known words read with the session's topic as context, among that
        topic and its related entries; ``None`` unless that answers."""
        topic = self.knowledge.entry(turn.state.topic) if turn.state.topic is not None else None
        if topic is None or not self.matcher.knows_all(turn.text):
            return None
        neighbours = {topic.id, *topic.related}
        in_context = self._reading(tuple(
            m for m in self.matcher.match(turn.text, context=topic.question,
                                          limit=FOLLOW_UP_CANDIDATES)
            if m.id in neighbours))
        return in_context if in_context.decision is Decision.ANSWER else None

    def _reading(self, matches: tuple[Match, ...]) -> Reading:
        return Reading(matches, self.policy.decide([m.confidence for m in matches]))

    def _render(self, reading: Reading) -> Step:
        """The decision as a reply: an answer (or small talk), a "did you mean", or the fallback."""
        top = reading.top
        if top is None or reading.decision is Decision.FALLBACK:
            return Step(self._replies.fallback(self._near(reading),
                                               confidence=top.confidence if top else 0.0))
        if top.kind == TargetKind.FALLBACK:  # closest to what the bot does not cover
            return Step(self._replies.fallback())
        if reading.decision is Decision.ANSWER:
            return self._answer(top)
        choices = self._choices(reading)
        if choices:
            return Step(self._replies.clarify(choices, top.confidence), choices=choices)
        if top.kind == TargetKind.INTENT:
            return Step(self._replies.smalltalk(top.id, top.confidence))
        return Step(self._replies.fallback(self._near(reading), confidence=top.confidence))

    def _answer(self, match: Match) -> Step:
        if match.kind == TargetKind.INTENT:
            return Step(self._replies.smalltalk(match.id, match.confidence))
        return Step(self._replies.answer(match.id, match.confidence), topic=match.id)

    def _choices(self, reading: Reading) -> tuple[str, ...]:
        """The entries a "did you mean" offers: the best few close to the top."""
        floor, entry = self.policy.choice_floor(reading.matches[0].confidence), TargetKind.ENTRY
        entries = [m.id for m in reading.matches if m.kind == entry and m.confidence >= floor]
        return tuple(entries[: self.policy.choices])

    def _near(self, reading: Reading) -> list[str]:
        """The entries close enough to offer under the fallback."""
        floor, entry = self.policy.offer_floor, TargetKind.ENTRY
        return [m.id for m in reading.matches if m.kind == entry and m.confidence >= floor]


def _cache(knowledge: KnowledgeBase, directory: Path | None) -> Cache | None:
    """Where the safety screen keeps what it learns from ``knowledge``: keyed by the
    knowledge base's files and the core's code and data (None without a folder, or for a base
    built in code, which has no files to key by)."""
    if directory is None or not knowledge.version:
        return None
    core = Path(__file__).resolve().parent
    code = [path.read_bytes() for path in sorted((*core.glob("*.py"), *core.glob("data/*")))]
    return Cache(directory, digest(knowledge.version, sys.version, *code))


def _safety_examples(knowledge: KnowledgeBase) -> list[tuple[str, str]]:
    """The safety rules' examples, and everything else the bot knows as messages that call
    for no safety reply: FAQ phrasings, small talk, what it does not cover, ``not_safety``."""
    examples = [(rule.id, text) for rule in knowledge.safety for text in rule.examples]
    if not examples:
        return []
    others = [*(p for e in knowledge.entries for p in e.phrasings),
              *(p for i in knowledge.intents for p in i.phrasings), *knowledge.fallback.phrasings,
              *knowledge.not_safety]
    return examples + [(NOT_SAFETY, text) for text in others]


def _targets(knowledge: KnowledgeBase) -> list[Target]:
    """What a question can land on: entries, intents and the fallback's examples."""
    targets = [Target(e.id, TargetKind.ENTRY, e.phrasings, e.answer) for e in knowledge.entries]
    targets += [Target(i.id, TargetKind.INTENT, i.phrasings) for i in knowledge.intents]
    if knowledge.fallback.phrasings:
        targets.append(Target(TargetKind.FALLBACK.value, TargetKind.FALLBACK,
                              knowledge.fallback.phrasings))
    return targets
