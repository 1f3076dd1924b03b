"""The question log: redaction, retention, feedback, switching off, many threads at once."""

from __future__ import annotations

import sqlite3
import threading
import time

import pytest

from adapters.log import QuestionLog, read_questions
from adapters.redact import redact
from bot import MAX_QUESTION_CHARS, Reply

DAY = 86400.0
ANSWER = Reply(kind="answer", id="fellowship-length", confidence=0.91, text="One year.")


@pytest.fixture
def log(tmp_path, clock):
    log = QuestionLog(tmp_path / "questions.sqlite3", retention_days=30, clock=clock)
    yield log
    log.close()


def record(log, question="how long is fellowship", reply=ANSWER, session_id="s1"):
    return log.record(channel="web", session_id=session_id, question=question, reply=reply)


@pytest.mark.parametrize("text, expected", [
    ("email jo.smith+hpm@med.example.edu now", "email [email] now"),
    ("call (555) 123-4567 or 555.123.4567", "call [number] or [number]"),
    ("call +44 20 7946 0958 please", "call [number] please"),
    ("MRN 00123456 and 7654321", "MRN [number] and [number]"),
    ("zip 02115", "zip [number]"),
    ("ssn 123-45-6789", "ssn [number]"),
    ("born 03/14/1950 or 1950-03-14", "born [date] or [date]"),
    ("PGY-3, 2 years, 1 year of fellowship, $250,000, in 2025",
     "PGY-3, 2 years, 1 year of fellowship, $250,000, in 2025"),
])
def test_personal_details_are_redacted_and_career_numbers_kept(text, expected):
    assert redact(text) == expected


def test_a_question_is_stored_redacted_with_its_reply(log, clock):
    reply_id = record(log, "patient jo@example.org MRN 12345678 how long is fellowship")
    [row] = read_questions(log.path)
    assert row.reply_id == reply_id
    assert row.created_at == clock.now
    assert (row.channel, row.session_id) == ("web", "s1")
    assert row.question == "patient [email] MRN [number] how long is fellowship"
    assert (row.kind, row.entry_id, row.confidence) == ("answer", "fellowship-length", 0.91)
    assert (row.helpful, row.comment) == (None, None)


def test_a_question_is_stored_no_longer_than_the_core_reads(log):
    record(log, "a" * (MAX_QUESTION_CHARS + 500))
    assert len(read_questions(log.path)[0].question) == MAX_QUESTION_CHARS


def test_a_fallback_is_stored_without_an_id(log):
    record(log, reply=Reply(kind="fallback", id=None, confidence=0.1, text="Sorry."))
    assert read_questions(log.path)[0].entry_id is None


def test_feedback_is_attached_and_its_comment_redacted(log):
    reply_id = record(log)
    assert log.feedback(reply_id, helpful=False, comment="wrong, email me: a@b.co")
    [row] = read_questions(log.path)
    assert (row.helpful, row.comment) == (False, "wrong, email me: [email]")
    assert log.feedback(reply_id, helpful=True)  # a second click replaces the first
    [row] = read_questions(log.path)
    assert (row.helpful, row.comment) == (True, None)


def test_feedback_on_an_unknown_reply_is_refused(log):
    record(log)
    assert log.feedback("unknown", helpful=True) is False
    assert read_questions(log.path)[0].helpful is None


def test_reply_ids_are_unique(log):
    assert len({record(log) for _ in range(200)}) == 200


def test_purge_deletes_only_rows_older_than_the_retention(log, clock):
    record(log, "old")
    clock.advance(20 * DAY)
    record(log, "recent")
    log.flush()  # stored before the clock moves on
    clock.advance(11 * DAY)
    assert log.purge() == 1
    assert [row.question for row in read_questions(log.path)] == ["recent"]


def test_old_rows_are_purged_at_start_and_while_recording(tmp_path, clock):
    path = tmp_path / "questions.sqlite3"
    first = QuestionLog(path, retention_days=1, clock=clock)
    record(first, "old")
    first.close()
    clock.advance(2 * DAY)
    second = QuestionLog(path, retention_days=1, clock=clock)
    assert read_questions(path) == []
    record(second, "day two")
    clock.advance(2 * DAY)
    record(second, "day four")
    assert [row.question for row in read_questions(path)] == ["day four"]
    second.close()


def test_reading_the_last_days_only(log, clock):
    record(log, "earlier")
    clock.advance(10 * DAY)
    record(log, "later")
    rows = read_questions(log.path, days=5, clock=clock)
    assert [row.question for row in rows] == ["later"]


def test_a_disabled_log_returns_ids_but_stores_nothing(tmp_path):
    log = QuestionLog(tmp_path / "off.sqlite3", enabled=False)
    assert record(log) != record(log)
    assert log.feedback("anything", helpful=True) is True
    assert log.purge() == 0
    assert not (tmp_path / "off.sqlite3").exists()


def test_the_database_is_in_wal_mode(log):
    connection = sqlite3.connect(log.path)
    assert connection.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    connection.close()


def test_a_retention_below_one_day_is_refused(tmp_path):
    with pytest.raises(ValueError, match="retention_days"):
        QuestionLog(tmp_path / "x.sqlite3", retention_days=0)


def test_many_threads_record_and_give_feedback_at_once(log):
    errors: list[BaseException] = []

    def work(number: int) -> None:
        try:
            for _ in range(50):
                log.feedback(record(log, session_id=f"t{number}"), helpful=True)
        except BaseException as error:  # any error fails the test below
            errors.append(error)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    rows = read_questions(log.path)
    assert errors == []
    assert len(rows) == 400 and all(row.helpful for row in rows)


def test_reading_a_missing_or_foreign_file_fails_clearly(tmp_path):
    with pytest.raises(FileNotFoundError):
        read_questions(tmp_path / "missing.sqlite3")
    other = tmp_path / "other.sqlite3"
    sqlite3.connect(other).execute("CREATE TABLE t (x)").connection.close()
    with pytest.raises(sqlite3.DatabaseError):
        read_questions(other)


def test_recording_never_waits_for_the_database_and_a_backlog_is_bounded(log, monkeypatch):
    monkeypatch.setattr("adapters.log.MAX_PENDING_ROWS", 3)
    with log._database_lock:  # the writer is stuck, as behind a slow disk
        started = time.perf_counter()
        ids = [record(log, f"question {n}") for n in range(10)]
        assert time.perf_counter() - started < 1.0
    assert log.dropped > 0
    stored = read_questions(log.path)
    assert len(stored) == 10 - log.dropped
    assert {row.reply_id for row in stored} < set(ids)


def test_closing_stores_what_is_pending(tmp_path):
    log = QuestionLog(tmp_path / "questions.sqlite3")
    reply_ids = [record(log) for _ in range(50)]
    log.close()
    assert [row.reply_id for row in read_questions(tmp_path / "questions.sqlite3")] == reply_ids


def test_feedback_right_after_recording_finds_the_reply(log):
    for _ in range(20):
        assert log.feedback(record(log), helpful=True)


def test_text_that_is_not_valid_unicode_is_stored_with_a_replacement(log):
    reply_id = record(log, "hi \ud800 there")
    assert log.feedback(reply_id, helpful=False, comment="bad \udfff answer")
    [row] = read_questions(log.path)
    assert (row.question, row.comment) == ("hi ? there", "bad ? answer")


def test_a_row_that_cannot_be_stored_is_dropped_alone_and_the_writer_lives_on(log, monkeypatch):
    # A row SQLite refuses with something other than sqlite3.Error (here UnicodeEncodeError).
    monkeypatch.setattr("adapters.log.redact", lambda text: text.replace("bad", "\ud800"))
    with log._database_lock:  # the three rows reach the writer in one batch
        good = record(log, "a good question")
        record(log, "a bad question")
        also = record(log, "another good question")
    log.flush()
    assert log.dropped == 1
    later = record(log, "a question asked later")
    assert [row.reply_id for row in read_questions(log.path)] == [good, also, later]


def test_a_failing_purge_does_not_stop_the_writer(log, clock, monkeypatch):
    def broken():
        raise OSError("disk on fire")

    monkeypatch.setattr(log, "_delete_old", broken)
    clock.advance(2 * 3600)  # a purge is due
    first = record(log)
    log.flush()
    second = record(log)
    assert [row.reply_id for row in read_questions(log.path)] == [first, second]
