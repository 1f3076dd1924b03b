"""The replies the bot can give, each made from the knowledge base: the pipeline's last stage."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace
from functools import lru_cache

from bot.knowledge import KnowledgeBase
from bot.reply import Reply, ReplyKind, Suggestion

HELP_INTENT = "help"
"""The intent an empty message gets."""
SUGGESTIONS_KEPT = 4096
"""Distinct lists of suggestions remembered (a clarify and a fallback combine ids)."""
FALLBACK_SUGGESTIONS = 3
"""At most this many suggestions under the fallback."""


class Replies:
    """Makes each kind of :class:`Reply` from the entries, intents and prompts of ``knowledge``."""

    def __init__(self, knowledge: KnowledgeBase) -> None:
        self._knowledge = knowledge
        self._intents = {i.id: i for i in knowledge.intents}
        self._rules = {r.id: r for r in knowledge.safety}
        self._suggestions = lru_cache(maxsize=SUGGESTIONS_KEPT)(self._make_suggestions)

    def question(self, entry_id: str) -> str:
        """The entry's canonical question (its id if there is no such entry)."""
        entry = self._knowledge.entry(entry_id)
        return entry.question if entry else entry_id

    def suggestions(self, ids: Iterable[str]) -> tuple[Suggestion, ...]:
        """The entries among ``ids`` as suggestions, in order."""
        return self._suggestions(tuple(ids))

    def _make_suggestions(self, ids: tuple[str, ...]) -> tuple[Suggestion, ...]:
        return tuple(Suggestion(i, self.question(i)) for i in ids if self._knowledge.entry(i))

    def answer(self, entry_id: str, confidence: float) -> Reply:
        entry = self._knowledge.entry(entry_id)
        assert entry is not None, entry_id
        return Reply(ReplyKind.ANSWER, entry.id, confidence, entry.answer,
                     suggestions=self.suggestions(entry.related), sources=entry.sources)

    def clarify(self, choices: Sequence[str], confidence: float) -> Reply:
        """ "Did you mean", listing the entries ``choices`` by number; its id is the first."""
        prompts = self._knowledge.prompts
        lines = "\n".join(f"{n}. {self.question(c)}" for n, c in enumerate(choices, start=1))
        return Reply(ReplyKind.CLARIFY, choices[0], confidence,
                     f"{prompts.clarify}\n\n{lines}\n\n{prompts.choose}",
                     suggestions=self.suggestions(choices))

    def smalltalk(self, intent_id: str, confidence: float) -> Reply:
        intent = self._intents[intent_id]
        return Reply(ReplyKind.SMALLTALK, intent.id, confidence, intent.reply,
                     suggestions=self.suggestions(intent.suggestions))

    def help(self) -> Reply:
        """The reply to an empty message: the help intent, with the starters if it has no
        suggestions of its own."""
        intent = self._intents.get(HELP_INTENT)
        if intent is None:
            return Reply(ReplyKind.SMALLTALK, HELP_INTENT, 1.0, self._knowledge.prompts.help,
                         suggestions=self.starters())
        return Reply(ReplyKind.SMALLTALK, intent.id, 1.0, intent.reply,
                     suggestions=self.suggestions(intent.suggestions) or self.starters())

    def starters(self) -> tuple[Suggestion, ...]:
        return self.suggestions(self._knowledge.starters)

    def safety(self, rule_id: str, *, asked: str | None = None) -> Reply:
        """The rule's reply; the entry ``asked`` about in the same message is offered first
        under it, then the rule's own suggestions."""
        rule = self._rules[rule_id]
        ids = dict.fromkeys([*([asked] if asked else []), *rule.suggestions])
        return Reply(ReplyKind.SAFETY, rule.id, 1.0, rule.reply, suggestions=self.suggestions(ids),
                     sources=rule.sources)

    def with_support(self, reply: Reply) -> Reply:
        """``reply`` with the gentle word about support put before its text."""
        return replace(reply, text=f"{self._knowledge.support.reply.strip()}\n\n{reply.text}")

    def fallback(self, near: Sequence[str] = (), *, confidence: float = 0.0,
                 rephrase: bool = False) -> Reply:
        """Not knowing: the entries ``near`` the question, then the curated ones, as
        suggestions; after a declined "did you mean" (``rephrase``), a word about that first."""
        fallback = self._knowledge.fallback
        ids = list(dict.fromkeys([*near, *fallback.suggestions]))[:FALLBACK_SUGGESTIONS]
        text = f"{self._knowledge.prompts.rephrase}\n\n{fallback.reply}" if rephrase else fallback.reply
        return Reply(ReplyKind.FALLBACK, None, confidence, text, suggestions=self.suggestions(ids))
