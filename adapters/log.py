"""The question log that curators learn from: one SQLite table shared by the web and Slack faces.

Every question is stored redacted (see :mod:`adapters.redact`) with its time, channel, session
and the reply's kind, id and confidence; feedback is attached to it later by ``reply_id``.
Rows older than the retention period are deleted at start-up and then once an hour.
"""

from __future__ import annotations

import secrets
import sqlite3
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from adapters.redact import redact
from bot import MAX_QUESTION_CHARS, Reply

#: Where the log lives unless configured otherwise (relative to the working directory).
DEFAULT_LOG_PATH = "faqbot-log.sqlite3"
DEFAULT_RETENTION_DAYS = 90
#: Longest feedback comment kept; longer ones are cut.
MAX_COMMENT_CHARS = 1000
_PURGE_INTERVAL_SECONDS = 3600.0
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
        self._clock = clock
        self._lock = threading.Lock()
        self._connection: sqlite3.Connection | None = None
        self._last_purge = 0.0
        if enabled:
            self._connection = _connect(self.path)
            self.purge()

    def record(self, *, channel: str, session_id: str, question: str, reply: Reply) -> str:
        """Store one question and its reply; returns the new ``reply_id`` for feedback.

        When the log is disabled, nothing is stored and a fresh id is still returned.
        """
        reply_id = secrets.token_urlsafe(16)
        if self._connection is None:
            return reply_id
        now = self._clock()
        if now - self._last_purge >= _PURGE_INTERVAL_SECONDS:
            self.purge()
        row = (
            reply_id,
            now,
            channel,
            session_id,
            redact(question[:MAX_QUESTION_CHARS]),
            reply.kind,
            reply.id,
            float(reply.confidence),
        )
        with self._lock:
            self._connection.execute(
                "INSERT INTO questions (reply_id, created_at, channel, session_id, question,"
                " kind, entry_id, confidence) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                row,
            )
        return reply_id

    def feedback(self, reply_id: str, *, helpful: bool, comment: str | None = None) -> bool:
        """Attach feedback to a stored reply (a later call replaces it); False if it is unknown.

        When the log is disabled, the feedback is accepted and discarded (returns True).
        """
        if self._connection is None:
            return True
        stored_comment = redact(comment[:MAX_COMMENT_CHARS]) if comment else None
        with self._lock:
            cursor = self._connection.execute(
                "UPDATE questions SET helpful = ?, comment = ?, feedback_at = ?"
                " WHERE reply_id = ?",
                (int(helpful), stored_comment, self._clock(), reply_id),
            )
        return cursor.rowcount > 0

    def purge(self) -> int:
        """Delete the rows older than the retention period; returns how many went."""
        if self._connection is None:
            return 0
        now = self._clock()
        cutoff = now - self.retention_days * _SECONDS_PER_DAY
        with self._lock:
            self._last_purge = now
            cursor = self._connection.execute(
                "DELETE FROM questions WHERE created_at < ?", (cutoff,)
            )
        return cursor.rowcount

    def close(self) -> None:
        """Close the database; the log must not be used afterwards."""
        with self._lock:
            if self._connection is not None:
                self._connection.close()
                self._connection = None


def read_questions(
    path: str | Path, *, days: float | None = None, clock: Callable[[], float] = time.time
) -> list[LoggedQuestion]:
    """The rows of the log at ``path``, oldest first; only the last ``days`` days when given.

    Reads without changing anything; raises ``FileNotFoundError`` when there is no file and
    ``sqlite3.DatabaseError`` when it is not a question log.
    """
    path = Path(path)
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


def _connect(path: Path) -> sqlite3.Connection:
    path.parent.mkdir(parents=True, exist_ok=True)
    # Autocommit, shared by the threads of the server under QuestionLog's lock.
    connection = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    connection.execute("PRAGMA journal_mode = WAL")
    connection.execute("PRAGMA synchronous = NORMAL")
    connection.execute("PRAGMA busy_timeout = 5000")
    connection.executescript(_SCHEMA)
    return connection
