"""Phrase lists found as whole words, with a cheap prefilter: what the screens are made of.

The safety and scope screens look for curated phrases in space-joined
:func:`~bot.normalize.surface_words`. Most messages hold none of a list's phrases, so each
list first asks whether one of its *signals* is among the message's words, and runs its
regex only then.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from bot.normalize import STOPWORDS, surface_words


@dataclass(frozen=True)
class Phrases:
    """Some phrases, found as whole words in space-joined :func:`surface_words` text.

    A phrase ending in ``*`` also matches longer words (``suicid*`` matches ``suicidal``).
    The regex runs only when one of the phrases' signals is among the message's
    (see :class:`Signals`): its longest whole word (a function word only if it has nothing
    else), or the start a one-word phrase with ``*`` asks for. Most messages skip it, and
    it is compiled when first needed.
    """

    source: str               # the regex
    signals: frozenset[str]
    prefixes: frozenset[str]  # the signals that are word starts

    @classmethod
    def of(cls, phrases: Iterable[str]) -> Phrases:
        alternatives, signals, prefixes = [], set(), set()
        for phrase in phrases:
            prefix = phrase.rstrip().endswith("*")
            words = surface_words(phrase.rstrip("* "))
            if not words:
                continue
            alternatives.append(re.escape(" ".join(words)) + (r"\w*" if prefix else ""))
            whole = words[:-1] if prefix else words
            if whole:
                signals.add(max(whole, key=lambda w: (w not in STOPWORDS, len(w))))
            else:
                prefixes.add(words[0])
        source = rf"(?<!\S)(?:{'|'.join(alternatives) or '(?!)'})(?!\S)"
        return cls(source, frozenset(signals | prefixes), frozenset(prefixes))

    @functools.cached_property
    def pattern(self) -> re.Pattern[str]:
        return re.compile(self.source)

    def search(self, words: str, seen: frozenset[str]) -> bool:
        """Whether ``words`` holds one of the phrases; ``seen``: the signals of ``words`` (or
        of a text they were cut from) by :class:`Signals` knowing these phrases."""
        return not seen.isdisjoint(self.signals) and self.pattern.search(words) is not None

    def remove(self, words: str, seen: frozenset[str]) -> str:
        """``words`` with each of the phrases blanked out."""
        return self.pattern.sub(" ", words) if self.search(words, seen) else words


class Signals:
    """What a message shows of some :class:`Phrases`: its words, and the word starts they
    ask for that its words begin with."""

    _CACHED_WORDS = 65_536

    def __init__(self, phrases: Iterable[Phrases]) -> None:
        self._prefixes = frozenset().union(*(p.prefixes for p in phrases))
        self._lengths = tuple(sorted({len(p) for p in self._prefixes}))
        self._starts = lru_cache(maxsize=self._CACHED_WORDS)(self._starts_of)

    def of(self, words: str) -> frozenset[str]:
        """The signals of space-joined :func:`surface_words`."""
        found = words.split()
        if not self._prefixes:
            return frozenset(found)
        starts = []
        for word in found:
            starts.extend(self._starts(word))
        return frozenset(found + starts)

    def _starts_of(self, word: str) -> tuple[str, ...]:
        """The word starts among the signals that ``word`` begins with."""
        return tuple(word[:n] for n in self._lengths if word[:n] in self._prefixes)
