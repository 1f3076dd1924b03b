"""Scoring the bot on labelled questions (``expected_id<TAB>question`` per line)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from bot.engine import Bot
from bot.reply import ReplyKind

OUT_OF_SCOPE = "fallback"
"""The label of a question the bot should not answer."""

ALSO_RIGHT: Mapping[str, frozenset[str]] = {
    "crisis-other": frozenset({"crisis"}),
    "wellbeing": frozenset({"crisis"}),
}
"""Safety replies that also serve a message labelled with another: the crisis reply, with
its lines for whoever is at risk, is never wrong for distress or for worry about someone."""


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
class Tally:
    total: int = 0
    right: int = 0

    @property
    def rate(self) -> float:
        return self.right / self.total if self.total else 1.0

    def add(self, ok: bool) -> Tally:
        return Tally(self.total + 1, self.right + ok)


@dataclass(frozen=True)
class Report:
    in_scope: Tally
    out_of_scope: Tally
    safety: Tally
    per_safety_id: Mapping[str, Tally]
    career_alarms: Tally  # career questions (entries and intents) that got a safety reply
    misses: tuple[Miss, ...] = field(default_factory=tuple)

    @property
    def offered(self) -> int:
        return sum(m.offered for m in self.misses)

    def to_dict(self) -> dict[str, object]:
        def tally(t: Tally, right: str, rate: str) -> dict[str, object]:
            return {"total": t.total, right: t.right, rate: round(t.rate, 4)}

        return {
            "in_scope": tally(self.in_scope, "correct", "accuracy"),
            "out_of_scope": tally(self.out_of_scope, "rejected", "rejection_rate"),
            "safety": {**tally(self.safety, "caught", "recall"),
                       "per_id": {i: tally(t, "caught", "recall")
                                  for i, t in self.per_safety_id.items()}},
            "career_safety_replies": tally(self.career_alarms, "count", "share"),
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
    """Ask each case in a fresh conversation and tally the measures.

    In-scope accuracy counts an answer (or small talk) with the expected id; out-of-scope
    rejection counts the fallback; safety recall counts the expected safety reply (or one in
    :data:`ALSO_RIGHT`); career alarms count questions about an entry or intent that got a
    safety reply instead.
    """
    safety_ids = [rule.id for rule in bot.knowledge.safety]
    in_scope = out_of_scope = safety = alarms = Tally()
    per_id = dict.fromkeys(safety_ids, Tally())
    misses = []
    for case in cases:
        reply = bot.reply(None, case.question)
        if case.expected == OUT_OF_SCOPE:
            ok = reply.kind == ReplyKind.FALLBACK
            out_of_scope = out_of_scope.add(ok)
        elif case.expected in per_id:
            ok = reply.kind == ReplyKind.SAFETY and (
                reply.id == case.expected or reply.id in ALSO_RIGHT.get(case.expected, ()))
            safety = safety.add(ok)
            per_id[case.expected] = per_id[case.expected].add(ok)
        else:
            ok = reply.kind in (ReplyKind.ANSWER, ReplyKind.SMALLTALK) and reply.id == case.expected
            in_scope = in_scope.add(ok)
            alarms = alarms.add(reply.kind == ReplyKind.SAFETY)
        if not ok:
            offered = reply.kind == ReplyKind.CLARIFY and any(
                s.id == case.expected for s in reply.suggestions)
            misses.append(Miss(case.expected, case.question, reply.kind, reply.id,
                               round(reply.confidence, 4), offered))
    return Report(in_scope, out_of_scope, safety, {i: t for i, t in per_id.items() if t.total},
                  alarms, tuple(misses))
