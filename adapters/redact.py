"""Redaction of personal details before anything a user typed is stored.

Residents may paste patient details into a question; the log keeps the question's words but
not email addresses, dates, phone numbers or record numbers.

>>> redact("pt MRN 00123456, call 555-123-4567 or jo@example.org, DOB 3/14/1950")
'pt MRN [number], call [number] or [email], DOB [date]'
"""

from __future__ import annotations

import re

#: Fewest digits in one run (separators allowed) that is taken for a phone or record number.
MIN_REDACTED_DIGITS = 5

_EMAIL = re.compile(r"[\w.%+-]+@[\w-]+(?:\.[\w-]+)+")
_DATE = re.compile(
    r"(?<!\w)(?:\d{1,2}[/.-]\d{1,2}[/.-](?:\d{4}|\d{2})|\d{4}[/.-]\d{1,2}[/.-]\d{1,2})(?!\w)"
)
# Digits joined by the separators of phone and record numbers: "+1 (555) 123-4567", "00123456".
_DIGIT_RUN = re.compile(r"\+?\(?\d(?:[\d ().-]*\d)?\)?")


def _digit_run(match: re.Match[str]) -> str:
    digits = sum(char.isdigit() for char in match.group())
    return "[number]" if digits >= MIN_REDACTED_DIGITS else match.group()


def redact(text: str) -> str:
    """``text`` with emails, dates, phone numbers and long digit runs replaced by placeholders."""
    text = _EMAIL.sub("[email]", text)
    text = _DATE.sub("[date]", text)
    return _DIGIT_RUN.sub(_digit_run, text)
