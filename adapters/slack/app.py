"""``build_app``: the Slack face, one slack-bolt App over the core for Socket Mode and HTTP mode."""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Callable
from concurrent.futures import Executor
from typing import Any

from slack_bolt import App, BoltResponse
from slack_bolt.error import BoltError
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError
from slack_sdk.http_retry import (
    ConnectionErrorRetryHandler,
    HttpRequest,
    HttpResponse,
    RateLimitErrorRetryHandler,
    RetryHandler,
    RetryState,
)
from slack_sdk.http_retry.builtin_handlers import ServerErrorRetryHandler

from adapters.log import QuestionLog
from adapters.slack.listeners import register
from adapters.slack.recent import Recent
from bot import Bot

DEFAULT_API_URL = "https://slack.com/api/"
#: Event ids remembered to recognise Slack's retries of an event already taken.
RECENT_EVENTS = 10_000
#: Longest Retry-After (seconds) worth waiting for; a longer one drops the message.
MAX_RETRY_AFTER = 10.0

logger = logging.getLogger("adapters.slack")


class SlackConfigError(ValueError):
    """A missing, malformed or rejected token or secret; the message is one line naming it."""


def check_token(value: str | None, *, variable: str, prefix: str) -> str:
    """``value`` if it looks like a Slack token starting with ``prefix``, else SlackConfigError."""
    if not value or not value.strip():
        raise SlackConfigError(f"{variable} is not set; it is your Slack app's {prefix}… token")
    if any(char.isspace() for char in value):
        raise SlackConfigError(f"{variable} is malformed: it contains spaces or line breaks")
    if not value.startswith(prefix):
        shown = re.match(r"x[a-z]{2,3}-", value)
        got = f" (it starts with {shown[0]})" if shown else ""
        raise SlackConfigError(f"{variable} must start with {prefix}{got}; check that you copied "
                               "the right token")
    return value


def check_secret(value: str | None, *, variable: str) -> str:
    """``value`` if it is set and has no spaces in it, else SlackConfigError."""
    if not value or any(char.isspace() for char in value):
        state = "malformed" if value else "not set"
        raise SlackConfigError(f"{variable} is {state}; it is the Signing Secret under Basic "
                               "Information in your Slack app's settings")
    return value


def build_app(*, bot: Bot, log: QuestionLog, bot_token: str, signing_secret: str | None = None,
              api_url: str | None = None, listener_executor: Executor | None = None,
              sleep: Callable[[float], None] = time.sleep) -> App:
    """The Slack app answering with ``bot`` and logging to ``log``.

    With ``signing_secret`` (HTTP mode) every request's signature is verified; without it
    (Socket Mode) requests come over the app's own WebSocket. ``api_url`` is the Web API's
    base URL (SLACK_API_URL at the command line; default: Slack's). Listeners run on
    ``listener_executor`` (default: a pool of 5 threads) after the request is acknowledged.
    A Web API call that is refused or fails is retried after a wait spent in ``sleep``.
    The token is checked with ``auth.test`` at once: SlackConfigError for a missing,
    malformed or rejected token, or an unreachable Web API.
    """
    check_token(bot_token, variable="SLACK_BOT_TOKEN", prefix="xoxb-")
    if signing_secret is not None:
        check_secret(signing_secret, variable="SLACK_SIGNING_SECRET")
    base_url = (api_url or DEFAULT_API_URL).rstrip("/") + "/"
    _filter_logs(logger)
    client = WebClient(token=bot_token, base_url=base_url, logger=logger, retry_handlers=[
        _ConnectionErrorRetry(max_retry_count=1, sleep=sleep),
        _RateLimitRetry(max_retry_count=2, sleep=sleep),
        _ServerErrorRetry(max_retry_count=2, sleep=sleep),
    ])
    try:
        app = App(
            name="faqbot", logger=logger, client=client,
            signing_secret=signing_secret or "",
            request_verification_enabled=signing_secret is not None,
            listener_executor=listener_executor,
        )
    except BoltError as exc:  # auth.test said no
        error = getattr(exc.__context__, "response", {}).get("error", "rejected")
        raise SlackConfigError(f"SLACK_BOT_TOKEN was rejected by auth.test: {error}") from None
    except (SlackClientError, OSError) as exc:
        raise SlackConfigError(f"cannot reach Slack's Web API at {base_url} to check "
                               f"SLACK_BOT_TOKEN: {exc}") from None
    app.middleware(_skip_seen_events(Recent(RECENT_EVENTS)))
    app.error(_log_failure)
    register(app, bot=bot, log=log)
    return app


def _skip_seen_events(seen: Recent[None]) -> Callable[..., BoltResponse | None]:
    """Middleware acknowledging, and going no further with, an event already taken once.

    Slack retries an event (``X-Slack-Retry-Num``) that was not acknowledged in 3 seconds;
    the answer to the first delivery is already on its way.
    """

    def skip_seen_events(body: dict[str, Any], next: Callable[[], None]) -> BoltResponse | None:
        event_id = body.get("event_id")
        if event_id is not None and not seen.add(event_id):
            logger.info("event %s was already taken; Slack's retry is acknowledged", event_id)
            return BoltResponse(status=200, body="")
        return next()

    return skip_seen_events


def _log_failure(error: Exception) -> None:
    """Bolt's error handler: a listener's failure is logged (tokens never are) and dropped."""
    if isinstance(error, SlackApiError):
        logger.warning("Slack's Web API answered %s (HTTP %s); the message was dropped",
                       error.response.get("error"), error.response.status_code)
    elif isinstance(error, (SlackClientError, OSError)):
        logger.warning("Slack's Web API cannot be reached (%s); the message was dropped", error)
    else:
        logger.exception("a Slack listener failed")


class _SleepInjected(RetryHandler):
    """A retry handler that waits in a ``sleep`` it is given (tests give one that does not)."""

    def __init__(self, *, max_retry_count: int, sleep: Callable[[float], None]) -> None:
        super().__init__(max_retry_count=max_retry_count)
        self._sleep = sleep

    def prepare_for_next_attempt(self, *, state: RetryState, request: HttpRequest,
                                 response: HttpResponse | None = None,
                                 error: Exception | None = None) -> None:
        state.next_attempt_requested = True
        self._sleep(self._wait(state, response))
        state.increment_current_attempt()

    def _wait(self, state: RetryState, response: HttpResponse | None) -> float:
        return self.interval_calculator.calculate_sleep_duration(state.current_attempt)


class _ConnectionErrorRetry(_SleepInjected, ConnectionErrorRetryHandler):
    """Tries once more when Slack's Web API cannot be reached."""


class _ServerErrorRetry(_SleepInjected, ServerErrorRetryHandler):
    """Tries again after a server error, backing off."""


def _retry_after(response: HttpResponse | None) -> float | None:
    """The seconds a response's Retry-After asks for (None: none, or not a number)."""
    headers = response.headers if response is not None else {}
    header = next((v for k, v in headers.items() if k.lower() == "retry-after"), ["1"])
    try:
        return float(header[0] if isinstance(header, list) else header)
    except ValueError:
        return None


class _RateLimitRetry(_SleepInjected, RateLimitErrorRetryHandler):
    """Waits as long as a 429's Retry-After asks and tries again, if that is not too long."""

    def _can_retry(self, *, state: RetryState, request: HttpRequest,
                   response: HttpResponse | None = None, error: Exception | None = None) -> bool:
        if response is None or response.status_code != 429:
            return False
        wait = _retry_after(response)
        return wait is not None and wait <= MAX_RETRY_AFTER

    def _wait(self, state: RetryState, response: HttpResponse | None) -> float:
        return _retry_after(response) or 1.0


class _LogFilter(logging.Filter):
    """Masks Slack tokens in log records, and drops bolt's warning that a token goes unused.

    Bolt logs request bodies, which may carry a token. It warns that SLACK_BOT_TOKEN (which
    it reads itself) is unused as a client is given, though that client holds this token.
    """

    # Tokens themselves, and the value of any "token" field (form, JSON or a dict's repr).
    _TOKENS = re.compile(
        r"""\b(?:xox[a-z]|xapp)-[\w-]+|(?P<key>token["']?\s*[:=]\s*["']?)[^"'&\s,}]+"""
    )
    _TOKEN_UNUSED = "As you gave `client` as well, `token` will be unused."

    def filter(self, record: logging.LogRecord) -> bool:
        text = record.getMessage()
        if text == self._TOKEN_UNUSED:
            return False
        masked = self._TOKENS.sub(lambda m: (m["key"] or "") + "[redacted]", text)
        if masked != text:
            record.msg, record.args = masked, None
        return True


def _filter_logs(base: logging.Logger) -> None:
    """Add the filter to ``base``; bolt copies it to its own loggers."""
    if not any(isinstance(f, _LogFilter) for f in base.filters):
        base.addFilter(_LogFilter())
