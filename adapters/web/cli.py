"""``faqbot serve``: the web app on the production WSGI server."""

from __future__ import annotations

import argparse
import errno
import logging
import os
import signal
import sys
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from adapters.web.app import close_app, create_app
from adapters.web.server import create_server
from adapters.web.settings import app_config_from_env, server_settings_from_env

if TYPE_CHECKING:
    from adapters.cli import CliContext


def add_command(subparsers: argparse._SubParsersAction) -> None:
    """Register ``serve`` with the ``faqbot`` command line."""
    parser = subparsers.add_parser(
        "serve",
        help="serve the chat API, widget and demo page (configured by FAQBOT_* variables)",
    )
    parser.add_argument("--host", help="address to listen on (default: $FAQBOT_HOST or 127.0.0.1)")
    parser.add_argument(
        "--port", type=int, help="port to listen on (default: $FAQBOT_PORT or 8000)"
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace, context: CliContext) -> int:
    """Serve until interrupted; 0 on Ctrl+C, 2 for bad settings, 1 when it cannot listen."""
    try:
        config = app_config_from_env(os.environ)
        server_settings = server_settings_from_env(os.environ)
    except ValueError as error:
        print(f"faqbot serve: {error}", file=sys.stderr)
        return 2
    server_settings = replace(
        server_settings,
        host=args.host or server_settings.host,
        port=server_settings.port if args.port is None else args.port,
    )
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    # waitress warns of every request that waits for a thread: a line per request under load.
    logging.getLogger("waitress.queue").setLevel(logging.ERROR)
    try:
        app = create_app(context.load_bot(), config)
    except ValueError as error:
        print(f"faqbot serve: {error}", file=sys.stderr)
        return 2
    host, port = server_settings.host, server_settings.port
    try:
        server = create_server(app, host=host, port=port, threads=server_settings.threads)
    except OSError as error:
        reason = (
            "the port is already in use (choose another with --port)"
            if error.errno == errno.EADDRINUSE
            else error.strerror or str(error)
        )
        print(f"faqbot serve: cannot listen on {host}:{port}: {reason}", file=sys.stderr)
        return 1
    print(f"Serving the FAQ bot at {' and '.join(_urls(server))} (Ctrl+C to stop)", flush=True)
    signal.signal(signal.SIGTERM, signal.default_int_handler)  # stop as cleanly as on Ctrl+C
    try:
        server.run()
    except KeyboardInterrupt:
        pass
    finally:
        server.close()
        close_app(app)
    return 0


def _urls(server: Any) -> list[str]:
    # One socket, or several when a name such as localhost stands for IPv4 and IPv6 addresses.
    addresses = getattr(server, "effective_listen", None) or [
        (server.effective_host, server.effective_port)
    ]
    return [f"http://[{h}]:{p}/" if ":" in h else f"http://{h}:{p}/" for h, p, *_ in addresses]
