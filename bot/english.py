"""How common English words are, from a list the core ships (see bot/data/README.md)."""

from __future__ import annotations

import functools
from collections.abc import Mapping
from pathlib import Path

_LIST = Path(__file__).resolve().parent / "data" / "english.tsv"


@functools.cache
def zipf() -> Mapping[str, float]:
    """Each of the 40,000 most frequent English words -> its Zipf frequency (about 1 to 8:
    log10 of its occurrences per billion words), read once."""
    fields = _LIST.read_text(encoding="utf-8").split()
    return dict(zip(fields[0::2], map(float, fields[1::2]), strict=True))
