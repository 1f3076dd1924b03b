"""The value every face receives: one immutable reply to one question."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from typing import Any


class ReplyKind(str, Enum):
    """What a reply is; its value is the ``kind`` faces and the JSON API see."""

    ANSWER = "answer"        # an FAQ entry's answer
    CLARIFY = "clarify"      # "did you mean", with numbered choices
    SMALLTALK = "smalltalk"  # greeting, thanks, help, ...
    SAFETY = "safety"        # a safety screen's reply (crisis, clinical advice)
    FALLBACK = "fallback"    # the bot does not know

    def __str__(self) -> str:
        return self.value


REPLY_KINDS: tuple[str, ...] = tuple(kind.value for kind in ReplyKind)


@dataclass(frozen=True)
class Suggestion:
    """A question the user can pick next: the entry's id and its canonical question."""

    id: str
    question: str

    def to_dict(self) -> dict[str, str]:
        return {"id": self.id, "question": self.question}


@dataclass(frozen=True)
class Reply:
    """The bot's answer to one message.

    ``id`` is the entry, intent or safety id (the top choice for ``clarify``, ``None`` for
    ``fallback``); ``confidence`` lies in [0, 1]; ``text`` is Markdown.
    """

    kind: ReplyKind
    id: str | None
    confidence: float
    text: str
    suggestions: tuple[Suggestion, ...] = field(default_factory=tuple)
    sources: tuple[str, ...] = field(default_factory=tuple)

    def to_dict(self) -> dict[str, Any]:
        """The reply as JSON-ready data with exactly the public fields."""
        return {
            "kind": str(self.kind),
            "id": self.id,
            "confidence": round(self.confidence, 4),
            "text": self.text,
            "suggestions": [s.to_dict() for s in self.suggestions],
            "sources": list(self.sources),
        }
