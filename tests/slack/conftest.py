"""Slack fixtures: the stand-in for Slack's Web API, a question log, the app and dispatch."""

from __future__ import annotations

from typing import Any

import pytest
from slack_bolt import BoltRequest, BoltResponse

from adapters.log import QuestionLog
from adapters.slack.app import build_app

from .standin import BOT_TOKEN, InlineExecutor, SlackStandIn


@pytest.fixture
def standin() -> Any:
    server = SlackStandIn().start()
    yield server
    server.stop()


@pytest.fixture
def question_log(tmp_path: Any) -> Any:
    log = QuestionLog(tmp_path / "questions.sqlite3")
    yield log
    log.close()


@pytest.fixture
def waits() -> list[float]:
    """The seconds the Slack app waited before retrying a Web API call (it does not sleep)."""
    return []


@pytest.fixture
def slack_app(bot: Any, question_log: QuestionLog, standin: SlackStandIn, waits: list[float]) -> Any:
    """The app as Socket Mode runs it (no signing secret), listeners run inline, retries
    without sleeping."""
    return build_app(bot=bot, log=question_log, bot_token=BOT_TOKEN, api_url=standin.url,
                     listener_executor=InlineExecutor(), sleep=waits.append)


@pytest.fixture
def dispatch(slack_app: Any) -> Any:
    """Send a payload to the app as Socket Mode delivers it; returns bolt's response."""

    def send(payload: dict[str, Any], *, retry: int | None = None) -> BoltResponse:
        headers = {"x-slack-retry-num": str(retry), "x-slack-retry-reason": "http_timeout"} \
            if retry else None
        return slack_app.dispatch(BoltRequest(body=payload, headers=headers, mode="socket_mode"))

    return send
