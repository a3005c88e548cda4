"""Streaming sampling over the ``stream_sample`` server-sent-events extension.

:class:`SampleStream` is both an iterator and an async iterator: ``for ev in stream`` or ``async for ev in
stream``. Events arrive as the server generates them; closing the stream (``close()``, leaving a ``with``
block, breaking out of the loop) drops the connection, which cancels the generation on the server.
Against a server without the extension (404/405) it falls back to one ``sample`` call and yields the whole
result as events.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import logging
import queue
import threading
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal, Self

import orjson
from tinker_api.api.sampling import stream_sample as _stream_sample
from tinker_api.models import SampleRequest

from ._exceptions import APIStatusError, RequestFailedError
from ._loop import get_loop
from ._transport import Transport, endpoint_request
from .types import RequestErrorCategory

if TYPE_CHECKING:
    from .types.sample_response import SampleResponse

__all__ = ["SampleStream", "SampleStreamEvent", "StreamSource"]

logger = logging.getLogger("tinker.sampling")
_fallback_logged = threading.Event()
_END = object()


@dataclass(frozen=True)
class SampleStreamEvent:
    """One streamed event: a sampled token (``type="token"``) or the end of one sample (``type="done"``).

    Attributes:
        type: ``"token"`` or ``"done"``.
        sample_index: Which of the ``num_samples`` sequences the event belongs to.
        token_id: The sampled token (token events).
        logprob: Its log-probability under the sampler (token events).
        text: The text this token adds, when it can be decoded (token events; may be ``""`` while a
            multi-byte character is incomplete).
        stop_reason: ``"stop"`` or ``"length"`` (done events).
        num_tokens: Tokens generated for this sample (done events).
        sequence_id: The sequence's id, usable in provenance spans (done events).
    """

    type: Literal["token", "done"]
    sample_index: int
    token_id: int | None = None
    logprob: float | None = None
    text: str | None = None
    stop_reason: str | None = None
    num_tokens: int | None = None
    sequence_id: str | None = None


@dataclass(frozen=True)
class StreamSource:
    """What a stream needs from its sampling client.

    Attributes:
        transport: Sends the stream request.
        next_seq: The client's next request ``seq_id``.
        sample: The client's plain sampling call, the fallback for servers without the extension.
    """

    transport: Transport
    next_seq: Callable[[], int]
    sample: Callable[[SampleRequest], Awaitable[SampleResponse]]


async def _sse_events(lines: AsyncIterator[str]) -> AsyncIterator[tuple[str, str]]:
    event, data = "message", list[str]()
    async for line in lines:
        if line == "":
            if data:
                yield event, "\n".join(data)
            event, data = "message", []
        elif line.startswith(":"):
            continue
        else:
            field, _, value = line.partition(":")
            value = value.removeprefix(" ")
            if field == "event":
                event = value
            elif field == "data":
                data.append(value)
    if data:
        yield event, "\n".join(data)


class _TextDecoder:
    """Incremental per-sample detokenisation for servers that send no text."""

    def __init__(self, decode: Callable[[list[int]], str]) -> None:
        self._decode = decode
        self._tokens: dict[int, list[int]] = {}
        self._emitted: dict[int, int] = {}

    def feed(self, index: int, token: int) -> str:
        toks = self._tokens.setdefault(index, [])
        toks.append(token)
        text = self._decode(toks)
        if text.endswith("\ufffd"):
            return ""
        start = self._emitted.get(index, 0)
        self._emitted[index] = len(text)
        return text[start:]


class SampleStream:
    """Events of one streamed sample request. Iterate once, synchronously or asynchronously."""

    def __init__(self, source: StreamSource, body: SampleRequest, decode: Callable[[list[int]], str] | None) -> None:
        self._source = source
        self._body = body
        self._decoder = _TextDecoder(decode) if decode is not None else None
        self._task: concurrent.futures.Future[None] | None = None
        self._closed = False

    # ------------------------------------------------------------------ producer (runs on the SDK loop)

    async def _produce(self, emit: Callable[[Any], None]) -> None:
        try:
            await self._stream(emit)
        except asyncio.CancelledError:
            emit(_END)  # wake a consumer blocked in another thread
            raise
        except BaseException as exc:  # noqa: BLE001 - handed to the consumer
            emit(exc)
            return
        emit(_END)

    async def _stream(self, emit: Callable[[Any], None]) -> None:
        transport = self._source.transport
        req = endpoint_request(_stream_sample, body=self._body.model_copy(update={"seq_id": self._source.next_seq()}))
        headers = {**req["headers"], "Accept": "text/event-stream"}
        try:
            async with transport.open_stream(
                "POST", req["url"], headers=headers, content=req["content"], op="stream_sample"
            ) as resp:
                async for event, data in _sse_events(resp.aiter_lines()):
                    payload = orjson.loads(data) if data else {}
                    if event == "error":
                        raise RequestFailedError(
                            f"Streaming sample failed: {payload.get('error')}",
                            request_id="stream",
                            category=RequestErrorCategory(payload.get("category", "unknown")),
                        )
                    ev = self._event(event, payload)
                    if ev is not None:
                        emit(ev)
        except APIStatusError as exc:
            if exc.status_code not in (404, 405):
                raise
            if not _fallback_logged.is_set():
                _fallback_logged.set()
                logger.info("Server has no stream_sample endpoint (HTTP %d); falling back to sample()", exc.status_code)
            result = await self._source.sample(self._body)
            for ev in self._events_from_result(result):
                emit(ev)

    def _event(self, event: str, payload: dict[str, Any]) -> SampleStreamEvent | None:
        if event == "token":
            index, token = int(payload["index"]), int(payload["token_id"])
            text = payload.get("text")
            if text is None and self._decoder is not None:
                text = self._decoder.feed(index, token)
            return SampleStreamEvent("token", index, token_id=token, logprob=float(payload["logprob"]), text=text)
        if event == "done":
            return SampleStreamEvent(
                "done",
                int(payload["index"]),
                stop_reason=payload.get("stop_reason"),
                num_tokens=payload.get("num_tokens"),
                sequence_id=payload.get("sequence_id"),
            )
        return None

    def _events_from_result(self, result: SampleResponse) -> Iterator[SampleStreamEvent]:
        for index, seq in enumerate(result.sequences):
            logprobs: list[float | None] = list(seq.logprobs) if seq.logprobs else [None] * len(seq.tokens)
            for token, lp in zip(seq.tokens, logprobs):
                text = self._decoder.feed(index, int(token)) if self._decoder is not None else None
                yield SampleStreamEvent("token", index, token_id=int(token), logprob=lp, text=text)
            yield SampleStreamEvent(
                "done", index, stop_reason=seq.stop_reason, num_tokens=len(seq.tokens), sequence_id=seq.sequence_id
            )

    def _start(self, emit: Callable[[Any], None]) -> None:
        if self._task is not None or self._closed:
            raise RuntimeError("a SampleStream can be iterated only once")
        self._task = asyncio.run_coroutine_threadsafe(self._produce(emit), get_loop())

    # ------------------------------------------------------------------ consumers

    def __iter__(self) -> Iterator[SampleStreamEvent]:
        items: queue.Queue[Any] = queue.Queue()
        self._start(items.put)
        try:
            while True:
                item = items.get()
                if item is _END:
                    return
                if isinstance(item, BaseException):
                    raise item
                yield item
        finally:
            self.close()

    async def _aiter(self) -> AsyncIterator[SampleStreamEvent]:
        loop = asyncio.get_running_loop()
        items: asyncio.Queue[Any] = asyncio.Queue()

        def emit(item: Any) -> None:
            try:
                loop.call_soon_threadsafe(items.put_nowait, item)
            except RuntimeError:
                pass  # the consumer's loop is already closed (it stopped iterating): nobody is left to tell

        self._start(emit)
        try:
            while True:
                item = await items.get()
                if item is _END:
                    return
                if isinstance(item, BaseException):
                    raise item
                yield item
        finally:
            self.close()

    def __aiter__(self) -> AsyncIterator[SampleStreamEvent]:
        return self._aiter()

    def close(self) -> None:
        """Stop the stream; the server cancels the generation when the connection drops."""
        self._closed = True
        if self._task is not None and not self._task.done():
            self._task.cancel()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, *exc: object) -> None:
        self.close()
