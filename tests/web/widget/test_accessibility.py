"""Accessibility: axe-core finds nothing, open or mid-conversation, at every viewport on both
pages; replies are announced once as text; forced colours keep the controls' outlines."""

from __future__ import annotations

import pytest

from tests.web.widget.support import DESKTOP, PAGES, PHONE, VIEWPORTS, expect

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("where", PAGES)
@pytest.mark.parametrize("viewport", VIEWPORTS, ids=str)
def test_axe_finds_no_violation_open_or_mid_conversation(visit, site, clarifying, viewport, where):
    widget = visit(site.pages[where], viewport, bypass_csp=True).open()
    expect(widget.bot.first.locator(".chip").first).to_be_visible()
    assert widget.axe() == []
    answer = widget.ask("How long is the HPM fellowship?")
    answer.get_by_role("button", name="Helpful", exact=True).click()
    answer.get_by_role("button", name="Add a comment").click()
    widget.ask(clarifying)
    widget.box.fill("x" * 900)  # the counter shows
    assert widget.axe() == []
    print(f"\naxe-core at {viewport} on the {where} page: 0 violations, open and mid-conversation")


def test_a_reply_is_announced_once_as_text_and_the_wait_politely(visit, site):
    widget = visit(site.pages["demo"], DESKTOP).open()
    held = []
    widget.page.route("**/api/chat", lambda route: held.append(route))
    widget.box.fill("How long is the HPM fellowship?")
    widget.box.press("Enter")
    expect(widget.status).to_have_text("Looking for an answer\u2026")
    expect(widget.status).to_have_attribute("role", "status")  # polite
    held[0].continue_()
    expect(widget.bot).to_have_count(2)
    said = widget.status
    expect(said).to_contain_text("FAQ bot: The HPM fellowship is one year")
    expect(said).to_contain_text("AAHPM careers page for medical students and residents")
    for not_said in ("Helpful", "Related questions", "Can I become board certified"):
        expect(said).not_to_contain_text(not_said)
    expect(widget.log).to_have_attribute("aria-live", "off")  # the log itself stays quiet
    assert widget.page.locator("[aria-live='polite'], [role='status'], [role='log']"
                               ":not([aria-live='off'])").count() == 1


def test_a_did_you_mean_is_announced_with_its_numbered_choices(visit, site, linked_bot, clarifying):
    widget = visit(site.pages["demo"], DESKTOP).open()
    widget.ask(clarifying)
    choices = linked_bot.reply(None, clarifying).suggestions
    expect(widget.status).to_contain_text(f"1. {choices[0].question} 2. {choices[1].question}")


@pytest.mark.parametrize("viewport", (DESKTOP, PHONE), ids=str)
def test_forced_colours_keep_outlines_on_send_and_the_launcher(visit, site, viewport):
    widget = visit(site.pages["host"], viewport)
    widget.page.emulate_media(forced_colors="active")
    border = ("(node) => { const s = getComputedStyle(node);"
              " return [s.borderTopStyle, parseFloat(s.borderTopWidth)]; }")
    assert widget.launcher.evaluate(border) == ["solid", 2]
    widget.launcher.focus()
    widget.page.keyboard.press("Enter")
    expect(widget.box).to_be_focused()
    assert widget.send_button.evaluate(border) == ["solid", 2]
    widget.page.keyboard.press("Tab")
    expect(widget.send_button).to_be_focused()
    assert widget.send_button.evaluate("(node) => getComputedStyle(node).outlineStyle") == "solid"
    widget.page.emulate_media(forced_colors="none")

