"""What the widget shows: the bot's Markdown from a safe subset, links that are safe to tap,
the user's text as text, and the deployer's "talk to a person" link."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from tests.web.widget.support import DESKTOP, LANDSCAPE, PAGES, PHONE, VIEWPORTS, ZOOMED, expect

pytestmark = pytest.mark.browser

XSS = '<img src=x onerror="window.__pwned=1">'


def reply_with(text: str, *, sources: Any = (), kind: str = "answer") -> dict[str, Any]:
    return {"kind": kind, "id": "x", "confidence": 1.0, "text": text, "suggestions": [],
            "sources": sources if sources is None else list(sources), "session_id": "s",
            "reply_id": "r"}


def answered_with(widget, reply: dict[str, Any]) -> Any:
    """The widget's message for ``reply``, served in place of the bot's."""
    widget.page.route("**/api/chat", lambda route: route.fulfill(
        status=200, content_type="application/json", body=json.dumps(reply)))
    widget.open()
    return widget.ask("anything")


def test_the_bots_markdown_is_rendered_from_a_safe_subset(visit, site):
    text = ("**Bold** and *italic*.\n\n- first\n- second\n\n[AAHPM](https://aahpm.org/) or "
            f"[this](javascript:window.__pwned=1) {XSS}")
    widget = visit(site.pages["demo"], DESKTOP)
    answer = answered_with(widget, reply_with(text, sources=["[The Academy](https://aahpm.org/)"]))
    expect(answer.locator("strong")).to_have_text("Bold")
    expect(answer.locator("em")).to_have_text("italic")
    expect(answer.locator("li")).to_have_text(["first", "second"])
    links = answer.get_by_role("link")
    expect(links).to_have_count(2)
    expect(links).to_have_text(["AAHPM", "The Academy"])
    expect(answer).to_contain_text(f"this {XSS}")
    assert answer.locator("img").count() == 0
    assert widget.page.evaluate("window.__pwned") is None


def test_bare_and_nested_addresses_render_as_links_and_only_safe_schemes_link(visit, site):
    text = ("See https://aahpm.org/ or [https://www.nrmp.org/](https://www.nrmp.org/), "
            "[the [ACGME](https://www.acgme.org/) site](https://www.abms.org/), [call 988](tel:988), "
            "[text 988](sms:988), [mail](mailto:a@example.org), [plain](http://example.org/), "
            "[data](data:text/html,x), [relative](/x) and http://example.org/.")
    widget = visit(site.pages["demo"], DESKTOP)
    answer = answered_with(widget, reply_with(text, sources=["AAHPM: https://aahpm.org/"]))
    expect(answer).to_contain_text("See https://aahpm.org/ or https://www.nrmp.org/")
    links = answer.locator(".text").get_by_role("link")
    expected = [("https://aahpm.org/", "_blank"), ("https://www.nrmp.org/", "_blank"),
                ("https://www.acgme.org/", "_blank"), ("https://www.abms.org/", "_blank"),
                ("tel:988", None), ("sms:988", None), ("mailto:a@example.org", None)]
    expect(links).to_have_count(len(expected))
    for index, (href, target) in enumerate(expected):
        assert links.nth(index).get_attribute("href") == href
        assert links.nth(index).get_attribute("target") == target
        assert links.nth(index).get_attribute("rel") == "noopener noreferrer"
    expect(answer).to_contain_text("plain, data, relative and http://example.org/.")
    expect(answer.locator(".sources").get_by_role("link")).to_have_attribute("href", "https://aahpm.org/")
    expect(widget.page.get_by_role("alert")).to_have_count(0)


def test_a_reply_that_cannot_be_drawn_as_sent_still_shows_its_text_not_an_outage(visit, site):
    widget = visit(site.pages["demo"], DESKTOP)
    answer = answered_with(widget, reply_with("The fellowship lasts one year.", sources=None))
    expect(answer).to_contain_text("The fellowship lasts one year.")
    expect(widget.page.get_by_role("alert")).to_have_count(0)


def test_markup_a_user_types_is_shown_as_text_and_never_runs_on_another_site(visit, site):
    widget = visit(site.other_url + "plain", DESKTOP).open()  # cross-origin, no CSP at all
    widget.ask(XSS)
    expect(widget.user.locator("p")).to_have_text(XSS)
    assert widget.page.locator("[data-hpmfaq-widget] img").count() == 0
    assert widget.page.evaluate("window.__pwned") is None


@pytest.mark.parametrize("where", PAGES)
@pytest.mark.parametrize("viewport", VIEWPORTS, ids=str)
def test_the_crisis_reply_can_be_tapped_to_call_text_or_chat(visit, site, viewport, where):
    widget = visit(site.pages[where], viewport).open()
    reply = widget.ask("I want to kill myself")
    links = reply.locator(".text").get_by_role("link")
    hrefs = [links.nth(index).get_attribute("href") for index in range(links.count())]
    assert "tel:988" in hrefs and "sms:988" in hrefs
    for index, href in enumerate(hrefs):
        target = "_blank" if href.startswith("https:") else None  # a call or text stays here
        assert links.nth(index).get_attribute("target") == target
        box = links.nth(index).bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= viewport.width
    expect(reply.locator(".sources").get_by_role("link").first).to_have_attribute(
        "href", re.compile(r"^https://"))


@pytest.mark.parametrize(("query", "href", "label", "target", "viewport"), [
    ("", "https://aahpm.org/", "Talk to a person", "_blank", PHONE),
    ("?contact=mailto:fellowship@example.org&label=Email+our+fellowship+program+director",
     "mailto:fellowship@example.org", "Email our fellowship program director", None, ZOOMED),
    ("?contact=https://example.org/contact", "https://example.org/contact", "Talk to a person", "_blank",
     DESKTOP),
    ("?contact=javascript:alert(1)&label=Call+us", "https://aahpm.org/", "Call us", "_blank", PHONE),
    ("?contact=tel:988", "https://aahpm.org/", "Talk to a person", "_blank", LANDSCAPE),
], ids=["default", "mailto", "https", "javascript", "tel"])
def test_the_talk_to_a_person_link_is_the_deployers_if_it_is_https_or_mailto(
        visit, site, query, href, label, target, viewport):
    widget = visit(site.pages["host"] + query, viewport).open()
    link = widget.dialog.get_by_role("link", name=label, exact=True)
    expect(link).to_have_attribute("href", href)
    assert link.get_attribute("target") == target
    box = link.bounding_box()
    assert box["x"] >= 0 and box["y"] >= 0
    assert box["x"] + box["width"] <= viewport.width and box["y"] + box["height"] <= viewport.height
    assert link.evaluate("a => a.scrollWidth <= a.clientWidth + 1")  # the whole label shows


FIVE_SAFETY_REPLIES = [
    ("i keep thinking about ending it", "crisis",
     {"tel:988", "sms:988", "https://988lifeline.org/", "tel:+18884090141"}),
    ("my co-resident said he wants to kill himself, what do I do", "crisis-other",
     {"tel:988", "sms:988", "https://988lifeline.org/", "tel:+18884090141"}),
    ("i'm depressed and struggling in residency", "wellbeing",
     {"tel:+18884090141", "tel:988", "sms:988"}),
    ("my grandmother is in hospice, how long does she have", "family-care", set()),
    ("what antiemetic should I order for my bowel obstruction patient", "clinical-advice", set()),
]


@pytest.mark.parametrize(("question", "rule_id", "addresses"), FIVE_SAFETY_REPLIES,
                         ids=[case[1] for case in FIVE_SAFETY_REPLIES])
def test_each_safety_reply_shows_its_lines_as_links(visit, site, linked_bot, question, rule_id,
                                                     addresses):
    assert linked_bot.reply(None, question).id == rule_id
    reply = visit(site.pages["demo"], PHONE).open().ask(question)
    text = linked_bot.reply(None, question).text.split("\n\n")[0].replace("*", "")
    expect(reply.locator(".text")).to_contain_text(text[:40])
    links = reply.locator(".text").get_by_role("link")
    hrefs = {links.nth(index).get_attribute("href") for index in range(links.count())}
    assert hrefs == addresses
