"""The widget's browser tests: one Chromium for the session, one context per viewport, a fresh
tab (so a fresh sessionStorage) per test; the bot on waitress and another site on loopback."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from http.server import ThreadingHTTPServer
from types import SimpleNamespace
from typing import Any

import pytest

from adapters.web import close_app, create_app
from adapters.web.server import create_server
from bot import Bot
from tests.web.widget.support import (
    CHROMIUM,
    CHROMIUM_ARGS,
    OtherSite,
    Viewport,
    Widget,
    linked_knowledge,
    require_browser,
)


@pytest.fixture(scope="session")
def linked_bot(tmp_path_factory: pytest.TempPathFactory) -> Bot:
    """The shipped knowledge with links in its answers, sources and crisis reply."""
    return Bot.from_path(linked_knowledge(tmp_path_factory.mktemp("knowledge") / "linked.json"))


def serve_bot(bot: Bot, log_path: Any, **config: Any) -> tuple[Any, Any, str]:
    """The web app over ``bot`` on waitress on a free loopback port: (app, server, its URL)."""
    app = create_app(bot, {"LOG_PATH": log_path, **config})
    server = create_server(app, host="127.0.0.1", port=0, threads=4)
    threading.Thread(target=server.run, daemon=True).start()
    return app, server, f"http://127.0.0.1:{server.effective_port}/"


@pytest.fixture(scope="session")
def site(linked_bot: Bot, tmp_path_factory: pytest.TempPathFactory) -> Iterator[SimpleNamespace]:
    """The bot, and another site whose pages embed it from the bot's origin."""
    other = ThreadingHTTPServer(("127.0.0.1", 0), OtherSite)
    other_url = f"http://127.0.0.1:{other.server_address[1]}/"
    log_path = tmp_path_factory.mktemp("browser") / "questions.sqlite3"
    app, server, url = serve_bot(linked_bot, log_path, ALLOWED_ORIGINS=[other_url],
                                 RATE_LIMIT="1000/minute")
    other.bot_url = url
    threading.Thread(target=other.serve_forever, daemon=True).start()
    yield SimpleNamespace(url=url, other_url=other_url, log_path=log_path,
                          pages={"demo": url, "host": other_url + "host"})
    other.shutdown()
    other.server_close()
    server.close()
    close_app(app)


@pytest.fixture(scope="session")
def chromium() -> Iterator[Any]:
    sync_api = require_browser()
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS,
                                             headless=True)
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def contexts(chromium: Any) -> Iterator[Callable[..., Any]]:
    """One browser context per viewport, made when first asked for (and one more that ignores
    pages' CSP, for axe-core, which adds a style element of its own)."""
    made: dict[tuple[Viewport, bool], Any] = {}

    def context(viewport: Viewport, *, bypass_csp: bool = False) -> Any:
        key = (viewport, bypass_csp)
        if key not in made:
            made[key] = chromium.new_context(
                viewport={"width": viewport.width, "height": viewport.height},
                reduced_motion="reduce", bypass_csp=bypass_csp)
        return made[key]

    yield context
    for context_made in made.values():
        context_made.close()


@pytest.fixture
def visit(contexts: Callable[..., Any]) -> Iterator[Callable[..., Widget]]:
    """Open a URL in a fresh tab of the viewport's context; the test fails on any script error,
    console error or CSP violation in that tab."""
    pages: list[Any] = []
    problems: list[str] = []

    def visit_(url: str, viewport: Viewport, *, bypass_csp: bool = False) -> Widget:
        page = contexts(viewport, bypass_csp=bypass_csp).new_page()
        pages.append(page)
        page.on("pageerror", lambda error: problems.append(f"page error: {error}"))
        page.on("console", lambda message: problems.append(f"console: {message.text}")
                if message.type == "error" else None)
        page.add_init_script("document.addEventListener('securitypolicyviolation',"
                             " e => console.error('CSP violation: ' + e.violatedDirective))")
        page.problems = problems
        page.goto(url)
        return Widget(page, viewport)

    yield visit_
    for page in pages:
        page.close()
    assert problems == []


@pytest.fixture(scope="session")
def clarifying(linked_bot: Bot) -> str:
    """A question the bot answers with a "did you mean" of two or more choices."""
    for question in ("work", "tell me about the fellowship", "fellowship", "training", "jobs"):
        reply = linked_bot.reply(None, question)
        if reply.kind == "clarify" and len(reply.suggestions) >= 2:
            return question
    pytest.fail("none of the candidate questions gets a 'did you mean' from the shipped knowledge")
