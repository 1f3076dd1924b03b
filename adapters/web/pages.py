"""The chat widget's files and the demo page that embeds it."""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, Response, render_template, send_from_directory

from adapters.web.state import services

STATIC_DIR = Path(__file__).with_name("static")
#: Seconds browsers may reuse the widget's files before asking again.
WIDGET_MAX_AGE = 300

bp = Blueprint("pages", __name__)


@bp.get("/")
def demo() -> str:
    """A demo page with the widget embedded, and the snippet to embed it elsewhere."""
    return render_template("demo.html", health=services().health)


STATIC_FILES = ("widget.js", "widget.css", "demo.css", "favicon.svg")


@bp.get(f"/<any({', '.join(STATIC_FILES)}):name>")
def static_file(name: str) -> Response:
    """The widget's script and style, and the demo page's own style and icon."""
    return send_from_directory(STATIC_DIR, name, max_age=WIDGET_MAX_AGE)
