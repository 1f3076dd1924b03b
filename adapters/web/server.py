"""The production WSGI server (waitress) for the web app."""

from __future__ import annotations

from typing import Any

from flask import Flask
from waitress import create_server as create_waitress_server

#: Bodies above this are refused by waitress itself, before the app (which allows 16 KB) reads them.
MAX_BODY_BYTES = 1024 * 1024


def create_server(app: Flask, *, host: str, port: int, threads: int) -> Any:
    """A waitress server for ``app``, already listening (``port`` 0 picks a free one).

    Call ``run()`` to serve and ``close()`` to stop; ``effective_port`` is the bound port.
    Raises ``OSError`` when the address cannot be bound.

    Proxy headers (X-Forwarded-For, Forwarded, ...) are removed before the app sees them,
    unless the app's ``PROXY_COUNT`` says proxies are in front: then they are passed on as
    sent and the app's ProxyFix alone decides which hops to trust.
    """
    return create_waitress_server(
        app,
        host=host,
        port=port,
        threads=threads,
        ident="faqbot",
        max_request_body_size=MAX_BODY_BYTES,
        clear_untrusted_proxy_headers=not app.config.get("PROXY_COUNT"),
    )
