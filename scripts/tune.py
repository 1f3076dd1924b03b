"""How the matcher's constants and the policy's thresholds were chosen. It changes nothing.

    python scripts/tune.py scoring [--folds 5]            # k-fold over the base's own alternates
    python scripts/tune.py policy [--tsv tests/data/questions.tsv]

``scoring`` holds out each fold of the knowledge base's alternates and counts how often a
held-out alternate still ranks its own entry first, for a small grid of scoring constants.
``policy`` replays a labelled TSV file under a grid of thresholds and ranks them by a utility:
+1 a right answer or rejection, +0.5 a "did you mean" that offers the right entry, -1 a wrong
answer (or an answer to an out-of-scope question).
"""

from __future__ import annotations

import argparse
import itertools
import random
from dataclasses import replace
from pathlib import Path

from bot.engine import Bot, Policy
from bot.evaluation import evaluate, read_cases
from bot.knowledge import KnowledgeBase, load_knowledge
from bot.matcher import Scoring


def fold_accuracy(knowledge: KnowledgeBase, scoring: Scoring, folds: int, seed: int = 7) -> float:
    pairs = [(e.id, a) for e in knowledge.entries for a in e.alternates]
    random.Random(seed).shuffle(pairs)
    hits = 0
    for k in range(folds):
        held = set(pairs[k::folds])
        entries = tuple(
            replace(e, alternates=tuple(a for a in e.alternates if (e.id, a) not in held))
            for e in knowledge.entries
        )
        bot = Bot(replace(knowledge, entries=entries), scoring=scoring)
        for entry_id, question in held:
            top = next((m for m in bot.matcher.match(question, limit=3) if m.kind == "entry"), None)
            hits += top is not None and top.id == entry_id
    return hits / len(pairs)


def tune_scoring(knowledge: KnowledgeBase, folds: int) -> None:
    for exponent, pooled in itertools.product((0.5, 0.6, 0.7), (0.2, 0.3, 0.4, 0.5)):
        scoring = Scoring(recall_exponent=exponent, entry_weight=pooled)
        print(f"recall_exponent={exponent} entry_weight={pooled}: "
              f"folds {fold_accuracy(knowledge, scoring, folds):.3f}", flush=True)


def tune_policy(knowledge: KnowledgeBase, tsv: Path) -> None:
    cases = read_cases(tsv)
    rows = []
    grid = itertools.product((0.45, 0.5, 0.55), (0.03, 0.05, 0.08), (0.6, 0.7, 0.8), (0.4, 0.45))
    for answer, margin, sure, clarify in grid:
        if clarify > answer or sure < answer:
            continue
        policy = Policy(answer=answer, margin=margin, sure=sure, clarify=clarify)
        report = evaluate(Bot(knowledge, policy=policy), cases)
        wrong = sum(m.kind == "answer" or (m.expected == "fallback" and m.kind != "fallback")
                    for m in report.misses)
        utility = report.in_scope_correct + report.rejected + 0.5 * report.offered - wrong
        rows.append((utility, policy, report))
    for utility, policy, report in sorted(rows, key=lambda row: -row[0])[:10]:
        print(f"{utility:6.1f}  answer={policy.answer} margin={policy.margin} sure={policy.sure} "
              f"clarify={policy.clarify}: in-scope {report.accuracy:.3f}, "
              f"rejection {report.rejection:.3f}, offered {report.offered}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("what", choices=("scoring", "policy"))
    parser.add_argument("--tsv", type=Path, default=Path("tests/data/questions.tsv"))
    parser.add_argument("--folds", type=int, default=5)
    args = parser.parse_args()
    knowledge = load_knowledge()
    if args.what == "scoring":
        tune_scoring(knowledge, args.folds)
    else:
        tune_policy(knowledge, args.tsv)


if __name__ == "__main__":
    main()
