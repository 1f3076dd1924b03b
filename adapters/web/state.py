"""What the app's blueprints share: the bot, the question log and the rate limiter."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import Flask, current_app

from adapters.log import QuestionLog
from adapters.web.ratelimit import RateLimiter
from bot import Bot

_EXTENSION = "faqbot"


@dataclass(frozen=True)
class Services:
    """The long-lived objects of one app, built once by ``create_app``."""

    bot: Bot
    log: QuestionLog
    limiter: RateLimiter
    health: dict[str, Any]
    topics: dict[str, Any]


def install(app: Flask, services: Services) -> None:
    """Attach ``services`` to ``app``."""
    app.extensions[_EXTENSION] = services


def services_of(app: Flask) -> Services:
    """The services of ``app``."""
    return app.extensions[_EXTENSION]


def services() -> Services:
    """The services of the app handling the current request."""
    return services_of(current_app)
