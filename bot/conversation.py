"""Conversation state: one small record per session, bounded in number and expiring when idle."""

from __future__ import annotations

import re
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

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
    """Thread-safe sessions; the least recently used go first when ``max_sessions`` is reached."""

    def __init__(self, *, max_sessions: int = 10_000, idle_seconds: float = 1800.0,
                 clock: Callable[[], float] = time.monotonic) -> None:
        if max_sessions < 1 or idle_seconds <= 0:
            raise ValueError("max_sessions must be at least 1 and idle_seconds positive")
        self._max = max_sessions
        self._idle = idle_seconds
        self._clock = clock
        self._states: OrderedDict[str, tuple[float, State]] = OrderedDict()
        self._lock = threading.Lock()

    def __getstate__(self) -> dict[str, object]:
        """A pickled store keeps its settings, not its conversations."""
        return {"max_sessions": self._max, "idle_seconds": self._idle, "clock": self._clock}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__init__(**state)  # type: ignore[misc]

    def get(self, session_id: str) -> State:
        """The session's state, or a fresh one when it is unknown or has been idle too long."""
        now = self._clock()
        with self._lock:
            self._expire(now)
            item = self._states.get(session_id)
            return item[1] if item else FRESH

    def put(self, session_id: str, state: State) -> None:
        now = self._clock()
        with self._lock:
            self._states[session_id] = (now, state)
            self._states.move_to_end(session_id)
            while len(self._states) > self._max:
                self._states.popitem(last=False)

    def __len__(self) -> int:
        with self._lock:
            self._expire(self._clock())
            return len(self._states)

    def _expire(self, now: float) -> None:
        while self._states:
            oldest = next(iter(self._states.values()))
            if now - oldest[0] <= self._idle:
                return
            self._states.popitem(last=False)


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
