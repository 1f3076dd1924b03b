"""Screens run before any matching: crisis language, clinical advice, other fields."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from bot.knowledge import SafetyRule, Scope
from bot.normalize import surface_words
from bot.phrases import Phrases, Signals

_Trigger = tuple[Phrases, ...]


@dataclass(frozen=True)
class _CompiledRule:
    id: str
    triggers: tuple[_Trigger, ...]
    unless: tuple[_Trigger, ...]
    ignore: Phrases | None
    signals: frozenset[str]  # one slot's signals from each trigger: no trigger fires without one

    @classmethod
    def of(cls, rule: SafetyRule) -> _CompiledRule:
        triggers = tuple(tuple(Phrases.of(slot) for slot in t) for t in rule.triggers)
        return cls(
            id=rule.id,
            triggers=triggers,
            unless=tuple(tuple(Phrases.of(slot) for slot in t) for t in rule.unless),
            ignore=Phrases.of([p for t in rule.ignore for slot in t for p in slot])
            if rule.ignore else None,
            signals=frozenset().union(*(min((s.signals for s in t), key=len) for t in triggers)),
        )

    def fires(self, words: str, seen: frozenset[str]) -> bool:
        """``seen``: the signals of ``words`` before blanking out the ignored phrases, which only
        removes words (so a phrase absent before is absent after)."""
        if seen.isdisjoint(self.signals) or not _any_hit(self.triggers, words, seen):
            return False
        if self.ignore is not None:
            words = self.ignore.remove(words, seen)
            if not _any_hit(self.triggers, words, seen):
                return False
        return not _any_hit(self.unless, words, seen)


def _any_hit(triggers: tuple[_Trigger, ...], words: str, seen: frozenset[str]) -> bool:
    """Whether every slot of some trigger is in ``words`` (the cheap signal tests first)."""
    for trigger in triggers:
        if all(not seen.isdisjoint(slot.signals) for slot in trigger) and all(
                slot.pattern.search(words) for slot in trigger):
            return True
    return False


def _slots(rule: _CompiledRule) -> list[Phrases]:
    slots = [slot for trigger in (*rule.triggers, *rule.unless) for slot in trigger]
    return slots + ([rule.ignore] if rule.ignore is not None else [])


class SafetyScreen:
    """Finds the first safety rule (in file order) that a message triggers."""

    def __init__(self, rules: Sequence[SafetyRule]) -> None:
        self._rules = tuple(_CompiledRule.of(rule) for rule in rules)
        self._signals = Signals(slot for rule in self._rules for slot in _slots(rule))

    def check(self, text: str) -> str | None:
        """The id of the safety rule ``text`` triggers, or ``None``."""
        return self.check_words(" ".join(surface_words(text)))

    def check_words(self, words: str) -> str | None:
        """:meth:`check` for text already turned into :func:`surface_words`, space-joined."""
        seen = self._signals.of(words)
        for rule in self._rules:
            if rule.fires(words, seen):
                return rule.id
        return None


class ScopeScreen:
    """Spots questions about another field that say nothing of the bot's own."""

    def __init__(self, scope: Scope) -> None:
        self._other = Phrases.of(scope.other_fields) if scope.other_fields else None
        self._own = Phrases.of(scope.own_field)
        self._signals = Signals([self._own] + ([self._other] if self._other else []))

    def outside(self, text: str) -> bool:
        return self.outside_words(" ".join(surface_words(text)))

    def outside_words(self, words: str) -> bool:
        """:meth:`outside` for text already turned into :func:`surface_words`, space-joined."""
        if self._other is None:
            return False
        seen = self._signals.of(words)
        return self._other.search(words, seen) and not self._own.search(words, seen)
