"""``faqbot report``: what the question log tells a curator to add or fix.

* the most frequent questions the bot could not answer (fallback) or answered unsure (a "did you
  mean", or an answer below a confidence), near-duplicate wordings grouped, each with the entry
  it came closest to, so a curator can add it as an alternate phrasing or write a new entry;
* the answers most often marked unhelpful, with the comments left on them.
"""

from __future__ import annotations

import argparse
import json
import os
import sqlite3
import sys
from collections import Counter
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any

from rapidfuzz import fuzz, process, utils

from adapters.log import DEFAULT_LOG_PATH, LoggedQuestion, log_settings_from_env, read_questions
from bot import Bot, Candidate

if TYPE_CHECKING:
    from adapters.cli import CliContext

DEFAULT_DAYS = 30
DEFAULT_TOP = 10
#: Answers below this confidence count as unsure, like every "did you mean".
DEFAULT_BELOW = 0.7
#: Two wordings at least this similar (rapidfuzz token_sort_ratio, 0-100) are grouped.
SIMILARITY = 80.0
#: Only this many of the most frequent distinct wordings are grouped (each is compared with the
#: groups so far); rarer ones stay groups of their own, which keeps a big log's report fast.
MAX_GROUPED = 300
MAX_COMMENTS = 5


@dataclass(frozen=True)
class QuestionGroup:
    """One question (and its near-duplicate wordings) the bot did not answer well."""

    question: str
    count: int
    fallbacks: int
    wordings: tuple[str, ...]
    closest: Candidate | None


@dataclass(frozen=True)
class UnhelpfulAnswer:
    """An answer with its feedback counts; ``question`` is None if the entry no longer exists."""

    id: str
    question: str | None
    unhelpful: int
    helpful: int
    comments: tuple[str, ...]


@dataclass(frozen=True)
class Report:
    days: int
    questions: int
    with_feedback: int
    unanswered: tuple[QuestionGroup, ...]
    unhelpful: tuple[UnhelpfulAnswer, ...]

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def build_report(
    rows: Sequence[LoggedQuestion],
    bot: Bot,
    *,
    days: int = DEFAULT_DAYS,
    top: int = DEFAULT_TOP,
    below: float = DEFAULT_BELOW,
) -> Report:
    """The report on ``rows`` (already limited to the last ``days`` days)."""
    unsure = [
        row for row in rows
        if row.kind in ("fallback", "clarify") or (row.kind == "answer" and row.confidence < below)
    ]
    return Report(
        days=days,
        questions=len(rows),
        with_feedback=sum(row.helpful is not None for row in rows),
        unanswered=_group(unsure, bot, top=top),
        unhelpful=_unhelpful(rows, bot, top=top),
    )


def _group(rows: Sequence[LoggedQuestion], bot: Bot, *, top: int) -> tuple[QuestionGroup, ...]:
    # Identical wordings first (case, spacing and punctuation aside), most frequent first ...
    asked: Counter[str] = Counter()
    fell_back: Counter[str] = Counter()
    shown: dict[str, str] = {}
    for row in rows:
        key = utils.default_process(row.question)
        if not key:
            continue
        asked[key] += 1
        fell_back[key] += row.kind == "fallback"
        shown.setdefault(key, row.question.strip())
    # ... then each wording joins the most similar more frequent one, if it is similar enough.
    groups: list[list[str]] = []
    heads: list[str] = []  # groups[i][0], to compare with
    for rank, (key, _) in enumerate(asked.most_common()):
        found = rank < MAX_GROUPED and process.extractOne(
            key, heads, scorer=fuzz.token_sort_ratio, score_cutoff=SIMILARITY
        )
        if found:
            groups[found[2]].append(key)
        else:
            groups.append([key])
            heads.append(key)
    ranked = sorted(groups, key=lambda keys: -sum(asked[k] for k in keys))[:top]
    result = []
    for keys in ranked:
        closest = bot.closest(shown[keys[0]], limit=1)
        result.append(QuestionGroup(
            question=shown[keys[0]],
            count=sum(asked[k] for k in keys),
            fallbacks=sum(fell_back[k] for k in keys),
            wordings=tuple(shown[k] for k in keys[1:]),
            closest=closest[0] if closest else None,
        ))
    return tuple(result)


def _unhelpful(
    rows: Sequence[LoggedQuestion], bot: Bot, *, top: int
) -> tuple[UnhelpfulAnswer, ...]:
    votes: dict[str, list[LoggedQuestion]] = {}
    for row in rows:
        if row.helpful is not None and row.entry_id is not None:
            votes.setdefault(row.entry_id, []).append(row)
    questions = {entry.id: entry.question for entry in bot.knowledge.entries}
    answers = []
    for entry_id, rated in votes.items():
        down = [row for row in rated if not row.helpful]
        if down:
            answers.append(UnhelpfulAnswer(
                id=entry_id,
                question=questions.get(entry_id),
                unhelpful=len(down),
                helpful=len(rated) - len(down),
                comments=tuple(row.comment for row in reversed(down) if row.comment)[:MAX_COMMENTS],
            ))
    answers.sort(key=lambda a: (-a.unhelpful, a.helpful, a.id))
    return tuple(answers[:top])


def format_report(report: Report, *, source: str) -> str:
    """The report as text for a person."""
    lines = [
        f"Question log {source}: {report.questions} questions in the last {report.days} days,"
        f" {report.with_feedback} with feedback.",
        "",
        "Most frequent questions not answered or answered unsure",
    ]
    for number, group in enumerate(report.unanswered, 1):
        lines.append(f"  {number}. {group.question!r}  asked {group.count}x,"
                     f" {group.fallbacks} without an answer")
        if group.closest is not None:
            lines.append(f"     closest entry: {group.closest.id} ({group.closest.confidence:.2f})"
                         f" {group.closest.question!r}")
        if group.wordings:
            lines.append("     also asked as: " + "; ".join(repr(w) for w in group.wordings[:5]))
    if not report.unanswered:
        lines.append("  (none)")
    lines += ["", "Answers most often marked unhelpful"]
    for number, answer in enumerate(report.unhelpful, 1):
        lines.append(f"  {number}. {answer.id}: {answer.unhelpful} unhelpful,"
                     f" {answer.helpful} helpful  {answer.question or '(entry no longer exists)'}")
        lines += [f"     comment: {comment!r}" for comment in answer.comments]
    if not report.unhelpful:
        lines.append("  (none)")
    return "\n".join(lines)


def add_command(subparsers: argparse._SubParsersAction) -> None:
    """Register ``report`` with the ``faqbot`` command line."""
    parser = subparsers.add_parser("report", help="what the question log tells curators")
    parser.add_argument(
        "--db", metavar="PATH",
        help=f"the question log (default: $FAQBOT_LOG_PATH, else {DEFAULT_LOG_PATH})",
    )
    parser.add_argument("--days", type=int, default=DEFAULT_DAYS,
                        help=f"look at the last N days (default: {DEFAULT_DAYS})")
    parser.add_argument("--top", type=int, default=DEFAULT_TOP,
                        help=f"show at most N items per list (default: {DEFAULT_TOP})")
    parser.add_argument("--below", type=float, default=DEFAULT_BELOW,
                        help="answers below this confidence count as unsure"
                        f" (default: {DEFAULT_BELOW})")
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace, context: CliContext) -> int:
    """Print the report; 1 when the log cannot be read, 2 for bad arguments or settings."""
    if args.days < 1 or args.top < 1:
        print("faqbot report: --days and --top must be at least 1", file=sys.stderr)
        return 2
    try:
        path = args.db or log_settings_from_env(os.environ).path
    except ValueError as error:
        print(f"faqbot report: {error}", file=sys.stderr)
        return 2
    try:
        rows = read_questions(path, days=args.days)
    except FileNotFoundError:
        print(f"faqbot report: no question log at {path} (choose one with --db)", file=sys.stderr)
        return 1
    except sqlite3.DatabaseError as error:
        print(f"faqbot report: {path} is not a readable question log: {error}", file=sys.stderr)
        return 1
    report = build_report(rows, context.load_bot(), days=args.days, top=args.top, below=args.below)
    if args.json:
        print(json.dumps({"db": str(path), **report.to_dict()}, indent=2, ensure_ascii=False))
    else:
        print(format_report(report, source=str(path)))
    return 0
