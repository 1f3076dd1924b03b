"""Slack's side of the text: the core's Markdown as mrkdwn, replies as Block Kit, the Home tab.

>>> to_mrkdwn("**One year** after residency; see [AAHPM](https://aahpm.org) & *ask*.")
'*One year* after residency; see <https://aahpm.org|AAHPM> &amp; _ask_.'
>>> question_text("<@UBOT> how long is <https://x.org|fellowship>? &lt;3", bot_user_id="UBOT")
'how long is fellowship? <3'
"""

from __future__ import annotations

import html
import re
from typing import Any

from bot import Reply, Suggestion

SUGGEST_ACTION = re.compile(r"^suggest-\d+$")
FEEDBACK_UP, FEEDBACK_DOWN = "feedback-up", "feedback-down"
FEEDBACK_ACTION = re.compile(rf"^(?:{FEEDBACK_UP}|{FEEDBACK_DOWN})$")
SHARE_ACTION = "share"
FEEDBACK_BLOCK = "feedback"
#: Reply kinds that get 👍/👎 buttons (not small talk, not a "did you mean" question).
FEEDBACK_KINDS = frozenset({"answer", "safety", "fallback"})

# Block Kit limits (https://api.slack.com/reference/block-kit).
SECTION_CHARS = 3000
BUTTON_LABEL_CHARS = 75
BUTTON_VALUE_CHARS = 2000
CONTEXT_CHARS = 2000

Block = dict[str, Any]
Message = dict[str, Any]

_INLINE = re.compile(
    r"`(?P<code>[^`\n]+)`"
    r"|\[(?P<label>[^\]\n]+)\]\((?P<url>(?:[^()\s]|\([^()\s]*\))+)\)"
    r"|\*\*(?P<bold>.+?)\*\*|__(?P<bold_>.+?)__"
    r"|(?<![\w*])\*(?P<italic>[^*\s](?:[^*\n]*?[^*\s])?)\*(?![\w*])"
    r"|(?<![\w_])_(?P<italic_>[^_\s](?:[^_\n]*?[^_\s])?)_(?![\w_])"
)
_LIST_ITEM = re.compile(r"^(?P<indent>\s*)(?:[-*+]|(?P<number>\d+)[.)])\s+(?P<text>.*)$")
_HEADING = re.compile(r"^#{1,6}\s+(?P<text>.*)$")
_LINK_SCHEMES = ("https://", "mailto:", "tel:", "sms:")  # the only links content may hold
# What Slack puts in a message's text: <@U123>, <#C123|general>, <https://x|label>, <!here>.
_SLACK_TOKEN = re.compile(r"<(?P<target>[^<>|]*)(?:\|(?P<label>[^<>]*))?>")

HOME_TITLE = "Careers in hospice and palliative medicine"
HOME_INTRO = (
    "I answer medical students' and residents' questions about *careers in hospice and "
    "palliative medicine*: what the field is, the training pathway and fellowship, board "
    "certification, where HPM physicians work, AAHPM and resources to read."
)
HOME_HOW = (
    "*Ask me three ways:* send me a message in the *Messages* tab, mention me in a channel "
    "(I answer in the thread), or type `/hpm your question` anywhere (only you see the answer)."
)
HOME_NOTE = (
    "I don't give medical advice about patients. The 👍/👎 buttons under my answers help our "
    "curators improve them."
)


def escape(text: str) -> str:
    """``text`` with the three characters Slack reserves (&, <, >) escaped."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def to_mrkdwn(markdown: str) -> str:
    """The core's Markdown as Slack mrkdwn: ``<url|text>`` links, ``*bold*``, ``_italic_``, •."""
    return _convert(markdown, plain=False)


def to_plain(markdown: str) -> str:
    """The text unformatted (links as "text (url)"), for a message's ``text`` fallback."""
    return _convert(markdown, plain=True)


def question_text(text: str, *, bot_user_id: str | None = None) -> str:
    """What a person typed, from Slack's message text: the bot's mention dropped, links as words."""
    if bot_user_id:
        text = text.replace(f"<@{bot_user_id}>", " ")

    def token(match: re.Match[str]) -> str:
        target, label = match["target"], match["label"]
        return label if label else ("" if target[:1] in "@#!" else target)

    return " ".join(html.unescape(_SLACK_TOKEN.sub(token, text)).split())


def asked(user: str, question: str) -> str:
    """The mrkdwn line shown above an answer to a question someone clicked or shared."""
    return f"<@{user}> asked: {escape(_clip(question, CONTEXT_CHARS - 40))}"


def feedback_note(*, helpful: bool, user: str) -> str:
    """The acknowledgement that replaces the 👍/👎 buttons once someone votes."""
    if helpful:
        return f"👍 Thanks, <@{user}>: noted as helpful."
    return f"👎 Thanks, <@{user}>: noted as not helpful. Our curators read these."


def message(reply: Reply, *, reply_id: str | None = None, context: str | None = None,
            interactive: bool = True, share: bool = False) -> Message:
    """A reply as a Slack message: ``text`` (always set) and ``blocks``.

    ``context`` is a mrkdwn line shown first (see :func:`asked`); ``interactive`` adds the
    suggestion buttons and, given a ``reply_id``, the 👍/👎 buttons; ``share`` adds a
    "Post to channel" button (for private answers).
    """
    blocks: list[Block] = []
    if context:
        blocks.append(_context(context))
    blocks += [
        {"type": "section", "text": {"type": "mrkdwn", "text": chunk}}
        for chunk in _chunks(to_mrkdwn(reply.text), SECTION_CHARS)
    ]
    if reply.sources:
        sources = " · ".join(to_mrkdwn(source) for source in reply.sources)
        blocks.append(_context(f"Source{'s' if len(reply.sources) > 1 else ''}: {sources}"))
    if interactive and reply.suggestions:
        if reply.kind != "clarify":
            blocks.append(_context("You could also ask:"))
        blocks.append(_suggestions(reply.suggestions, numbered=reply.kind == "clarify"))
    buttons: list[Block] = []
    if interactive and reply_id and reply.kind in FEEDBACK_KINDS:
        buttons += [_button("👍 Helpful", FEEDBACK_UP, reply_id),
                    _button("👎 Not helpful", FEEDBACK_DOWN, reply_id)]
    if share and reply_id:
        buttons.append(_button("Post to channel", SHARE_ACTION, reply_id))
    if buttons:
        blocks.append({"type": "actions", "block_id": FEEDBACK_BLOCK, "elements": buttons})
    return {"text": to_plain(reply.text), "blocks": blocks}


def with_feedback(blocks: list[Block], *, helpful: bool, user: str) -> list[Block]:
    """``blocks`` with the 👍/👎 buttons replaced by an acknowledgement (other buttons stay)."""
    updated: list[Block] = []
    for block in blocks:
        if block.get("block_id") != FEEDBACK_BLOCK:
            updated.append(block)
            continue
        updated.append(_context(feedback_note(helpful=helpful, user=user)))
        others = [e for e in block.get("elements", []) if not FEEDBACK_ACTION.match(e["action_id"])]
        if others:
            updated.append({"type": "actions", "elements": others})
    return updated


def home_view(starters: tuple[Suggestion, ...], *, dm_channel: str | None = None) -> dict[str, Any]:
    """The App Home tab: what the bot answers, how to ask, and starter questions as buttons.

    A starter clicked there is answered in the user's direct messages with the bot
    (``dm_channel``, kept in the view's ``private_metadata``).
    """
    blocks: list[Block] = [
        {"type": "header", "text": {"type": "plain_text", "text": HOME_TITLE}},
        {"type": "section", "text": {"type": "mrkdwn", "text": HOME_INTRO}},
        {"type": "section", "text": {"type": "mrkdwn", "text": HOME_HOW}},
    ]
    if starters:
        blocks += [
            {"type": "section", "text": {"type": "mrkdwn", "text": "*Try one of these:*"}},
            _suggestions(starters, numbered=False),
        ]
    blocks.append(_context(HOME_NOTE))
    return {"type": "home", "private_metadata": dm_channel or "", "blocks": blocks}


# -- pieces --------------------------------------------------------------------------------------
def _convert(markdown: str, *, plain: bool) -> str:
    return "\n".join(_inline(escape(line), plain=plain) for line in _lines(markdown))


def _lines(markdown: str) -> list[str]:
    """A line per paragraph, heading or list item (soft wraps joined), "" between paragraphs."""
    lines: list[str] = []
    open_line = False  # may the next text line continue the last one?
    for raw in markdown.strip().splitlines():
        text = raw.strip()
        item, heading = _LIST_ITEM.match(raw), _HEADING.match(text)
        if not text:
            if lines and lines[-1]:
                lines.append("")
            open_line = False
        elif item:
            bullet = f"{item['number']}." if item["number"] else "•"
            indent = "    " * (len(item["indent"].expandtabs(4)) // 2)
            lines.append(f"{indent}{bullet} {item['text']}")
            open_line = True
        elif heading:
            lines.append(f"**{heading['text']}**")
            open_line = False
        elif open_line:
            lines[-1] += " " + text
        else:
            lines.append(text)
            open_line = True
    return lines


def _inline(text: str, *, plain: bool) -> str:
    def convert(match: re.Match[str]) -> str:
        if match["code"] is not None:
            return match["code"] if plain else match[0]
        if match["url"] is not None:
            label, url = _inline(match["label"], plain=True), match["url"].replace("|", "%7C")
            if not url.startswith(_LINK_SCHEMES):
                return label
            return f"{label} ({url})" if plain else f"<{url}|{label}>"
        strong = match["bold"] or match["bold_"]
        if strong is not None:
            inner = _inline(strong, plain=plain)
            return inner if plain else f"*{inner}*"
        inner = _inline(match["italic"] or match["italic_"], plain=plain)
        return inner if plain else f"_{inner}_"

    return _INLINE.sub(convert, text)


def _chunks(text: str, limit: int) -> list[str]:
    """``text`` cut at paragraph (else line, else any) breaks into pieces of at most ``limit``."""
    chunks: list[str] = []
    while len(text) > limit:
        cut = text.rfind("\n\n", 0, limit)
        cut = cut if cut > 0 else text.rfind("\n", 0, limit)
        cut = cut if cut > 0 else limit
        chunks.append(text[:cut].rstrip())
        text = text[cut:].lstrip("\n")
    return [*chunks, text] if text else chunks


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _context(mrkdwn: str) -> Block:
    text = _clip(mrkdwn, CONTEXT_CHARS)
    return {"type": "context", "elements": [{"type": "mrkdwn", "text": text}]}


def _button(label: str, action_id: str, value: str) -> Block:
    return {
        "type": "button",
        "text": {"type": "plain_text", "text": _clip(label, BUTTON_LABEL_CHARS), "emoji": True},
        "action_id": action_id,
        "value": value[:BUTTON_VALUE_CHARS],
    }


def _suggestions(suggestions: tuple[Suggestion, ...], *, numbered: bool) -> Block:
    return {
        "type": "actions",
        "block_id": "suggestions",
        "elements": [
            _button(f"{n}. {s.question}" if numbered else s.question, f"suggest-{n}", s.question)
            for n, s in enumerate(suggestions[:25], start=1)
        ],
    }
