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


@bp.get("/widget.js")
def widget_script() -> Response:
    return send_from_directory(STATIC_DIR, "widget.js", max_age=WIDGET_MAX_AGE)


@bp.get("/widget.css")
def widget_style() -> Response:
    return send_from_directory(STATIC_DIR, "widget.css", max_age=WIDGET_MAX_AGE)


@bp.get("/demo.css")
def demo_style() -> Response:
    return send_from_directory(STATIC_DIR, "demo.css", max_age=WIDGET_MAX_AGE)


@bp.get("/favicon.svg")
def favicon() -> Response:
    return send_from_directory(STATIC_DIR, "favicon.svg", max_age=WIDGET_MAX_AGE)
