"""Long questions: the box grows up to a limit, a counter shows near the server's limit, and a
very long question is clamped in the transcript with "Show more"."""

from __future__ import annotations

import pytest

from bot import MAX_QUESTION_CHARS
from tests.web.widget.support import PAGES, VIEWPORTS, expect

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("where", PAGES)
@pytest.mark.parametrize("viewport", VIEWPORTS, ids=str)
def test_the_box_grows_counts_near_the_limit_and_a_long_question_is_clamped(visit, site, viewport,
                                                                           where):
    widget = visit(site.pages[where], viewport).open()
    expect(widget.box).to_have_attribute("maxlength", str(MAX_QUESTION_CHARS))  # the server's
    one_line = widget.box.bounding_box()["height"]
    widget.box.fill("first line\nsecond line\nthird line")
    expect(widget.box).to_have_attribute("rows", "3")
    assert widget.box.bounding_box()["height"] > one_line
    widget.box.fill("\n".join(["a line"] * 20))
    expect(widget.box).to_have_attribute("rows", "6")  # and no more: it scrolls
    widget.box.fill("")
    expect(widget.box).to_have_attribute("rows", "1")

    counter = widget.page.locator("#hpmfaq-counter")
    limit = MAX_QUESTION_CHARS
    widget.box.fill("x" * (limit * 8 // 10 - 1))
    expect(counter).to_be_hidden()
    widget.box.fill("x" * (limit * 8 // 10))
    expect(counter).to_have_text(f"{limit // 5} characters left")
    expect(widget.box).to_have_attribute("aria-describedby", "hpmfaq-counter")
    widget.box.fill("x" * limit)
    expect(counter).to_have_text(f"Limit reached: {limit:,} characters")
    widget.box.press("End")
    widget.box.press("y")
    expect(widget.box).to_have_value("x" * limit)

    question = "I am a second-year internal medicine resident and " + "wondering about it " * 45
    widget.box.fill(question)
    widget.box.press("Enter")
    expect(widget.bot).to_have_count(2)
    text = widget.user.last.locator("p")
    expect(text).to_have_text(question)
    clamped = text.bounding_box()["height"]
    line = float(text.evaluate("p => getComputedStyle(p).lineHeight")[:-2])
    assert clamped <= 6 * line + 1
    more = widget.user.last.get_by_role("button", name="Show more")
    expect(more).to_have_attribute("aria-expanded", "false")
    more.click()
    less = widget.user.last.get_by_role("button", name="Show less")
    expect(less).to_have_attribute("aria-expanded", "true")
    assert text.bounding_box()["height"] > clamped
    expect(widget.bot.last).to_be_visible()
