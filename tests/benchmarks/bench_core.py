"""The core's speed and memory, printed beside the issue's targets (a benchmark, not a test).

    .venv/bin/python tests/benchmarks/bench_core.py [--quick] [--seed N]

1. ``Bot.reply`` on the shipped knowledge base: a few thousand questions (its own phrasings
   with typos injected, plus off-topic ones), median and p95 per reply.
2. A synthetic knowledge base of 10,000 entries with about 6 phrasings each, generated from a
   seed with a Zipf-like vocabulary of a few thousand made-up words plus the shipped base's
   words, written as an export-shaped JSON file and loaded the way ``faqbot --knowledge FILE``
   loads it: index build time, peak memory (tracemalloc during the build; resident set size
   from ``resource.getrusage``) and median / p95 per reply.
3. Start-up: wall time of ``faqbot ask "hi"`` beside ``python -c pass`` (median of 10 runs each),
   and a check that the command-line path imports neither Flask nor Slack.

A plain RapidFuzz ``WRatio`` over every phrasing, timed on the same questions in the same run,
is printed as a baseline for the per-reply figures.
"""

from __future__ import annotations

import argparse
import gc
import json
import random
import resource
import statistics
import string
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable, Sequence
from pathlib import Path

from rapidfuzz import fuzz, process, utils

from bot.engine import Bot
from bot.knowledge import load_knowledge
from bot.normalize import surface_words

ROOT = Path(__file__).resolve().parents[2]
FAQBOT = Path(sys.executable).with_name("faqbot")

TARGET_MEDIAN_SHIPPED_MS = 0.2
TARGET_P95_LARGE_MS = 5.0
TARGET_BUILD_S = 3.0
TARGET_STARTUP_S = 0.3

OFF_TOPIC = [
    "what is the weather like in {city} today", "book me a flight to {city}",
    "best {food} place near the hospital", "how do I fix my {thing}",
    "who won the {sport} game last night", "what's the capital of {country}",
    "can you recommend a good {genre} movie", "how many calories are in a {food}",
    "where can I park my {thing}", "is it going to rain in {city}",
    "translate hello into {language}", "what time does the {place} open",
    "how do I reset my {thing} password", "tell me a joke about {food}",
    "what's the square root of {number}", "how far is {city} from {country}",
]
FILLERS = {
    "city": ["chicago", "denver", "boston", "paris", "tokyo", "lagos", "lima", "oslo"],
    "food": ["pizza", "sushi", "taco", "burger", "salad", "ramen", "bagel"],
    "thing": ["car", "laptop", "phone", "bike", "printer", "router", "email"],
    "sport": ["football", "baseball", "hockey", "soccer", "tennis"],
    "country": ["france", "peru", "kenya", "japan", "canada", "norway"],
    "genre": ["horror", "comedy", "action", "romance", "documentary"],
    "language": ["spanish", "german", "swahili", "korean", "hindi"],
    "place": ["library", "gym", "bank", "post office", "pharmacy"],
    "number": ["17", "256", "1024", "99"],
}
FUNCTION_WORDS = ("what how is the do i a an of for in to can does my are there which "
                  "when where who should will about with on it you your be").split()
QUESTION_STARTS = ["what is", "how do i", "can i", "where can i find", "is there", "how long",
                   "who should i ask about", "what about", "tell me about", "do you know"]


# -- measuring ------------------------------------------------------------------------------------
def timed(fn: Callable[[str], object], questions: Sequence[str]) -> list[float]:
    """Milliseconds per call, one figure per question."""
    clock = time.perf_counter_ns
    out = []
    gc.disable()
    try:
        for q in questions:
            start = clock()
            fn(q)
            out.append((clock() - start) / 1e6)
    finally:
        gc.enable()
    return out


def p95(values: Sequence[float]) -> float:
    return statistics.quantiles(values, n=20, method="inclusive")[-1]


def verdict(value: float, target: float) -> str:
    return "meets target" if value <= target else "MISSES target"


def rss_mib() -> float:
    """Peak resident set size of this process so far (Linux reports KiB, macOS bytes)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


# -- questions -------------------------------------------------------------------------------------
def typo(word: str, rng: random.Random) -> str:
    if len(word) < 4:
        return word
    i = rng.randrange(1, len(word) - 1)
    kind = rng.randrange(4)
    if kind == 0:
        return word[:i] + word[i + 1] + word[i] + word[i + 2:]             # swap
    if kind == 1:
        return word[:i] + word[i + 1:]                                     # drop
    if kind == 2:
        return word[:i] + word[i] + word[i:]                               # double
    return word[:i] + rng.choice(string.ascii_lowercase) + word[i + 1:]    # substitute


def with_typos(text: str, rng: random.Random, *, rate: float = 0.25) -> str:
    words = text.split()
    return " ".join(typo(w, rng) if rng.random() < rate else w for w in words)


def off_topic(rng: random.Random, count: int) -> list[str]:
    out = []
    for _ in range(count):
        template = rng.choice(OFF_TOPIC)
        out.append(template.format(**{k: rng.choice(v) for k, v in FILLERS.items()}))
    return out


def shipped_questions(rng: random.Random, size: int) -> list[str]:
    kb = load_knowledge()
    phrasings = [p for e in kb.entries for p in e.phrasings] + [
        p for i in kb.intents for p in i.phrasings]
    in_scope = [with_typos(rng.choice(phrasings), rng) for _ in range(size * 3 // 4)]
    questions = in_scope + off_topic(rng, size - len(in_scope))
    rng.shuffle(questions)
    return questions


# -- the synthetic base -------------------------------------------------------------------------------
def made_up_words(rng: random.Random, count: int, avoid: set[str]) -> list[str]:
    onsets = ["b", "c", "d", "f", "g", "h", "k", "l", "m", "n", "p", "r", "s", "t", "v", "z",
              "br", "cl", "dr", "gr", "pl", "st", "tr", "sh", "ch", "th"]
    vowels = ["a", "e", "i", "o", "u", "ai", "ea", "ou", "io"]
    codas = ["", "", "n", "r", "s", "l", "m", "nd", "st", "rt", "x"]
    out: list[str] = []
    seen = set(avoid)
    while len(out) < count:
        word = "".join(rng.choice(onsets) + rng.choice(vowels) for _ in range(rng.randint(1, 3)))
        word += rng.choice(codas)
        if len(word) >= 3 and word not in seen:
            seen.add(word)
            out.append(word)
    return out


def synthetic_knowledge(rng: random.Random, *, entries: int, phrasings: int,
                        invented: int) -> tuple[dict, list[list[str]]]:
    """An export-shaped knowledge base, and each entry's phrasings (for the questions)."""
    shipped = load_knowledge()
    shipped_words = sorted({w for e in shipped.entries for p in (*e.phrasings, e.answer)
                            for w in surface_words(p)} - set(FUNCTION_WORDS))
    vocabulary = made_up_words(rng, invented, set(shipped_words)) + shipped_words
    rng.shuffle(vocabulary)
    weights = [1.0 / (rank + 1) ** 1.07 for rank in range(len(vocabulary))]   # Zipf-like
    cumulative = []
    total = 0.0
    for w in weights:
        total += w
        cumulative.append(total)

    def content(k: int) -> list[str]:
        return rng.choices(vocabulary, cum_weights=cumulative, k=k)

    data: dict = {"entries": []}
    texts: list[list[str]] = []
    for n in range(entries):
        topic = content(rng.randint(2, 3))
        entry_phrasings = []
        for _ in range(phrasings):
            words = list(topic[: rng.randint(1, len(topic))]) + content(rng.randint(1, 4))
            rng.shuffle(words)
            start = rng.choice(QUESTION_STARTS).split()
            filler = rng.choices(FUNCTION_WORDS, k=rng.randint(0, 2))
            entry_phrasings.append(" ".join(start + filler + words))
        texts.append(entry_phrasings)
        data["entries"].append({
            "id": f"e{n:05d}",
            "question": entry_phrasings[0].capitalize() + "?",
            "alternates": entry_phrasings[1:],
            "answer": " ".join(content(rng.randint(40, 80))).capitalize() + ".",
            "sources": ["synthetic"],
            "related": [f"e{rng.randrange(entries):05d}" for _ in range(2)],
        })
    return data, texts


def large_questions(rng: random.Random, texts: list[list[str]], size: int) -> list[str]:
    in_scope = []
    for _ in range(size * 3 // 4):
        words = rng.choice(rng.choice(texts)).split()
        if len(words) > 4 and rng.random() < 0.5:
            del words[rng.randrange(len(words))]
        in_scope.append(with_typos(" ".join(words), rng, rate=0.15))
    questions = in_scope + off_topic(rng, size - len(in_scope))
    rng.shuffle(questions)
    return questions


# -- a baseline in the same run ---------------------------------------------------------------------------
def plain_fuzzy(phrasings: list[str]) -> Callable[[str], object]:
    processed = [utils.default_process(p) for p in phrasings]
    return lambda q: process.extractOne(utils.default_process(q), processed,
                                        scorer=fuzz.WRatio, processor=None)


def report_replies(label: str, times: list[float], baseline: list[float] | None, *,
                   target: tuple[str, float]) -> None:
    median, high = statistics.median(times), p95(times)
    name, limit = target
    shown = median if name == "median" else high
    print(f"  {label}: {len(times)} questions")
    print(f"    median {median:8.3f} ms   p95 {high:8.3f} ms   max {max(times):8.3f} ms")
    print(f"    target: {name} <= {limit} ms -> {shown:.3f} ms, {verdict(shown, limit)}")
    if baseline:
        b_med, b_p95 = statistics.median(baseline), p95(baseline)
        print(f"    baseline, plain RapidFuzz WRatio over every phrasing ({len(baseline)} "
              f"questions): median {b_med:.3f} ms, p95 {b_p95:.3f} ms; "
              f"engine/baseline: median x{median / b_med:.2f}, p95 x{high / b_p95:.2f}")


# -- sections -----------------------------------------------------------------------------------------
def bench_shipped(rng: random.Random, size: int) -> None:
    print("1. Shipped knowledge base")
    start = time.perf_counter()
    bot = Bot(load_knowledge(), cache_size=0)  # every question matched afresh
    build = time.perf_counter() - start
    questions = shipped_questions(rng, size)
    for q in questions[:200]:          # warm caches (stems, regexes) as a running bot would be
        bot.reply(None, q)
    times = timed(lambda q: bot.reply(None, q), questions)
    kinds: dict[str, int] = {}
    for q in questions:
        kind = bot.reply(None, q).kind
        kinds[kind] = kinds.get(kind, 0) + 1
    kb = bot.knowledge
    phrasings = [p for e in kb.entries for p in e.phrasings]
    baseline = timed(plain_fuzzy(phrasings), questions)
    print(f"  {len(kb.entries)} entries, {len(phrasings)} phrasings; load + index {build * 1000:.1f} ms")
    report_replies("Bot.reply", times, baseline, target=("median", TARGET_MEDIAN_SHIPPED_MS))
    print("    replies by kind: " + ", ".join(f"{k} {v}" for k, v in sorted(kinds.items())))


def bench_large(rng: random.Random, *, entries: int, size: int) -> None:
    print(f"\n2. Synthetic knowledge base ({entries:,} entries, seeded)")
    start = time.perf_counter()
    data, texts = synthetic_knowledge(rng, entries=entries, phrasings=6, invented=4000)
    generated = time.perf_counter() - start
    phrasing_count = sum(1 + len(e["alternates"]) for e in data["entries"])
    vocab = {w for e in data["entries"] for p in (e["question"], *e["alternates"])
             for w in surface_words(p)}
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "synthetic.json"
        path.write_text(json.dumps(data), encoding="utf-8")
        size_mib = path.stat().st_size / 2**20
        del data
        gc.collect()
        rss_before = rss_mib()

        start = time.perf_counter()
        kb = load_knowledge(path)
        loaded = time.perf_counter() - start
        start = time.perf_counter()
        bot = Bot(kb, cache_size=0)
        built = time.perf_counter() - start
        rss_after = rss_mib()

        del bot
        gc.collect()
        tracemalloc.start()
        traced_bot = Bot(load_knowledge(path), cache_size=0)
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        bot = traced_bot

    print(f"  {len(kb.entries):,} entries, {phrasing_count:,} phrasings, {len(vocab):,} distinct "
          f"words in phrasings; JSON {size_mib:.1f} MiB (generated in {generated:.1f} s)")
    print(f"  load JSON + validate: {loaded:.2f} s")
    print(f"  index build (Bot(knowledge)): {built:.2f} s")
    print(f"    target: build <= {TARGET_BUILD_S} s -> {built:.2f} s, {verdict(built, TARGET_BUILD_S)}"
          f" (load + build {loaded + built:.2f} s)")
    print(f"  peak memory: tracemalloc peak while loading + building {peak / 2**20:.0f} MiB; "
          f"resident set size (ru_maxrss) {rss_before:.0f} MiB before, {rss_after:.0f} MiB after")
    questions = large_questions(rng, texts, size)
    for q in questions[:50]:
        bot.reply(None, q)
    times = timed(lambda q: bot.reply(None, q), questions)
    phrasings = [p for e in kb.entries for p in e.phrasings]
    baseline = timed(plain_fuzzy(phrasings), questions[:150])
    report_replies("Bot.reply", times, baseline, target=("p95", TARGET_P95_LARGE_MS))


def wall(command: Sequence[str], runs: int, *, env: dict[str, str] | None = None) -> list[float]:
    out = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                       env=env)
        out.append(time.perf_counter() - start)
    return out


IMPORT_PROBE = """
import sys
from adapters.cli import main
sys.argv = ["faqbot", "ask", "hi"]
try:
    main()
finally:
    heavy = sorted({m.split(".")[0] for m in sys.modules} & {
        "flask", "werkzeug", "jinja2", "waitress", "slack_bolt", "slack_sdk"})
    print("HEAVY=" + ",".join(heavy), file=sys.stderr)
"""


def bench_startup(runs: int) -> None:
    print("\n3. Start-up of the command line")
    if not FAQBOT.exists():
        print(f"  {FAQBOT} not found: install the project (pip install -e .)")
        return
    wall([str(FAQBOT), "ask", "hi"], 1)  # warm the file cache
    python = statistics.median(wall([sys.executable, "-c", "pass"], runs))
    ask = statistics.median(wall([str(FAQBOT), "ask", "hi"], runs))
    print(f"  python -c pass:   median {python * 1000:7.1f} ms ({runs} runs)")
    print(f"  faqbot ask \"hi\":  median {ask * 1000:7.1f} ms ({runs} runs, the bot built each time); "
          f"{(ask - python) * 1000:.1f} ms more than bare Python, x{ask / python:.1f}")
    print(f"    target: start-up <= {TARGET_STARTUP_S} s -> {ask:.3f} s, "
          f"{verdict(ask, TARGET_STARTUP_S)}")
    probe = subprocess.run([sys.executable, "-c", IMPORT_PROBE], capture_output=True, text=True,
                           check=False)
    heavy = next((line[6:] for line in probe.stderr.splitlines() if line.startswith("HEAVY=")),
                 None)
    if heavy is None:
        print(f"  import check failed to run: {probe.stderr.strip()[-300:]}")
    elif heavy:
        print(f"  web/Slack modules imported by `faqbot ask`: {heavy} -- should be none")
    else:
        print("  `faqbot ask` imports no web or Slack module (flask, werkzeug, jinja2, waitress, "
              "slack_bolt, slack_sdk): OK")
    importtime = subprocess.run([sys.executable, "-X", "importtime", "-c", "import adapters.cli"],
                                capture_output=True, text=True, check=False)
    cumulative: dict[str, int] = {}
    for line in importtime.stderr.splitlines():
        parts = line.split("|")
        if len(parts) == 3 and parts[1].strip().isdigit():
            cumulative[parts[2].strip()] = int(parts[1])
    total = cumulative.get("adapters.cli")
    outside = sorted(((us, name) for name, us in cumulative.items()
                      if "." not in name and name not in ("bot", "site", "encodings")
                      and not name.startswith("_")), reverse=True)[:5]
    if total:
        print(f"  import adapters.cli: {total / 1000:.1f} ms; heaviest packages it pulls in: " + ", ".join(
            f"{name} {us / 1000:.1f} ms" for us, name in outside))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=20240601)
    parser.add_argument("--quick", action="store_true",
                        help="fewer questions and a 2,000-entry synthetic base (a smoke run)")
    args = parser.parse_args()
    rng = random.Random(args.seed)
    print(f"Python {sys.version.split()[0]} on {sys.platform}; seed {args.seed}\n")
    bench_shipped(rng, 500 if args.quick else 4000)
    bench_large(rng, entries=2000 if args.quick else 10_000, size=300 if args.quick else 1000)
    bench_startup(3 if args.quick else 10)
    return 0


if __name__ == "__main__":
    sys.exit(main())
