"""Screens run before any matching: crisis language, clinical advice, other fields."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from bot.knowledge import SafetyRule, Scope
from bot.normalize import Phrases, surface_words

_Trigger = tuple[Phrases, ...]


@dataclass(frozen=True)
class _CompiledRule:
    id: str
    triggers: tuple[_Trigger, ...]
    unless: tuple[_Trigger, ...]
    ignore: Phrases | None

    def fires(self, words: str, present: frozenset[str]) -> bool:
        """``present``: the distinct words before blanking out the ignored phrases, which only
        removes words (so a phrase whose first word was absent is still absent)."""
        if self.ignore is not None:
            words = self.ignore.remove(words, present)

        def hit(trigger: _Trigger) -> bool:
            return all(slot.search(words, present) for slot in trigger)

        return any(hit(t) for t in self.triggers) and not any(hit(t) for t in self.unless)


class SafetyScreen:
    """Finds the first safety rule (in file order) that a message triggers."""

    def __init__(self, rules: Sequence[SafetyRule]) -> None:
        self._rules = tuple(
            _CompiledRule(
                id=rule.id,
                triggers=tuple(tuple(Phrases.of(slot) for slot in t) for t in rule.triggers),
                unless=tuple(tuple(Phrases.of(slot) for slot in t) for t in rule.unless),
                ignore=Phrases.of([p for t in rule.ignore for slot in t for p in slot])
                if rule.ignore else None,
            )
            for rule in rules
        )

    def check(self, text: str) -> str | None:
        """The id of the safety rule ``text`` triggers, or ``None``."""
        return self.check_words(" ".join(surface_words(text)))

    def check_words(self, words: str) -> str | None:
        """:meth:`check` for text already turned into :func:`surface_words`, space-joined."""
        present = frozenset(words.split())
        for rule in self._rules:
            if rule.fires(words, present):
                return rule.id
        return None


class ScopeScreen:
    """Spots questions about another field that say nothing of the bot's own."""

    def __init__(self, scope: Scope) -> None:
        self._other = Phrases.of(scope.other_fields) if scope.other_fields else None
        self._own = Phrases.of(scope.own_field)

    def outside(self, text: str) -> bool:
        return self.outside_words(" ".join(surface_words(text)))

    def outside_words(self, words: str) -> bool:
        """:meth:`outside` for text already turned into :func:`surface_words`, space-joined."""
        if self._other is None:
            return False
        present = frozenset(words.split())
        return self._other.search(words, present) and not self._own.search(words, present)
