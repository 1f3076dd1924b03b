"""The Flask application factory of the web face."""

from __future__ import annotations

import time
from collections.abc import Mapping
from typing import Any

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from adapters.log import DEFAULT_LOG_PATH, DEFAULT_RETENTION_DAYS, QuestionLog
from adapters.web import api, pages
from adapters.web.errors import register_error_handlers
from adapters.web.headers import install_headers
from adapters.web.ratelimit import Rate, RateLimiter
from adapters.web.state import Services, install, services_of
from bot import MAX_QUESTION_CHARS, Bot

#: Every setting ``create_app`` reads, with its default; ``config`` overrides any of them.
DEFAULT_CONFIG: Mapping[str, Any] = {
    "KNOWLEDGE": None,  # knowledge base to load when no bot is given; None: the shipped one
    "ALLOWED_ORIGINS": (),  # other sites' origins allowed to call the API ("*": any)
    "FRAME_ANCESTORS": "'self'",  # CSP frame-ancestors: who may put our pages in a frame
    "RATE_LIMIT": "30/minute",  # POST requests per client
    "RATE_LIMIT_CLOCK": time.monotonic,  # the rate limiter's clock (tests inject one)
    "PROXY_COUNT": 0,  # reverse proxies in front whose X-Forwarded-For/-Proto to trust
    # (create_server then passes those headers on for ProxyFix, instead of removing them)
    "LOG_PATH": DEFAULT_LOG_PATH,
    "LOG_ENABLED": True,
    "LOG_RETENTION_DAYS": DEFAULT_RETENTION_DAYS,
    "MAX_CONTENT_LENGTH": 16 * 1024,  # request bodies, bytes
    "SLACK_BOT_TOKEN": None,  # with SLACK_SIGNING_SECRET: Slack events at POST /slack/events
    "SLACK_SIGNING_SECRET": None,
    "SLACK_API_URL": None,
}


def create_app(bot: Bot | None = None, config: Mapping[str, Any] | None = None) -> Flask:
    """Build the web app around ``bot`` (default: loaded from ``KNOWLEDGE``).

    Raises ``ValueError`` for a malformed setting (or only one of the two Slack settings) and
    ``KnowledgeError`` for a broken knowledge base.
    """
    app = Flask(__name__, static_folder=None)
    app.config.from_mapping(DEFAULT_CONFIG)
    app.config.from_mapping(config or {})
    settings = app.config
    slack = settings["SLACK_BOT_TOKEN"], settings["SLACK_SIGNING_SECRET"]
    if any(slack) and not all(slack):
        missing = "SLACK_SIGNING_SECRET" if slack[0] else "SLACK_BOT_TOKEN"
        raise ValueError(f"{missing} is not set; Slack's events at POST /slack/events need both"
                         " SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET (or neither, without Slack)")
    if bot is None:
        bot = Bot.from_path(settings["KNOWLEDGE"])
    log = QuestionLog(
        settings["LOG_PATH"],
        enabled=settings["LOG_ENABLED"],
        retention_days=settings["LOG_RETENTION_DAYS"],
    )
    try:
        _assemble(app, bot=bot, log=log)
    except BaseException:
        log.close()  # the app will never serve: store what there is and stop the log's writer
        raise
    return app


def _assemble(app: Flask, *, bot: Bot, log: QuestionLog) -> None:
    """Everything ``create_app`` installs once the bot and the log are there."""
    settings = app.config
    slack = settings["SLACK_BOT_TOKEN"], settings["SLACK_SIGNING_SECRET"]
    limiter = RateLimiter(Rate.parse(settings["RATE_LIMIT"]), clock=settings["RATE_LIMIT_CLOCK"])
    install(app, Services(
        bot=bot,
        log=log,
        limiter=limiter,
        health={
            "status": "ok",
            "entries": len(bot.knowledge.entries),
            "version": bot.knowledge.version,
        },
        topics={"topics": [starter.to_dict() for starter in bot.starters()],
                "max_message_chars": MAX_QUESTION_CHARS},
    ))
    origins = settings["ALLOWED_ORIGINS"]
    install_headers(
        app,
        allowed_origins=origins.split(",") if isinstance(origins, str) else origins,
        frame_ancestors=settings["FRAME_ANCESTORS"],
    )
    register_error_handlers(app)
    app.register_blueprint(api.bp)
    app.register_blueprint(pages.bp)
    if all(slack):
        from adapters.slack.http import create_blueprint  # only when Slack is configured

        app.register_blueprint(create_blueprint(
            bot=bot,
            log=log,
            bot_token=settings["SLACK_BOT_TOKEN"],
            signing_secret=settings["SLACK_SIGNING_SECRET"],
            api_url=settings["SLACK_API_URL"],
        ))
    if settings["PROXY_COUNT"]:
        count = settings["PROXY_COUNT"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count)  # type: ignore[method-assign]


def close_app(app: Flask) -> None:
    """Release what ``create_app`` opened: store the pending questions and close the log."""
    services_of(app).log.close()
