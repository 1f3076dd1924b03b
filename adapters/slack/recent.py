"""A small thread-safe memory of recent keys, bounded so it cannot grow without limit."""

from __future__ import annotations

import threading
from typing import Generic, TypeVar

from cachetools import LRUCache

V = TypeVar("V")


class Recent(Generic[V]):
    """The ``size`` most recently stored keys and their values; older ones are forgotten."""

    def __init__(self, size: int) -> None:
        if size < 1:
            raise ValueError(f"size must be at least 1, not {size}")
        self.size = size
        self._items: LRUCache[str, V | None] = LRUCache(size)
        self._lock = threading.Lock()

    def add(self, key: str) -> bool:
        """Remember ``key``; True if it was not remembered already."""
        with self._lock:
            if key in self._items:
                return False
            self._items[key] = None
            return True

    def put(self, key: str, value: V) -> None:
        """Remember ``value`` under ``key``."""
        with self._lock:
            self._items[key] = value

    def get(self, key: str) -> V | None:
        """The value remembered under ``key``, or None when it was never stored or is forgotten."""
        with self._lock:
            return self._items.get(key)
