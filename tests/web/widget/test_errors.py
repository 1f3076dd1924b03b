"""When the server fails: the question stays in the box, one notice at a time says what to do,
and it goes once a resend works. No waiting: the page's clock and the limiter's are moved."""

from __future__ import annotations

from collections.abc import Iterator
from types import SimpleNamespace

import pytest

from adapters.web import close_app
from tests.helpers import FakeClock
from tests.web.widget.conftest import serve_bot
from tests.web.widget.support import DESKTOP, LANDSCAPE, PHONE, ZOOMED, expect

pytestmark = pytest.mark.browser

QUESTION = "How long is the HPM fellowship?"


@pytest.fixture(scope="module")
def limited(linked_bot, site, tmp_path_factory) -> Iterator[SimpleNamespace]:
    """A second bot that allows one question a minute, by a clock the test moves."""
    clock = FakeClock()
    app, server, url = serve_bot(
        linked_bot, tmp_path_factory.mktemp("limited") / "questions.sqlite3",
        ALLOWED_ORIGINS=[site.other_url], RATE_LIMIT="1/minute", RATE_LIMIT_CLOCK=clock)
    yield SimpleNamespace(url=url, clock=clock)
    server.close()
    close_app(app)


@pytest.mark.parametrize("viewport", (DESKTOP, ZOOMED), ids=str)
def test_a_hung_server_keeps_the_question_and_one_notice_goes_after_a_resend(visit, site, viewport):
    widget = visit(site.pages["host"], viewport)
    widget.page.clock.install()
    widget.open()
    held = []
    widget.page.route("**/api/chat", lambda route: held.append(route))  # never answered
    widget.box.fill(QUESTION)
    widget.box.press("Enter")
    expect(widget.user).to_have_count(1)
    expect(widget.box).to_have_value("")
    widget.page.clock.fast_forward(16_000)  # past the widget's 15-second limit
    notice = widget.page.get_by_role("alert")
    expect(notice).to_have_text(
        "The FAQ service is taking too long to answer. Your question is still in the box: "
        "press Enter to send it again.")
    expect(widget.box).to_have_value(QUESTION)
    expect(widget.user).to_have_count(0)

    widget.box.press("Enter")  # fails again: still one notice
    widget.page.clock.fast_forward(16_000)
    expect(widget.box).to_have_value(QUESTION)
    expect(notice).to_have_count(1)

    widget.page.unroute("**/api/chat")
    widget.box.press("Enter")
    expect(widget.bot.nth(1)).to_contain_text("one year")
    expect(notice).to_have_count(0)
    expect(widget.box).to_have_value("")
    assert len(held) == 2


def test_an_unreachable_server_keeps_the_question(visit, site):
    widget = visit(site.pages["demo"], PHONE).open()
    widget.page.route("**/api/chat", lambda route: route.abort("connectionrefused"))
    widget.box.fill(QUESTION)
    widget.box.press("Enter")
    expect(widget.page.get_by_role("alert")).to_contain_text("can't be reached")
    expect(widget.box).to_have_value(QUESTION)
    expect(widget.box).to_be_focused()
    widget.page.problems.clear()  # Chromium reports the refused connection on the console


def test_a_server_error_says_so_in_words_not_the_servers_text(visit, site):
    widget = visit(site.pages["demo"], DESKTOP).open()
    widget.page.route("**/api/chat", lambda route: route.fulfill(
        status=500, content_type="application/json", body='{"error": "internal server error"}'))
    widget.box.fill(QUESTION)
    widget.box.press("Enter")
    expect(widget.page.get_by_role("alert")).to_have_text(
        "The FAQ service couldn't answer (error 500). Your question is still in the box: "
        "press Enter to send it again.")
    widget.page.problems.clear()  # the 500 on the console


@pytest.mark.parametrize("viewport", (PHONE, LANDSCAPE), ids=str)
def test_the_rate_limit_is_explained_with_the_wait_from_retry_after(visit, site, limited, viewport):
    widget = visit(site.other_url + "host?bot=" + limited.url, viewport).open()  # cross-origin
    limited.clock.advance(3600)  # a full bucket
    widget.ask(QUESTION)
    widget.box.fill("Can I become board certified?")
    widget.box.press("Enter")
    expect(widget.page.get_by_role("alert")).to_have_text(
        "You've sent several questions in a short time. Please wait 60 seconds, then press Enter"
        " to send yours again: it's still in the box.")
    expect(widget.box).to_have_value("Can I become board certified?")
    limited.clock.advance(60)
    widget.box.press("Enter")
    expect(widget.bot).to_have_count(3)
    expect(widget.page.get_by_role("alert")).to_have_count(0)
    widget.page.problems.clear()  # the 429 on the console
