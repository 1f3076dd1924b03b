"""Links in the knowledge base's Markdown: found, checked for shape, held to an allowlist.

Content links are written ``[label](address)``. Only ``https:``, ``mailto:``, ``tel:`` and
``sms:`` addresses are links, and each must be on the knowledge folder's allowlist
(``links.yaml``), so that a curator's typo cannot go live.

>>> link_problems("See [AAHPM](https://aahpm.org/).", allowed={"https://aahpm.org/"})
[]
>>> link_problems("See [AAHPM](https://aahpm.org/join).", allowed={"https://aahpm.org/"})
["link '[AAHPM](https://aahpm.org/join)': the address is not on the allowlist (links.yaml)"]
"""

from __future__ import annotations

import re
from collections.abc import Collection
from urllib.parse import urlsplit

SCHEMES = ("https", "mailto", "tel", "sms")
ALLOWLIST_FILE = "links.yaml"

LINK = re.compile(r"\[(?P<label>[^\[\]\n]*)\]\((?P<url>(?:[^()\s]|\([^()\s]*\))*)\)")
"""A Markdown link; its address may hold one level of parentheses, never a space."""
_STRAY = re.compile(r"\]\s*[(\[]|\b(?:https?|ftp|javascript|mailto|tel|sms):|\bwww\.", re.IGNORECASE)
"""What is left of a link that did not parse: ``](``, ``] (``, ``][``, a bare address."""
_PHONE = re.compile(r"^\+?[0-9]{3,15}$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[a-z]{2,}$", re.IGNORECASE)


def canonical(address: str) -> str:
    """``address`` as compared with the allowlist: scheme and host in lower case, and an
    ``https:`` address with no path given its root ``/`` (the same page)."""
    scheme, _, rest = address.partition(":")
    if scheme.lower() != "https":
        return f"{scheme.lower()}:{rest}"
    parts = urlsplit(address)
    return parts._replace(scheme="https", netloc=parts.netloc.lower(), path=parts.path or "/").geturl()


def address_problem(address: str) -> str | None:
    """Why ``address`` cannot be a link (``None``: it can)."""
    scheme, colon, rest = address.partition(":")
    scheme = scheme.lower()
    if not colon or scheme not in SCHEMES:
        if scheme == "http":
            return "uses http:, not https:"
        return "must start with https:, mailto:, tel: or sms:"
    if scheme == "https":
        host = urlsplit(address).hostname or ""
        if not rest.startswith("//") or "." not in host.strip("."):
            return "has no valid host (expected https://host/...)"
    elif scheme == "mailto" and not _EMAIL.match(rest):
        return "is not an email address"
    elif scheme in ("tel", "sms") and not _PHONE.match(rest):
        return "is not a phone number (digits, optionally after +)"
    return None


def link_problems(text: str, *, allowed: Collection[str]) -> list[str]:
    """What is wrong with the links in ``text``, one phrase per bad link ([]: nothing).

    ``allowed`` holds :func:`canonical` addresses.
    """
    problems = []
    for link in LINK.finditer(text):
        shown, address = f"link '{link[0]}'", link["url"]
        problem = address_problem(address)
        if not link["label"].strip():
            problems.append(f"{shown}: the label between [ ] is empty")
        elif problem:
            problems.append(f"{shown}: the address {problem}")
        elif canonical(address) not in allowed:
            problems.append(f"{shown}: the address is not on the allowlist ({ALLOWLIST_FILE})")
    rest, shown_up_to = LINK.sub(" ", text), 0
    for stray in _STRAY.finditer(rest):
        if stray.start() < shown_up_to:
            continue  # the same broken link, already shown
        start, shown_up_to = max(stray.start() - 20, 0), stray.end() + 30
        near = " ".join(rest[start:shown_up_to].split())
        problems.append(f"malformed link near '{near}': write links as [label](address)")
    return problems
