"""The question log that curators learn from: one SQLite table shared by the web and Slack faces.

Every question is stored redacted (see :mod:`adapters.redact`) with its time, channel, session
and the reply's kind, id and confidence; feedback is attached to it later by ``reply_id``.
Rows older than the retention period are deleted at start-up and then once an hour.

Answering never waits for the disk: ``record`` hands the row to a writer thread, which stores
whatever has gathered in one transaction (row by row if that fails, so that one row SQLite
refuses cannot take the others with it; the refused rows are dropped, counted and logged).
``feedback``, ``purge``, ``close`` and ``read_questions`` (for a log open in the same process)
first wait for the rows recorded so far.
"""

from __future__ import annotations

import logging
import secrets
import sqlite3
import threading
import time
import weakref
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from adapters.redact import redact
from bot import MAX_QUESTION_CHARS, Reply

#: Where the log lives unless configured otherwise (relative to the working directory).
DEFAULT_LOG_PATH = "faqbot-log.sqlite3"
DEFAULT_RETENTION_DAYS = 90
#: Longest feedback comment kept; longer ones are cut.
MAX_COMMENT_CHARS = 1000
#: Rows waiting for the writer beyond this are dropped (and counted) rather than use up memory.
MAX_PENDING_ROWS = 10_000
_PURGE_INTERVAL_SECONDS = 3600.0
_WRITE_EVERY = 0.05  # seconds: how long a recorded row may wait for the writer
_SECONDS_PER_DAY = 86400.0

_SCHEMA = """
CREATE TABLE IF NOT EXISTS questions (
    reply_id    TEXT PRIMARY KEY,
    created_at  REAL NOT NULL,     -- Unix time, seconds
    channel     TEXT NOT NULL,     -- web, slack, cli
    session_id  TEXT NOT NULL,
    question    TEXT NOT NULL,     -- redacted
    kind        TEXT NOT NULL,     -- answer, clarify, smalltalk, safety, fallback
    entry_id    TEXT,              -- the reply's id; NULL for a fallback
    confidence  REAL NOT NULL,
    helpful     INTEGER,           -- NULL until feedback, then 1 or 0
    comment     TEXT,              -- redacted
    feedback_at REAL
);
CREATE INDEX IF NOT EXISTS questions_created_at ON questions (created_at);
"""
_INSERT = (
    "INSERT INTO questions (reply_id, created_at, channel, session_id, question, kind, entry_id,"
    " confidence) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
)

_logger = logging.getLogger(__name__)
# The logs open in this process, so that read_questions can wait for their rows.
_open_logs: weakref.WeakValueDictionary[Path, QuestionLog] = weakref.WeakValueDictionary()


@dataclass(frozen=True)
class LoggedQuestion:
    """One stored row of the log."""

    reply_id: str
    created_at: float
    channel: str
    session_id: str
    question: str
    kind: str
    entry_id: str | None
    confidence: float
    helpful: bool | None
    comment: str | None


class QuestionLog:
    """The SQLite question log; every method is safe to call from many threads at once."""

    def __init__(
        self,
        path: str | Path,
        *,
        enabled: bool = True,
        retention_days: int = DEFAULT_RETENTION_DAYS,
        clock: Callable[[], float] = time.time,
    ) -> None:
        if retention_days < 1:
            raise ValueError(f"retention_days must be at least 1, not {retention_days}")
        self.path = Path(path)
        self.enabled = enabled
        self.retention_days = retention_days
        #: Rows dropped because the writer fell more than MAX_PENDING_ROWS behind or because
        #: the database refused them.
        self.dropped = 0
        self._clock = clock
        self._pending: list[tuple[object, ...]] = []
        self._recorded = self._stored = 0
        self._closing = self._hurry = False
        self._changed = threading.Condition()  # guards the fields above
        self._database_lock = threading.Lock()  # guards the connection
        self._connection: sqlite3.Connection | None = None
        self._last_purge = 0.0
        self._dropped_reported = 0  # how many of the dropped rows were logged as such
        if enabled:
            self._connection = _connect(self.path)
            self._delete_old()
            _open_logs[self.path.resolve()] = self
            self._writer = threading.Thread(
                target=self._write_forever, name="question-log-writer", daemon=True
            )
            self._writer.start()

    def record(self, *, channel: str, session_id: str, question: str, reply: Reply) -> str:
        """Log one question and its reply; returns the new ``reply_id`` for feedback.

        When the log is disabled, nothing is stored and a fresh id is still returned.
        """
        reply_id = secrets.token_urlsafe(16)
        if not self.enabled:
            return reply_id
        row = (reply_id, self._clock(), channel, _storable(session_id),
               redact(_storable(question[:MAX_QUESTION_CHARS])), reply.kind, reply.id,
               float(reply.confidence))
        with self._changed:
            if len(self._pending) >= MAX_PENDING_ROWS:
                self.dropped += 1
            else:
                self._pending.append(row)
                self._recorded += 1
        return reply_id

    def feedback(self, reply_id: str, *, helpful: bool, comment: str | None = None) -> bool:
        """Attach feedback to a logged reply (a later call replaces it); False if it is unknown.

        When the log is disabled, the feedback is accepted and discarded (returns True).
        """
        if not self.enabled:
            return True
        stored_comment = redact(_storable(comment[:MAX_COMMENT_CHARS])) if comment else None
        self.flush()
        with self._database_lock, self._open_connection() as connection:
            cursor = connection.execute(
                "UPDATE questions SET helpful = ?, comment = ?, feedback_at = ?"
                " WHERE reply_id = ?",
                (int(helpful), stored_comment, self._clock(), reply_id),
            )
        return cursor.rowcount > 0

    def purge(self) -> int:
        """Delete the rows older than the retention period; returns how many went."""
        if not self.enabled:
            return 0
        self.flush()
        return self._delete_old()

    def flush(self) -> None:
        """Wait until every row recorded so far is stored."""
        if not self.enabled:
            return
        with self._changed:
            target = self._recorded
            self._hurry = True
            self._changed.notify_all()
            while self._stored < target and self._writer.is_alive():
                self._changed.wait(timeout=1.0)

    def close(self) -> None:
        """Store what is pending and close the database; the log must not be used afterwards."""
        if not self.enabled:
            return
        with self._changed:
            self._closing = True
            self._changed.notify_all()
        self._writer.join()
        with self._database_lock:
            if self._connection is not None:
                self._connection.close()
                self._connection = None

    def _write_forever(self) -> None:
        closing = False
        while not closing:
            with self._changed:
                # Wake up now and then, or when asked to, and store what has gathered.
                self._changed.wait_for(lambda: self._closing or self._hurry, timeout=_WRITE_EVERY)
                self._hurry = False
                closing = self._closing
                rows, self._pending = self._pending, []
            # Nothing may end this thread: every later question would be lost unnoticed.
            failed = self._insert(rows) if rows else 0
            try:
                if self._clock() - self._last_purge >= _PURGE_INTERVAL_SECONDS:
                    self._delete_old()
            except Exception:
                self._last_purge = self._clock()  # try again in an hour, not at every batch
                _logger.exception("could not delete the old questions from %s", self.path)
            with self._changed:
                self.dropped += failed
                self._stored += len(rows)
                newly_dropped = self.dropped - self._dropped_reported
                self._dropped_reported = self.dropped
                self._changed.notify_all()
            if newly_dropped:
                _logger.warning("dropped %d questions not stored in %s (%d since start)",
                                newly_dropped, self.path, self._dropped_reported)

    def _insert(self, rows: list[tuple[object, ...]]) -> int:
        """Store ``rows`` in one transaction, else one by one; returns how many failed."""
        try:
            self._insert_in_one_transaction(rows)
            return 0
        except Exception as error:  # not only sqlite3.Error: UnicodeEncodeError, MemoryError ...
            first_error = error
        failed = 1 if len(rows) == 1 else 0
        for row in rows if len(rows) > 1 else ():
            try:
                self._insert_in_one_transaction([row])
            except Exception:
                failed += 1
        if failed:
            _logger.error("could not store %d of %d questions in %s", failed, len(rows),
                          self.path, exc_info=first_error)
        return failed

    def _insert_in_one_transaction(self, rows: list[tuple[object, ...]]) -> None:
        with self._database_lock, self._open_connection() as connection:
            connection.executemany(_INSERT, rows)

    def _delete_old(self) -> int:
        now = self._clock()
        with self._database_lock, self._open_connection() as connection:
            self._last_purge = now
            cursor = connection.execute(
                "DELETE FROM questions WHERE created_at < ?",
                (now - self.retention_days * _SECONDS_PER_DAY,),
            )
        return cursor.rowcount

    def _open_connection(self) -> sqlite3.Connection:
        if self._connection is None:
            raise RuntimeError(f"the question log {self.path} is closed")
        return self._connection


def read_questions(
    path: str | Path, *, days: float | None = None, clock: Callable[[], float] = time.time
) -> list[LoggedQuestion]:
    """The rows of the log at ``path``, oldest first; only the last ``days`` days when given.

    Reads without changing anything; raises ``FileNotFoundError`` when there is no file and
    ``sqlite3.DatabaseError`` when it is not a question log.
    """
    path = Path(path)
    open_log = _open_logs.get(path.resolve())
    if open_log is not None:
        open_log.flush()
    if not path.is_file():
        raise FileNotFoundError(f"no question log at {path}")
    since = clock() - days * _SECONDS_PER_DAY if days is not None else float("-inf")
    connection = sqlite3.connect(f"{path.resolve().as_uri()}?mode=rw", uri=True)
    try:
        rows = connection.execute(
            "SELECT reply_id, created_at, channel, session_id, question, kind, entry_id,"
            " confidence, helpful, comment FROM questions WHERE created_at >= ?"
            " ORDER BY created_at, rowid",
            (since,),
        ).fetchall()
    finally:
        connection.close()
    return [
        LoggedQuestion(*row[:8], helpful=None if row[8] is None else bool(row[8]), comment=row[9])
        for row in rows
    ]


@dataclass(frozen=True)
class LogSettings:
    """Where the log is, whether it is on and how long it keeps questions."""

    path: str = DEFAULT_LOG_PATH
    enabled: bool = True
    retention_days: int = DEFAULT_RETENTION_DAYS

    def open(self) -> QuestionLog:
        return QuestionLog(self.path, enabled=self.enabled, retention_days=self.retention_days)


def parse_boolean(text: str) -> bool:
    """``true``/``false`` and their usual spellings; ValueError otherwise."""
    value = text.strip().lower()
    if value in ("1", "true", "yes", "on"):
        return True
    if value in ("0", "false", "no", "off"):
        return False
    raise ValueError("expected true or false")


def parse_positive(text: str) -> int:
    """A whole number of at least 1; ValueError otherwise."""
    value = int(text)
    if value < 1:
        raise ValueError("expected a whole number of at least 1")
    return value


def read_variables(
    environ: Mapping[str, str], variables: Mapping[str, tuple[str, Callable[[str], Any]]]
) -> dict[str, Any]:
    """``{key: parse(value)}`` for each ``variable: (key, parse)`` set and not empty in ``environ``.

    Raises ``ValueError`` naming the variable and its value when one cannot be read.
    """
    values = {}
    for variable, (key, parse) in variables.items():
        text = environ.get(variable, "")
        if not text.strip():
            continue
        try:
            values[key] = parse(text)
        except ValueError as error:
            raise ValueError(f"{variable}={text!r}: {error}") from None
    return values


_LOG_VARIABLES: Mapping[str, tuple[str, Callable[[str], Any]]] = {
    "FAQBOT_LOG_PATH": ("path", str),
    "FAQBOT_LOG_ENABLED": ("enabled", parse_boolean),
    "FAQBOT_LOG_RETENTION_DAYS": ("retention_days", parse_positive),
}


def log_settings_from_env(environ: Mapping[str, str]) -> LogSettings:
    """``FAQBOT_LOG_PATH``, ``FAQBOT_LOG_ENABLED`` and ``FAQBOT_LOG_RETENTION_DAYS``, the one
    reading of them for every face; raises ``ValueError`` naming a variable that is malformed.
    """
    return LogSettings(**read_variables(environ, _LOG_VARIABLES))


def _storable(text: str) -> str:
    """``text`` as UTF-8 can hold it: lone surrogates (which JSON can carry) become "?"."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return text.encode("utf-8", errors="replace").decode("utf-8")
    return text


def _connect(path: Path) -> sqlite3.Connection:
    path.parent.mkdir(parents=True, exist_ok=True)
    # Shared by threads under QuestionLog's database lock; `with connection` is a transaction.
    connection = sqlite3.connect(path, check_same_thread=False)
    connection.execute("PRAGMA journal_mode = WAL")
    connection.execute("PRAGMA synchronous = NORMAL")
    connection.execute("PRAGMA busy_timeout = 5000")
    connection.executescript(_SCHEMA)
    return connection
