"""``faqbot serve``: settings from the environment, the real server, clear start-up errors."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import textwrap
import threading
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from adapters.log import DEFAULT_LOG_PATH, read_questions
from adapters.web.server import create_server
from adapters.web.settings import ServerSettings, app_config_from_env, server_settings_from_env

ROOT = Path(__file__).resolve().parents[2]
# `faqbot serve` as the core's command line runs it, without needing the project installed.
SERVE = textwrap.dedent("""
    import argparse, sys
    from types import SimpleNamespace
    from adapters.web.cli import add_command
    from bot import Bot
    parser = argparse.ArgumentParser()
    add_command(parser.add_subparsers())
    args = parser.parse_args(["serve", *sys.argv[1:]])
    sys.exit(args.handler(args, SimpleNamespace(load_bot=Bot.from_path)))
""")


def serve(*arguments, env=None):
    environment = {**os.environ, "FAQBOT_LOG_ENABLED": "false", **(env or {})}
    return subprocess.Popen(
        [sys.executable, "-c", SERVE, *arguments], cwd=ROOT, env=environment,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )


def test_nothing_set_means_the_defaults():
    assert app_config_from_env({}) == {
        "LOG_PATH": DEFAULT_LOG_PATH, "LOG_ENABLED": True, "LOG_RETENTION_DAYS": 90}
    assert server_settings_from_env({}) == ServerSettings("127.0.0.1", 8000, 4)


def test_every_variable_is_read():
    environ = {
        "FAQBOT_ALLOWED_ORIGINS": "https://a.example, https://b.example:8443",
        "FAQBOT_FRAME_ANCESTORS": "'none'",
        "FAQBOT_RATE_LIMIT": "10/second",
        "FAQBOT_PROXY_COUNT": "1",
        "FAQBOT_LOG_PATH": "/var/lib/faqbot/log.sqlite3",
        "FAQBOT_LOG_ENABLED": "off",
        "FAQBOT_LOG_RETENTION_DAYS": "30",
        "SLACK_BOT_TOKEN": "xoxb-1", "SLACK_SIGNING_SECRET": "abc", "SLACK_API_URL": "http://x/",
        "FAQBOT_HOST": "0.0.0.0", "FAQBOT_PORT": "9000", "FAQBOT_THREADS": "4",
    }
    assert app_config_from_env(environ) == {
        "ALLOWED_ORIGINS": ("https://a.example", "https://b.example:8443"),
        "FRAME_ANCESTORS": "'none'",
        "RATE_LIMIT": "10/second",
        "PROXY_COUNT": 1,
        "LOG_PATH": "/var/lib/faqbot/log.sqlite3",
        "LOG_ENABLED": False,
        "LOG_RETENTION_DAYS": 30,
        "SLACK_BOT_TOKEN": "xoxb-1", "SLACK_SIGNING_SECRET": "abc", "SLACK_API_URL": "http://x/",
    }
    assert server_settings_from_env(environ) == ServerSettings("0.0.0.0", 9000, 4)


@pytest.mark.parametrize("variable, value", [
    ("FAQBOT_RATE_LIMIT", "lots"), ("FAQBOT_LOG_ENABLED", "maybe"),
    ("FAQBOT_LOG_RETENTION_DAYS", "0"), ("FAQBOT_PROXY_COUNT", "-1"),
])
def test_a_bad_app_setting_is_refused_naming_the_variable(variable, value):
    with pytest.raises(ValueError, match=f"^{variable}="):
        app_config_from_env({variable: value})


@pytest.mark.parametrize("variable, value", [
    ("FAQBOT_PORT", "eighty"), ("FAQBOT_PORT", "70000"), ("FAQBOT_THREADS", "0"),
])
def test_a_bad_server_setting_is_refused_naming_the_variable(variable, value):
    with pytest.raises(ValueError, match=f"^{variable}="):
        server_settings_from_env({variable: value})


def test_serve_prints_its_url_serves_and_stops_cleanly_on_ctrl_c():
    process = serve("--port", "0")
    try:
        line = process.stdout.readline()
        assert line.startswith("Serving the FAQ bot at http://127.0.0.1:"), line
        url = line.split()[5]
        with urllib.request.urlopen(url + "healthz", timeout=10) as response:
            assert json.load(response)["status"] == "ok"
    finally:
        process.send_signal(signal.SIGINT)
        process.communicate(timeout=10)
    assert process.returncode == 0


def test_a_taken_port_is_a_one_line_error():
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        process = serve("--port", str(port))
        out, err = process.communicate(timeout=30)
    assert process.returncode == 1
    assert err.strip() == (f"faqbot serve: cannot listen on 127.0.0.1:{port}:"
                           " the port is already in use (choose another with --port)")
    assert out == ""


def test_a_bad_variable_is_a_one_line_error():
    process = serve(env={"FAQBOT_RATE_LIMIT": "lots"})
    _, err = process.communicate(timeout=30)
    assert process.returncode == 2
    assert err.startswith("faqbot serve: FAQBOT_RATE_LIMIT='lots': ")
    assert len(err.strip().splitlines()) == 1


def test_a_bad_origin_is_a_one_line_error():
    process = serve(env={"FAQBOT_ALLOWED_ORIGINS": "example.org"})
    _, err = process.communicate(timeout=30)
    assert process.returncode == 2
    assert "allowed origin 'example.org'" in err and len(err.strip().splitlines()) == 1


def test_a_terminated_server_stores_the_questions_it_answered(tmp_path):
    log_path = tmp_path / "questions.sqlite3"
    process = serve("--port", "0", env={"FAQBOT_LOG_ENABLED": "true",
                                         "FAQBOT_LOG_PATH": str(log_path)})
    try:
        url = process.stdout.readline().split()[5]
        request = urllib.request.Request(
            url + "api/chat", data=b'{"message": "how long is the hpm fellowship?"}',
            headers={"Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=10) as response:
            reply_id = json.load(response)["reply_id"]
    finally:
        process.send_signal(signal.SIGTERM)
        process.communicate(timeout=10)
    assert process.returncode == 0
    assert [row.reply_id for row in read_questions(log_path)] == [reply_id]


def test_one_slack_variable_alone_is_a_one_line_error():
    process = serve(env={"SLACK_BOT_TOKEN": "xoxb-123-456-abc", "SLACK_SIGNING_SECRET": ""})
    out, err = process.communicate(timeout=30)
    assert process.returncode == 2 and out == ""
    assert err.startswith("faqbot serve: SLACK_SIGNING_SECRET is not set")
    assert len(err.strip().splitlines()) == 1


def post_through(url, forwarded_for):
    request = urllib.request.Request(
        url + "api/chat", data=b'{"message": "hi"}',
        headers={"Content-Type": "application/json", "X-Forwarded-For": forwarded_for},
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


@pytest.mark.parametrize("proxy_count", [0, 1])
def test_the_real_server_hands_forwarded_addresses_to_the_app_only_behind_a_proxy(
        make_app, proxy_count):
    app = make_app(PROXY_COUNT=proxy_count, RATE_LIMIT="2/minute", LOG_ENABLED=False)
    server = create_server(app, host="127.0.0.1", port=0, threads=2)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        url = f"http://127.0.0.1:{server.effective_port}/"
        statuses = [post_through(url, f"198.51.100.{n}") for n in range(1, 5)]
    finally:
        server.close()
        thread.join(timeout=10)
    # Behind a proxy each forwarded address has its own limit; without one, they are forged.
    assert statuses == ([200] * 4 if proxy_count else [200, 200, 429, 429])
