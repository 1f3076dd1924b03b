"""A conversation as a student has it, at four viewports on the demo page and on another site's:
answers with links, chips, "did you mean", votes and comments, a reload, a new conversation."""

from __future__ import annotations

import re

import pytest

from adapters.log import MAX_COMMENT_CHARS
from tests.web.widget.support import CAREERS, DESKTOP, PAGES, PHONE, VIEWPORTS, expect, logged_rows

pytestmark = pytest.mark.browser

QUESTION = "How long is the HPM fellowship?"


@pytest.mark.parametrize("where", PAGES)
@pytest.mark.parametrize("viewport", VIEWPORTS, ids=str)
def test_an_answer_with_links_chips_a_changed_vote_and_a_comment(visit, site, linked_bot, viewport,
                                                                 where):
    widget = visit(site.pages[where], viewport).open()
    starters = widget.bot.first.locator(".chip")
    expect(starters).to_have_count(len(linked_bot.starters()))
    expect(starters.first).to_be_enabled()

    answer = widget.ask(QUESTION)
    expect(widget.user.last.locator("p")).to_have_text(QUESTION)
    expect(answer).to_contain_text("The HPM fellowship")
    link = answer.locator(".text").get_by_role("link").first
    expect(link).to_have_attribute("href", re.compile(r"^https://"))
    expect(link).to_have_attribute("target", "_blank")
    expect(link).to_have_attribute("rel", "noopener noreferrer")
    source = answer.locator(".sources").get_by_role(
        "link", name="AAHPM careers page for medical students and residents")
    expect(source).to_have_attribute("href", CAREERS)

    # The new reply's chips are the ones to use; the welcome's leave the Tab order.
    expect(starters.first).to_be_disabled()
    chips = answer.locator(".chip")
    expect(chips.first).to_be_enabled()
    bubble = answer.bounding_box()
    for index in range(chips.count()):  # rounded rectangles that wrap inside the bubble
        box = chips.nth(index).bounding_box()
        assert box["x"] >= bubble["x"] and box["x"] + box["width"] <= bubble["x"] + bubble["width"]
    expect(chips.first).to_have_css("border-top-left-radius", "8px")

    helpful = answer.get_by_role("button", name="Helpful", exact=True)
    not_helpful = answer.get_by_role("button", name="Not helpful")
    helpful.click()
    expect(answer).to_contain_text("Thanks for your feedback.")
    expect(helpful).to_have_attribute("aria-pressed", "true")
    not_helpful.click()  # a change of mind
    expect(answer).to_contain_text("your answer was changed")
    expect(not_helpful).to_have_attribute("aria-pressed", "true")
    expect(helpful).to_have_attribute("aria-pressed", "false")
    answer.get_by_role("button", name="Add a comment").click()
    comment_box = answer.get_by_label("Your comment (optional)")
    expect(comment_box).to_be_focused()
    expect(comment_box).to_have_attribute("maxlength", str(MAX_COMMENT_CHARS))
    comment_box.fill("I wanted to know about part-time fellowships.")
    answer.get_by_role("button", name="Send comment").click()
    expect(answer).to_contain_text("Thanks for your comment.")
    expect(comment_box).to_be_hidden()
    expect(answer.get_by_role("button", name="Edit your comment")).to_be_focused()

    reply_id = widget.stored()["items"][-1]["reply"]["reply_id"]
    row = next(r for r in logged_rows(site.log_path) if r["reply_id"] == reply_id)
    assert (row["entry_id"], row["helpful"]) == ("fellowship-length", 0)
    assert row["comment"] == "I wanted to know about part-time fellowships."

    chips.first.click()  # following a chip asks its question
    expect(widget.bot).to_have_count(3)
    expect(chips.first).to_be_disabled()


@pytest.mark.parametrize("where", PAGES)
@pytest.mark.parametrize("viewport", VIEWPORTS, ids=str)
def test_did_you_mean_is_shown_once_and_a_typed_number_shows_the_question_it_picked(
        visit, site, linked_bot, clarifying, viewport, where):
    expected = linked_bot.reply(None, clarifying).suggestions
    widget = visit(site.pages[where], viewport).open()
    clarify = widget.ask(clarifying)
    choices = clarify.locator("ol.choices > li")
    expect(choices).to_have_count(len(expected))
    for index, suggestion in enumerate(expected):
        expect(choices.nth(index).get_by_role("button")).to_have_text(suggestion.question)
        expect(clarify.get_by_text(suggestion.question)).to_have_count(1)  # once, not twice
    expect(clarify.locator(".chips")).to_have_count(0)
    assert clarify.locator("ol.choices").evaluate("ol => getComputedStyle(ol).listStyleType") == "decimal"

    answer = widget.ask("2")
    expect(widget.user.last.locator("p")).to_have_text(expected[1].question)
    expect(answer.locator(".feedback")).to_be_visible()  # an answer, of the entry picked:
    assert widget.stored()["items"][-1]["reply"]["id"] == expected[1].id
    expect(choices.first.get_by_role("button")).to_be_disabled()
    assert widget.stored()["items"][-2]["chosen"] == expected[1].question


@pytest.mark.parametrize("where", PAGES)
@pytest.mark.parametrize("viewport", (DESKTOP, PHONE), ids=str)
def test_a_reload_restores_the_conversation_so_a_number_still_picks_and_new_starts_afresh(
        visit, site, linked_bot, clarifying, viewport, where):
    expected = linked_bot.reply(None, clarifying).suggestions
    widget = visit(site.pages[where], viewport).open()
    widget.ask(clarifying)
    before = widget.log.text_content()
    session = widget.stored()["session"]

    widget.page.reload()
    expect(widget.bot).to_have_count(0)  # nothing is drawn until the chat is opened
    widget.open()
    expect(widget.bot).to_have_count(2)
    expect(widget.log).to_have_text(before)
    expect(widget.bot.last.locator("ol.choices button").first).to_be_enabled()  # still pending
    expect(widget.bot.first.locator(".chip").first).to_be_disabled()
    answer = widget.ask("2")  # the server still holds the choices of this session
    expect(widget.user.last.locator("p")).to_have_text(expected[1].question)
    expect(answer.locator(".feedback")).to_be_visible()
    assert widget.stored()["items"][-1]["reply"]["id"] == expected[1].id
    assert widget.stored()["session"] == session

    widget.page.goto(site.pages[where])  # navigation within the site, same tab
    widget.open()
    expect(widget.user).to_have_count(2)
    answer = widget.bot.nth(2)
    answer.get_by_role("button", name="Helpful", exact=True).click()  # a restored answer
    expect(answer).to_contain_text("Thanks for your feedback.")
    widget.page.reload()
    widget.open()
    expect(widget.bot.nth(2).get_by_role("button", name="Helpful", exact=True)).to_have_attribute(
        "aria-pressed", "true")

    widget.page.get_by_role("button", name="New conversation").click()
    expect(widget.box).to_be_focused()
    expect(widget.bot).to_have_count(1)
    expect(widget.user).to_have_count(0)
    expect(widget.bot.first.locator(".chip").first).to_be_enabled()
    assert widget.stored() is None
    widget.ask(QUESTION)
    assert widget.stored()["session"] != session
    widget.page.reload()
    widget.open()
    expect(widget.user).to_have_count(1)
