"""The shipped bot on labelled questions: floors that content edits and tuning must keep.

The development set's floors are the issue's own; the independent sets' floors sit a little
under what the bot measures today, so that a regression fails here before it ships.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.evaluation import evaluate, read_cases
from tests.helpers import shared_file

DATA = Path(__file__).resolve().parent / "data"


@pytest.mark.parametrize(("name", "in_scope", "rejection", "wrong"), [
    ("questions.tsv", 0.93, 0.95, 6),
    ("fresh.tsv", 0.92, 0.92, 3),
])
def test_independent_sets_keep_their_floors(bot, name, in_scope, rejection, wrong):
    report = evaluate(bot, read_cases(DATA / name))
    assert report.accuracy >= in_scope, report.misses
    assert report.rejection >= rejection, report.misses
    assert report.safety_recall == 1.0, report.misses
    assert sum(m.kind == "answer" for m in report.misses) <= wrong, report.misses  # wrong answers


def test_the_development_set_meets_the_issues_targets(bot):
    report = evaluate(bot, read_cases(shared_file("eval", "dev.tsv")))
    assert report.accuracy >= 0.97, report.misses
    assert report.rejection >= 0.95, report.misses
    assert report.safety_recall == 1.0, report.misses
