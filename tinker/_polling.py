"""The one futures poller: turns a ``request_id`` into a result by long-polling ``retrieve_future``.

Reply handling (http-api.md §5): 408 and ``try_again`` mean "not yet"; ``complete_metadata`` asks for a
second poll without ``allow_metadata_only``; a JSON ``{"error", "category"}`` is a failed request; any other
2xx is the result (protobuf for forward/backward and sample results when we ask for it). Unlike the
official SDK, repeated 5xx and fast 408s back off instead of spinning.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, Protocol, TypeVar

import httpx
from tinker_api.api.futures import retrieve_future as _retrieve_future
from tinker_api.models import FutureRetrieveRequest

from ._breaker import CircuitOpenError
from ._config import POLL_TIMEOUT
from ._exceptions import APIConnectionError, APIStatusError, RequestFailedError
from ._retry import RetryableError
from ._transport import Transport, decode_json, endpoint_request

T = TypeVar("T")

__all__ = ["FutureExpiredError", "PollSpec", "QueueStateObserver", "poll_future"]

logger = logging.getLogger("tinker")

PROTOBUF = "application/x-protobuf"
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


@dataclass(frozen=True)
class PollSpec(Generic[T]):
    """What a future resolves to: its request type header, whether protobuf is wanted, and the parser of the
    final 200 response."""

    request_type: str
    parse: Callable[[httpx.Response], T]
    accept_proto: bool = False


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
    """Poll until the future completes; raise RequestFailedError, FutureExpiredError or APIStatusError."""
    policy = transport.policy
    allow_metadata_only = True
    iteration = 0
    backoffs = 0
    bad_requests = 0
    billing_started: float | None = None
    last_contact = time.monotonic()

    def out_of_time() -> bool:
        # Without contact (only failures) for longer than the call deadline: give up instead of polling forever.
        deadline = policy.config.deadline
        return deadline is not None and time.monotonic() - last_contact > deadline

    while True:
        headers = {
            "X-Tinker-Request-Type": spec.request_type,
            "X-Tinker-Request-Iteration": str(iteration),
            "Accept": f"{PROTOBUF}, application/json" if spec.accept_proto else "application/json",
        }
        if iteration == 0 and submit_rtt is not None:
            headers["X-Tinker-Create-Promise-Roundtrip-Time"] = f"{submit_rtt:.6f}"
        req = endpoint_request(
            _retrieve_future,
            body=FutureRetrieveRequest(request_id=request_id, allow_metadata_only=allow_metadata_only),
        )
        started = time.monotonic()
        iteration += 1
        try:
            response = await transport.send_once(
                req["method"].upper(),
                req["url"],
                headers={**req["headers"], **headers},
                content=req["content"],
                timeout=POLL_TIMEOUT,
            )
        except CircuitOpenError as exc:
            # The server keeps failing: wait for the breaker's next probe, but not forever.
            if out_of_time():
                raise
            await asyncio.sleep(max(exc.retry_in, 0.05))
            continue
        except APIStatusError as exc:
            status = exc.status_code
            if status < 500:
                last_contact = time.monotonic()
            if status == 408:
                bad_requests = 0
                _notify(observer, decode_json(exc.response))
                elapsed = time.monotonic() - started
                if elapsed < _MIN_POLL_INTERVAL:
                    await asyncio.sleep(_MIN_POLL_INTERVAL - elapsed)
                continue
            if status == 410:
                raise FutureExpiredError(
                    f"Future {request_id} expired on the server (HTTP 410); resubmit the request"
                ) from exc
            if status == 402:
                billing_started = billing_started or time.monotonic()
                if time.monotonic() - billing_started > policy.config.billing_pause_max:
                    raise
                await asyncio.sleep(5.0)
                continue
            if status == 429 or status >= 500:
                if out_of_time():
                    raise
                await asyncio.sleep(policy.delay_for(backoffs, exc.response.headers))
                backoffs += 1
                continue
            if status == 400 and bad_requests < _MAX_BAD_REQUESTS and not exc.response.content:
                bad_requests += 1
                continue
            raise
        except APIConnectionError:
            if out_of_time():
                raise
            await asyncio.sleep(policy.backoff(backoffs))
            backoffs += 1
            continue
        backoffs = 0
        last_contact = time.monotonic()
        if spec.accept_proto and PROTOBUF in response.headers.get("content-type", ""):
            return spec.parse(response)
        body = decode_json(response)
        if isinstance(body, dict):
            if body.get("type") == "try_again":
                _notify(observer, body)
                elapsed = time.monotonic() - started
                if elapsed < _MIN_POLL_INTERVAL:
                    await asyncio.sleep(_MIN_POLL_INTERVAL - elapsed)
                continue
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
