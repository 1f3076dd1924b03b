"""The widget in a real browser: Debian's Chromium driven by Playwright against the real server.

The bot runs on waitress on a free loopback port. Besides its own demo page (strict CSP), a
second loopback origin serves a plain page without any CSP that embeds the widget as another
site would: there, markup that ran would really run.
"""

from __future__ import annotations

import json
import os
import sqlite3
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from adapters.web import close_app, create_app
from adapters.web.server import create_server
from bot import MAX_QUESTION_CHARS

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
SCREENSHOT = Path(__file__).resolve().parents[2] / "docs" / "widget.png"
XSS = '<img src=x onerror="window.__pwned=1">'
QUESTION = "How long is the HPM fellowship?"


def require_browser() -> Any:
    """Playwright's sync API, or skip (fail under CI) saying what is missing."""
    reason = None
    if not CHROMIUM.exists():
        reason = f"{CHROMIUM} is absent: scripts/install-chromium.sh installs Debian's chromium"
    try:
        from playwright import sync_api
    except ImportError:
        reason = "Playwright for Python is not installed (pip install -e '.[test]')"
    if reason:
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)
    return sync_api


class HostPage(BaseHTTPRequestHandler):
    """Another site's page embedding the widget, with no Content-Security-Policy at all."""

    def do_GET(self) -> None:
        body = (f'<!doctype html><html lang="en"><head><title>Residency program</title>'
                f'<script src="{self.server.widget_url}" defer></script></head>'
                f"<body><h1>Our residency program</h1></body></html>").encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture(scope="module")
def site(bot, tmp_path_factory) -> Iterator[SimpleNamespace]:
    """The bot on waitress, and the other site's page, each on its own loopback port."""
    host = ThreadingHTTPServer(("127.0.0.1", 0), HostPage)
    host_url = f"http://127.0.0.1:{host.server_address[1]}/"
    log_path = tmp_path_factory.mktemp("browser") / "questions.sqlite3"
    app = create_app(bot, {"LOG_PATH": log_path, "ALLOWED_ORIGINS": [host_url],
                           "RATE_LIMIT": "1000/minute"})
    server = create_server(app, host="127.0.0.1", port=0, threads=4)
    url = f"http://127.0.0.1:{server.effective_port}/"
    host.widget_url = url + "widget.js"
    threads = [threading.Thread(target=target, daemon=True)
               for target in (server.run, host.serve_forever)]
    for thread in threads:
        thread.start()
    yield SimpleNamespace(url=url, host_url=host_url, log_path=log_path)
    host.shutdown()
    host.server_close()
    server.close()
    close_app(app)


@pytest.fixture(scope="module")
def browser(tmp_path_factory) -> Iterator[Any]:
    sync_api = require_browser()
    with sync_api.sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            tmp_path_factory.mktemp("chromium-profile"),
            executable_path=str(CHROMIUM),
            args=CHROMIUM_ARGS,
            headless=True,
            viewport={"width": 1000, "height": 760},
        )
        yield context
        context.close()


@pytest.fixture
def page(browser) -> Iterator[Any]:
    """A fresh tab (so a fresh sessionStorage) that fails the test on any script error."""
    page = browser.new_page()
    problems: list[str] = []
    page.on("pageerror", lambda error: problems.append(f"page error: {error}"))
    page.on("console", lambda message: problems.append(f"console: {message.text}")
            if message.type == "error" else None)
    page.add_init_script("document.addEventListener('securitypolicyviolation',"
                         " e => console.error('CSP violation: ' + e.violatedDirective))")
    page.problems = problems
    yield page
    page.close()
    assert problems == []


def expect(target: Any) -> Any:
    return require_browser().expect(target)


def open_widget(page: Any, url: str) -> Any:
    page.goto(url)
    page.get_by_role("button", name="HPM careers FAQ").click()
    question_box = page.get_by_label("Your question")
    expect(question_box).to_be_focused()
    return question_box


def bot_messages(page: Any) -> Any:
    return page.locator(".message.bot")


def logged_rows(log_path: Path) -> list[sqlite3.Row]:
    connection = sqlite3.connect(log_path)
    connection.row_factory = sqlite3.Row
    rows = connection.execute("SELECT * FROM questions ORDER BY created_at").fetchall()
    connection.close()
    return rows


def test_ask_follow_a_chip_give_a_thumbs_up_and_find_it_in_the_log(page, site, bot):
    question_box = open_widget(page, site.url)
    welcome = bot_messages(page).first
    expect(welcome).to_contain_text("careers in hospice and palliative medicine")
    for starter in bot.starters():
        expect(welcome.get_by_role("button", name=starter.question)).to_be_visible()
    expect(question_box).to_have_attribute("maxlength", str(MAX_QUESTION_CHARS))

    question_box.fill(QUESTION)
    question_box.press("Enter")
    expect(page.locator(".message.user p").last).to_have_text(QUESTION)
    answer = bot_messages(page).nth(1)
    expect(answer).to_contain_text("The HPM fellowship is one year")
    expect(answer.locator("strong").first).to_have_text("one year")
    expect(answer.get_by_role("link", name="ACGME")).to_have_attribute(
        "href", "https://www.acgme.org/")
    expect(answer.locator(".sources").get_by_role("link")).to_have_attribute(
        "href", "https://aahpm.org/career-resources/student-resources/")
    expect(answer.locator(".sources")).to_contain_text(
        "AAHPM careers page for medical students and residents")
    expect(question_box).to_have_value("")
    # The panel alone, so that the picture is the same from run to run (the page shows the port).
    page.get_by_role("dialog").screenshot(path=SCREENSHOT, animations="disabled")

    chip = answer.get_by_role("button", name="Can I become board certified in hospice and "
                                             "palliative medicine?")
    chip.click()
    expect(bot_messages(page)).to_have_count(3)
    expect(page.get_by_role("log")).to_contain_text(
        "You: Can I become board certified in hospice and palliative medicine?")

    answer.get_by_role("button", name="Helpful", exact=True).click()
    expect(answer.get_by_role("status")).to_have_text("Thanks for your feedback.")
    expect(answer.get_by_role("button", name="Helpful", exact=True)).to_have_attribute(
        "aria-pressed", "true")
    not_helpful = answer.get_by_role("button", name="Not helpful")
    expect(not_helpful).to_be_disabled()  # one vote per answer (focus stays: aria-disabled)
    not_helpful.click(force=True)
    expect(not_helpful).to_have_attribute("aria-pressed", "false")

    rows = logged_rows(site.log_path)
    first, second = rows[-2], rows[-1]
    assert (first["entry_id"], first["helpful"], first["channel"]) == ("fellowship-length", 1, "web")
    assert (second["entry_id"], second["helpful"]) == ("board-certification", None)
    session = page.evaluate("Object.entries(sessionStorage).find(([k]) => k.startsWith('hpmfaq'))[1]")
    assert first["session_id"] == second["session_id"] == session


def test_markup_a_user_types_is_shown_as_text_and_never_runs_on_another_site(page, site):
    question_box = open_widget(page, site.host_url)  # cross-origin, allowed by CORS, no CSP
    question_box.fill(XSS)
    question_box.press("Enter")
    expect(bot_messages(page)).to_have_count(2)  # the welcome and the reply, over CORS
    expect(page.locator(".message.user p")).to_have_text(XSS)
    assert page.locator("[data-hpmfaq-widget] img").count() == 0
    page.wait_for_timeout(300)  # time for a broken image's onerror, had one been made
    assert page.evaluate("window.__pwned") is None


def test_the_bots_markdown_is_rendered_from_a_safe_subset(page, site):
    text = ("**Bold** and *italic*.\n\n- first\n- second\n\n[AAHPM](https://aahpm.org/) or "
            f"[this](javascript:window.__pwned=1) {XSS}")
    reply = {"kind": "answer", "id": "x", "confidence": 1.0, "text": text, "suggestions": [],
             "sources": ["[The Academy](https://aahpm.org/)"], "session_id": "s", "reply_id": "r"}
    page.route("**/api/chat", lambda route: route.fulfill(
        status=200, content_type="application/json", body=json.dumps(reply)))
    question_box = open_widget(page, site.url)
    question_box.fill("anything")
    question_box.press("Enter")
    answer = bot_messages(page).nth(1)
    expect(answer.locator("strong")).to_have_text("Bold")
    expect(answer.locator("em")).to_have_text("italic")
    expect(answer.locator("li")).to_have_text(["first", "second"])
    links = answer.locator("a")
    expect(links).to_have_count(2)
    for index in range(2):
        expect(links.nth(index)).to_have_attribute("href", "https://aahpm.org/")
        expect(links.nth(index)).to_have_attribute("rel", "noopener noreferrer")
    expect(answer).to_contain_text(f"this {XSS}")
    assert answer.locator("img").count() == 0
    assert page.evaluate("window.__pwned") is None


def test_keyboard_only_enter_sends_escape_closes_and_focus_follows(page, site):
    page.goto(site.url)
    launcher = page.get_by_role("button", name="HPM careers FAQ")
    for _ in range(10):
        page.keyboard.press("Tab")
        if launcher.evaluate("button => button.getRootNode().activeElement === button"):
            break
    expect(launcher).to_be_focused()
    page.keyboard.press("Enter")
    expect(launcher).to_have_attribute("aria-expanded", "true")
    question_box = page.get_by_label("Your question")
    expect(question_box).to_be_focused()
    page.keyboard.type(QUESTION)
    page.keyboard.press("Enter")
    expect(page.get_by_role("log")).to_contain_text("FAQ bot: The HPM fellowship is one year")
    expect(page.get_by_role("log")).to_have_attribute("aria-live", "polite")
    expect(question_box).to_be_focused()
    page.keyboard.press("Escape")
    expect(page.get_by_role("dialog")).to_be_hidden()
    expect(launcher).to_have_attribute("aria-expanded", "false")
    expect(launcher).to_be_focused()


def test_the_widget_fits_a_375_pixel_phone_screen(page, site):
    page.set_viewport_size({"width": 375, "height": 667})
    question_box = open_widget(page, site.url)
    question_box.fill(QUESTION)
    question_box.press("Enter")
    expect(bot_messages(page).nth(1)).to_contain_text("one year")
    panel = page.get_by_role("dialog").bounding_box()
    assert panel["x"] >= 0 and panel["x"] + panel["width"] <= 375
    assert panel["y"] >= 0 and panel["y"] + panel["height"] <= 667
    for control in (question_box, page.get_by_role("button", name="Send"),
                    page.get_by_role("button", name="Close chat")):
        box = control.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 375
        assert box["y"] >= 0 and box["y"] + box["height"] <= 667
    assert page.evaluate("document.documentElement.scrollWidth") <= 375


def test_when_the_server_cannot_be_reached_the_typed_question_is_kept(page, site):
    question_box = open_widget(page, site.url)
    page.route("**/api/chat", lambda route: route.abort("connectionrefused"))
    question_box.fill(QUESTION)
    question_box.press("Enter")
    expect(page.get_by_role("alert")).to_contain_text("can't be reached")
    expect(question_box).to_have_value(QUESTION)
    expect(page.locator(".message.user")).to_have_count(0)
    page.unroute("**/api/chat")
    question_box.press("Enter")
    expect(bot_messages(page).nth(1)).to_contain_text("one year")
    page.problems.clear()  # Chromium reports the refused connection on the console


def reply_with(text: str, *, sources: Any = (), suggestions: Any = ()) -> dict[str, Any]:
    return {"kind": "answer", "id": "x", "confidence": 1.0, "text": text,
            "suggestions": list(suggestions), "sources": sources if sources is None else list(sources),
            "session_id": "s", "reply_id": "r"}


def answer_with(page: Any, site: Any, reply: dict[str, Any]) -> Any:
    page.route("**/api/chat", lambda route: route.fulfill(
        status=200, content_type="application/json", body=json.dumps(reply)))
    question_box = open_widget(page, site.url)
    question_box.fill("anything")
    question_box.press("Enter")
    return bot_messages(page).nth(1)


def test_bare_and_nested_addresses_render_as_links_without_recursing(page, site):
    text = ("See https://aahpm.org/ or [https://www.nrmp.org/](https://www.nrmp.org/), "
            "[the [ACGME](https://www.acgme.org/) site](https://www.abms.org/), [call 988](tel:988), "
            "[text 988](sms:988), [mail](mailto:a@example.org) and [plain](http://example.org/).")
    answer = answer_with(page, site, reply_with(text, sources=["AAHPM: https://aahpm.org/"]))
    expect(answer).to_contain_text("See https://aahpm.org/ or https://www.nrmp.org/")
    links = answer.locator(".text a")
    expect(links).to_have_count(7)  # the outer link of the nested one is left as its address
    hrefs = [links.nth(i).get_attribute("href") for i in range(7)]
    assert hrefs == ["https://aahpm.org/", "https://www.nrmp.org/", "https://www.acgme.org/",
                     "https://www.abms.org/", "tel:988", "sms:988", "mailto:a@example.org"]
    targets = [links.nth(i).get_attribute("target") for i in range(7)]
    assert targets == ["_blank"] * 4 + [None] * 3
    expect(answer).to_contain_text("plain")  # http: is not a link
    source = answer.locator(".sources a")
    expect(source).to_have_attribute("href", "https://aahpm.org/")
    expect(page.get_by_role("alert")).to_have_count(0)


def test_a_reply_that_cannot_be_rendered_is_shown_as_text_not_as_an_outage(page, site):
    answer = answer_with(page, site, reply_with("The fellowship lasts one year.", sources=None))
    expect(answer).to_contain_text("The fellowship lasts one year.")
    expect(page.get_by_role("alert")).to_have_count(0)
