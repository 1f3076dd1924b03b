"""Markdown to mrkdwn, replies as Block Kit, the Home tab."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from adapters.slack.blocks import (
    BUTTON_LABEL_CHARS,
    FEEDBACK_DOWN,
    FEEDBACK_UP,
    SECTION_CHARS,
    SHARE_ACTION,
    home_view,
    message,
    question_text,
    to_mrkdwn,
    to_plain,
    with_feedback,
)
from bot import Reply, Suggestion

from .standin import buttons, mrkdwn_of

ANSWER = Reply(
    kind="answer", id="fellowship-length", confidence=0.93,
    text="The HPM fellowship lasts **one year**.\n\nSee [AAHPM](https://aahpm.org/careers) "
         "for *programs*.",
    suggestions=(Suggestion("board-certification", "Can I become board certified?"),
                 Suggestion("training-pathway", "How do I become an HPM physician?")),
    sources=("AAHPM careers page", "[ACGME](https://acgme.org)"),
)


@pytest.mark.parametrize(("markdown", "mrkdwn"), [
    ("**bold** and __bold__", "*bold* and *bold*"),
    ("*italic* and _italic_", "_italic_ and _italic_"),
    ("**bold with *italic* inside**", "*bold with _italic_ inside*"),
    ("[AAHPM](https://aahpm.org)", "<https://aahpm.org|AAHPM>"),
    ("[**bold** label](https://x.org/a?b=1&c=2)", "<https://x.org/a?b=1&amp;c=2|bold label>"),
    ("[a|b](https://x.org/a|b)", "<https://x.org/a%7Cb|a|b>"),
    ("[run](javascript:alert(1))", "run"),
    ("[HPM](https://en.wikipedia.org/wiki/Palliative_care_(US))",
     "<https://en.wikipedia.org/wiki/Palliative_care_(US)|HPM>"),
    ("mail [us](mailto:info@aahpm.org)", "mail <mailto:info@aahpm.org|us>"),
    ("[call 988](tel:988) or [text](sms:988)", "<tel:988|call 988> or <sms:988|text>"),
    ("[old](http://aahpm.org/)", "old"),
    ("5 < 6 & 7 > 3", "5 &lt; 6 &amp; 7 &gt; 3"),
    ("<@U123> <!channel>", "&lt;@U123&gt; &lt;!channel&gt;"),
    ("snake_case_name and 2*3*4", "snake_case_name and 2*3*4"),
    ("`code *not italic*`", "`code *not italic*`"),
    ("- one\n- two\n* three\n+ four", "• one\n• two\n• three\n• four"),
    ("1. first\n2) second", "1. first\n2. second"),
    ("- outer\n  - inner", "• outer\n    • inner"),
    ("a line\nwrapped softly\n\nnext paragraph", "a line wrapped softly\n\nnext paragraph"),
    ("- an item\n  continued\n- next", "• an item continued\n• next"),
    ("## A heading\ntext", "*A heading*\ntext"),
    ("\n\n  padded  \n\n\n\nout  \n\n", "padded\n\nout"),
])
def test_markdown_becomes_mrkdwn(markdown, mrkdwn):
    assert to_mrkdwn(markdown) == mrkdwn


def test_the_plain_fallback_has_no_markup_and_keeps_link_targets():
    assert to_plain(ANSWER.text) == ("The HPM fellowship lasts one year.\n\n"
                                     "See AAHPM (https://aahpm.org/careers) for programs.")


@pytest.mark.parametrize(("text", "question"), [
    ("<@UBOT> how long is fellowship?", "how long is fellowship?"),
    ("hey <@UBOT>, what is <https://aahpm.org|AAHPM>?", "hey , what is AAHPM?"),
    ("see <https://aahpm.org> in <#C42|careers> cc <@U9> <!here>",
     "see https://aahpm.org in careers cc"),
    ("pain &amp; symptoms &lt;3", "pain & symptoms <3"),
    ("  <@UBOT>  ", ""),
])
def test_question_text_reads_what_the_person_typed(text, question):
    assert question_text(text, bot_user_id="UBOT") == question


def test_an_answer_message_has_text_sections_sources_suggestions_and_feedback():
    shown = message(ANSWER, reply_id="r1")
    assert shown["text"] == to_plain(ANSWER.text)
    kinds = [b["type"] for b in shown["blocks"]]
    assert kinds == ["section", "context", "context", "actions", "actions"]
    assert "*one year*" in shown["blocks"][0]["text"]["text"]
    assert shown["blocks"][1]["elements"][0]["text"] == \
        "Sources: AAHPM careers page · <https://acgme.org|ACGME>"
    assert [(b["action_id"], b["value"]) for b in buttons(shown["blocks"])] == [
        ("suggest-1", "Can I become board certified?"),
        ("suggest-2", "How do I become an HPM physician?"),
        (FEEDBACK_UP, "r1"),
        (FEEDBACK_DOWN, "r1"),
    ]


def test_a_shared_or_logless_message_has_no_buttons_and_a_private_one_can_be_shared():
    assert buttons(message(ANSWER, interactive=False)["blocks"]) == []
    assert FEEDBACK_UP not in str(message(ANSWER)["blocks"])  # no reply id: nothing to vote on
    private = message(ANSWER, reply_id="r1", share=True, context="<@U1> asked: x")
    assert private["blocks"][0]["elements"][0]["text"] == "<@U1> asked: x"
    assert buttons(private["blocks"])[-1] == {
        "type": "button", "action_id": SHARE_ACTION, "value": "r1",
        "text": {"type": "plain_text", "text": "Post to channel", "emoji": True}}


def test_a_did_you_mean_numbers_its_choices_and_asks_no_vote():
    clarify = Reply(kind="clarify", id="a", confidence=0.5, text="Did you mean:\n\n1. A\n2. B",
                    suggestions=(Suggestion("a", "A?"), Suggestion("b", "B?")))
    shown = message(clarify, reply_id="r2")
    assert [b["text"]["text"] for b in buttons(shown["blocks"])] == ["1. A?", "2. B?"]
    assert "You could also ask" not in mrkdwn_of(shown["blocks"])


def test_small_talk_gets_no_feedback_buttons():
    hello = Reply(kind="smalltalk", id="greeting", confidence=1.0, text="Hi!")
    assert buttons(message(hello, reply_id="r3")["blocks"]) == []


def test_long_text_and_labels_stay_within_block_kit_limits():
    long = Reply(kind="answer", id="x", confidence=1.0,
                 text="\n\n".join("word " * 300 for _ in range(8)),
                 suggestions=(Suggestion("y", "why " * 40),))
    shown = message(long, reply_id="r")
    sections = [b["text"]["text"] for b in shown["blocks"] if b["type"] == "section"]
    assert len(sections) > 1 and all(len(s) <= SECTION_CHARS for s in sections)
    assert " ".join(" ".join(sections).split()) == " ".join(to_mrkdwn(long.text).split())
    label = buttons(shown["blocks"])[0]["text"]["text"]
    assert len(label) == BUTTON_LABEL_CHARS and label.endswith("…")


def test_a_vote_replaces_the_feedback_buttons_and_keeps_the_rest():
    blocks = message(ANSWER, reply_id="r1", share=True)["blocks"]
    voted = with_feedback(blocks, helpful=False, user="U7")
    assert voted[: len(blocks) - 1] == blocks[:-1]
    assert voted[-2]["elements"][0]["text"].startswith("👎 Thanks, <@U7>")
    assert [b["action_id"] for b in buttons(voted)] == ["suggest-1", "suggest-2", SHARE_ACTION]


def test_the_home_view_offers_the_starters_and_keeps_the_dm_channel():
    starters = (Suggestion("a", "What is HPM?"), Suggestion("b", "How long is fellowship?"))
    view = home_view(starters, dm_channel="D42")
    assert (view["type"], view["private_metadata"]) == ("home", "D42")
    assert [b["value"] for b in buttons(view["blocks"])] == [s.question for s in starters]


@given(st.text())
def test_any_text_converts_without_error_and_leaves_no_raw_angle_brackets(text):
    converted = to_mrkdwn(text)
    # The only "<" left open a link this module wrote: <http…|label>, <mailto:…|label>.
    assert all(re.match(r"<(https?://|mailto:)[^<>|]*\|[^<>]*>", converted[i:])
               for i, char in enumerate(converted) if char == "<")
    message(Reply(kind="answer", id="x", confidence=0.5, text=text), reply_id="r")


def test_a_shipped_answers_sources_are_slack_links(bot):
    reply = bot.reply(None, "how many years is the palliative fellowship")
    assert any("](" in source for source in reply.sources), reply.sources
    shown = mrkdwn_of(message(reply)["blocks"])
    line = next(text for text in shown.splitlines() if text.startswith("Source"))
    assert "<https://aahpm.org/career-resources/student-resources/|" in line
    assert "](" not in line
