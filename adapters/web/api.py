"""The JSON API: chat, feedback, starter topics and a health check."""

from __future__ import annotations

import json
import math
import re
import secrets
from typing import Any

from flask import Blueprint, Response, request
from werkzeug.exceptions import BadRequest, NotFound, TooManyRequests

from adapters.log import MAX_COMMENT_CHARS
from adapters.web.state import services
from bot import MAX_QUESTION_CHARS

bp = Blueprint("api", __name__)

_TOKEN = re.compile(r"[A-Za-z0-9_-]{1,64}")
_TOKEN_RULE = "1 to 64 letters, digits, '-' or '_'"


@bp.before_request
def limit_rate() -> None:
    """Count every POST against its client's rate limit."""
    if request.method != "POST":
        return
    limiter = services().limiter
    wait = limiter.acquire(request.remote_addr or "unknown")
    if wait:
        seconds = math.ceil(wait)
        raise TooManyRequests(
            f"too many requests: the limit is {limiter.rate}; try again in {seconds} s",
            retry_after=seconds,
        )


@bp.post("/api/chat")
def chat() -> Response:
    """Answer one message: the reply's fields plus ``session_id`` and ``reply_id``."""
    body = _json_object()
    message = body.get("message")
    if not isinstance(message, str):
        raise BadRequest('"message" is required and must be a string')
    if len(message) > MAX_QUESTION_CHARS:
        raise BadRequest(f'"message" is longer than {MAX_QUESTION_CHARS} characters')
    session_id = body.get("session_id")
    if session_id is None:
        session_id = secrets.token_urlsafe(16)
    elif not isinstance(session_id, str) or not _TOKEN.fullmatch(session_id):
        raise BadRequest(f'"session_id" must be a string of {_TOKEN_RULE}')
    found = services()
    # The prefix keeps web sessions apart from those of the other faces.
    reply = found.bot.reply(f"web:{session_id}", message)
    reply_id = found.log.record(channel="web", session_id=session_id, question=message, reply=reply)
    return _json({**reply.to_dict(), "session_id": session_id, "reply_id": reply_id})


@bp.post("/api/feedback")
def feedback() -> Response:
    """Record whether a reply helped: 204, or 404 for an unknown ``reply_id``."""
    body = _json_object()
    reply_id, helpful, comment = body.get("reply_id"), body.get("helpful"), body.get("comment")
    if not isinstance(reply_id, str) or not _TOKEN.fullmatch(reply_id):
        raise BadRequest(f'"reply_id" must be a string of {_TOKEN_RULE}')
    if not isinstance(helpful, bool):
        raise BadRequest('"helpful" is required and must be true or false')
    if comment is not None and (not isinstance(comment, str) or len(comment) > MAX_COMMENT_CHARS):
        raise BadRequest(f'"comment" must be a string of at most {MAX_COMMENT_CHARS} characters')
    if not services().log.feedback(reply_id, helpful=helpful, comment=comment):
        raise NotFound(f"no reply with reply_id {reply_id!r}")
    return Response(status=204)


@bp.get("/api/topics")
def topics() -> Response:
    """The starter questions the widget offers."""
    return _json(services().topics)


@bp.get("/healthz")
def health() -> Response:
    """Liveness, with the knowledge base's entry count and version, and how many questions the
    log has dropped (it fell behind, or the database refused them) since start."""
    found = services()
    return _json({**found.health, "log_dropped": found.log.dropped})


def _json(payload: dict[str, Any]) -> Response:
    # Plain json.dumps: Flask's JSON provider costs twice as much on this hot path.
    return Response(json.dumps(payload, separators=(",", ":")), mimetype="application/json")


def _json_object() -> dict[str, Any]:
    if not request.is_json:
        raise BadRequest("the body must be a JSON object sent as Content-Type: application/json")
    try:
        body = request.get_json(silent=True)
    except RecursionError:
        body = None
    if not isinstance(body, dict):
        raise BadRequest("the body must be a JSON object")
    return body
