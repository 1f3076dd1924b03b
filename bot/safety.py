"""Safety screening, run before any matching: crisis language and requests for clinical advice."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from bot.knowledge import SafetyRule
from bot.normalize import surface_words

_Trigger = tuple[re.Pattern[str], ...]


def _slot_pattern(phrases: Sequence[str]) -> re.Pattern[str]:
    alternatives = []
    for phrase in phrases:
        prefix = phrase.rstrip().endswith("*")
        words = " ".join(surface_words(phrase.rstrip("* ")))
        if words:
            alternatives.append(re.escape(words) + (r"\w*" if prefix else ""))
    return re.compile(rf"(?<!\S)(?:{'|'.join(alternatives) or '(?!)'})(?!\S)")


@dataclass(frozen=True)
class _CompiledRule:
    id: str
    triggers: tuple[_Trigger, ...]
    unless: tuple[_Trigger, ...]

    def fires(self, words: str) -> bool:
        def hit(trigger: _Trigger) -> bool:
            return all(slot.search(words) for slot in trigger)

        return any(hit(t) for t in self.triggers) and not any(hit(t) for t in self.unless)


class SafetyScreen:
    """Finds the first safety rule (in file order) that a message triggers."""

    def __init__(self, rules: Sequence[SafetyRule]) -> None:
        self._rules = tuple(
            _CompiledRule(
                id=rule.id,
                triggers=tuple(tuple(_slot_pattern(slot) for slot in t) for t in rule.triggers),
                unless=tuple(tuple(_slot_pattern(slot) for slot in t) for t in rule.unless),
            )
            for rule in rules
        )

    def check(self, text: str) -> str | None:
        """The id of the safety rule ``text`` triggers, or ``None``."""
        if not self._rules:
            return None
        words = " ".join(surface_words(text))
        for rule in self._rules:
            if rule.fires(words):
                return rule.id
        return None
