"""The one futures poller: turns a ``request_id`` into a result by long-polling ``retrieve_future``.

Reply handling (docs/protocol.md#futures): 408 and ``try_again`` mean "not yet"; ``complete_metadata`` asks for a
second poll without ``allow_metadata_only``; a JSON ``{"error", "category"}`` is a failed request; 410 means
the server dropped the future; any other 2xx is the result (protobuf for forward/backward and sample results
when we ask for it). Failed polls (429, 5xx, 402, connection errors) go through the one retry loop, so they
back off like any request; fast "not yet" answers are paced instead of spinning. The wait is reported to the
observability seam (:func:`tinker._instrument.future_wait`): its polls and the queue states seen.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Generic, NamedTuple, Protocol, TypeVar

from tinker_api import models

from tinker_wire._lazy import deferred_import

from . import _instrument
from ._config import poll_timeout
from ._exceptions import APIResponseValidationError, APIStatusError, BadRequestError, RequestFailedError
from ._retry import RetryableError, retry_call
from ._transport import Transport, decode_json, endpoint_request

if TYPE_CHECKING:
    import asyncio
    import json

    import httpx
    from tinker_api.api.futures import retrieve_future as _retrieve_future
else:
    httpx = deferred_import("httpx", globals())
    _retrieve_future = deferred_import("tinker_api.api.futures.retrieve_future", globals())
    asyncio = deferred_import("asyncio", globals())
    json = deferred_import("json", globals())

T = TypeVar("T")

__all__ = [
    "ACCEPT_RESULT",
    "INLINE_FUTURE",
    "FutureExpiredError",
    "PollSpec",
    "QueueStateObserver",
    "inline_future",
    "poll_future",
    "result_wait",
]

logger = logging.getLogger("tinker.futures")

PROTOBUF = "application/x-protobuf"
#: Contract extension: a submit may ask the server to hold its reply for the result (``X-Tinker-Result-Wait``);
#: a reply carrying ``X-Tinker-Inline-Future`` is then the result itself, so no poll is needed.
INLINE_FUTURE = "X-Tinker-Inline-Future"
ACCEPT_RESULT = {"Accept": f"{PROTOBUF}, application/json"}
_MAX_RESULT_WAIT = 10.0
# A 408 that comes back faster than this was not a long-poll; wait a little before asking again.
_MIN_POLL_INTERVAL = 0.25
_MAX_BAD_REQUESTS = 3


class FutureExpiredError(RetryableError):
    """The server no longer holds this future (HTTP 410); resubmit the request."""


class QueueStateObserver(Protocol):
    def on_queue_state_change(self, queue_state: str, queue_state_reason: str | None) -> None: ...


class QueueStateLogger:
    """Logs paused queue states of one client (at most once a minute; "active" is silent)."""

    def __init__(self, what: str, interval: float = 60.0) -> None:
        self._what = what
        self._interval = interval
        self._last = float("-inf")

    def on_queue_state_change(self, queue_state: str, queue_state_reason: str | None) -> None:
        if queue_state == "active":
            return
        now = time.monotonic()
        if now - self._last >= self._interval:
            self._last = now
            logger.warning("%s is paused (%s): %s", self._what, queue_state, queue_state_reason or "no reason given")


class PollSpec(NamedTuple, Generic[T]):
    """What a future resolves to: its request type header, whether protobuf is wanted, and the parser of the
    final 200 response. (A named tuple: cheaper to create than a frozen dataclass, and only read.)"""

    request_type: str
    parse: Callable[[httpx.Response], T]
    accept_proto: bool = False


def inline_future(response: httpx.Response) -> dict[str, Any] | None:
    """The future a submit's reply says its body answers (``X-Tinker-Inline-Future``), or None for a plain future.

    A header that is not a JSON object raises ``APIResponseValidationError`` naming it."""
    raw = response.headers.get(INLINE_FUTURE)
    if raw is None:
        return None
    try:
        future = json.loads(raw)
    except ValueError:
        future = None
    if not isinstance(future, dict):
        raise APIResponseValidationError(
            response, None, f"the server sent a malformed {INLINE_FUTURE} header (not a JSON object): {raw[:200]!r}"
        )
    return future


def result_wait(timeout: httpx.Timeout) -> float:
    """How long a submit may ask the server to hold its reply: well inside the client's read timeout, and short
    enough that a slow result soon falls back to polling (which reports queue states)."""
    read = timeout.read
    return _MAX_RESULT_WAIT if read is None else max(0.0, min(_MAX_RESULT_WAIT, read / 2))


def _category(value: Any) -> Any:
    from .types import RequestErrorCategory

    try:
        return RequestErrorCategory(value)
    except ValueError:
        return (
            RequestErrorCategory.Unknown
            if hasattr(RequestErrorCategory, "Unknown")
            else RequestErrorCategory("unknown")
        )


async def poll_future(
    transport: Transport,
    request_id: str,
    spec: PollSpec[T],
    *,
    observer: QueueStateObserver | None = None,
    submit_rtt: float | None = None,
) -> T:
    """Poll until the future completes; raise RequestFailedError, FutureExpiredError or APIStatusError.

    Each poll runs through the one retry loop (failed polls are retried, an open circuit is waited out);
    what is left here is the futures protocol."""
    probe = _instrument.future_wait(request_id, spec.request_type)
    try:
        result = await _poll(transport, request_id, spec, observer, submit_rtt, probe)
    except BaseException as exc:
        probe.end(exc)
        raise
    probe.end(None)
    return result


async def _poll(
    transport: Transport,
    request_id: str,
    spec: PollSpec[T],
    observer: QueueStateObserver | None,
    submit_rtt: float | None,
    probe: _instrument.WaitProbe,
) -> T:
    allow_metadata_only = True
    iteration = 0
    bad_requests = 0

    async def send(n: int) -> httpx.Response:
        nonlocal iteration
        req = endpoint_request(
            _retrieve_future,
            body=models.FutureRetrieveRequest(request_id=request_id, allow_metadata_only=allow_metadata_only),
        )
        headers = {
            **req["headers"],
            "X-Tinker-Request-Type": spec.request_type,
            "X-Tinker-Request-Iteration": str(iteration),
            "Accept": ACCEPT_RESULT["Accept"] if spec.accept_proto else "application/json",
        }
        if iteration == 0 and submit_rtt is not None:
            headers["X-Tinker-Create-Promise-Roundtrip-Time"] = f"{submit_rtt:.6f}"
        iteration += 1
        try:
            return await transport.send_once(
                req["method"].upper(),
                req["url"],
                headers=headers,
                content=req["content"],
                timeout=poll_timeout(),
                op="retrieve_future",
                attempt=n,
            )
        except APIStatusError as exc:
            if exc.status_code == 408:  # not done yet: an answer, not a failure to retry
                return exc.response
            if exc.status_code == 410:
                raise FutureExpiredError(
                    f"Future {request_id} expired on the server (HTTP 410); resubmit the request"
                ) from exc
            raise

    while True:
        started = time.monotonic()
        try:
            response = await retry_call(
                send, transport.policy, what=f"poll of {request_id}", in_flight=True, op="retrieve_future"
            )
        except BadRequestError as exc:
            # An empty 400 is taken for a glitch and polled again at once, a few times; one with a body is an answer.
            if exc.response.content or bad_requests >= _MAX_BAD_REQUESTS:
                raise
            bad_requests += 1
            continue
        pending = response.status_code == 408
        if not pending and spec.accept_proto and PROTOBUF in response.headers.get("content-type", ""):
            return spec.parse(response)
        body = decode_json(response)
        if pending or (isinstance(body, dict) and body.get("type") == "try_again"):
            bad_requests = 0
            _notify(observer, body)
            state = body.get("queue_state") if isinstance(body, dict) else None
            probe.pending(str(state) if state else None, body.get("queue_state_reason") if state else None)
            elapsed = time.monotonic() - started
            if elapsed < _MIN_POLL_INTERVAL:
                await asyncio.sleep(_MIN_POLL_INTERVAL - elapsed)
            continue
        if isinstance(body, dict):
            if body.get("status") == "complete_metadata":
                allow_metadata_only = False
                continue
            if "error" in body:
                raise RequestFailedError(
                    f"Request {request_id} failed: {body['error']}",
                    request_id=request_id,
                    category=_category(body.get("category", "unknown")),
                )
        return spec.parse(response)


def _notify(observer: QueueStateObserver | None, body: Any) -> None:
    if observer is None or not isinstance(body, dict):
        return
    state = body.get("queue_state")
    if state:
        observer.on_queue_state_change(str(state), body.get("queue_state_reason"))
