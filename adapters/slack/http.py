"""HTTP mode: ``POST /slack/events`` (events, the slash command and clicks) as a Flask blueprint."""

from __future__ import annotations

from concurrent.futures import Executor

from flask import Blueprint, Response, request
from slack_bolt.adapter.flask import SlackRequestHandler

from adapters.log import QuestionLog
from adapters.slack.app import build_app, check_secret
from bot import Bot

EVENTS_PATH = "/slack/events"
#: Largest request body taken: a click's payload carries the whole message it was made on.
MAX_BODY_BYTES = 1024 * 1024


def create_blueprint(*, bot: Bot, log: QuestionLog, bot_token: str, signing_secret: str,
                     api_url: str | None = None,
                     listener_executor: Executor | None = None) -> Blueprint:
    """The blueprint serving Slack's signed requests; a bad or stale signature gets 401.

    See :func:`~adapters.slack.app.build_app` for ``api_url`` and ``listener_executor``.
    Raises SlackConfigError for a missing or malformed token or secret, or a rejected token.
    """
    check_secret(signing_secret, variable="SLACK_SIGNING_SECRET")
    app = build_app(bot=bot, log=log, bot_token=bot_token, signing_secret=signing_secret,
                    api_url=api_url, listener_executor=listener_executor)
    handler = SlackRequestHandler(app)
    blueprint = Blueprint("slack", __name__)

    @blueprint.post(EVENTS_PATH)
    def slack_events() -> Response:
        request.max_content_length = MAX_BODY_BYTES  # the web face's limit suits its own API
        return handler.handle(request)

    return blueprint
