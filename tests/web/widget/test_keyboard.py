"""The widget from the keyboard: focus stays inside the full-screen panel, Escape closes it and
returns to the launcher, and focus rings show for the keyboard only."""

from __future__ import annotations

import pytest

from tests.web.widget.support import DESKTOP, PAGES, PHONE, VIEWPORTS, expect

pytestmark = pytest.mark.browser


def tab_to_launcher(widget) -> None:
    for _ in range(10):
        widget.page.keyboard.press("Tab")
        if widget.active().startswith("widget button: HPM careers FAQ"):
            return
    pytest.fail(f"Tab never reached the launcher (focus: {widget.active()})")


@pytest.mark.parametrize("where", PAGES)
@pytest.mark.parametrize("viewport", VIEWPORTS, ids=str)
def test_tab_cycles_inside_the_full_screen_panel_and_escape_returns_to_the_launcher(
        visit, site, viewport, where):
    widget = visit(site.pages[where], viewport)
    tab_to_launcher(widget)
    widget.page.keyboard.press("Enter")
    expect(widget.page.locator(".launcher")).to_have_attribute("aria-expanded", "true")
    expect(widget.dialog).to_be_visible()
    expect(widget.box).to_be_focused()
    widget.page.keyboard.type("How long is the HPM fellowship?")
    widget.page.keyboard.press("Enter")
    expect(widget.bot).to_have_count(2)
    expect(widget.box).to_be_focused()

    stops = widget.page.evaluate("""() => {
        const panel = document.querySelector("[data-hpmfaq-widget]").shadowRoot
            .querySelector(".panel");
        return panel.querySelectorAll("a[href], button:not([disabled]), textarea, [tabindex='0']")
            .length;
    }""")
    for key in ("Tab", "Shift+Tab"):
        seen = set()
        for _ in range(stops + 3):  # all the way round, and on
            widget.page.keyboard.press(key)
            where_focus = widget.active()
            seen.add(where_focus)
            if viewport.full_screen:
                assert where_focus.startswith("widget "), f"{key} left the dialog: {where_focus}"
        if viewport.full_screen:
            assert "widget textarea: " in seen and "widget button: Send" in seen
        else:  # a floating panel on a desktop is no modal: the page stays reachable
            assert any(not focus.startswith("widget ") for focus in seen)

    widget.page.keyboard.press("Escape")
    expect(widget.dialog).to_be_hidden()
    expect(widget.launcher).to_have_attribute("aria-expanded", "false")
    expect(widget.launcher).to_be_focused()
    widget.page.keyboard.press("Enter")  # and back, with the conversation still there
    expect(widget.user).to_have_count(1)


@pytest.mark.parametrize("viewport", (DESKTOP, PHONE), ids=str)
def test_focus_rings_show_for_the_keyboard_not_for_a_mouse_open(visit, site, viewport):
    widget = visit(site.pages["host"], viewport)
    widget.launcher.click()
    expect(widget.box).to_be_focused()
    ring = "(node) => getComputedStyle(node).outlineStyle"
    assert widget.box.evaluate(ring) == "none"
    assert widget.box.evaluate("(node) => getComputedStyle(node).boxShadow") != "none"  # its focus
    widget.page.keyboard.press("Tab")
    expect(widget.send_button).to_be_focused()
    assert widget.send_button.evaluate(ring) == "solid"

    # The message list's ring is drawn inside its box, where the panel does not clip it.
    widget.log.focus()
    widget.page.keyboard.press("Shift+Tab")
    widget.page.keyboard.press("Tab")
    expect(widget.log).to_be_focused()
    style = widget.log.evaluate("(node) => { const s = getComputedStyle(node);"
                                " return [s.outlineStyle, s.outlineWidth, s.outlineOffset]; }")
    assert style[0] == "solid" and float(style[2][:-2]) <= -float(style[1][:-2])
