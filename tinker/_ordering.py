"""Per-client request ordering: ids are reserved synchronously at call time, submissions happen in id order.

The server executes a model's requests by ``seq_id``; reserving ids when the user calls (not when the
coroutine runs) makes request order equal call order across threads, and the turn gate makes the HTTP
submissions follow the same order so the server never waits long on a gap. Each submission runs in a task of
its own, started at call time (:meth:`OrderedSubmissions.start`): an id that was reserved but never sent would
hold every later request of the model until the server's gap timeout fails them, so cancelling a call stops
only the waiting for its result (:func:`submitted`), never its submission.
"""

from __future__ import annotations

import concurrent.futures
import threading
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any, TypeVar

from tinker_wire._lazy import deferred_import

from . import _loop

if TYPE_CHECKING:
    import asyncio
else:
    asyncio = deferred_import("asyncio", globals())

__all__ = ["OrderedSubmissions", "SeqCounter", "TurnGate", "submitted"]

T = TypeVar("T")


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

    Lives on the SDK loop (so it needs no lock). A failed submission still releases its ids (so later requests
    are not stuck); the server then reports the gap. Each waiter is woken once, when its turn comes (one
    condition shared by every waiter woke all of them on each release: N queued submissions resumed ~N*N/2 times).
    """

    def __init__(self, start: int = 0) -> None:
        self._next = start
        self._released: set[int] = set()
        self._waiters: dict[int, asyncio.Future[None]] = {}  # by the first id of the waiting submission

    async def wait(self, first: int) -> None:
        if self._next >= first:
            return
        waiter = self._waiters[first] = asyncio.get_running_loop().create_future()
        try:
            await waiter
        finally:
            del self._waiters[first]

    def release(self, first: int, count: int) -> None:
        self._released.update(range(first, first + count))
        while self._next in self._released:
            self._released.discard(self._next)
            self._next += 1
            waiter = self._waiters.get(self._next)
            if waiter is not None and not waiter.done():
                waiter.set_result(None)


class OrderedSubmissions:
    """One model's ordered requests: :meth:`reserve` ids at call time, :meth:`start` each submission at once."""

    def __init__(self, start: int) -> None:
        self._ids = SeqCounter(start)
        self._gate = TurnGate(start)

    def reserve(self, n: int = 1) -> int:
        """Reserve ``n`` consecutive ids; returns the first."""
        return self._ids.reserve(n)

    def start(self, first: int, count: int, submit: Callable[[], Awaitable[T]]) -> concurrent.futures.Future[T]:
        """Run ``submit()`` on the SDK loop once every id below ``first`` is released, in a task started now and
        apart from the caller's future; ids ``first`` .. ``first + count - 1`` are released after it whatever
        happens (a failed submission leaves its gap to the server, which reports it)."""

        async def in_turn() -> T:
            try:
                await self._gate.wait(first)
                return await submit()
            finally:
                self._gate.release(first, count)

        return _loop.run_coroutine(in_turn())


async def submitted(sending: concurrent.futures.Future[T]) -> T:
    """The outcome of a submission from :meth:`OrderedSubmissions.start`; cancelling the waiter leaves it running."""
    outcome = asyncio.wrap_future(sending)
    try:
        result: T = await asyncio.shield(outcome)
    except asyncio.CancelledError:
        # Nobody waits for it any more: a failure is nobody's error (asyncio would log it as never retrieved).
        outcome.add_done_callback(_retrieve)
        raise
    return result


def _retrieve(outcome: asyncio.Future[Any]) -> None:
    if not outcome.cancelled():
        outcome.exception()
