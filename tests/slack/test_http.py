"""HTTP mode: really signed requests through the Flask ``POST /slack/events`` endpoint."""

from __future__ import annotations

import argparse
import contextlib
import json
import logging
import threading
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from types import SimpleNamespace

import pytest
from flask import Flask

from adapters.slack.app import SlackConfigError
from adapters.slack.http import EVENTS_PATH, create_blueprint

from .standin import (
    BOT_TOKEN,
    SIGNING_SECRET,
    VERIFICATION_TOKEN,
    action_body,
    buttons,
    command_body,
    event_body,
    http_body,
    logged,
    mention,
    mrkdwn_of,
    new_ts,
    signed_headers,
    unique,
)

FELLOWSHIP = "how long is the hpm fellowship?"


@pytest.fixture
def executor():
    pool = ThreadPoolExecutor(max_workers=4)
    yield pool
    pool.shutdown(wait=True)


@pytest.fixture
def http(bot, question_log, standin, executor):
    """A Flask app serving the blueprint, listeners on a real thread pool as in production."""
    app = Flask(__name__)
    app.register_blueprint(create_blueprint(
        bot=bot, log=question_log, bot_token=BOT_TOKEN, signing_secret=SIGNING_SECRET,
        api_url=standin.url, listener_executor=executor))
    return app.test_client()


def post(client, payload, *, secret=SIGNING_SECRET, timestamp=None, retry=None):
    body, content_type = http_body(payload)
    headers = signed_headers(body, secret=secret, timestamp=timestamp, content_type=content_type)
    if retry:
        headers |= {"X-Slack-Retry-Num": str(retry), "X-Slack-Retry-Reason": "http_timeout"}
    return client.post(EVENTS_PATH, data=body, headers=headers)


def test_a_signed_mention_is_acknowledged_and_answered_in_its_thread(http, standin, question_log):
    event = mention(FELLOWSHIP, user=unique("U"), channel=unique("C"))
    assert post(http, event_body(event)).status_code == 200
    [answer] = standin.wait_for("chat.postMessage")
    assert answer.params["thread_ts"] == event["ts"]
    assert "*one year*" in mrkdwn_of(answer.params["blocks"])


def test_the_url_verification_challenge_is_answered(http):
    response = post(http, {"type": "url_verification", "token": VERIFICATION_TOKEN,
                           "challenge": "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P"})
    assert response.status_code == 200
    assert response.get_json()["challenge"].startswith("3eZbrw1aB")


@pytest.mark.parametrize("forgery", ["wrong secret", "stale", "unsigned", "altered body"])
def test_a_bad_or_stale_signature_gets_401_and_no_answer(http, standin, executor, forgery):
    payload = event_body(mention(FELLOWSHIP, user=unique("U"), channel=unique("C")))
    if forgery == "wrong secret":
        response = post(http, payload, secret="not-the-signing-secret")
    elif forgery == "stale":
        response = post(http, payload, timestamp=int(time.time()) - 6 * 60)
    elif forgery == "unsigned":
        response = http.post(EVENTS_PATH, json=payload)
    else:
        body, content_type = http_body(payload)
        headers = signed_headers(body, content_type=content_type)
        response = http.post(EVENTS_PATH, data=body.replace("hpm", "xyz"), headers=headers)

    assert response.status_code == 401
    executor.shutdown(wait=True)
    assert standin.posts() == []


def test_a_retried_event_posts_once(http, standin, executor):
    payload = event_body(mention(FELLOWSHIP, user=unique("U"), channel=unique("C")))
    assert post(http, payload).status_code == 200
    assert post(http, payload, retry=1).status_code == 200
    assert post(http, payload, retry=2).status_code == 200
    executor.shutdown(wait=True)
    assert len(standin.of("chat.postMessage")) == 1


def test_slack_is_acknowledged_at_once_even_when_answering_is_slow(http, standin):
    standin.delays["chat.postMessage"] = 2.0
    started = time.monotonic()
    response = post(http, event_body(mention(FELLOWSHIP, user=unique("U"), channel=unique("C"))))
    acknowledged = time.monotonic() - started
    assert response.status_code == 200 and acknowledged < 1.0
    assert standin.wait_for("chat.postMessage")


def test_the_slash_command_and_a_click_go_through_the_endpoint(http, standin, question_log):
    channel, user = unique("C"), unique("U")
    response = post(http, command_body(FELLOWSHIP, user=user, channel=channel,
                                       response_url=standin.response_url()))
    assert response.status_code == 200 and response.data == b""
    [private] = standin.wait_for("response_url")
    assert private.params["response_type"] == "ephemeral"

    thumbs_up = buttons(private.params["blocks"])[-3]
    container = {"type": "message", "message_ts": new_ts(), "channel_id": channel,
                 "is_ephemeral": True}
    click = action_body(thumbs_up, user=user, response_url=standin.response_url(),
                        container=container)
    assert post(http, click).status_code == 200
    standin.wait_for("response_url", count=2)
    assert logged(question_log)[0].helpful is True


def test_a_large_click_payload_is_accepted(http, standin):
    # A click carries the whole message; Slack's payloads can be tens of kilobytes.
    blocks = [{"type": "section", "text": {"type": "mrkdwn", "text": "x" * 2900}}] * 20
    share = {"action_id": "share", "value": "forgotten", "text": {"type": "plain_text",
                                                                  "text": "Post to channel"}}
    container = {"type": "message", "message_ts": new_ts(), "channel_id": unique("C"),
                 "is_ephemeral": False}
    click = action_body(share, user=unique("U"), response_url=standin.response_url(),
                        container=container, message={"ts": new_ts(), "blocks": blocks})
    assert len(json.dumps(click)) > 50_000
    assert post(http, click).status_code == 200


def test_a_stale_request_logs_neither_token_nor_secret(http, caplog):
    caplog.set_level(logging.DEBUG)
    payload = command_body(FELLOWSHIP, user=unique("U"), channel=unique("C"),
                           response_url="https://hooks.slack.invalid/x")
    assert post(http, payload, timestamp=int(time.time()) - 3600).status_code == 401
    assert "Invalid request signature" in caplog.text  # bolt logged the request...
    assert "token=[redacted]" in caplog.text
    for secret in (VERIFICATION_TOKEN, BOT_TOKEN, SIGNING_SECRET):
        assert secret not in caplog.text  # ...without its secrets


@pytest.mark.parametrize("secret", [None, "", "has spaces in it"])
def test_a_missing_or_malformed_signing_secret_is_refused_naming_it(bot, question_log, standin,
                                                                   secret):
    with pytest.raises(SlackConfigError, match=r"^SLACK_SIGNING_SECRET is (not set|malformed)"):
        create_blueprint(bot=bot, log=question_log, bot_token=BOT_TOKEN, signing_secret=secret,
                         api_url=standin.url)


def test_the_web_apps_server_serves_slack_when_configured(bot, tmp_path, standin):
    from adapters.web.app import create_app

    app = create_app(bot, {"LOG_PATH": tmp_path / "log.sqlite3", "SLACK_BOT_TOKEN": BOT_TOKEN,
                           "SLACK_SIGNING_SECRET": SIGNING_SECRET, "SLACK_API_URL": standin.url})
    client = app.test_client()
    channel = unique("C")

    assert post(client, event_body(mention(FELLOWSHIP, user=unique("U"), channel=channel))) \
        .status_code == 200
    [answer] = standin.wait_for("chat.postMessage")
    assert answer.params["channel"] == channel

    assert post(client, event_body(mention(FELLOWSHIP, user=unique("U"), channel=channel)),
                secret="forged").status_code == 401

    container = {"type": "message", "message_ts": new_ts(), "channel_id": channel,
                 "is_ephemeral": False}
    message = {"ts": container["message_ts"], "thread_ts": answer.params["thread_ts"],
               "text": answer.params["text"],
               "blocks": answer.params["blocks"] + [{"type": "divider"}] * 400}
    click = action_body(buttons(answer.params["blocks"])[-2], user=unique("U"),
                        response_url=standin.response_url(), container=container, message=message)
    assert len(http_body(click)[0]) > app.config["MAX_CONTENT_LENGTH"]  # the web API's limit
    assert post(client, click).status_code == 200
    [update] = standin.wait_for("chat.update")
    assert "noted as helpful" in mrkdwn_of(update.params["blocks"])


def test_the_production_server_answers_signed_requests_over_real_http(bot, tmp_path, standin):
    from adapters.web.app import create_app
    from adapters.web.server import create_server

    app = create_app(bot, {"LOG_PATH": tmp_path / "log.sqlite3", "SLACK_BOT_TOKEN": BOT_TOKEN,
                           "SLACK_SIGNING_SECRET": SIGNING_SECRET, "SLACK_API_URL": standin.url})
    server = create_server(app, host="127.0.0.1", port=0, threads=4)

    def serve():
        with contextlib.suppress(OSError):  # the closing socket, when the test is over
            server.run()

    threading.Thread(target=serve, daemon=True).start()
    url = f"http://127.0.0.1:{server.effective_port}{EVENTS_PATH}"
    try:
        event = mention(FELLOWSHIP, user=unique("U"), channel=unique("C"))
        body, content_type = http_body(event_body(event))
        request = urllib.request.Request(url, data=body.encode(), method="POST",
                                         headers=signed_headers(body, content_type=content_type))
        with urllib.request.urlopen(request, timeout=10) as response:
            assert response.status == 200
        [answer] = standin.wait_for("chat.postMessage")
        assert answer.params["thread_ts"] == event["ts"]

        forged = urllib.request.Request(url, data=body.encode(), method="POST", headers=signed_headers(
            body, secret="forged", content_type=content_type))
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(forged, timeout=10)
        assert refused.value.code == 401
    finally:
        server.close()


def test_faqbot_serve_refuses_a_malformed_slack_token_naming_it(bot, tmp_path, monkeypatch,
                                                                capsys):
    from adapters.web.cli import run

    monkeypatch.setenv("FAQBOT_LOG_PATH", str(tmp_path / "log.sqlite3"))
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxp-user-token")
    monkeypatch.setenv("SLACK_SIGNING_SECRET", SIGNING_SECRET)
    args = argparse.Namespace(host="127.0.0.1", port=0)
    assert run(args, SimpleNamespace(load_bot=lambda: bot)) == 2
    assert capsys.readouterr().err == ("faqbot serve: SLACK_BOT_TOKEN must start with xoxb- (it "
                                       "starts with xoxp-); check that you copied the right token\n")
