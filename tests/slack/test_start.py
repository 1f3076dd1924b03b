"""Starting the Slack face: token checks, ``faqbot slack`` and a real Socket Mode connection."""

from __future__ import annotations

import argparse
import base64
import hashlib
import json
import queue
import re
import socket
import struct
import subprocess
import sys
import threading
from types import SimpleNamespace

import pytest

from adapters.log import read_questions
from adapters.slack.app import SlackConfigError, build_app
from adapters.slack.cli import add_command, run
from tests.helpers import log_writers

from .standin import (
    BOT_TOKEN,
    command_body,
    event_body,
    mention,
    mrkdwn_of,
    unique,
)

APP_TOKEN = "xapp-1-A0FAQBOT-1234-cafe"


# -- build_app ------------------------------------------------------------------------------------
@pytest.mark.parametrize(("token", "error"), [
    (None, "SLACK_BOT_TOKEN is not set; it is your Slack app's xoxb-… token"),
    ("", "SLACK_BOT_TOKEN is not set; it is your Slack app's xoxb-… token"),
    ("xoxp-123-456-abc", "SLACK_BOT_TOKEN must start with xoxb- (it starts with xoxp-); "
                         "check that you copied the right token"),
    (APP_TOKEN, "SLACK_BOT_TOKEN must start with xoxb- (it starts with xapp-); "
                "check that you copied the right token"),
    ("xoxb-pasted-with-a-newline\n", "SLACK_BOT_TOKEN is malformed: it contains spaces or line "
                                     "breaks"),
    ("xoxb-rejected", "SLACK_BOT_TOKEN was rejected by auth.test: invalid_auth"),
])
def test_a_missing_malformed_or_rejected_bot_token_is_one_line_naming_it(
        bot, question_log, standin, token, error):
    with pytest.raises(SlackConfigError) as raised:
        build_app(bot=bot, log=question_log, bot_token=token, api_url=standin.url)
    assert str(raised.value) == error


def test_an_unreachable_web_api_at_start_is_one_line(bot, question_log, standin):
    url = standin.url
    standin.stop()
    with pytest.raises(SlackConfigError, match=f"^cannot reach Slack's Web API at {url} to check "
                                               "SLACK_BOT_TOKEN: "):
        build_app(bot=bot, log=question_log, bot_token=BOT_TOKEN, api_url=url)


# -- faqbot slack ---------------------------------------------------------------------------------
@pytest.fixture
def environment(monkeypatch, standin, tmp_path):
    """The variables ``faqbot slack`` reads, pointing at the stand-in and a temporary log."""
    for name in ("SLACK_BOT_TOKEN", "SLACK_APP_TOKEN", "SLACK_API_URL", "FAQBOT_LOG_PATH",
                 "FAQBOT_LOG_ENABLED", "FAQBOT_LOG_RETENTION_DAYS"):
        monkeypatch.delenv(name, raising=False)
    values = {"SLACK_BOT_TOKEN": BOT_TOKEN, "SLACK_APP_TOKEN": APP_TOKEN,
              "SLACK_API_URL": standin.url, "FAQBOT_LOG_PATH": str(tmp_path / "log.sqlite3")}
    for name, value in values.items():
        monkeypatch.setenv(name, value)
    return monkeypatch


def test_the_command_is_added_to_faqbot():
    parser = argparse.ArgumentParser()
    add_command(parser.add_subparsers(dest="command"))
    assert parser.parse_args(["slack"]).handler is run


def test_importing_the_command_does_not_import_slack():
    code = "import sys, adapters.slack.cli; print('slack_bolt' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=True)
    assert result.stdout.strip() == "False"


@pytest.mark.parametrize(("variable", "value", "error"), [
    ("SLACK_BOT_TOKEN", None, "SLACK_BOT_TOKEN is not set"),
    ("SLACK_APP_TOKEN", None, "SLACK_APP_TOKEN is not set; it is your Slack app's xapp-… token"),
    ("SLACK_APP_TOKEN", BOT_TOKEN, "SLACK_APP_TOKEN must start with xapp- (it starts with xoxb-)"),
    ("SLACK_BOT_TOKEN", "xoxb-rejected", "SLACK_BOT_TOKEN was rejected by auth.test"),
    ("FAQBOT_LOG_RETENTION_DAYS", "0", "FAQBOT_LOG_RETENTION_DAYS='0'"),
    ("FAQBOT_LOG_ENABLED", "maybe", "FAQBOT_LOG_ENABLED='maybe': expected true or false"),
])
def test_faqbot_slack_refuses_to_start_with_one_line_naming_the_variable(
        environment, bot, capsys, variable, value, error):
    if value is None:
        environment.delenv(variable)
    else:
        environment.setenv(variable, value)
    assert run(argparse.Namespace(), SimpleNamespace(load_bot=lambda: bot)) == 2
    stderr = capsys.readouterr().err
    assert stderr.startswith(f"faqbot slack: {error}") and stderr.count("\n") == 1
    assert BOT_TOKEN not in stderr and APP_TOKEN not in stderr


def test_the_web_faces_own_settings_do_not_stop_the_slack_face(environment, bot, capsys):
    environment.setenv("FAQBOT_RATE_LIMIT", "bogus")
    environment.setenv("FAQBOT_PROXY_COUNT", "-1")
    assert run(argparse.Namespace(), SimpleNamespace(load_bot=lambda: bot)) == 2
    # It got as far as connecting: the stand-in rejects every app token.
    assert capsys.readouterr().err == \
        "faqbot slack: SLACK_APP_TOKEN was rejected by Slack: invalid_auth\n"


def test_a_rejected_app_token_is_one_line_naming_it(environment, bot, standin, capsys):
    writers = log_writers()
    assert run(argparse.Namespace(), SimpleNamespace(load_bot=lambda: bot)) == 2
    assert capsys.readouterr().err == \
        "faqbot slack: SLACK_APP_TOKEN was rejected by Slack: invalid_auth\n"
    [connect] = standin.of("apps.connections.open")
    assert connect.token == APP_TOKEN
    assert log_writers() == writers  # the log it opened is closed again


class SocketStandIn:
    """Slack's Socket Mode end: a WebSocket server on loopback that sends envelopes."""

    GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"

    def __init__(self) -> None:
        self.server = socket.create_server(("127.0.0.1", 0))
        self.url = f"ws://127.0.0.1:{self.server.getsockname()[1]}/link/?ticket=t"
        self.connected = threading.Event()
        self.acks: queue.Queue[dict] = queue.Queue()
        threading.Thread(target=self._serve, daemon=True).start()

    def send(self, envelope: dict) -> None:
        self.connection.sendall(self._frame(0x1, json.dumps(envelope).encode()))

    def _serve(self) -> None:
        self.connection, _ = self.server.accept()
        handshake = b""
        while b"\r\n\r\n" not in handshake:
            handshake += self.connection.recv(4096)
        key = re.search(rb"Sec-WebSocket-Key: (\S+)", handshake, re.IGNORECASE)[1]
        accept = base64.b64encode(hashlib.sha1(key + self.GUID.encode()).digest()).decode()
        self.connection.sendall(
            "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            f"Sec-WebSocket-Accept: {accept}\r\n\r\n".encode())
        self.connected.set()
        try:
            while True:
                opcode, data = self._read_frame()
                if opcode == 0x9:  # ping
                    self.connection.sendall(self._frame(0xA, data))
                elif opcode == 0x1:
                    self.acks.put(json.loads(data))
                elif opcode == 0x8:
                    return
        except (ConnectionError, OSError):
            return

    def _read_exactly(self, count: int) -> bytes:
        data = b""
        while len(data) < count:
            chunk = self.connection.recv(count - len(data))
            if not chunk:
                raise ConnectionError("closed")
            data += chunk
        return data

    def _read_frame(self) -> tuple[int, bytes]:
        first, second = self._read_exactly(2)
        length = second & 0x7F
        if length == 126:
            length = struct.unpack(">H", self._read_exactly(2))[0]
        elif length == 127:
            length = struct.unpack(">Q", self._read_exactly(8))[0]
        mask = self._read_exactly(4) if second & 0x80 else b"\0\0\0\0"
        data = self._read_exactly(length)
        return first & 0x0F, bytes(b ^ mask[i % 4] for i, b in enumerate(data))

    @staticmethod
    def _frame(opcode: int, data: bytes) -> bytes:
        size = len(data)
        if size < 126:
            header = bytes([0x80 | opcode, size])
        elif size < 65536:
            header = bytes([0x80 | opcode, 126]) + struct.pack(">H", size)
        else:
            header = bytes([0x80 | opcode, 127]) + struct.pack(">Q", size)
        return header + data


def test_faqbot_slack_answers_over_a_socket_mode_connection(environment, bot, standin, tmp_path):
    socket_end = SocketStandIn()
    standin.socket_url = socket_end.url
    stop, status = threading.Event(), []
    thread = threading.Thread(target=lambda: status.append(
        run(argparse.Namespace(), SimpleNamespace(load_bot=lambda: bot), stop=stop)))
    thread.start()
    try:
        assert socket_end.connected.wait(10)
        event = mention("how long is the hpm fellowship?", user=unique("U"), channel=unique("C"))
        socket_end.send({"envelope_id": "env-1", "type": "events_api", "payload": event_body(event),
                         "accepts_response_payload": False, "retry_attempt": 0,
                         "retry_reason": ""})
        assert socket_end.acks.get(timeout=10) == {"envelope_id": "env-1"}
        [answer] = standin.wait_for("chat.postMessage")
        assert answer.params["thread_ts"] == event["ts"] and answer.token == BOT_TOKEN
        assert "*one year*" in mrkdwn_of(answer.params["blocks"])

        command = command_body("what is hpm", user=unique("U"), channel=unique("C"),
                               response_url=standin.response_url())
        socket_end.send({"envelope_id": "env-2", "type": "slash_commands", "payload": command,
                         "accepts_response_payload": True})
        assert socket_end.acks.get(timeout=10) == {"envelope_id": "env-2"}
        [private] = standin.wait_for("response_url")
        assert private.params["response_type"] == "ephemeral"
    finally:
        stop.set()
        thread.join(10)
    assert status == [0]
    assert [c.token for c in standin.of("apps.connections.open")] == [APP_TOKEN]
    rows = read_questions(tmp_path / "log.sqlite3")
    assert [(r.channel, r.entry_id) for r in rows] == [("slack", "fellowship-length"),
                                                        ("slack", "what-is-hpm")]
