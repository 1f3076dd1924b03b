"""A classifier learned from labelled example messages: Bernoulli naive Bayes.

Each example is reduced to a set of features (the screen that builds it decides which:
normalised words, word pairs, which phrase rules fired). Learning counts, per label, how
many of its examples show each feature. Reading a message weighs, per label, every feature
the examples know: how likely the label's examples are to show it when the message does,
and not to when it does not. A label's rate is smoothed toward the feature's rate over all
examples, so a word few examples hold does not favour the smallest label for want of
evidence. Learning takes one pass, so a curator's new example counts at the next start; what
it learned is plain numbers (:meth:`ExampleClassifier.tables`), which a command line may
keep on disk (:func:`learned`) so that it need not learn again at every start.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import math
import os
import tempfile
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path
from typing import Any

TABLES_KEPT = 8
"""How many learned classifiers a cache folder keeps (the most recently used)."""


class ExampleClassifier:
    """Bernoulli naive Bayes: per label, a base score and each feature's evidence."""

    def __init__(self, labels: Sequence[str], base: Sequence[float],
                 evidence: Mapping[str, Sequence[float]]) -> None:
        self.labels = tuple(labels)
        self._base = tuple(base)
        self._evidence = evidence

    @classmethod
    def learn(cls, examples: Iterable[tuple[str, frozenset[str]]], *, smoothing: float = 1.0,
              temperature: float = 1.0, min_examples: int = 1) -> ExampleClassifier:
        """Learn from ``(label, features)`` examples. ``smoothing`` is how many examples'
        worth of the overall rate each label's rate of a feature starts from; ``temperature``
        above 1 tempers the summed evidence, which naive Bayes counts as if the features were
        independent (and so is over-sure); a feature fewer than ``min_examples`` examples show
        is left out (a one-off word pair teaches little)."""
        holding: dict[str, Counter[str]] = {}
        sizes: Counter[str] = Counter()
        for label, features in examples:
            holding.setdefault(label, Counter()).update(features)
            sizes[label] += 1
        labels = tuple(holding)
        total = sum(sizes.values())
        overall: Counter[str] = Counter()
        for counts in holding.values():
            overall.update(counts)
        base = [math.log(sizes[label] / total) for label in labels]
        evidence: dict[str, tuple[float, ...]] = {}
        for feature, count in overall.items():
            if count < min_examples:
                continue
            rate = count / (total + 1)  # below 1 even for a feature every example holds
            shown = []
            for n, label in enumerate(labels):
                chance = (holding[label][feature] + smoothing * rate) / (sizes[label] + smoothing)
                base[n] += math.log(1.0 - chance) / temperature  # absent, unless the message has it
                shown.append((math.log(chance) - math.log(1.0 - chance)) / temperature)
            evidence[feature] = tuple(shown)
        return cls(labels, base, evidence)

    def tables(self) -> dict[str, Any]:
        """What it learned, as JSON-ready data (:meth:`from_tables` reads it back); evidence
        to four decimals, far finer than any threshold reads it, and quicker to read back."""
        return {"labels": list(self.labels), "base": list(self._base),
                "evidence": {f: [round(x, 4) for x in e] for f, e in self._evidence.items()}}

    @classmethod
    def from_tables(cls, tables: Mapping[str, Any]) -> ExampleClassifier:
        return cls(tables["labels"], tables["base"], tables["evidence"])

    def probabilities(self, features: Iterable[str]) -> dict[str, float]:
        """Each label's probability for a message with these features."""
        scores = list(self._base)
        for feature in set(features):
            evidence = self._evidence.get(feature)
            if evidence is not None:
                scores = [s + e for s, e in zip(scores, evidence, strict=True)]
        top = max(scores)
        weights = [math.exp(s - top) for s in scores]
        total = sum(weights)
        return {label: w / total for label, w in zip(self.labels, weights, strict=True)}


def word_features(tokens: Sequence[str]) -> frozenset[str]:
    """Words and adjacent word pairs ("want die" reads differently from "want" and "die")."""
    return frozenset((*tokens, *(f"{a} {b}" for a, b in pairwise(tokens))))


@dataclass(frozen=True)
class Cache:
    """Where learned classifiers are kept, and the key of the one wanted: a digest of
    everything its learning reads (examples, rules, code)."""

    directory: Path
    key: str


def learned(learn: Callable[[], ExampleClassifier], *, cache: Cache | None) -> ExampleClassifier:
    """The classifier ``learn`` makes, read from ``cache`` when it holds one learned under the
    same key, else learned and kept there. The cache only ever saves time: a file that cannot
    be read or written is ignored."""
    if cache is None:
        return learn()
    stored = cache.directory / f"safety-{cache.key}.json"
    with contextlib.suppress(OSError, ValueError, KeyError, TypeError):
        classifier = ExampleClassifier.from_tables(json.loads(stored.read_text(encoding="utf-8")))
        with contextlib.suppress(OSError):
            os.utime(stored)  # recently used: kept when the folder is pruned
        return classifier
    classifier = learn()
    with contextlib.suppress(OSError):
        _store(classifier.tables(), stored)
    return classifier


def digest(*parts: str | bytes) -> str:
    """A short digest of ``parts``, for :func:`learned`'s key."""
    sha = hashlib.sha256()
    for part in parts:
        sha.update(part.encode() if isinstance(part, str) else part)
        sha.update(b"\0")
    return sha.hexdigest()[:32]


def _store(tables: dict[str, Any], stored: Path) -> None:
    """Write ``tables`` to ``stored`` whole or not at all, and keep the folder small."""
    stored.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile("w", dir=stored.parent, prefix=".safety-", suffix=".tmp",
                                     delete=False, encoding="utf-8") as handle:
        try:
            json.dump(tables, handle, separators=(",", ":"))
        except BaseException:
            handle.close()
            os.unlink(handle.name)
            raise
    os.replace(handle.name, stored)
    kept = sorted(stored.parent.glob("safety-*.json"), key=lambda p: p.stat().st_mtime,
                  reverse=True)
    for old in kept[TABLES_KEPT:]:
        old.unlink(missing_ok=True)
