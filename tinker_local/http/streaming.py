"""Server-sent events: a blocking event generator runs on its own thread and feeds the response; a client
that disconnects cancels it."""

from __future__ import annotations

import asyncio
import logging
import secrets
import threading
from collections.abc import AsyncIterator
from typing import Any

from starlette.responses import StreamingResponse

import tinker_wire as wire

from .. import engine as eng
from .._errors import ApiError
from ..service import Service
from ..service.calls import EventStream

__all__ = ["sse_response"]

log = logging.getLogger("tinker_local")


def sse_response(stream: EventStream, service: Service) -> StreamingResponse:
    loop = asyncio.get_running_loop()
    queue: asyncio.Queue[Any] = asyncio.Queue()
    cancel = threading.Event()
    tag = f"stream-{secrets.token_hex(6)}"
    threads = service.state.stream_threads

    def put(item: Any) -> None:
        try:
            loop.call_soon_threadsafe(queue.put_nowait, item)
        except RuntimeError:  # the event loop is gone (server shutting down)
            cancel.set()

    def produce() -> None:
        try:
            for ev, data in stream.events(cancel, tag):
                if cancel.is_set():
                    break
                put((ev, data))
        except eng.EngineInputError as e:
            put(("error", {"error": str(e), "category": "user"}))
        except ApiError as e:
            put(("error", {"error": e.detail, "category": e.category or "user"}))
        except Exception as e:
            log.warning("stream_sample failed", exc_info=True)
            detail = f"internal error during sampling: {type(e).__name__}: {e}"
            put(("error", {"error": detail, "category": "server"}))
        finally:
            put(None)
            threads.discard(threading.current_thread())

    async def events() -> AsyncIterator[bytes]:
        t = threading.Thread(target=produce, name="tinker-local-stream", daemon=True)
        threads.add(t)
        t.start()
        try:
            while True:
                item = await queue.get()
                if item is None:
                    break
                ev, data = item
                yield b"event: " + ev.encode() + b"\ndata: " + wire.dumps(data) + b"\n\n"
        finally:
            cancel.set()

    return StreamingResponse(
        events(), media_type="text/event-stream", headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"}
    )
