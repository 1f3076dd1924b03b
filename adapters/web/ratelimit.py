"""Per-client rate limiting: a token bucket per client, with a bounded number of clients."""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from cachetools import LRUCache

_PERIODS = {"second": 1.0, "minute": 60.0, "hour": 3600.0}
_RATE = re.compile(r"\s*(\d+)\s*(?:(?:/|per)\s*(second|minute|hour)s?)?\s*", re.IGNORECASE)


@dataclass(frozen=True)
class Rate:
    """``count`` requests per ``period`` seconds."""

    count: int
    period: float

    @classmethod
    def parse(cls, text: str) -> Rate:
        """Read ``"30/minute"``, ``"5 per second"``, ``"1000/hour"`` or ``"30"`` (per minute)."""
        match = _RATE.fullmatch(text)
        if match is None or int(match.group(1)) < 1:
            raise ValueError(
                f"rate limit {text!r} is not of the form N/second, N/minute or N/hour (N >= 1)"
            )
        return cls(int(match.group(1)), _PERIODS[(match.group(2) or "minute").lower()])

    def __str__(self) -> str:
        unit = next(name for name, seconds in _PERIODS.items() if seconds == self.period)
        return f"{self.count} per {unit}"


class RateLimiter:
    """Allows each client a burst of ``rate.count`` requests, refilled evenly over the period.

    At most ``max_clients`` clients are remembered; the one seen least recently is forgotten
    first (it starts again with a full bucket), so memory stays bounded whatever the traffic.
    """

    def __init__(
        self,
        rate: Rate,
        *,
        clock: Callable[[], float] = time.monotonic,
        max_clients: int = 10_000,
    ) -> None:
        self.rate = rate
        self._clock = clock
        self._refill_per_second = rate.count / rate.period
        self._buckets: LRUCache[str, tuple[float, float]] = LRUCache(max_clients)
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._buckets)

    def acquire(self, client: str) -> float:
        """Count one request of ``client``: 0.0 if allowed, else the seconds until it would be."""
        now = self._clock()
        with self._lock:
            tokens, stamp = self._buckets.pop(client, (float(self.rate.count), now))
            tokens = min(self.rate.count, tokens + (now - stamp) * self._refill_per_second)
            wait = 0.0
            if tokens >= 1.0:
                tokens -= 1.0
            else:
                wait = (1.0 - tokens) / self._refill_per_second
            self._buckets[client] = (tokens, now)
        return wait
