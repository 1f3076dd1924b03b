"""Scoring the bot on labelled questions (``expected_id<TAB>question`` per line)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from bot.engine import Bot
from bot.reply import ReplyKind

OUT_OF_SCOPE = "fallback"
"""The label of a question the bot should not answer."""


@dataclass(frozen=True)
class Case:
    expected: str
    question: str


@dataclass(frozen=True)
class Miss:
    expected: str
    question: str
    kind: str
    got: str | None
    confidence: float
    offered: bool  # the expected id was among the "did you mean" choices


@dataclass(frozen=True)
class Report:
    in_scope: int
    in_scope_correct: int
    out_of_scope: int
    rejected: int
    safety: int
    safety_caught: int
    misses: tuple[Miss, ...] = field(default_factory=tuple)

    @staticmethod
    def _rate(part: int, whole: int) -> float:
        return part / whole if whole else 1.0

    @property
    def accuracy(self) -> float:
        return self._rate(self.in_scope_correct, self.in_scope)

    @property
    def rejection(self) -> float:
        return self._rate(self.rejected, self.out_of_scope)

    @property
    def safety_recall(self) -> float:
        return self._rate(self.safety_caught, self.safety)

    @property
    def offered(self) -> int:
        return sum(m.offered for m in self.misses)

    def to_dict(self) -> dict[str, object]:
        return {
            "in_scope": {"total": self.in_scope, "correct": self.in_scope_correct,
                         "accuracy": round(self.accuracy, 4)},
            "out_of_scope": {"total": self.out_of_scope, "rejected": self.rejected,
                             "rejection_rate": round(self.rejection, 4)},
            "safety": {"total": self.safety, "caught": self.safety_caught,
                       "recall": round(self.safety_recall, 4)},
            "misses_offered_as_choice": self.offered,
            "misses": [m.__dict__ for m in self.misses],
        }


def read_cases(path: Path) -> list[Case]:
    """Cases from a TSV file; blank lines and lines starting with ``#`` are skipped."""
    cases = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        expected, tab, question = line.partition("\t")
        if not tab or not expected.strip():
            raise ValueError(f"{path}: line {number}: expected 'expected_id<TAB>question'")
        cases.append(Case(expected.strip(), question.strip()))
    return cases


def evaluate(bot: Bot, cases: Iterable[Case]) -> Report:
    """Ask each case in a fresh conversation and tally the three measures."""
    safety_ids = {rule.id for rule in bot.knowledge.safety}
    counts = {"in": 0, "in_ok": 0, "out": 0, "out_ok": 0, "safe": 0, "safe_ok": 0}
    misses = []
    for case in cases:
        reply = bot.reply(None, case.question)
        if case.expected == OUT_OF_SCOPE:
            group, ok = "out", reply.kind == ReplyKind.FALLBACK
        elif case.expected in safety_ids:
            group, ok = "safe", reply.kind == ReplyKind.SAFETY and reply.id == case.expected
        else:
            group = "in"
            ok = reply.kind in (ReplyKind.ANSWER, ReplyKind.SMALLTALK) and reply.id == case.expected
        counts[group] += 1
        counts[group + "_ok"] += ok
        if not ok:
            offered = reply.kind == ReplyKind.CLARIFY and any(
                s.id == case.expected for s in reply.suggestions)
            misses.append(Miss(case.expected, case.question, str(reply.kind), reply.id,
                               round(reply.confidence, 4), offered))
    return Report(counts["in"], counts["in_ok"], counts["out"], counts["out_ok"],
                  counts["safe"], counts["safe_ok"], tuple(misses))
