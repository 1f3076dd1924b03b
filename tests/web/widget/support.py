"""What the widget's browser tests share: the viewports, a knowledge base whose answers hold
links, the other site's pages, and a driver for the widget as a user sees it."""

from __future__ import annotations

import json
import os
import sqlite3
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from bot.knowledge import load_knowledge, to_export

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--font-render-hinting=none"]
DOCS = Path(__file__).resolve().parents[3] / "docs"


@dataclass(frozen=True)
class Viewport:
    name: str
    width: int
    height: int

    @property
    def full_screen(self) -> bool:
        """Whether the widget takes the whole screen as a modal dialog (a phone, a short window)."""
        return self.width <= 480 or self.height <= 500

    def __str__(self) -> str:
        return f"{self.name}-{self.width}x{self.height}"


DESKTOP = Viewport("desktop", 1280, 800)
PHONE = Viewport("phone", 375, 740)
ZOOMED = Viewport("zoomed", 320, 256)        # 1280x1024 at 400%
LANDSCAPE = Viewport("landscape", 740, 375)  # a phone on its side
TINY = Viewport("tiny", 320, 200)            # 1280x800 at 400%
VIEWPORTS = (DESKTOP, PHONE, ZOOMED, LANDSCAPE)
PAGES = ("demo", "host")  # the bot's own demo page; another site's, strict CSP, hostile CSS

#: Markdown links the knowledge base below adds where the shipped content has none.
CAREERS = "https://aahpm.org/career-resources/student-resources/"
CAREERS_SOURCE = f"[AAHPM careers page for medical students and residents]({CAREERS})"
LINKED_ANSWER = (f"\n\nFellowship programs and how to apply: see the [AAHPM careers page]({CAREERS}).")
CRISIS_LINKS = ("You can [call 988](tel:988), [text 988](sms:988) or [chat online](https://988lifeline.org/)."
                " Physicians can also reach the [Physician Support Line](tel:+18884090141).")

HOSTILE_CSS = "html{font-size:62.5%} *{box-sizing:content-box} button{display:none}"
LOUD_CSS = ("*{font-size:30px !important;line-height:3 !important;letter-spacing:4px !important;"
            "font-family:serif !important;text-transform:uppercase !important;"
            "box-sizing:content-box !important}"
            " div{padding:40px !important;color:#c00 !important;display:block !important}"
            " :root{--accent:#f0f}")


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


def expect(target: Any) -> Any:
    return require_browser().expect(target)


def linked_knowledge(path: Path) -> Path:
    """The shipped knowledge base as export JSON, written to ``path``, with Markdown links
    wherever the tests need one and the shipped content has none yet: in the fellowship answer
    and its sources, and in the crisis reply and its source."""
    data = to_export(load_knowledge())
    for entry in data["entries"]:
        entry["sources"] = [CAREERS_SOURCE if s.startswith("AAHPM careers page") else s
                            for s in entry["sources"]]
        if entry["id"] == "fellowship-length":
            if "](https://" not in entry["answer"]:
                entry["answer"] += LINKED_ANSWER
            if CAREERS_SOURCE not in " ".join(entry["sources"]):
                entry["sources"].append(CAREERS_SOURCE)
    for rule in data["safety"]:
        if rule["id"] == "crisis":
            if "tel:988" not in rule["reply"]:
                rule["reply"] += "\n\n" + CRISIS_LINKS
            if "](https://" not in " ".join(rule["sources"]):
                rule["sources"] = ["[988 Suicide & Crisis Lifeline](https://988lifeline.org/)"]
    path.write_text(json.dumps(data))
    return path


class OtherSite(BaseHTTPRequestHandler):
    """Another site's pages embedding the widget from the bot's origin.

    ``/host``: a strict Content-Security-Policy and hostile CSS; ``/loud``: the same with
    louder CSS (``*{font-size:30px !important}`` and more); ``/plain``: no CSP at all, where
    markup that ran would really run. Query: ``bot`` (the widget's base URL), and ``contact``
    and ``label`` for the script tag's data-contact-url and data-contact-label.
    """

    server: Any

    def do_GET(self) -> None:
        url = urlsplit(self.path)
        query = {key: values[0] for key, values in parse_qs(url.query).items()}
        if url.path in ("/hostile.css", "/loud.css"):
            css = HOSTILE_CSS if url.path == "/hostile.css" else HOSTILE_CSS + LOUD_CSS
            return self._send(css.encode(), "text/css")
        if url.path not in ("/host", "/loud", "/plain"):  # /favicon.ico among them
            return self._send(b"", "text/plain", status=204)
        bot = query.get("bot", self.server.bot_url)
        attributes = "".join(f' data-contact-{name}="{query[key]}"'
                             for name, key in (("url", "contact"), ("label", "label")) if key in query)
        style = {"/host": '<link rel="stylesheet" href="/hostile.css">',
                 "/loud": '<link rel="stylesheet" href="/loud.css">'}.get(url.path, "")
        body = (f'<!doctype html><html lang="en"><head><meta charset="utf-8">'
                f'<meta name="viewport" content="width=device-width, initial-scale=1">'
                f"<title>Residency program</title>{style}"
                f'<script src="{bot}widget.js" defer{attributes}></script></head>'
                f'<body><main><h1>Our residency program</h1><p>Welcome, applicants.</p>'
                f'<p><a href="/host#apply">How to apply</a></p></main></body></html>').encode()
        headers = {}
        if url.path != "/plain":
            origin = f"{urlsplit(bot).scheme}://{urlsplit(bot).netloc}"
            headers["Content-Security-Policy"] = (
                f"default-src 'none'; script-src {origin}; style-src 'self' {origin};"
                f" connect-src {origin}; img-src 'self'; base-uri 'none'; form-action 'none'")
        self._send(body, "text/html; charset=utf-8", headers=headers)

    def _send(self, body: bytes, content_type: str, *, status: int = 200,
              headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: Any) -> None:
        pass


def logged_rows(log_path: Path) -> list[sqlite3.Row]:
    connection = sqlite3.connect(log_path)
    connection.row_factory = sqlite3.Row
    rows = connection.execute("SELECT * FROM questions ORDER BY created_at").fetchall()
    connection.close()
    return rows


class Widget:
    """The widget on one page, found the way a user (or a screen reader) finds it."""

    def __init__(self, page: Any, viewport: Viewport) -> None:
        self.page = page
        self.viewport = viewport
        self.launcher = page.get_by_role("button", name="HPM careers FAQ")
        self.dialog = page.get_by_role("dialog", name="HPM careers FAQ")
        self.log = page.get_by_role("log", name="Conversation")
        self.box = page.get_by_label("Your question")
        self.send_button = page.get_by_role("button", name="Send", exact=True)
        self.status = page.get_by_role("status")
        self.bot = page.locator(".message.bot")
        self.user = page.locator(".message.user")

    def open(self) -> Widget:
        self.launcher.click()
        expect(self.box).to_be_focused()
        return self

    def ask(self, text: str) -> Any:
        """Type ``text``, press Enter, and return the reply's message once it is shown."""
        count = self.bot.count()
        self.box.fill(text)
        self.box.press("Enter")
        expect(self.bot).to_have_count(count + 1)
        return self.bot.nth(count)

    def active(self) -> str:
        """A description of the focused element, inside the widget's shadow root or not."""
        return self.page.evaluate("""() => {
            let node = document.activeElement;
            while (node && node.shadowRoot && node.shadowRoot.activeElement) {
                node = node.shadowRoot.activeElement;
            }
            if (!node || node === document.body) return "body";
            const inside = node.getRootNode() !== document;
            const name = node.getAttribute("aria-label") || node.textContent.trim().slice(0, 40);
            return (inside ? "widget " : "page ") + node.tagName.toLowerCase() + ": " + name;
        }""")

    def stored(self) -> dict[str, Any]:
        """The conversation the widget keeps in this tab's sessionStorage."""
        return self.page.evaluate("""() => {
            const key = Object.keys(sessionStorage).find((k) => k.startsWith("hpmfaq:"));
            return key ? JSON.parse(sessionStorage.getItem(key)) : null;
        }""")

    def message_share(self) -> float:
        """The share of the viewport's height that shows messages."""
        box = self.log.bounding_box()
        return box["height"] / self.viewport.height

    def axe(self) -> list[dict[str, Any]]:
        """axe-core's violations on the whole page, the widget's shadow root included."""
        from axe_playwright_python.base import AXE_SCRIPT

        self.page.evaluate(AXE_SCRIPT)
        # No preload: axe would fetch the bot's stylesheet again from the host page, cross-origin.
        result = self.page.evaluate("axe.run(document, {resultTypes: ['violations'], preload: false})")
        return [{"id": v["id"], "help": v["help"],
                 "nodes": [n["target"] for n in v["nodes"]]} for v in result["violations"]]
