"""Per-client request ordering: ids are reserved synchronously at call time, submissions happen in id order.

The server executes a model's requests by ``seq_id``; reserving ids when the user calls (not when the
coroutine runs) makes request order equal call order across threads, and the turn gate makes the HTTP
submissions follow the same order so the server never waits long on a gap.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

from tinker_wire._lazy import deferred_import

if TYPE_CHECKING:
    import asyncio
else:
    asyncio = deferred_import("asyncio", globals())

__all__ = ["SeqCounter", "TurnGate"]


class SeqCounter:
    """Thread-safe reservation of consecutive ids."""

    def __init__(self, start: int = 0) -> None:
        self._next = start
        self._lock = threading.Lock()

    def reserve(self, n: int = 1) -> int:
        """Reserve ``n`` consecutive ids; returns the first."""
        with self._lock:
            first = self._next
            self._next += n
            return first


class TurnGate:
    """Lets the holder of id ``k`` proceed only after every id below ``k`` has been released.

    Lives on the SDK loop. A failed submission still releases its ids (so later requests are not stuck);
    the server then reports the gap.
    """

    def __init__(self, start: int = 0) -> None:
        self._next = start
        self._released: set[int] = set()
        self._cond: asyncio.Condition | None = None

    def _condition(self) -> asyncio.Condition:
        if self._cond is None:
            self._cond = asyncio.Condition()
        return self._cond

    async def wait(self, first: int) -> None:
        cond = self._condition()
        async with cond:
            await cond.wait_for(lambda: self._next >= first)

    async def release(self, first: int, count: int) -> None:
        cond = self._condition()
        async with cond:
            self._released.update(range(first, first + count))
            while self._next in self._released:
                self._released.discard(self._next)
                self._next += 1
            cond.notify_all()
