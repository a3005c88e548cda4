"""The SDK's background event loop: one daemon thread per process runs every network coroutine.

Sync methods schedule work here and hand back futures, so training calls can be pipelined without the
caller running an event loop, and async callers never block their own loop on our I/O.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import os
import threading
from collections.abc import Coroutine
from typing import Any, TypeVar

T = TypeVar("T")

__all__ = ["get_loop", "on_sdk_loop", "run_coroutine"]

_lock = threading.Lock()
_loop: asyncio.AbstractEventLoop | None = None
_thread: threading.Thread | None = None
_pid: int | None = None


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


def on_sdk_loop() -> bool:
    """True when called from the background loop's own thread (blocking there would deadlock)."""
    return _thread is not None and threading.current_thread() is _thread


def run_coroutine(coro: Coroutine[Any, Any, T]) -> concurrent.futures.Future[T]:
    """Schedule ``coro`` on the background loop."""
    return asyncio.run_coroutine_threadsafe(coro, get_loop())
