"""``faqbot report`` on a question log with known rows."""

from __future__ import annotations

import argparse
import json
import time
from types import SimpleNamespace

import pytest

from adapters import report
from adapters.log import QuestionLog
from bot import Reply

DAY = 86400.0


def reply(kind, entry_id=None, confidence=0.9):
    return Reply(kind=kind, id=entry_id, confidence=confidence, text="...")


@pytest.fixture
def log_path(tmp_path, clock):
    """A log: 41 days ago one question asked 10 times; a day ago, the rows below."""
    clock.now = time.time() - 41 * DAY  # the report counts --days back from now
    path = tmp_path / "questions.sqlite3"
    log = QuestionLog(path, retention_days=365, clock=clock)

    def ask(question, answer, *, times=1, helpful=None, comment=None):
        for _ in range(times):
            reply_id = log.record(channel="web", session_id="s", question=question, reply=answer)
            if helpful is not None:
                log.feedback(reply_id, helpful=helpful, comment=comment)

    ask("an ancient unanswered question", reply("fallback", confidence=0.1), times=10)
    clock.advance(40 * DAY)
    ask("do hpm fellowships sponsor visas", reply("fallback", confidence=0.3), times=3)
    ask("Do HPM fellowships sponsor visas?", reply("fallback", confidence=0.3))
    ask("does hpm fellowship sponsor a visa", reply("clarify", "training-pathway", 0.55))
    ask("salary of palliative doctors", reply("fallback", confidence=0.2))
    ask("palliative doctor salary", reply("fallback", confidence=0.2))
    ask("how much do hpm doctors earn", reply("answer", "aahpm-membership", 0.62))
    ask("how long is fellowship", reply("answer", "fellowship-length", 0.99), times=3,
        helpful=True)
    ask("how long is fellowship", reply("answer", "fellowship-length", 0.99), helpful=False,
        comment="too short, write to jo@example.org")
    ask("board certification", reply("answer", "board-certification", 0.95), times=2,
        helpful=False)
    ask("hi", reply("smalltalk", "greeting", 1.0), times=5)
    log.close()
    return path


def run_report(bot, *arguments):
    parser = argparse.ArgumentParser()
    report.add_command(parser.add_subparsers())
    args = parser.parse_args(["report", *arguments])
    return args.handler(args, SimpleNamespace(load_bot=lambda: bot))


def test_the_json_report_groups_unanswered_questions_and_ranks_unhelpful_answers(
    bot, log_path, capsys
):
    assert run_report(bot, "--db", str(log_path), "--json") == 0
    data = json.loads(capsys.readouterr().out)
    assert (data["days"], data["questions"], data["with_feedback"]) == (30, 19, 6)
    groups = data["unanswered"]
    assert [(g["question"], g["count"], g["fallbacks"]) for g in groups] == [
        ("do hpm fellowships sponsor visas", 5, 4),
        ("salary of palliative doctors", 2, 2),
        ("how much do hpm doctors earn", 1, 0),
    ]
    assert groups[0]["wordings"] == ["does hpm fellowship sponsor a visa"]
    expected = bot.closest("do hpm fellowships sponsor visas", limit=1)[0]
    assert groups[0]["closest"] == {"id": expected.id, "question": expected.question,
                                    "confidence": expected.confidence}
    questions = {entry.id: entry.question for entry in bot.knowledge.entries}
    assert data["unhelpful"] == [
        {"id": "board-certification", "question": questions["board-certification"],
         "unhelpful": 2, "helpful": 0, "comments": []},
        {"id": "fellowship-length", "question": questions["fellowship-length"],
         "unhelpful": 1, "helpful": 3, "comments": ["too short, write to [email]"]},
    ]


def test_days_widens_the_window_and_below_moves_the_line_of_unsure_answers(
    bot, log_path, capsys
):
    run_report(bot, "--db", str(log_path), "--json", "--days", "60", "--below", "0.5")
    groups = json.loads(capsys.readouterr().out)["unanswered"]
    assert groups[0] == {**groups[0], "question": "an ancient unanswered question", "count": 10}
    assert "how much do hpm doctors earn" not in [g["question"] for g in groups]


def test_top_limits_each_list(bot, log_path, capsys):
    run_report(bot, "--db", str(log_path), "--json", "--top", "1")
    data = json.loads(capsys.readouterr().out)
    assert len(data["unanswered"]) == len(data["unhelpful"]) == 1


def test_the_text_report_names_questions_closest_entries_and_comments(bot, log_path, capsys):
    assert run_report(bot, "--db", str(log_path)) == 0
    text = capsys.readouterr().out
    closest = bot.closest("do hpm fellowships sponsor visas", limit=1)[0]
    assert "19 questions in the last 30 days, 6 with feedback" in text
    assert "'do hpm fellowships sponsor visas'  asked 5x, 4 without an answer" in text
    assert f"closest entry: {closest.id}" in text
    assert "also asked as: 'does hpm fellowship sponsor a visa'" in text
    assert "board-certification: 2 unhelpful, 0 helpful" in text
    assert "comment: 'too short, write to [email]'" in text
    assert "ancient" not in text


def test_the_log_path_comes_from_the_environment_when_not_given(bot, log_path, capsys,
                                                                 monkeypatch):
    monkeypatch.setenv("FAQBOT_LOG_PATH", str(log_path))
    assert run_report(bot, "--json") == 0
    assert json.loads(capsys.readouterr().out)["db"] == str(log_path)


def test_an_empty_log_says_none(bot, tmp_path, capsys):
    QuestionLog(tmp_path / "empty.sqlite3").close()
    assert run_report(bot, "--db", str(tmp_path / "empty.sqlite3")) == 0
    assert capsys.readouterr().out.count("(none)") == 2


def test_a_missing_or_foreign_log_is_a_one_line_error(bot, tmp_path, capsys):
    assert run_report(bot, "--db", str(tmp_path / "missing.sqlite3")) == 1
    assert capsys.readouterr().err.strip().endswith("(choose one with --db)")
    (tmp_path / "junk.sqlite3").write_text("not a database at all, just text" * 100)
    assert run_report(bot, "--db", str(tmp_path / "junk.sqlite3")) == 1
    error = capsys.readouterr().err
    assert "is not a readable question log" in error and len(error.strip().splitlines()) == 1


def test_a_bad_log_variable_is_a_one_line_error_unless_db_is_given(bot, log_path, capsys,
                                                                    monkeypatch):
    monkeypatch.setenv("FAQBOT_LOG_PATH", str(log_path))
    monkeypatch.setenv("FAQBOT_LOG_RETENTION_DAYS", "0")
    assert run_report(bot) == 2
    error = capsys.readouterr().err
    assert error.startswith("faqbot report: FAQBOT_LOG_RETENTION_DAYS='0': ")
    assert len(error.strip().splitlines()) == 1
    assert run_report(bot, "--db", str(log_path)) == 0


def test_grouping_thousands_of_distinct_questions_takes_well_under_a_second(bot):
    import random

    from adapters.log import LoggedQuestion

    words = ("fellowship visa salary board exam hospice pain opioid nausea family meeting "
             "rotation research elective pediatric geriatric interview letter match billing "
             "burnout ethics sedation delirium dyspnea grief").split()
    chooser = random.Random(7)
    rows = [
        LoggedQuestion(f"r{n}", 0.0, "web", "s", f"{n} " + " ".join(chooser.sample(words, 5)),
                       "fallback", None, 0.1, None, None)
        for n in range(4000)
    ]
    started = time.perf_counter()
    result = report.build_report(rows, bot)
    assert time.perf_counter() - started < 1.5
    assert len(result.unanswered) == report.DEFAULT_TOP
