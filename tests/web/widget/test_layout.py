"""The widget's layout at four viewports, on its demo page and on another site's page with a
strict CSP and hostile CSS: it fits, messages keep their room, host styles stay out."""

from __future__ import annotations

import pytest

from tests.web.widget.support import LANDSCAPE, PAGES, PHONE, TINY, VIEWPORTS, ZOOMED, expect

pytestmark = pytest.mark.browser

#: The share of the viewport's height that shows messages, printed for the README's figures.
MIN_SHARE = 0.4


def computed(locator, *properties: str) -> dict[str, str]:
    return locator.evaluate("(node, names) => Object.fromEntries(names.map("
                            "(name) => [name, getComputedStyle(node)[name]]))", list(properties))


def px(value: str) -> float:
    return float(value.removesuffix("px"))


@pytest.mark.parametrize("where", PAGES)
@pytest.mark.parametrize("viewport", VIEWPORTS, ids=str)
def test_the_panel_fits_its_screen_and_keeps_the_host_pages_styles_out(visit, site, viewport, where):
    widget = visit(site.pages[where], viewport)
    launcher = widget.launcher.bounding_box()
    if viewport.width <= 480:  # a small phone: a round icon, named for screen readers
        assert launcher["width"] <= 64 and launcher["height"] >= 44
        expect(widget.page.locator(".launcher-label")).to_have_css("width", "1px")
    else:
        expect(widget.launcher).to_contain_text("HPM careers FAQ")
    widget.open()
    panel = widget.dialog.bounding_box()
    assert panel["x"] >= 0 and panel["x"] + panel["width"] <= viewport.width
    assert panel["y"] >= 0 and panel["y"] + panel["height"] <= viewport.height
    assert widget.page.evaluate("document.documentElement.scrollWidth") <= viewport.width
    if viewport.full_screen:
        expect(widget.dialog).to_have_attribute("aria-modal", "true")
        assert (panel["width"], panel["height"]) == (viewport.width, viewport.height)
        expect(widget.launcher).to_be_hidden()
    else:
        expect(widget.dialog).not_to_have_attribute("aria-modal", "true")
        expect(widget.launcher).to_be_visible()
    for control in (widget.box, widget.send_button, widget.page.get_by_role("button", name="Close chat"),
                    widget.page.get_by_role("button", name="New conversation")):
        box = control.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= viewport.width
        assert box["y"] >= 0 and box["y"] + box["height"] <= viewport.height

    # Sizes are the widget's own, whatever html{font-size:62.5%} or *{box-sizing} say.
    title = computed(widget.page.locator("#hpmfaq-title"), "fontSize", "lineHeight")
    assert px(title["fontSize"]) >= 15 and px(title["lineHeight"]) >= 19
    assert px(computed(widget.box, "fontSize")["fontSize"]) >= 16  # phones don't zoom in
    assert px(computed(widget.page.locator(".note"), "fontSize")["fontSize"]) == 12
    assert px(computed(widget.bot.first, "fontSize")["fontSize"]) == 15
    assert computed(widget.send_button, "boxSizing", "display") == {
        "boxSizing": "border-box", "display": "block"}
    expect(widget.page.locator("[data-hpmfaq-widget]")).to_have_attribute("lang", "en")

    answer = widget.ask("How long is the HPM fellowship?")
    expect(answer).to_contain_text("one year")
    share = widget.message_share()
    print(f"\nmessage area at {viewport} on the {where} page: {share:.0%} of the height")
    assert share >= MIN_SHARE


@pytest.mark.parametrize("viewport", (ZOOMED, LANDSCAPE, TINY), ids=str)
def test_short_screens_keep_messages_in_view_even_with_a_long_question_typed(visit, site, viewport):
    widget = visit(site.pages["host"], viewport).open()
    widget.ask("How long is the HPM fellowship?")
    share = widget.message_share()
    print(f"\nmessage area at {viewport}: {share:.0%} of the height")
    assert share >= MIN_SHARE
    widget.box.fill("\n".join(["a line of a long question"] * 12))
    widget.box.dispatch_event("input")
    share = widget.message_share()
    print(f"\nmessage area at {viewport} with a 12-line question typed: {share:.0%} of the height")
    assert share >= MIN_SHARE
    expect(widget.bot.last).to_be_in_viewport()


@pytest.mark.parametrize("viewport", (PHONE, ZOOMED), ids=str)
def test_a_page_forcing_30px_text_on_everything_leaves_the_widget_as_it_is(visit, site, viewport):
    widget = visit(site.other_url + "loud", viewport)
    assert px(computed(widget.page.locator("h1"), "fontSize")["fontSize"]) == 30  # it is loud
    widget.open()
    assert px(computed(widget.page.locator("#hpmfaq-title"), "fontSize")["fontSize"]) in (15, 16)
    message = computed(widget.bot.first, "fontSize", "lineHeight", "letterSpacing", "textTransform")
    assert message == {"fontSize": "15px", "lineHeight": f"{15 * 1.45:g}px",
                       "letterSpacing": "normal", "textTransform": "none"}
    assert computed(widget.page.locator(".widget"), "color")["color"] == "rgb(27, 31, 35)"
    assert widget.message_share() >= MIN_SHARE
