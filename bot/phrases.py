"""Phrase lists found as whole words: what the screens are made of.

A phrase is a few words, as :func:`~bot.normalize.surface_words` reads them; a phrase
ending in ``*`` also matches longer words in its last place (``suicid*`` matches
"suicidal", ``self harm*`` matches "self harming"). A :class:`PhraseBook` holds every
phrase list of a screen in one tree of words (a trie), so one pass over a sentence finds
where each list's phrases stand, a dictionary look-up per word read, however many lists and
phrases there are.

>>> book = PhraseBook([["end it all", "end it", "suicid*"], ["want to"]])
>>> book.read("i want to end it all".split())
{1: [Place(start=1, end=3)], 0: [Place(start=3, end=6)]}
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from bot.normalize import surface_words


@dataclass(frozen=True)
class Place:
    """Where a phrase stands in a list of words: ``words[start:end]``."""

    start: int
    end: int


@dataclass
class _Node:
    """The phrases that go on from the words read so far."""

    next: dict[str, _Node] = field(default_factory=dict)       # the next word -> what follows
    ends: set[int] = field(default_factory=set)                 # lists with a phrase ending here
    open_ends: dict[str, set[int]] = field(default_factory=dict)  # next word's start -> lists
    start_lengths: tuple[int, ...] = ()                         # the lengths of those starts

    def add(self, words: tuple[str, ...], open_end: bool, number: int) -> None:
        node = self
        for word in words[:-1] if open_end else words:
            node = node.next.setdefault(word, _Node())
        if open_end:
            node.open_ends.setdefault(words[-1], set()).add(number)
            node.start_lengths = tuple(sorted({*node.start_lengths, len(words[-1])}))
        else:
            node.ends.add(number)


class PhraseBook:
    """Phrase lists (each some phrases), numbered in the order given."""

    def __init__(self, lists: Iterable[Iterable[str]]) -> None:
        self._root = _Node()
        for number, phrases in enumerate(lists):
            for phrase in phrases:
                words = tuple(surface_words(phrase.rstrip("* ")))
                if words:
                    self._root.add(words, phrase.rstrip().endswith("*"), number)

    def read(self, words: Sequence[str]) -> dict[int, list[Place]]:
        """Where each list's phrases stand in ``words``: for each list with a phrase there,
        its places left to right, the longest at each, never overlapping."""
        found: dict[int, list[Place]] = {}
        free: dict[int, int] = {}  # list -> the first word its next phrase may start at
        for start in range(len(words)):
            for number, end in self._longest(words, start).items():
                if free.get(number, 0) <= start:
                    found.setdefault(number, []).append(Place(start, end))
                    free[number] = end
        return found

    def _longest(self, words: Sequence[str], start: int) -> dict[int, int]:
        """For each list with a phrase starting at ``start``: where its longest one ends."""
        ends: dict[int, int] = {}
        node = self._root
        for position in range(start, len(words)):
            word = words[position]
            for length in node.start_lengths:
                numbers = node.open_ends.get(word[:length])
                if numbers:
                    ends.update(dict.fromkeys(numbers, position + 1))
            node = node.next.get(word)
            if node is None:
                break
            ends.update(dict.fromkeys(node.ends, position + 1))
        return ends
