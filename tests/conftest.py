"""Shared fixtures: the shipped bot, and paths to the project's shared data."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot import Bot

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"


@pytest.fixture(scope="session")
def bot() -> Bot:
    """The bot over the shipped knowledge base (sessions are per test via unique ids)."""
    return Bot.from_path()


class FakeClock:
    """A clock the test moves by hand: no sleeping."""

    def __init__(self, now: float = 1_000_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


def log_writers() -> int:
    """How many question logs are open in this process (each runs one writer thread)."""
    import threading

    return sum(t.name == "question-log-writer" and t.is_alive() for t in threading.enumerate())


def shared_file(*parts: str) -> Path:
    """A file of ../shared, or skip the test: a user's own clone does not have it."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"{path} is absent (it sits beside the repository only in the project's CI)")
    return path


@pytest.fixture
def app(bot: Bot, tmp_path: Path):
    """The web app over the shipped bot, logging to a fresh SQLite file (Flask's flaskr style)."""
    from adapters.web import close_app, create_app  # the core's tests run without Flask

    app = create_app(bot, {"TESTING": True, "LOG_PATH": tmp_path / "questions.sqlite3"})
    yield app
    close_app(app)


@pytest.fixture
def client(app):
    """Flask's test client for ``app``."""
    return app.test_client()

