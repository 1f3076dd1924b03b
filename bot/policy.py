"""When to answer, ask "did you mean", or admit not knowing: the policy over ranked confidences."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import Enum


class Decision(Enum):
    """What the policy makes of a question's ranked candidates."""

    ANSWER = "answer"      # the top candidate, with confidence
    CLARIFY = "clarify"    # "did you mean" the top few
    FALLBACK = "fallback"  # none is close enough


@dataclass(frozen=True)
class Policy:
    """The thresholds of the decision (tuned on data; see README and ``scripts/tune.py``)."""

    answer: float = 0.45        # answer at or above this confidence when the runner-up is far
    margin: float = 0.05        # ... far means at least this much lower
    sure: float = 0.7           # answer at or above this unless the runner-up ties
    tie: float = 0.01           # ... ties means it is less than this lower
    clarify: float = 0.45       # below this: fallback
    choices: int = 3            # at most this many "did you mean" choices
    window: float = 0.2         # choices lie within this of the top
    choice_share: float = 0.8   # ... and at or above this share of ``clarify``
    offer_share: float = 0.5    # the fallback offers entries at or above this share of ``clarify``
    safety: float = 0.5         # the safety examples must find a rule this likely (unless it says)

    def decide(self, confidences: Sequence[float]) -> Decision:
        """The decision on candidates' confidences, best first."""
        if not confidences or confidences[0] < self.clarify:
            return Decision.FALLBACK
        top = confidences[0]
        gap = top - (confidences[1] if len(confidences) > 1 else 0.0)
        if (top >= self.sure and gap >= self.tie) or (top >= self.answer and gap >= self.margin):
            return Decision.ANSWER
        return Decision.CLARIFY

    def choice_floor(self, top: float) -> float:
        """The lowest confidence a "did you mean" choice may have, under a top of ``top``."""
        return max(top - self.window, self.clarify * self.choice_share)

    @property
    def offer_floor(self) -> float:
        """The lowest confidence of an entry the fallback offers as a suggestion."""
        return self.clarify * self.offer_share
