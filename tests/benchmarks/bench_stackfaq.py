"""StackFAQ, an outside FAQ-retrieval benchmark, through the bot's own engine.

    python tests/benchmarks/bench_stackfaq.py [--data ../shared/bench/stackfaq]

Both protocols of the data set's README: ``single`` (each thread's original question only)
and ``alternates`` (plus the thread's first five queries; the rest are asked). The engine is
loaded exactly as ``faqbot --knowledge FILE`` loads it, from an export-shaped JSON file, and
compared in the same run with two baselines: BM25 Okapi (k1 1.2, b 0.75, lowercased words)
and RapidFuzz ``token_set_ratio`` with ``default_process``. Prints P@1, Hit@5 and MRR.
"""

from __future__ import annotations

import argparse
import json
import math
import re
import sys
import tempfile
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from pathlib import Path

from rapidfuzz import fuzz, process, utils

from bot.engine import Bot

Ranker = Callable[[str], list[str]]
ROOT = Path(__file__).resolve().parents[2]


def load(data: Path) -> tuple[list[dict], list[dict]]:
    read = lambda name: [json.loads(line) for line in (data / name).read_text().splitlines() if line]  # noqa: E731
    return read("stackfaq_entries.jsonl"), read("stackfaq_queries.jsonl")


def protocol(entries: list[dict], queries: list[dict], *, alternates: int) -> tuple[dict, list[dict]]:
    """The knowledge base (export JSON shape) and the queries to ask under one protocol."""
    by_thread: dict[int, list[dict]] = defaultdict(list)
    for q in sorted(queries, key=lambda q: q["query_id"]):
        by_thread[q["faq_id"]].append(q)
    kb = {"entries": [
        {"id": f"t{e['faq_id']}", "question": e["question"],
         "alternates": [q["query"] for q in by_thread[e["faq_id"]][:alternates]],
         "answer": (e["answers"] or ["(no answer)"])[0][:500], "sources": ["StackFAQ"], "related": []}
        for e in entries
    ]}
    asked = [q for thread in by_thread.values() for q in thread[alternates:]]
    return kb, asked


def engine_ranker(kb: dict) -> Ranker:
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as handle:
        json.dump(kb, handle)
    bot = Bot.from_path(handle.name)  # what `faqbot --knowledge FILE` does
    Path(handle.name).unlink()
    return lambda text: [c.id for c in bot.closest(text, limit=5)]


def bm25_ranker(kb: dict, *, k1: float = 1.2, b: float = 0.75) -> Ranker:
    words = lambda text: re.findall(r"\w+", text.lower())  # noqa: E731
    docs = [(e["id"], words(p)) for e in kb["entries"] for p in (e["question"], *e["alternates"])]
    df = Counter(w for _, d in docs for w in set(d))
    n, avg = len(docs), sum(len(d) for _, d in docs) / len(docs)
    idf = {w: math.log(1 + (n - f + 0.5) / (f + 0.5)) for w, f in df.items()}
    counts = [(i, Counter(d), len(d)) for i, d in docs]

    def rank(text: str) -> list[str]:
        best: dict[str, float] = {}
        q = words(text)
        for ident, tf, length in counts:
            s = sum(idf[w] * tf[w] * (k1 + 1) / (tf[w] + k1 * (1 - b + b * length / avg))
                    for w in q if w in tf)
            best[ident] = max(best.get(ident, 0.0), s)
        return sorted(best, key=best.__getitem__, reverse=True)[:5]
    return rank


def fuzz_ranker(kb: dict) -> Ranker:
    phrasings = [(e["id"], p) for e in kb["entries"] for p in (e["question"], *e["alternates"])]
    choices = [p for _, p in phrasings]

    def rank(text: str) -> list[str]:
        ranked: list[str] = []
        for _, _, index in process.extract(text, choices, scorer=fuzz.token_set_ratio,
                                           processor=utils.default_process, limit=None):
            ident = phrasings[index][0]
            if ident not in ranked:
                ranked.append(ident)
            if len(ranked) == 5:
                break
        return ranked
    return rank


def score(rank: Ranker, asked: Sequence[dict]) -> tuple[float, float, float]:
    p1 = hit5 = rr = 0.0
    for q in asked:
        ranked = rank(q["query"])
        gold = f"t{q['faq_id']}"
        p1 += bool(ranked) and ranked[0] == gold
        hit5 += gold in ranked[:5]
        rr += 1.0 / (ranked.index(gold) + 1) if gold in ranked[:5] else 0.0
    n = len(asked)
    return p1 / n, hit5 / n, rr / n


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "bench" / "stackfaq")
    args = parser.parse_args()
    if not (args.data / "stackfaq_entries.jsonl").exists():
        print(f"StackFAQ data not found at {args.data}", file=sys.stderr)
        return 2
    entries, queries = load(args.data)
    print("StackFAQ, thread level; MRR counts the top 5 only")
    print(f"{'protocol':<11}{'matcher':<28}{'P@1':>7}{'Hit@5':>7}{'MRR':>7}")
    for name, alternates in (("alternates", 5), ("single", 0)):
        kb, asked = protocol(entries, queries, alternates=alternates)
        for label, build in (("faqbot engine", engine_ranker), ("BM25 Okapi", bm25_ranker),
                             ("rapidfuzz token_set_ratio", fuzz_ranker)):
            p1, hit5, mrr = score(build(kb), asked)
            print(f"{name:<11}{label:<28}{p1:>7.3f}{hit5:>7.3f}{mrr:>7.3f}   ({len(asked)} queries)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
