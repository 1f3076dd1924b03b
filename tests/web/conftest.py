"""Fixtures of the web face's tests: the app and its client, apps with chosen settings, a clock."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from adapters.web import close_app, create_app
from bot import Bot
from tests.helpers import FakeClock


@pytest.fixture
def app(bot: Bot, tmp_path: Path) -> Iterator[Flask]:
    """The web app over the shipped bot, logging to a fresh SQLite file (Flask's flaskr style)."""
    app = create_app(bot, {"TESTING": True, "LOG_PATH": tmp_path / "questions.sqlite3"})
    yield app
    close_app(app)


@pytest.fixture
def client(app: Flask) -> Any:
    """Flask's test client for ``app``."""
    return app.test_client()


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def make_app(bot: Bot, tmp_path: Path) -> Iterator[Callable[..., Flask]]:
    """Build apps over the shipped bot with settings on top of a fresh log; closed afterwards."""
    apps: list[Flask] = []

    def make(**config: Any) -> Flask:
        settings = {"TESTING": True, "LOG_PATH": tmp_path / f"log{len(apps)}.sqlite3", **config}
        app = create_app(bot, settings)
        apps.append(app)
        return app

    yield make
    for app in apps:
        close_app(app)

