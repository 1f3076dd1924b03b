"""The fixture every folder of tests shares: the shipped bot (helpers are in tests/helpers.py)."""

from __future__ import annotations

import pytest

from bot import Bot


@pytest.fixture(scope="session")
def bot() -> Bot:
    """The bot over the shipped knowledge base (sessions are per test via unique ids)."""
    return Bot.from_path()
