"""Write bot/data/english.tsv from the wordfreq package: `pip install wordfreq==3.1.1`, then
`.venv/bin/python scripts/english_words.py` (see bot/data/README.md)."""

import re
from pathlib import Path

import wordfreq

WORDS = 40_000
OUT = Path(__file__).resolve().parent.parent / "bot" / "data" / "english.tsv"

words = [w for w in wordfreq.top_n_list("en", WORDS) if re.fullmatch(r"[a-z]+(?:'[a-z]+)?", w)]
OUT.write_text("".join(f"{w}\t{wordfreq.zipf_frequency(w, 'en'):.2f}\n" for w in words))
print(f"{len(words)} words -> {OUT}")
