"""``faqbot slack``: the Slack app in Socket Mode (no public URL needed).

Reads SLACK_BOT_TOKEN (xoxb-…), SLACK_APP_TOKEN (xapp-…), optionally SLACK_API_URL, and the
question log's FAQBOT_LOG_* variables as ``faqbot serve`` reads them. Slack's libraries are
imported only when the command runs, so ``faqbot`` starts fast.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import threading
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from adapters.cli import CliContext

LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def add_command(subparsers: Any) -> None:
    """Add ``slack`` to the ``faqbot`` command line."""
    parser = subparsers.add_parser(
        "slack", help="run the Slack app in Socket Mode",
        description="Connect to Slack in Socket Mode and answer in DMs, mentions, /hpm and the "
                    "Home tab. Needs SLACK_BOT_TOKEN (xoxb-…) and SLACK_APP_TOKEN (xapp-…).",
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace, context: CliContext, *, stop: threading.Event | None = None) -> int:
    """Connect and answer until interrupted (or until ``stop`` is set); returns the exit status."""
    try:
        from slack_bolt.adapter.socket_mode import SocketModeHandler
        from slack_sdk.errors import SlackApiError, SlackClientError

        from adapters.log import log_settings_from_env
        from adapters.slack.app import build_app, check_token
    except ImportError as exc:
        print(f"faqbot slack: {exc.name} is not installed; pip install -e '.[slack]'",
              file=sys.stderr)
        return 2
    logging.basicConfig(level=logging.INFO, format=LOG_FORMAT)
    env = os.environ
    try:
        bot_token = check_token(env.get("SLACK_BOT_TOKEN"), variable="SLACK_BOT_TOKEN",
                                prefix="xoxb-")
        app_token = check_token(env.get("SLACK_APP_TOKEN"), variable="SLACK_APP_TOKEN",
                                prefix="xapp-")
        settings = log_settings_from_env(env)  # the web face's own settings are not read
        bot = context.load_bot()
    except ValueError as exc:  # SlackConfigError, or a FAQBOT_LOG_* variable
        print(f"faqbot slack: {exc}", file=sys.stderr)
        return 2
    log = settings.open()
    try:
        app = build_app(bot=bot, log=log, bot_token=bot_token, api_url=env.get("SLACK_API_URL"))
        handler = SocketModeHandler(app, app_token)
        handler.connect()
    except BaseException as exc:
        log.close()  # nothing was asked: store what there is and stop the log's writer
        if isinstance(exc, ValueError):  # SlackConfigError
            print(f"faqbot slack: {exc}", file=sys.stderr)
            return 2
        if isinstance(exc, SlackApiError):
            print("faqbot slack: SLACK_APP_TOKEN was rejected by Slack: "
                  f"{exc.response.get('error')}", file=sys.stderr)
            return 2
        if isinstance(exc, SlackClientError | OSError):
            print(f"faqbot slack: cannot connect to Slack: {exc}", file=sys.stderr)
            return 1
        raise
    print("faqbot slack: connected in Socket Mode; Ctrl-C stops", file=sys.stderr)
    try:
        (stop or threading.Event()).wait()
    except KeyboardInterrupt:
        pass
    finally:
        handler.close()
        log.close()
    return 0
