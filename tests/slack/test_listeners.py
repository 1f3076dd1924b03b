"""The listeners through ``app.dispatch``, as Socket Mode delivers requests, and the stand-in."""

from __future__ import annotations

import logging

import pytest

from adapters.slack.blocks import FEEDBACK_DOWN, FEEDBACK_UP, SHARE_ACTION
from adapters.slack.listeners import pseudonym

from .standin import (
    BOT_ID,
    BOT_TOKEN,
    BOT_USER,
    TEAM,
    action_body,
    buttons,
    command_body,
    direct_message,
    event_body,
    logged,
    mention,
    mrkdwn_of,
    new_ts,
    unique,
    vague_question,
)

FELLOWSHIP = "how long is the hpm fellowship?"


def button(blocks, action_id):
    return next(b for b in buttons(blocks) if b["action_id"] == action_id)


def clicked_in_thread(post, *, user, response_url, button_):
    """A click on a button of the message the stand-in received as ``post``."""
    ts, thread_ts = new_ts(), post.params.get("thread_ts")
    message = {"type": "message", "ts": ts, "user": BOT_USER, "bot_id": BOT_ID,
               "text": post.params["text"], "blocks": post.params["blocks"]}
    container = {"type": "message", "message_ts": ts, "channel_id": post.params["channel"],
                 "is_ephemeral": False}
    if thread_ts:
        message["thread_ts"] = container["thread_ts"] = thread_ts
    return action_body(button_, user=user, response_url=response_url, container=container,
                       message=message)


def private_click(channel, *, user, response_url, button_):
    container = {"type": "message", "message_ts": new_ts(), "channel_id": channel,
                 "is_ephemeral": True}
    return action_body(button_, user=user, response_url=response_url, container=container)


# -- where it answers -----------------------------------------------------------------------------
def test_a_mention_is_answered_in_its_thread_with_the_right_entry(dispatch, standin, question_log):
    channel, user = unique("C"), unique("U")
    event = mention(FELLOWSHIP, user=user, channel=channel)

    assert dispatch(event_body(event)).status == 200

    [post] = standin.of("chat.postMessage")
    assert post.token == BOT_TOKEN
    assert (post.params["channel"], post.params["thread_ts"]) == (channel, event["ts"])
    assert "*one year*" in mrkdwn_of(post.params["blocks"])
    assert "one year" in post.params["text"] and "**" not in post.params["text"]
    [row] = logged(question_log)
    assert (row.channel, row.kind, row.entry_id, row.question) == (
        "slack", "answer", "fellowship-length", FELLOWSHIP)
    assert row.session_id == pseudonym(f"slack:{TEAM}:{channel}:{event['ts']}:{user}")
    assert user not in row.session_id and channel not in row.session_id
    assert button(post.params["blocks"], FEEDBACK_UP)["value"] == row.reply_id


def test_a_mention_inside_a_thread_is_answered_there_and_follows_the_conversation(
        dispatch, standin, question_log):
    channel, user, root = unique("C"), unique("U"), new_ts()
    dispatch(event_body(mention("how do I become a palliative care doctor", user=user,
                                channel=channel, thread_ts=root)))
    dispatch(event_body(mention("how long does it take?", user=user, channel=channel,
                                thread_ts=root)))

    assert [p.params["thread_ts"] for p in standin.of("chat.postMessage")] == [root, root]
    assert [r.entry_id for r in logged(question_log)] == ["training-pathway",
                                                             "fellowship-length"]


def test_a_direct_message_gets_an_answer_in_the_dm(dispatch, standin, question_log):
    channel, user = unique("D"), unique("U")
    dispatch(event_body(direct_message("where do palliative doctors work", user=user,
                                       channel=channel)))
    dispatch(event_body(direct_message("what about with children?", user=user, channel=channel)))

    posts = standin.of("chat.postMessage")
    assert [p.params["channel"] for p in posts] == [channel, channel]
    assert all("thread_ts" not in p.params for p in posts)
    assert [r.entry_id for r in logged(question_log)] == ["practice-settings",
                                                             "pediatric-palliative-care"]
    assert {r.session_id for r in logged(question_log)} == {pseudonym(f"slack:{TEAM}:{channel}:-:{user}")}


def test_the_slash_command_answers_privately_with_a_post_to_channel_button(dispatch, standin):
    channel, user, url = unique("C"), unique("U"), standin.response_url()

    assert dispatch(command_body(FELLOWSHIP, user=user, channel=channel, response_url=url)).status \
        == 200

    [call] = standin.of("response_url")
    assert call.params["response_type"] == "ephemeral"
    assert "*one year*" in mrkdwn_of(call.params["blocks"])
    assert f"<@{user}> asked: {FELLOWSHIP}" in mrkdwn_of(call.params["blocks"])
    assert button(call.params["blocks"], SHARE_ACTION)["value"]
    assert standin.of("chat.postMessage") == []


def test_an_empty_slash_command_gets_the_help_reply(dispatch, standin, question_log):
    dispatch(command_body("", user=unique("U"), channel=unique("C"),
                          response_url=standin.response_url()))
    assert standin.of("response_url")
    assert logged(question_log)[0].entry_id == "help"


def click_under_a_private_answer(dispatch, standin, action_id: str) -> None:
    """Ask by slash command (the answer comes privately), then click ``action_id`` under it."""
    channel, user = unique("C"), unique("U")
    dispatch(command_body(FELLOWSHIP, user=user, channel=channel,
                          response_url=standin.response_url()))
    [private] = standin.of("response_url")
    dispatch(private_click(channel, user=user, response_url=standin.response_url(),
                           button_=button(private.params["blocks"], action_id)))


def test_post_to_channel_posts_the_private_answer_for_everyone(dispatch, standin):
    click_under_a_private_answer(dispatch, standin, SHARE_ACTION)

    _, public, removal = standin.of("response_url")
    assert public.params["response_type"] == "in_channel"
    assert "*one year*" in mrkdwn_of(public.params["blocks"])
    assert buttons(public.params["blocks"]) == []
    assert removal.params["delete_original"] is True


def test_post_to_channel_of_a_forgotten_answer_says_so(dispatch, standin):
    share = {"action_id": SHARE_ACTION, "value": "no-such-reply",
             "text": {"type": "plain_text", "text": "Post to channel"}}
    dispatch(private_click(unique("C"), user=unique("U"), response_url=standin.response_url(),
                           button_=share))
    [note] = standin.of("response_url")
    assert "expired" in note.params["text"] and note.params["response_type"] == "ephemeral"


def test_the_home_tab_is_published_with_the_starter_questions(dispatch, standin, bot):
    user, dm = unique("U"), unique("D")
    opened = {"type": "app_home_opened", "user": user, "channel": dm, "tab": "home",
              "event_ts": new_ts()}

    dispatch(event_body(opened))
    dispatch(event_body(opened | {"tab": "messages"}))

    [publish] = standin.of("views.publish")
    view = publish.params["view"]
    assert (publish.params["user_id"], view["type"], view["private_metadata"]) == (user, "home", dm)
    assert [b["value"] for b in buttons(view["blocks"])] == [s.question for s in bot.starters()]
    assert "/hpm" in mrkdwn_of(view["blocks"])


# -- clicks ---------------------------------------------------------------------------------------
def test_a_suggestion_click_answers_that_question_in_the_same_thread(
        dispatch, standin, question_log):
    channel, user = unique("C"), unique("U")
    event = mention(FELLOWSHIP, user=user, channel=channel)
    dispatch(event_body(event))
    [answer] = standin.of("chat.postMessage")
    suggestion = button(answer.params["blocks"], "suggest-1")

    dispatch(clicked_in_thread(answer, user=user, response_url=standin.response_url(),
                               button_=suggestion))

    _, follow_up = standin.of("chat.postMessage")
    assert (follow_up.params["channel"], follow_up.params["thread_ts"]) == (channel, event["ts"])
    assert f"<@{user}> asked: {suggestion['value']}" in mrkdwn_of(follow_up.params["blocks"])
    first, second = logged(question_log)
    assert second.question == suggestion["value"] and second.session_id == first.session_id
    assert second.kind == "answer"


def test_a_did_you_mean_click_answers_the_chosen_entry(dispatch, standin, question_log, bot):
    channel, user = unique("C"), unique("U")
    dispatch(event_body(mention(vague_question(bot), user=user, channel=channel)))
    [clarify] = standin.of("chat.postMessage")
    assert logged(question_log)[0].kind == "clarify"
    choice = button(clarify.params["blocks"], "suggest-2")
    assert choice["text"]["text"].startswith("2. ")
    assert not any(b["action_id"] == FEEDBACK_UP for b in buttons(clarify.params["blocks"]))

    dispatch(clicked_in_thread(clarify, user=user, response_url=standin.response_url(),
                               button_=choice))

    chosen = logged(question_log)[-1]
    assert (chosen.kind, chosen.question) == ("answer", choice["value"])
    assert len(standin.of("chat.postMessage")) == 2


def test_a_typed_number_answers_a_did_you_mean_in_the_thread(dispatch, question_log, bot):
    channel, user = unique("C"), unique("U")
    root = new_ts()
    dispatch(event_body(mention(vague_question(bot), user=user, channel=channel, ts=root)))
    dispatch(event_body(mention("2", user=user, channel=channel, thread_ts=root)))
    asked, answered = logged(question_log)
    assert asked.kind == "clarify" and answered.kind == "answer"
    assert answered.entry_id != asked.entry_id  # the second choice, not the first


def test_a_home_tab_starter_is_answered_in_the_dm_and_starts_its_conversation(
        dispatch, standin, question_log, bot):
    user, dm = unique("U"), unique("D")
    dispatch(event_body({"type": "app_home_opened", "user": user, "channel": dm, "tab": "home",
                         "event_ts": new_ts()}))
    view = standin.of("views.publish")[0].params["view"]
    starter = next(b for b in buttons(view["blocks"]) if "become" in b["value"])

    dispatch(action_body(starter, user=user, response_url=standin.response_url(),
                         container={"type": "view", "view_id": "V1"},
                         view={"id": "V1", "type": "home", **view}))
    dispatch(event_body(direct_message("how long does it take?", user=user, channel=dm)))

    assert [p.params["channel"] for p in standin.of("chat.postMessage")] == [dm, dm]
    assert [r.entry_id for r in logged(question_log)] == ["training-pathway",
                                                             "fellowship-length"]


def test_a_feedback_click_lands_in_the_log_and_updates_the_message(
        dispatch, standin, question_log):
    channel, user = unique("C"), unique("U")
    dispatch(event_body(mention(FELLOWSHIP, user=user, channel=channel)))
    [answer] = standin.of("chat.postMessage")
    click = clicked_in_thread(answer, user=user, response_url=standin.response_url(),
                              button_=button(answer.params["blocks"], FEEDBACK_DOWN))

    dispatch(click)

    [row] = logged(question_log)
    assert row.helpful is False
    [update] = standin.of("chat.update")
    assert (update.params["channel"], update.params["ts"]) == (channel, click["message"]["ts"])
    assert "noted as not helpful" in mrkdwn_of(update.params["blocks"])
    assert buttons(update.params["blocks"]) == buttons(answer.params["blocks"])[:-2]
    assert "*one year*" in mrkdwn_of(update.params["blocks"])


def test_feedback_on_a_private_answer_updates_it_through_its_response_url(
        dispatch, standin, question_log):
    click_under_a_private_answer(dispatch, standin, FEEDBACK_UP)

    assert logged(question_log)[0].helpful is True
    _, update = standin.of("response_url")
    assert update.params["replace_original"] is True
    assert "noted as helpful" in mrkdwn_of(update.params["blocks"])
    assert [b["action_id"] for b in buttons(update.params["blocks"])][-1] == SHARE_ACTION
    assert standin.of("chat.update") == []


def test_a_suggestion_click_under_a_private_answer_answers_privately(dispatch, standin):
    click_under_a_private_answer(dispatch, standin, "suggest-1")

    _, second = standin.of("response_url")
    assert second.params["response_type"] == "ephemeral"
    assert second.params["replace_original"] is False
    assert standin.of("chat.postMessage") == []


# -- what it ignores ------------------------------------------------------------------------------
IGNORED = {
    "its own message": dict(user=BOT_USER, bot_id=BOT_ID),
    "another bot's message": dict(bot_id="BOTHER", subtype="bot_message"),
    "an edit": dict(subtype="message_changed", message={"text": "edited", "user": "U1"}),
    "a deletion": dict(subtype="message_deleted"),
    "someone joining": dict(subtype="channel_join"),
    "a file share": dict(subtype="file_share"),
}


@pytest.mark.parametrize("extra", IGNORED.values(), ids=IGNORED.keys())
def test_messages_that_are_not_a_person_asking_are_acknowledged_and_ignored(
        dispatch, standin, question_log, extra):
    event = direct_message(FELLOWSHIP, user=unique("U"), channel=unique("D"))
    assert dispatch(event_body(event | extra)).status == 200
    assert standin.posts() == [] and logged(question_log) == []


@pytest.mark.parametrize("event", [
    mention(FELLOWSHIP, user="U1", channel="C1") | {"bot_id": "BOTHER"},
    mention(FELLOWSHIP, user="U1", channel="C1") | {"edited": {"user": "U1", "ts": "1.0"}},
    mention(FELLOWSHIP, user="U1", channel="D1"),  # a DM's mention: message.im answers it
    direct_message(FELLOWSHIP, user="U1", channel="C1", channel_type="channel"),
], ids=["a bot's mention", "an edited mention", "a mention in a DM", "a channel message"])
def test_other_events_are_acknowledged_and_ignored(dispatch, standin, event):
    assert dispatch(event_body(event)).status == 200
    assert standin.posts() == []


def test_a_retried_event_posts_once(dispatch, standin):
    body = event_body(mention(FELLOWSHIP, user=unique("U"), channel=unique("C")))
    assert dispatch(body).status == 200
    assert dispatch(body, retry=1).status == 200
    assert dispatch(body, retry=2).status == 200
    assert len(standin.of("chat.postMessage")) == 1


# -- faults of Slack's Web API --------------------------------------------------------------------
def test_a_429_is_retried_after_its_retry_after(dispatch, standin, caplog, waits):
    standin.fail("chat.postMessage", 429, retry_after=3)
    dispatch(event_body(mention(FELLOWSHIP, user=unique("U"), channel=unique("C"))))
    assert waits == [3.0]
    assert len(standin.of("chat.postMessage")) == 2  # refused, then delivered
    assert "dropped" not in caplog.text


def test_a_429_asking_too_long_a_wait_is_dropped_and_logged_and_the_app_goes_on(
        dispatch, standin, caplog):
    standin.fail("chat.postMessage", 429, retry_after=120)
    dispatch(event_body(mention(FELLOWSHIP, user=unique("U"), channel=unique("C"))))
    assert len(standin.of("chat.postMessage")) == 1
    assert "ratelimited (HTTP 429)" in caplog.text and "dropped" in caplog.text

    dispatch(event_body(mention(FELLOWSHIP, user=unique("U"), channel=unique("C"))))
    assert len(standin.of("chat.postMessage")) == 2


def test_server_errors_are_retried_then_dropped(dispatch, standin, caplog, waits):
    standin.fail("chat.postMessage", 500)
    dispatch(event_body(mention(FELLOWSHIP, user=unique("U"), channel=unique("C"))))
    assert len(standin.of("chat.postMessage")) == 2

    standin.fail("chat.postMessage", 500, times=3)
    dispatch(event_body(mention(FELLOWSHIP, user=unique("U"), channel=unique("C"))))
    assert len(standin.of("chat.postMessage")) == 5
    assert "internal_error (HTTP 500)" in caplog.text
    assert len(waits) == 3 and all(wait > 0 for wait in waits)  # backing off, not sleeping


def test_an_unreachable_web_api_is_logged_not_raised(dispatch, standin, caplog):
    standin.stop()
    response = dispatch(event_body(mention(FELLOWSHIP, user=unique("U"), channel=unique("C"))))
    assert response.status == 200
    assert "cannot be reached" in caplog.text


def test_a_refused_response_url_is_logged(dispatch, standin, caplog):
    standin.fail("response_url", 404)
    dispatch(command_body(FELLOWSHIP, user=unique("U"), channel=unique("C"),
                          response_url=standin.response_url()))
    assert "refused a response_url message (HTTP 404)" in caplog.text


def test_tokens_never_reach_the_logs(dispatch, standin, caplog):
    caplog.set_level(logging.DEBUG)
    dispatch(event_body(mention(FELLOWSHIP, user=unique("U"), channel=unique("C"))))
    standin.fail("chat.postMessage", 429, retry_after=120)
    dispatch(event_body(mention(FELLOWSHIP, user=unique("U"), channel=unique("C"))))
    assert "chat.postMessage" in caplog.text  # the Web API client logged its calls...
    assert BOT_TOKEN not in caplog.text  # ...but not the token


# -- the safety replies in Slack --------------------------------------------------------------------
SAFETY_IN_SLACK = [
    ("i keep thinking about ending it", "crisis",
     ["<tel:988|call 988>", "<sms:988|text 988>", "<https://988lifeline.org/|chat online>",
      "<tel:+18884090141|1-888-409-0141>"]),
    ("my co-resident said he wants to kill himself, what do I do", "crisis-other",
     ["<tel:988|call 988>", "<sms:988|text 988>", "<tel:+18884090141|Physician Support Line>"]),
    ("i'm depressed and struggling in residency", "wellbeing",
     ["<tel:+18884090141|1-888-409-0141>", "<tel:988|call 988>"]),
    ("my grandmother is in hospice, how long does she have", "family-care", ["*hospice nurse*"]),
    ("what antiemetic should I order for my bowel obstruction patient", "clinical-advice",
     ["*For your patient:*"]),
]


@pytest.mark.parametrize(("question", "rule_id", "shown"), SAFETY_IN_SLACK,
                         ids=[case[1] for case in SAFETY_IN_SLACK])
def test_each_safety_reply_is_posted_as_block_kit_with_tappable_lines(
        dispatch, standin, question_log, question, rule_id, shown):
    channel, user = unique("D"), unique("U")
    dispatch(event_body(direct_message(question, user=user, channel=channel)))
    post = standin.of("chat.postMessage")[-1]
    text = mrkdwn_of(post.params["blocks"])
    for piece in shown:
        assert piece in text, piece
    assert "](" not in text                       # no Markdown link left unconverted
    assert [r.entry_id for r in logged(question_log)][-1] == rule_id
