"""Futures returned by every client call.

``APIFuture`` is the public abstract type (``result``, ``result_async``, ``await``, ``future``,
``coroutine``). Our own futures are :class:`_TaskFuture`: a ``concurrent.futures.Future`` that is also an
``APIFuture`` and is completed by a task on the SDK loop, so ``concurrent.futures.wait``/``as_completed``,
``.result()`` and ``await`` all work on the same object, and cancelling it cancels the work (a training call's
request is still sent in its turn: see ``tinker._ordering``).
"""

from __future__ import annotations

import concurrent.futures
import contextlib
from abc import ABC, abstractmethod
from collections.abc import Callable, Coroutine, Generator
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from tinker_wire._lazy import deferred_import

from . import _loop

if TYPE_CHECKING:
    import asyncio
else:
    asyncio = deferred_import("asyncio", globals())

T = TypeVar("T")
U = TypeVar("U")

__all__ = ["APIFuture", "AwaitableConcurrentFuture", "chain", "settle_once", "spawn"]


def _check_not_on_sdk_loop() -> None:
    if _loop.on_sdk_loop():
        raise RuntimeError(
            "Blocking .result() called on the tinker SDK's own event loop thread, which would deadlock; "
            "use `await future` from async code instead."
        )


class APIFuture(ABC, Generic[T]):
    """The result of an SDK call that may still be running.

    ``result()`` blocks the calling thread; ``await future`` (or ``await future.result_async()``) waits
    from async code. A timeout in ``result()`` leaves the work running; a timeout or cancellation of
    ``result_async()`` cancels it. A ``TrainingClient`` call still sends its request in its turn (the server runs
    a model's requests in order and would wait for a missing one); only the waiting for its result stops.
    """

    @abstractmethod
    def result(self, timeout: float | None = None) -> T:
        """Block until the result is available and return it (``TimeoutError`` after ``timeout`` s)."""

    @abstractmethod
    async def result_async(self, timeout: float | None = None) -> T:
        """Wait for the result without blocking the event loop."""

    @abstractmethod
    def future(self) -> concurrent.futures.Future[T]:
        """The underlying ``concurrent.futures.Future``; cancelling it cancels the operation."""

    async def coroutine(self) -> T:
        """A coroutine awaiting the result, for ``asyncio.create_task``/``gather``."""
        return await self.result_async()

    def __await__(self) -> Generator[Any, None, T]:
        return self.result_async().__await__()


async def _await_concurrent(fut: concurrent.futures.Future[T], timeout: float | None) -> T:
    wrapped = asyncio.wrap_future(fut)
    if timeout is None:
        return await wrapped
    return await asyncio.wait_for(wrapped, timeout)


class AwaitableConcurrentFuture(APIFuture[T]):
    """An :class:`APIFuture` over an existing ``concurrent.futures.Future`` (public; handy in tests)."""

    def __init__(self, future: concurrent.futures.Future[T]) -> None:
        self._future = future

    def result(self, timeout: float | None = None) -> T:
        if not self._future.done():
            _check_not_on_sdk_loop()
        return self._future.result(timeout)

    async def result_async(self, timeout: float | None = None) -> T:
        return await _await_concurrent(self._future, timeout)

    def future(self) -> concurrent.futures.Future[T]:
        return self._future

    def __repr__(self) -> str:
        return f"<AwaitableConcurrentFuture {_state(self._future)}>"


def _state(fut: concurrent.futures.Future[Any]) -> str:
    if fut.cancelled():
        return "cancelled"
    if not fut.done():
        return "pending"
    exc = fut.exception()
    return f"failed: {exc!r}" if exc is not None else "done"


class _TaskFuture(concurrent.futures.Future[T], APIFuture[T]):
    """A future completed by a coroutine running on the SDK loop."""

    def __init__(self) -> None:
        concurrent.futures.Future.__init__(self)
        self._task: concurrent.futures.Future[Any] | None = None

    def result(self, timeout: float | None = None) -> T:
        if not self.done():
            _check_not_on_sdk_loop()
        return concurrent.futures.Future.result(self, timeout)

    async def result_async(self, timeout: float | None = None) -> T:
        return await _await_concurrent(self, timeout)

    def future(self) -> concurrent.futures.Future[T]:
        return self

    def cancel(self) -> bool:
        if self._task is not None:
            self._task.cancel()
        if self.done():
            return self.cancelled()
        if not concurrent.futures.Future.cancel(self):
            return False
        # No executor runs this future, so tell its waiters here: concurrent.futures.wait and as_completed count a
        # cancelled future as done only once notified.
        with contextlib.suppress(RuntimeError):  # another thread cancelling it at the same time notified first
            self.set_running_or_notify_cancel()
        return True

    def __repr__(self) -> str:
        return f"<APIFuture {_state(self)}>"


def spawn(coro: Coroutine[Any, Any, T]) -> _TaskFuture[T]:
    """Run ``coro`` on the SDK loop; the returned future settles with its outcome."""
    out: _TaskFuture[T] = _TaskFuture()

    def _settle(task: concurrent.futures.Future[T]) -> None:
        if out.done():
            return
        if task.cancelled():
            out.cancel()
            return
        exc = task.exception()
        if exc is not None:
            out.set_exception(exc)
        else:
            out.set_result(task.result())

    task = _loop.run_coroutine(coro)
    out._task = task
    task.add_done_callback(_settle)
    return out


def chain(inner: APIFuture[T], transform: Callable[[T], U]) -> _TaskFuture[U]:
    """A future of ``transform(inner's result)``."""

    async def _run() -> U:
        return transform(await _await_concurrent(inner.future(), None))

    return spawn(_run())


def settle_once(future: concurrent.futures.Future[T], value: T) -> bool:
    """Set ``future``'s result unless it has one (from another thread, first one wins)."""
    try:
        future.set_result(value)
    except concurrent.futures.InvalidStateError:
        return False
    return True
