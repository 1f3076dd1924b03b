"""Every error as JSON ``{"error": "..."}`` with its status: never an HTML page or a traceback."""

from __future__ import annotations

from flask import Flask, Response, current_app, jsonify
from werkzeug.exceptions import HTTPException, RequestEntityTooLarge


def _json_error(message: str, status: int) -> Response:
    response = jsonify(error=message)
    response.status_code = status
    return response


def _http_error(error: HTTPException) -> Response:
    # A description written for this error says more than werkzeug's stock sentence.
    custom = error.description != type(error).description
    response = _json_error(error.description if custom else error.name.lower(), error.code or 500)
    for name, value in error.get_headers():  # Allow for 405, Retry-After for 429
        if name.lower() != "content-type":
            response.headers[name] = value
    return response


def _too_large(error: RequestEntityTooLarge) -> Response:
    limit = current_app.config["MAX_CONTENT_LENGTH"]
    return _json_error(f"request body is larger than {limit} bytes", 413)


def _unexpected(error: Exception) -> Response:
    current_app.logger.exception("unhandled error", exc_info=error)
    return _json_error("internal server error", 500)


def register_error_handlers(app: Flask) -> None:
    """Answer every HTTP error and every unexpected exception of ``app`` with JSON."""
    app.register_error_handler(RequestEntityTooLarge, _too_large)
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(Exception, _unexpected)
