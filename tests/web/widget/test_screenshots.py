"""The README's pictures, taken from the real widget: an answer with a link on a desktop, and
the full-screen panel on a phone (docs/widget.png, docs/widget-phone.png)."""

from __future__ import annotations

import pytest

from tests.web.widget.support import DESKTOP, DOCS, PHONE, expect

pytestmark = pytest.mark.browser


def test_the_readmes_screenshots(visit, site):
    widget = visit(site.pages["demo"], DESKTOP).open()
    answer = widget.ask("How long is the HPM fellowship?")
    expect(answer.locator(".text").get_by_role("link").first).to_be_in_viewport()
    # The panel alone, so that the picture is the same from run to run (the page shows the port).
    widget.dialog.screenshot(path=DOCS / "widget.png", animations="disabled")

    widget = visit(site.pages["demo"], PHONE).open()
    answer = widget.ask("Where can I work as an HPM doctor?")
    expect(answer.locator(".chip").first).to_be_visible()
    widget.page.screenshot(path=DOCS / "widget-phone.png", animations="disabled")
    for name in ("widget.png", "widget-phone.png"):
        assert (DOCS / name).stat().st_size > 10_000
