"""Response headers: security headers on every response and CORS for allowed origins."""

from __future__ import annotations

from collections.abc import Iterable

from flask import Flask, Response, request

_API_PREFIX = "/api/"


def page_policy(frame_ancestors: str) -> str:
    """The Content-Security-Policy of HTML pages: own scripts, styles and API only."""
    return (
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self';"
        " connect-src 'self'; base-uri 'none'; form-action 'none';"
        f" frame-ancestors {frame_ancestors}"
    )


def normalize_origin(origin: str) -> str:
    """``origin`` as browsers send it in the Origin header (lower case, no trailing slash)."""
    origin = origin.strip().rstrip("/").lower()
    scheme, separator, host = origin.partition("://")
    if origin != "*" and (scheme not in ("http", "https") or not separator or not host
                          or "/" in host):
        raise ValueError(f"allowed origin {origin!r} is not of the form https://host[:port]")
    return origin


def install_headers(app: Flask, *, allowed_origins: Iterable[str], frame_ancestors: str) -> None:
    """Add the security headers to every response of ``app``, and CORS headers to the API's."""
    origins = frozenset(normalize_origin(origin) for origin in allowed_origins)
    common = [("X-Content-Type-Options", "nosniff"), ("Referrer-Policy", "no-referrer")]
    page_headers = [*common, ("Content-Security-Policy", page_policy(frame_ancestors))]
    other_headers = [
        *common, ("Content-Security-Policy", f"default-src 'none'; frame-ancestors {frame_ancestors}")
    ]
    api_headers = [*other_headers, ("Cache-Control", "no-store"), ("Vary", "Origin")]
    preflight_headers = [
        ("Access-Control-Allow-Methods", "GET, POST"),
        ("Access-Control-Allow-Headers", "Content-Type"),
        ("Access-Control-Max-Age", "600"),
    ]

    @app.after_request
    def add_headers(response: Response) -> Response:
        # None of these is set elsewhere, so they are appended without looking (it is faster).
        headers = response.headers
        if not request.path.startswith(_API_PREFIX):
            headers.extend(page_headers if response.mimetype == "text/html" else other_headers)
            return response
        headers.extend(api_headers)
        origin = request.headers.get("Origin", "").lower()
        if origin and ("*" in origins or origin in origins):
            headers.extend([("Access-Control-Allow-Origin", origin),
                            ("Access-Control-Expose-Headers", "Retry-After")])
            if request.method == "OPTIONS":
                headers.extend(preflight_headers)
        return response
