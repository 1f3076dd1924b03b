"""Where the bot answers in Slack, and what a click does: plain bolt listener functions.

Every listener receives ``faq`` (the core, the question log and the private answers) from a
middleware that :func:`register` installs, besides bolt's own arguments. One conversation
per user per thread, or per direct-message conversation: see :func:`session_id`.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from slack_bolt import Ack, App, BoltContext, Respond
from slack_sdk import WebClient

from adapters.log import QuestionLog
from adapters.slack.blocks import (
    FEEDBACK_ACTION,
    FEEDBACK_UP,
    SHARE_ACTION,
    SUGGEST_ACTION,
    Message,
    asked,
    feedback_note,
    home_view,
    message,
    question_text,
    with_feedback,
)
from adapters.slack.recent import Recent
from bot import Bot, Reply

COMMAND = "/hpm"
CHANNEL = "slack"  # the question log's channel
#: Private (/hpm) answers kept to update or share them after a click; older ones expire.
PRIVATE_ANSWERS = 2000

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class PrivateAnswer:
    """An answer only its asker sees (/hpm), kept to update or share it after a click."""

    question: str
    reply: Reply
    reply_id: str

    def message(self, user: str) -> Message:
        return message(self.reply, reply_id=self.reply_id, context=asked(user, self.question),
                       share=True)


@dataclass(frozen=True)
class Faq:
    """What the listeners share: the core, the question log and the recent private answers."""

    bot: Bot
    log: QuestionLog
    private: Recent[PrivateAnswer] = field(default_factory=lambda: Recent(PRIVATE_ANSWERS))

    def ask(self, session: str, question: str) -> tuple[Reply, str]:
        """The core's reply to ``question`` in ``session``, logged; returns it with its reply id.

        The log gets a pseudonym of the session: Slack's ids would name the person asking.
        """
        reply = self.bot.reply(session, question)
        return reply, self.log.record(channel=CHANNEL, session_id=pseudonym(session),
                                      question=question, reply=reply)


def session_id(context: BoltContext, *, channel: str, thread_ts: str | None = None) -> str:
    """The conversation of this user in this thread (or, without one, in this channel or DM)."""
    team = context.team_id or context.enterprise_id
    return f"slack:{team}:{channel}:{thread_ts or '-'}:{context.user_id}"


def pseudonym(session: str) -> str:
    """The name a session is logged under: the same for each of its questions, no Slack ids."""
    return "slack-" + hashlib.sha256(session.encode()).hexdigest()[:20]


# -- events --------------------------------------------------------------------------------------
def on_message(event: dict[str, Any], context: BoltContext, client: WebClient, faq: Faq) -> None:
    """message.im: answer a person's direct message (in its thread if they wrote in one)."""
    if event.get("channel_type") == "im" and _from_person(event):
        _answer(client, faq, context, channel=event["channel"], thread_ts=event.get("thread_ts"),
                question=question_text(event.get("text", ""), bot_user_id=context.bot_user_id))


def on_mention(event: dict[str, Any], context: BoltContext, client: WebClient, faq: Faq) -> None:
    """app_mention: answer in the thread of the mention (a DM's mention is left to on_message)."""
    if not event["channel"].startswith("D") and _from_person(event):
        _answer(client, faq, context, channel=event["channel"],
                thread_ts=event.get("thread_ts") or event["ts"],
                question=question_text(event.get("text", ""), bot_user_id=context.bot_user_id))


def on_home_opened(event: dict[str, Any], context: BoltContext, client: WebClient,
                   faq: Faq) -> None:
    """app_home_opened: publish the Home tab for this user."""
    if event.get("tab") == "home":
        client.views_publish(user_id=context.user_id,
                             view=home_view(faq.bot.starters(), dm_channel=event.get("channel")))


# -- the slash command and clicks ----------------------------------------------------------------
def on_command(ack: Ack, command: dict[str, Any], context: BoltContext, respond: Respond,
               faq: Faq) -> None:
    """/hpm QUESTION: answer privately, with a button to post the answer to the channel."""
    ack()
    _answer_privately(respond, faq, context, channel=command["channel_id"],
                      question=command.get("text", ""))


def on_suggestion(ack: Ack, body: dict[str, Any], action: dict[str, Any], context: BoltContext,
                  client: WebClient, respond: Respond, faq: Faq) -> None:
    """A suggestion, "did you mean" or starter button: ask its question where it was clicked."""
    ack()
    question, container = action["value"], body["container"]
    line = asked(context.user_id, question)
    if container.get("type") == "view":  # the Home tab: answer in the user's DM with the bot
        channel = body["view"].get("private_metadata") or context.user_id
        _answer(client, faq, context, channel=channel, thread_ts=None, question=question, line=line)
    elif container.get("is_ephemeral"):
        _answer_privately(respond, faq, context, channel=container["channel_id"], question=question)
    else:
        _answer(client, faq, context, channel=container["channel_id"],
                thread_ts=body["message"].get("thread_ts"), question=question, line=line)


def on_feedback(ack: Ack, body: dict[str, Any], action: dict[str, Any], context: BoltContext,
                client: WebClient, respond: Respond, faq: Faq) -> None:
    """👍/👎: record the vote in the question log, then say thanks in place of the buttons."""
    ack()
    helpful, reply_id = action["action_id"] == FEEDBACK_UP, action["value"]
    faq.log.feedback(reply_id, helpful=helpful)
    if body["container"].get("is_ephemeral"):
        private = faq.private.get(reply_id)
        if private is None:
            _respond(respond, text=feedback_note(helpful=helpful, user=context.user_id),
                     response_type="ephemeral", replace_original=False)
            return
        shown = private.message(context.user_id)
        _respond(respond, text=shown["text"], replace_original=True,
                 blocks=with_feedback(shown["blocks"], helpful=helpful, user=context.user_id))
        return
    original = body["message"]
    blocks = with_feedback(original["blocks"], helpful=helpful, user=context.user_id)
    client.chat_update(channel=body["container"]["channel_id"], ts=original["ts"],
                       text=original.get("text", ""), blocks=blocks)


def on_share(ack: Ack, action: dict[str, Any], context: BoltContext, respond: Respond,
             faq: Faq) -> None:
    """"Post to channel" under a private answer: post it for everyone, remove the private copy."""
    ack()
    private = faq.private.get(action["value"])
    if private is None:
        _respond(respond, text=f"That answer has expired; ask again with `{COMMAND}`.",
                 response_type="ephemeral", replace_original=False)
        return
    _respond(respond, response_type="in_channel", replace_original=False,
             **message(private.reply, context=asked(context.user_id, private.question),
                       interactive=False))
    _respond(respond, delete_original=True)


#: The Events API subscriptions (as the app manifest names them) and their listeners.
EVENTS: dict[str, Callable[..., None]] = {
    "app_mention": on_mention,
    "message.im": on_message,
    "app_home_opened": on_home_opened,
}


def register(app: App, *, bot: Bot, log: QuestionLog) -> None:
    """Register the listeners on ``app``, answering with ``bot`` and logging to ``log``."""
    faq = Faq(bot=bot, log=log)

    def provide_faq(context: BoltContext, next: Callable[[], None]) -> None:
        context["faq"] = faq
        next()

    app.middleware(provide_faq)
    for name, listener in EVENTS.items():
        # Every message event is acknowledged (on_message keeps the ones to answer), else
        # bolt answers 404 to Slack's other subtypes and Slack retries them.
        app.event(name.partition(".")[0])(listener)
    app.command(COMMAND)(on_command)
    app.action(SUGGEST_ACTION)(on_suggestion)
    app.action(FEEDBACK_ACTION)(on_feedback)
    app.action(SHARE_ACTION)(on_share)


# -- helpers -------------------------------------------------------------------------------------
def _from_person(event: dict[str, Any]) -> bool:
    """True for a person's new message: not a bot's, not an edit, deletion or other subtype."""
    return not (event.get("subtype") or event.get("bot_id") or event.get("edited"))


def _answer(client: WebClient, faq: Faq, context: BoltContext, *, channel: str,
            thread_ts: str | None, question: str, line: str | None = None) -> None:
    reply, reply_id = faq.ask(session_id(context, channel=channel, thread_ts=thread_ts), question)
    client.chat_postMessage(channel=channel, thread_ts=thread_ts, unfurl_links=False,
                            unfurl_media=False, **message(reply, reply_id=reply_id, context=line))


def _answer_privately(respond: Respond, faq: Faq, context: BoltContext, *, channel: str,
                      question: str) -> None:
    reply, reply_id = faq.ask(session_id(context, channel=channel), question)
    private = PrivateAnswer(question=question, reply=reply, reply_id=reply_id)
    faq.private.put(reply_id, private)
    _respond(respond, response_type="ephemeral", replace_original=False,
             **private.message(context.user_id))


def _respond(respond: Respond, **body: Any) -> None:
    """Send through the interaction's response_url; a refusal is logged, not raised."""
    response = respond(**body)
    if response.status_code != 200:
        logger.warning("Slack refused a response_url message (HTTP %s)", response.status_code)
