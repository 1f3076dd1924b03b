"""Typos: which known words a word nobody wrote may misspell, by RapidFuzz's ``fuzz.ratio``.

Two lookups use it. At build time, a word used in one phrasing only that is this close to a
commoner one is taken for its misspelling (:func:`typo_folds`: "palliatve" is "palliative").
At question time, a word missing from the vocabulary is compared, as typed (a typo keeps a
word's shape better than its stem), with the known words of a length that can reach the
cutoff that share its first or its last letter (a typo rarely spoils both ends of a word):
:class:`TypoIndex`.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Mapping
from functools import lru_cache

from rapidfuzz import fuzz, process

from bot.normalize import is_stopword

TYPO_SHAPES_KEPT = 65_536
"""Word shapes (length, first and last letter) whose candidate words are remembered."""
MATCHES_PER_TYPO = 3
"""At most this many known words stand for one typo."""
FOLDED_MIN_LENGTH = 5
"""Shorter one-off words in the phrasings are never taken for misspellings."""


def near_lengths(size: int, *, cutoff: float) -> range:
    """The lengths of the words that may reach ``cutoff`` by ``fuzz.ratio`` against a word of
    length ``size``: the ratio is at most ``1 - |a - b| / (a + b)`` for lengths ``a``, ``b``."""
    spread = 1.0 - cutoff / 100.0
    if spread >= 1.0:  # a cutoff of 0: any length
        return range(1, 100 * size + 1)
    return range(math.ceil(size * (1.0 - spread) / (1.0 + spread) - 1e-9),
                 math.floor(size * (1.0 + spread) / (1.0 - spread) + 1e-9) + 1)


def typo_folds(documents: Iterable[Iterable[str]], *, cutoff: float) -> dict[str, str]:
    """Terms of one document only that misspell a term of several: {misspelling: term}.

    A misspelling must start with the term's first letter and reach ``cutoff``.
    """
    counts = Counter(term for terms in documents for term in set(terms))
    common: dict[int, list[str]] = {}  # length -> the terms of several documents
    for term, count in counts.items():
        if count > 1 and not is_stopword(term):
            common.setdefault(len(term), []).append(term)
    folds = {}
    for term, count in counts.items():
        if count > 1 or len(term) < FOLDED_MIN_LENGTH or is_stopword(term):
            continue
        near = [k for size in near_lengths(len(term), cutoff=cutoff) for k in common.get(size, ())]
        hit = process.extractOne(term, near, scorer=fuzz.ratio, processor=None, score_cutoff=cutoff)
        if hit is not None and hit[0][0] == term[0]:
            folds[term] = hit[0]
    return folds


class TypoIndex:
    """Known words by length and end letters, to find the ones a typed word may misspell."""

    def __init__(self, words: Mapping[str, tuple[str, ...]], *, cutoff: float,
                 min_length: int) -> None:
        """``words``: each known word, as typed, and the terms it stands for."""
        self._terms_of = dict(words)
        self._cutoff = cutoff
        self._min_length = min_length
        self._by_end: dict[tuple[int, str], list[str]] = {}  # (length, first or "-" last letter)
        for word in self._terms_of:
            self._by_end.setdefault((len(word), word[0]), []).append(word)
            self._by_end.setdefault((len(word), "-" + word[-1]), []).append(word)
        self._words_of_shape = lru_cache(maxsize=TYPO_SHAPES_KEPT)(self._find_words_of_shape)

    def near(self, word: str) -> dict[str, float]:
        """The terms ``word`` may misspell (at most :data:`MATCHES_PER_TYPO` words' worth), each
        with its similarity in [0, 1]; none for a word shorter than ``min_length``."""
        if len(word) < self._min_length:
            return {}
        found: dict[str, float] = {}
        for known, ratio, _ in process.extract(
                word, self._words_of_shape(len(word), word[0], word[-1]), scorer=fuzz.ratio,
                processor=None, score_cutoff=self._cutoff, limit=MATCHES_PER_TYPO):
            for term in self._terms_of[known]:
                found[term] = max(found.get(term, 0.0), ratio / 100.0)
        return found

    def _find_words_of_shape(self, size: int, first: str, last: str) -> tuple[str, ...]:
        """The known words of a length near ``size`` that start with ``first`` or end with
        ``last``."""
        return tuple(dict.fromkeys(
            word for length in near_lengths(size, cutoff=self._cutoff)
            for end in (first, "-" + last) for word in self._by_end.get((length, end), ())))
