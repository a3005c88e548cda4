"""Streaming sampling over the ``stream_sample`` server-sent-events extension.

:class:`SampleStream` is both an iterator and an async iterator: ``for ev in stream`` or ``async for ev in
stream``. Events arrive as the server generates them; closing the stream (``close()``, leaving a ``with``
block, breaking out of the loop) drops the connection, which cancels the generation on the server.
Against a server without the extension (404/405) it falls back to one ``sample`` call and yields the whole
result as events.

Either way the events carry the same values as the ``sample`` result of the same request: a ``prompt`` event
first when prompt scores were asked for, each token's top-k when ``topk_sample_logprobs`` was set, and
logprobs at the float32 precision of a ``SampleResponse``.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import logging
import math
import queue
import threading
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal, Self

import numpy as np
import orjson
from tinker_api.api.sampling import stream_sample as _stream_sample
from tinker_api.models import SampleRequest

from ._exceptions import APIStatusError, RequestFailedError
from ._loop import get_loop
from ._transport import Transport, endpoint_request
from .types import RequestErrorCategory
from .types.sample_response import SampleResponse
from .types.topk_logprobs import topk_rows_from_json

if TYPE_CHECKING:
    from .types.sample_response import PromptAltTokens
    from .types.tensor_data import TensorData
    from .types.topk_logprobs import TopkEntries

__all__ = ["SampleStream", "SampleStreamEvent", "StreamSource"]

logger = logging.getLogger("tinker.sampling")
_fallback_logged = threading.Event()
_END = object()


@dataclass(frozen=True)
class SampleStreamEvent:
    """One streamed event: the prompt's scores (``type="prompt"``), a sampled token (``type="token"``) or
    the end of one sample (``type="done"``).

    A ``prompt`` event comes once, before any token, and only when the request asked for a prompt part
    (``include_prompt_logprobs``, ``topk_prompt_logprobs``, ``target_prompt_logprobs`` or
    ``prompt_alt_tokens_k``); it belongs to every sample and has ``sample_index`` 0. Its fields have the
    names, types and values of the same attributes of ``SampleResponse`` (``None`` when not requested).

    Attributes:
        type: ``"prompt"``, ``"token"`` or ``"done"``.
        sample_index: Which of the ``num_samples`` sequences the event belongs to (0 for ``prompt``).
        token_id: The sampled token (token events).
        logprob: Its log-probability under the sampler (token events).
        text: The text this token adds, when it can be decoded (token events; may be ``""`` while a
            multi-byte character is incomplete).
        topk_logprobs: The ``(token_id, logprob)`` pairs of the most likely tokens at this position, when
            the request set ``topk_sample_logprobs`` (token events; ``SampledSequence.topk_logprobs[i]``).
        stop_reason: ``"stop"`` or ``"length"`` (done events).
        num_tokens: Tokens generated for this sample (done events).
        sequence_id: The sequence's id, usable in provenance spans (done events).
        prompt_logprobs: Each prompt token's logprob, ``None`` where not scored (prompt event).
        topk_prompt_logprobs: Top-k pairs at each prompt position (prompt event).
        target_prompt_logprobs: The logprobs of the requested target ids, in the request's layout (prompt event).
        prompt_alt_tokens: The alternative tokens drawn at each prompt position (prompt event).
    """

    type: Literal["prompt", "token", "done"]
    sample_index: int
    token_id: int | None = None
    logprob: float | None = None
    text: str | None = None
    stop_reason: str | None = None
    num_tokens: int | None = None
    sequence_id: str | None = None
    topk_logprobs: list[tuple[int, float]] | None = None
    prompt_logprobs: list[float | None] | None = None
    topk_prompt_logprobs: TopkEntries | None = None
    target_prompt_logprobs: TensorData | None = None
    prompt_alt_tokens: PromptAltTokens | None = None


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


def _f32(value: Any) -> float:
    """A logprob at the float32 precision of ``SampleResponse`` (the stream's JSON carries float64)."""
    return float(np.float32(value))


def _f32_pairs(row: list[tuple[int, float]] | None) -> list[tuple[int, float]] | None:
    return None if row is None else [(token, _f32(lp)) for token, lp in row]


def _missing_alt_tokens() -> RuntimeError:
    return RuntimeError(
        "prompt_alt_tokens_k was requested but the server streamed no prompt_alt_tokens; "
        "the server may predate this feature"
    )


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
        # Like ``sample``: alternative prompt tokens that were asked for must come back (before any token).
        alt_pending = self._body.prompt_alt_tokens_k > 0
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
                    if ev is None:
                        continue
                    if ev.type == "prompt" and ev.prompt_alt_tokens is not None:
                        alt_pending = False
                    elif alt_pending and ev.type != "prompt":
                        raise _missing_alt_tokens()
                    emit(ev)
            if alt_pending:
                raise _missing_alt_tokens()
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
            topk = payload.get("topk_logprobs")
            rows = topk_rows_from_json(None if topk is None else [topk])
            return SampleStreamEvent(
                "token",
                index,
                token_id=token,
                logprob=_f32(payload["logprob"]),
                text=text,
                topk_logprobs=None if rows is None else _f32_pairs(rows[0]),
            )
        if event == "done":
            return SampleStreamEvent(
                "done",
                int(payload["index"]),
                stop_reason=payload.get("stop_reason"),
                num_tokens=payload.get("num_tokens"),
                sequence_id=payload.get("sequence_id"),
            )
        if event == "prompt":
            # Parsed as the same fields of a JSON sample result, at the result's float32 precision.
            parts = SampleResponse.from_json_dict({**payload, "sequences": []})
            lps = parts.prompt_logprobs_np
            topk_rows = parts.topk_prompt_logprobs
            return SampleStreamEvent(
                "prompt",
                0,
                prompt_logprobs=None if lps is None else [None if math.isnan(v) else v for v in lps.tolist()],
                topk_prompt_logprobs=None if topk_rows is None else [_f32_pairs(row) for row in topk_rows],
                target_prompt_logprobs=parts.target_prompt_logprobs,
                prompt_alt_tokens=parts.prompt_alt_tokens,
            )
        return None

    def _events_from_result(self, result: SampleResponse) -> Iterator[SampleStreamEvent]:
        body = self._body
        asked_prompt = body.prompt_logprobs or body.topk_prompt_logprobs or body.prompt_alt_tokens_k
        if asked_prompt or body.target_prompt_logprobs is not None:
            yield SampleStreamEvent(
                "prompt",
                0,
                prompt_logprobs=result.prompt_logprobs,
                topk_prompt_logprobs=result.topk_prompt_logprobs,
                target_prompt_logprobs=result.target_prompt_logprobs,
                prompt_alt_tokens=result.prompt_alt_tokens,
            )
        for index, seq in enumerate(result.sequences):
            logprobs: list[float | None] = list(seq.logprobs) if seq.logprobs else [None] * len(seq.tokens)
            topk: TopkEntries = list(seq.topk_logprobs or [])
            topk += [None] * (len(seq.tokens) - len(topk))
            for token, lp, row in zip(seq.tokens, logprobs, topk):
                text = self._decoder.feed(index, int(token)) if self._decoder is not None else None
                yield SampleStreamEvent("token", index, token_id=int(token), logprob=lp, text=text, topk_logprobs=row)
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
