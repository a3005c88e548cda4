"""The SDK's background event loop: one daemon thread per process runs every network coroutine.

Sync methods schedule work here and hand back futures, so training calls can be pipelined without the
caller running an event loop, and async callers never block their own loop on our I/O.
"""

from __future__ import annotations

import atexit
import concurrent.futures
import logging
import os
import threading
import time
from collections.abc import Awaitable, Callable, Coroutine
from typing import TYPE_CHECKING, Any, TypeVar

from tinker_wire._lazy import deferred_import

if TYPE_CHECKING:
    import asyncio
else:
    asyncio = deferred_import("asyncio", globals())

T = TypeVar("T")

__all__ = ["close_at_exit", "get_loop", "on_sdk_loop", "run_coroutine"]

_lock = threading.Lock()
_loop: asyncio.AbstractEventLoop | None = None
_thread: threading.Thread | None = None
_pid: int | None = None
_closers: list[Callable[[], Awaitable[float]]] = []
_grace = 0.0  # seconds to let other threads settle after the loop is closed at exit


def close_at_exit(closer: Callable[[], Awaitable[float]]) -> None:
    """Run ``closer()`` on the loop at interpreter exit, after the remaining tasks are cancelled. It returns
    how long (seconds) other threads may still need the interpreter once the loop is closed (0: none)."""
    _closers.append(closer)


def get_loop() -> asyncio.AbstractEventLoop:
    """The running background loop, started on first use (and again in a forked child)."""
    global _loop, _thread, _pid
    with _lock:
        if _loop is None or _pid != os.getpid() or _thread is None or not _thread.is_alive():
            loop = asyncio.new_event_loop()
            ready = threading.Event()

            def _run() -> None:
                asyncio.set_event_loop(loop)
                loop.call_soon(ready.set)
                loop.run_forever()

            thread = threading.Thread(target=_run, name="tinker-event-loop", daemon=True)
            thread.start()
            ready.wait()
            _loop, _thread, _pid = loop, thread, os.getpid()
        return _loop


async def _cancel_everything(loop: asyncio.AbstractEventLoop) -> None:
    tasks = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
    for task in tasks:
        task.cancel()
    if tasks:
        await asyncio.wait(tasks, timeout=1.0)
    global _grace
    for closer in _closers:
        try:
            _grace = max(_grace, await asyncio.wait_for(closer(), timeout=1.0))
        except Exception:  # exiting anyway; one closer must not stop the others
            logging.getLogger("tinker").debug("closing at exit failed", exc_info=True)
    loop.stop()


@atexit.register
def _stop_at_exit() -> None:
    """Cancel what is still running, stop the loop and close it before the interpreter finalizes.

    Otherwise a response arriving during finalization makes the network backend's Rust thread wake the loop
    (a socket write that releases the GIL); retaking the GIL then ends the thread with pthread_exit, which
    aborts the process (SIGABRT) because it unwinds through Rust frames."""
    loop, thread = _loop, _thread
    if loop is None or thread is None or not thread.is_alive() or _pid != os.getpid():
        return
    try:
        asyncio.run_coroutine_threadsafe(_cancel_everything(loop), loop)
    except RuntimeError:  # the loop is closed already
        return
    thread.join(timeout=2.0)
    if not thread.is_alive():
        # A response still in flight in the backend's threads then finds the loop closed and is dropped at
        # once, instead of waking the loop through a socket write that releases and retakes the GIL.
        loop.close()
        if _grace:
            time.sleep(_grace)


def on_sdk_loop() -> bool:
    """True when called from the background loop's own thread (blocking there would deadlock)."""
    return _thread is not None and threading.current_thread() is _thread


def run_coroutine(coro: Coroutine[Any, Any, T]) -> concurrent.futures.Future[T]:
    """Schedule ``coro`` on the background loop."""
    return asyncio.run_coroutine_threadsafe(coro, get_loop())
