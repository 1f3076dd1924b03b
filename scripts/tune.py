"""Tune the matcher and the decision policy on data: k-fold over the knowledge base's own
phrasings (each held-out alternate must find its entry) plus a labelled TSV file.

    python scripts/tune.py [--tsv tests/data/questions.tsv] [--folds 5]

Prints, for each setting in a small grid, the fold accuracy (top-1 among entries) and the
policy's accuracy, rejection and safety figures on the TSV. It changes nothing.
"""

from __future__ import annotations

import argparse
import itertools
import random
from dataclasses import replace
from pathlib import Path

from bot.engine import Bot, Policy
from bot.evaluation import evaluate, read_cases
from bot.knowledge import load_knowledge
from bot.matcher import Scoring


def fold_accuracy(knowledge, scoring: Scoring, folds: int, seed: int = 7) -> float:
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


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--tsv", type=Path, default=Path("tests/data/questions.tsv"))
    parser.add_argument("--folds", type=int, default=5)
    args = parser.parse_args()
    knowledge = load_knowledge()
    cases = read_cases(args.tsv) if args.tsv.exists() else []
    for exponent, pooled in itertools.product((0.5, 0.6, 0.7), (0.2, 0.3, 0.4, 0.5)):
        scoring = Scoring(recall_exponent=exponent, entry_weight=pooled)
        line = (f"recall_exponent={exponent} entry_weight={pooled}: "
                f"folds {fold_accuracy(knowledge, scoring, args.folds):.3f}")
        if cases:
            report = evaluate(Bot(knowledge, scoring=scoring, policy=Policy()), cases)
            line += (f"  tsv acc {report.accuracy:.3f} rej {report.rejection:.3f} "
                     f"safety {report.safety_recall:.3f}")
        print(line, flush=True)


if __name__ == "__main__":
    main()
