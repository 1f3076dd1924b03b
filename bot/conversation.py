"""Conversation state: one small record per session, bounded in number and expiring when idle."""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from cachetools import TTLCache
from rapidfuzz import fuzz, process

from bot.normalize import surface_words


@dataclass(frozen=True)
class State:
    """What a session remembers: the last topic answered and any pending "did you mean" choices."""

    topic: str | None = None
    choices: tuple[str, ...] = ()


FRESH = State()
"""A conversation with nothing to remember."""


class SessionStore:
    """Thread-safe sessions; the least recently used go first when ``max_sessions`` is reached,
    and a session idle for ``idle_seconds`` is forgotten."""

    def __init__(self, *, max_sessions: int = 10_000, idle_seconds: float = 1800.0,
                 clock: Callable[[], float] = time.monotonic) -> None:
        if max_sessions < 1 or idle_seconds <= 0:
            raise ValueError("max_sessions must be at least 1 and idle_seconds positive")
        self._states: TTLCache[str, State] = TTLCache(max_sessions, idle_seconds, timer=clock)
        self._lock = threading.Lock()

    def get(self, session_id: str) -> State:
        """The session's state, or a fresh one when it is unknown or has been idle too long."""
        with self._lock:
            return self._states.get(session_id, FRESH)

    def put(self, session_id: str, state: State) -> None:
        with self._lock:
            self._states[session_id] = state

    def __len__(self) -> int:
        with self._lock:
            self._states.expire()
            return len(self._states)


REJECT = -1
_ORDINALS = {
    "1": 0, "one": 0, "first": 0, "1st": 0,
    "2": 1, "two": 1, "second": 1, "2nd": 1,
    "3": 2, "three": 2, "third": 2, "3rd": 2,
}
_YES = {"yes", "yeah", "yep", "yup", "y", "ya", "sure", "correct", "right", "exactly", "yes please"}
_NO = {"no", "nope", "nah", "n", "neither", "none", "none of them", "neither of them",
       "no thanks", "not really", "none of those", "none of these", "neither one", "wrong",
       "neither of those", "neither of these",
       "not those", "not that", "no not that"}
_FILLER = re.compile(r"^(?:the|option|number|choice|no|#)\s+|\s+(?:one|option|please)$")


def pick_choice(text: str, choices: Sequence[str]) -> int | None:
    """Which pending choice ``text`` picks: its index, ``REJECT`` for "none", else ``None``.

    ``choices`` are the choices' questions. Accepts "2", "#2", "the second one", "yes" (the
    first), "no" / "neither" (reject), or text close to one choice's question.
    """
    words = " ".join(surface_words(text))
    if not words:
        return None
    if words in _YES:
        return 0
    first, _, rest = words.partition(" ")
    if first in _YES and rest:  # "yes, the second one"
        return pick_choice(rest, choices)
    if words in _NO or (words.startswith("no ") and words[3:] in _NO):
        return REJECT
    bare = words
    for _ in range(3):
        bare = _FILLER.sub("", bare).strip()
    if bare == "last":
        return len(choices) - 1
    index = _ORDINALS.get(bare)
    if index is not None:
        return index if index < len(choices) else None
    normalised = [" ".join(surface_words(c)) for c in choices]
    best = process.extractOne(words, normalised, scorer=fuzz.token_sort_ratio,
                              processor=None, score_cutoff=85)
    return best[2] if best is not None else None  # about the choice's words, not a longer story
