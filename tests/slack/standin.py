"""A local stand-in for Slack's Web API, payloads as Slack sends them, and request signing.

Nothing here reaches slack.com: the apps under test get the stand-in's URL as their API base
URL, and ``response_url`` values point at it too. Used by the tests and the benchmark.
"""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import threading
import time
from collections import defaultdict, deque
from concurrent.futures import Executor, Future
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlencode

import pytest

from adapters.log import LoggedQuestion, QuestionLog, read_questions

BOT_TOKEN = "xoxb-1111-2222-standintoken"
SIGNING_SECRET = "8f742231b10e8888abcd99yyyzzz85a5"
VERIFICATION_TOKEN = "legacy-verification-token-4242"
TEAM, BOT_USER, BOT_ID = "T0RESIDENCY", "UBOT", "BBOT"

_ids = itertools.count(1)


def unique(prefix: str) -> str:
    """A fresh id (channels, users, timestamps) so tests never share a conversation."""
    return f"{prefix}{next(_ids):06d}"


def new_ts() -> str:
    return f"{int(time.time())}.{next(_ids):06d}"


# -- the stand-in for Slack's Web API -------------------------------------------------------------
@dataclass(frozen=True)
class Call:
    """One request the stand-in received: the API method (or "response_url"), its arguments."""

    method: str
    params: dict[str, Any]
    token: str | None


@dataclass
class Fault:
    status: int
    retry_after: int | None = None


@dataclass
class SlackStandIn:
    """A real HTTP server on a free loopback port, answering like Slack's Web API, recording."""

    calls: list[Call] = field(default_factory=list)
    faults: dict[str, deque[Fault]] = field(default_factory=lambda: defaultdict(deque))
    delays: dict[str, float] = field(default_factory=dict)
    socket_url: str | None = None  # what apps.connections.open hands out; None: invalid_auth
    _changed: threading.Condition = field(default_factory=threading.Condition)

    def start(self) -> SlackStandIn:
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self.server.daemon_threads = True
        self.server.standin = self  # type: ignore[attr-defined]
        threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True).start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    @property
    def origin(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    @property
    def url(self) -> str:
        return self.origin + "/api/"

    def response_url(self) -> str:
        return f"{self.origin}/response/{unique('R')}"

    def fail(self, method: str, status: int, *, times: int = 1, retry_after: int | None = None):
        """Answer the next ``times`` calls of ``method`` with ``status`` (and Retry-After)."""
        self.faults[method].extend(Fault(status, retry_after) for _ in range(times))

    def of(self, method: str) -> list[Call]:
        with self._changed:
            return [c for c in self.calls if c.method == method]

    def posts(self) -> list[Call]:
        """Every call but the token check: all that could show something to someone."""
        with self._changed:
            return [c for c in self.calls if c.method != "auth.test"]

    def wait_for(self, method: str, count: int = 1, timeout: float = 10.0) -> list[Call]:
        with self._changed:
            self._changed.wait_for(lambda: len(self.of(method)) >= count, timeout=timeout)
            return self.of(method)

    def record(self, call: Call) -> None:
        with self._changed:
            self.calls.append(call)
            self._changed.notify_all()


class _Handler(BaseHTTPRequestHandler):
    def do_POST(self) -> None:
        standin: SlackStandIn = self.server.standin  # type: ignore[attr-defined]
        raw = self.rfile.read(int(self.headers.get("Content-Length") or 0)).decode()
        params = (json.loads(raw) if raw and "json" in (self.headers.get("Content-Type") or "")
                  else dict(parse_qsl(raw)))
        kind, _, name = self.path.lstrip("/").partition("/")
        method = name if kind == "api" else "response_url"
        auth = self.headers.get("Authorization", "")
        token = auth.removeprefix("Bearer ") or params.get("token")
        standin.record(Call(method, params, token))
        time.sleep(standin.delays.get(method, 0.0))
        fault = standin.faults[method].popleft() if standin.faults[method] else None
        if fault is not None:
            wait = fault.retry_after
            headers = {"Retry-After": str(wait)} if wait is not None else {}
            error = "ratelimited" if fault.status == 429 else "internal_error"
            return self._send(fault.status, {"ok": False, "error": error}, headers)
        if method == "response_url":
            return self._send(200, "ok")
        return self._send(200, _answer(standin, method, params, token))

    def _send(self, status: int, body: Any, headers: dict[str, str] | None = None) -> None:
        data = (body if isinstance(body, str) else json.dumps(body)).encode()
        self.send_response(status)
        self.send_header("Content-Type", "text/plain" if isinstance(body, str) else
                         "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format: str, *args: Any) -> None:
        pass


def _answer(standin: SlackStandIn, method: str, params: dict[str, Any],
            token: str | None) -> dict[str, Any]:
    if method == "auth.test":
        if token == "xoxb-rejected":
            return {"ok": False, "error": "invalid_auth"}
        return {"ok": True, "url": "https://residency.slack.com/", "team": "Residency",
                "user": "hpm-faq", "team_id": TEAM, "user_id": BOT_USER, "bot_id": BOT_ID}
    if method == "chat.postMessage":
        return {"ok": True, "channel": params.get("channel"), "ts": new_ts(),
                "message": {"text": params.get("text"), "user": BOT_USER, "bot_id": BOT_ID}}
    if method == "chat.update":
        return {"ok": True, "channel": params.get("channel"), "ts": params.get("ts")}
    if method == "views.publish":
        return {"ok": True, "view": {"id": unique("V"), **(params.get("view") or {})}}
    if method == "apps.connections.open":
        if standin.socket_url is None:
            return {"ok": False, "error": "invalid_auth"}
        return {"ok": True, "url": standin.socket_url}
    return {"ok": False, "error": "unknown_method"}


# -- payloads as Slack sends them -----------------------------------------------------------------
def event_body(event: dict[str, Any]) -> dict[str, Any]:
    return {
        "token": VERIFICATION_TOKEN, "team_id": TEAM, "api_app_id": "A0FAQBOT",
        "type": "event_callback", "event_id": unique("Ev"),
        "event_time": int(time.time()), "event": event,
        "authorizations": [{"team_id": TEAM, "user_id": BOT_USER, "is_bot": True}],
    }


def mention(text: str, *, user: str, channel: str, thread_ts: str | None = None,
            ts: str | None = None) -> dict[str, Any]:
    ts = ts or new_ts()
    event = {"type": "app_mention", "user": user, "text": f"<@{BOT_USER}> {text}", "ts": ts,
             "channel": channel, "event_ts": ts, "team": TEAM}
    return event | ({"thread_ts": thread_ts} if thread_ts else {})


def direct_message(text: str, *, user: str, channel: str, **extra: Any) -> dict[str, Any]:
    ts = new_ts()
    return {"type": "message", "channel_type": "im", "user": user, "text": text, "ts": ts,
            "channel": channel, "event_ts": ts, "team": TEAM, **extra}


def command_body(text: str, *, user: str, channel: str, response_url: str) -> dict[str, str]:
    return {
        "token": VERIFICATION_TOKEN, "team_id": TEAM, "team_domain": "residency",
        "channel_id": channel, "channel_name": "general", "user_id": user, "user_name": "resident",
        "command": "/hpm", "text": text, "api_app_id": "A0FAQBOT", "response_url": response_url,
        "trigger_id": unique("trigger."),
    }


def action_body(button: dict[str, Any], *, user: str, response_url: str,
                container: dict[str, Any], message: dict[str, Any] | None = None,
                view: dict[str, Any] | None = None) -> dict[str, Any]:
    """A block_actions payload for a click on ``button`` (a button element our blocks made)."""
    body: dict[str, Any] = {
        "type": "block_actions", "token": VERIFICATION_TOKEN, "api_app_id": "A0FAQBOT",
        "user": {"id": user, "team_id": TEAM}, "team": {"id": TEAM, "domain": "residency"},
        "container": container, "trigger_id": unique("trigger."), "response_url": response_url,
        "actions": [{"type": "button", "action_id": button["action_id"], "value": button["value"],
                     "block_id": "b", "text": button["text"], "action_ts": new_ts()}],
    }
    if "channel_id" in container:
        body["channel"] = {"id": container["channel_id"]}
    if message is not None:
        body["message"] = message
    if view is not None:
        body["view"] = view
    return body


#: Vague questions; the first the shipped bot answers with "did you mean" serves the tests.
VAGUE = ("what does an hpm doctor do all day", "jobs", "work", "what is the work like",
         "programs", "where would I work", "training", "palliative")


def vague_question(bot: Any) -> str:
    """A question the bot answers with a "did you mean" of at least two choices."""
    for question in VAGUE:
        reply = bot.reply(None, question)
        if reply.kind == "clarify" and len(reply.suggestions) >= 2:
            return question
    pytest.skip(f"none of {VAGUE} gets a 'did you mean' from this knowledge base")


def buttons(blocks: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Every button in ``blocks``, in order."""
    return [e for b in blocks if b["type"] == "actions" for e in b["elements"]]


def mrkdwn_of(blocks: list[dict[str, Any]]) -> str:
    """All the mrkdwn text of ``blocks`` (sections and contexts), for assertions."""
    parts = [b["text"]["text"] for b in blocks if b["type"] == "section"]
    parts += [e["text"] for b in blocks if b["type"] == "context" for e in b["elements"]]
    return "\n".join(parts)


# -- signing, as Slack signs its requests ---------------------------------------------------------
def signed_headers(body: str, *, secret: str = SIGNING_SECRET, timestamp: int | None = None,
                   content_type: str = "application/json") -> dict[str, str]:
    timestamp = int(time.time()) if timestamp is None else timestamp
    base = f"v0:{timestamp}:{body}".encode()
    signature = "v0=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()
    return {"X-Slack-Request-Timestamp": str(timestamp), "X-Slack-Signature": signature,
            "Content-Type": content_type}


def http_body(payload: dict[str, Any]) -> tuple[str, str]:
    """A payload encoded as Slack posts it: (body, content type)."""
    if payload.get("type") in ("event_callback", "url_verification"):
        return json.dumps(payload), "application/json"
    if payload.get("type") == "block_actions":
        return urlencode({"payload": json.dumps(payload)}), "application/x-www-form-urlencoded"
    return urlencode(payload), "application/x-www-form-urlencoded"


def logged(log: QuestionLog) -> list[LoggedQuestion]:
    """The rows stored in ``log``'s SQLite file, read as a curator's report reads them."""
    return read_questions(log.path)


class InlineExecutor(Executor):
    """Runs a listener in the request's own thread, so a test sees its effects on return."""

    def submit(self, fn: Any, /, *args: Any, **kwargs: Any) -> Future[Any]:
        future: Future[Any] = Future()
        try:
            future.set_result(fn(*args, **kwargs))
        except BaseException as exc:  # the listener runner reports errors itself
            future.set_exception(exc)
        return future
