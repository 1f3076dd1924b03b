"""The app manifest names exactly the events, scopes and command the code uses."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

import adapters.slack
from adapters.slack.blocks import FEEDBACK_UP, SHARE_ACTION
from adapters.slack.listeners import COMMAND, EVENTS

from .standin import (
    action_body,
    buttons,
    command_body,
    direct_message,
    event_body,
    mention,
    new_ts,
    unique,
)

MANIFEST = Path(adapters.slack.__file__).with_name("manifest.yaml")

# The bot scopes Slack requires for each event, command and Web API method
# (https://api.slack.com/events, https://api.slack.com/methods). A method the code starts to
# use and this table lacks fails the test below: add it here and its scope to the manifest.
SCOPES_NEEDED = {
    "app_mention": {"app_mentions:read"},
    "message.im": {"im:history"},
    "app_home_opened": set(),
    "/hpm": {"commands"},
    "auth.test": set(),
    "chat.postMessage": {"chat:write"},
    "chat.update": {"chat:write"},
    "views.publish": set(),
    "response_url": set(),
}


@pytest.fixture(scope="module")
def manifest():
    return yaml.safe_load(MANIFEST.read_text(encoding="utf-8"))


def run_every_feature(dispatch, standin):
    """A mention, a DM, the Home tab, /hpm, a suggestion and a vote: every Web API use."""
    channel, user = unique("C"), unique("U")
    dispatch(event_body(mention("how long is the hpm fellowship?", user=user, channel=channel)))
    dispatch(event_body(direct_message("what is hpm", user=user, channel=unique("D"))))
    dispatch(event_body({"type": "app_home_opened", "user": user, "channel": unique("D"),
                         "tab": "home", "event_ts": new_ts()}))
    dispatch(command_body("what is hpm", user=user, channel=channel,
                          response_url=standin.response_url()))
    answer = standin.of("chat.postMessage")[0]
    message = {"ts": new_ts(), "thread_ts": answer.params["thread_ts"],
               "text": answer.params["text"], "blocks": answer.params["blocks"]}
    container = {"type": "message", "message_ts": message["ts"], "channel_id": channel}
    for action_id in ("suggest-1", FEEDBACK_UP):
        button = next(b for b in buttons(answer.params["blocks"]) if b["action_id"] == action_id)
        dispatch(action_body(button, user=user, response_url=standin.response_url(),
                             container=container, message=message))


def test_the_manifest_names_every_event_command_and_scope_the_code_uses(
        manifest, dispatch, standin):
    run_every_feature(dispatch, standin)
    methods = {call.method for call in standin.calls}
    assert {"chat.postMessage", "chat.update", "views.publish", "response_url"} <= methods

    events = manifest["settings"]["event_subscriptions"]["bot_events"]
    commands = [c["command"] for c in manifest["features"]["slash_commands"]]
    assert sorted(events) == sorted(EVENTS)
    assert commands == [COMMAND]
    uses = set(EVENTS) | {COMMAND} | methods
    needed = set().union(*(SCOPES_NEEDED[use] for use in uses))
    assert sorted(manifest["oauth_config"]["scopes"]["bot"]) == sorted(needed)


def test_the_manifest_turns_on_the_home_tab_dms_interactivity_and_socket_mode(manifest):
    home = manifest["features"]["app_home"]
    assert home["home_tab_enabled"] and home["messages_tab_enabled"]
    assert home["messages_tab_read_only_enabled"] is False
    assert manifest["settings"]["interactivity"]["is_enabled"] is True
    assert manifest["settings"]["socket_mode_enabled"] is True
    assert len(manifest["display_information"]["description"]) <= 140
    assert 175 <= len(manifest["display_information"]["long_description"]) <= 4000


@pytest.mark.parametrize("event", [
    {"type": "app_mention", "user": "U1", "text": "<@UBOT> hi", "ts": "1.1", "channel": "C1"},
    {"type": "message", "channel_type": "im", "user": "U1", "text": "hi", "ts": "1.2",
     "channel": "D1"},
    {"type": "app_home_opened", "user": "U1", "channel": "D1", "tab": "home"},
], ids=lambda event: event["type"])
def test_every_subscribed_event_is_handled(dispatch, event):
    assert dispatch(event_body(event)).status == 200  # bolt answers 404 to unhandled ones


def test_the_command_and_every_button_are_handled(dispatch, standin):
    channel, user = unique("C"), unique("U")
    assert dispatch(command_body("hi", user=user, channel=channel,
                                 response_url=standin.response_url())).status == 200
    container = {"type": "message", "message_ts": new_ts(), "channel_id": channel,
                 "is_ephemeral": True}
    for action_id, value in (("suggest-1", "what is hpm"), (FEEDBACK_UP, "r"), (SHARE_ACTION, "r")):
        button = {"action_id": action_id, "value": value, "text": {"type": "plain_text",
                                                                   "text": "x"}}
        assert dispatch(action_body(button, user=user, response_url=standin.response_url(),
                                    container=container)).status == 200
