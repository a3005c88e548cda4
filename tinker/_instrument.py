"""The seam between what the SDK does and what observes it: tracing, metrics, the audit log, alerts, debug logs.

* Clients mark public methods with :func:`observed`: one :class:`Call` per call, settled when its future does.
* The transport reports every HTTP attempt (:func:`attempt`), the retry loop every retry and give-up
  (:func:`retried`, :func:`gave_up`), the poller every future it waits for (:func:`future_wait`), the circuit
  breakers their state changes (:func:`breaker_changed`).

Each concern that is switched on registers a :class:`Sink` (``tinker/_tracing.py``, ``_metrics.py``, ``_audit.py``,
the alerts of ``_hooks.py``). With none registered every entry point returns at once, with a shared no-op probe
where one is expected, so an SDK with everything off pays one global check per call and attempt. Records carry
ids, counts, sizes and error types, never credentials or tensor contents.
"""

from __future__ import annotations

import functools
import inspect
import logging
import threading
import time
from collections.abc import Callable
from contextvars import ContextVar
from typing import TYPE_CHECKING, Any, ParamSpec, TypeVar

from tinker_wire._lazy import deferred_import

from . import _debuglog
from ._futures import APIFuture

if TYPE_CHECKING:
    import asyncio
    import concurrent.futures

    import httpx
else:
    httpx = deferred_import("httpx", globals())
    asyncio = deferred_import("asyncio", globals())

__all__ = [
    "Attempt",
    "Call",
    "Sink",
    "Wait",
    "add_sink",
    "annotate",
    "attempt",
    "breaker_changed",
    "future_wait",
    "gave_up",
    "observed",
    "remove_sink",
    "retried",
    "sinks",
]

P = ParamSpec("P")
R = TypeVar("R")
T = TypeVar("T")
Exit = Callable[[], None]

_sinks: tuple[Sink, ...] = ()
_sinks_lock = threading.Lock()
_CALL: ContextVar[Call | None] = ContextVar("tinker_call", default=None)
_transport_log = logging.getLogger("tinker.transport")


class Call:
    """One public SDK call. ``attrs`` hold what is safe to record: ids, names, counts (see :func:`_describe`)."""

    __slots__ = ("attrs", "audited", "error", "name", "nested", "seconds", "span", "started", "wall")

    def __init__(self, name: str, attrs: dict[str, Any], audited: bool, nested: bool) -> None:
        self.name = name  # "TrainingClient.forward_backward"
        self.attrs = attrs
        self.audited = audited
        self.nested = nested  # made inside another observed call (counted and audited by that one)
        self.started = time.monotonic()
        self.wall = time.time()
        self.seconds = 0.0
        self.error: BaseException | None = None
        self.span: Any = None


class Attempt:
    """One HTTP attempt: a request sent (or refused by an open circuit) and its answer or failure."""

    __slots__ = (
        "error",
        "idempotency_key",
        "method",
        "number",
        "op",
        "path",
        "received",
        "response",
        "seconds",
        "sent",
        "span",
        "started",
        "status",
    )

    def __init__(self, op: str, request: httpx.Request, number: int) -> None:
        self.op = op
        self.method = request.method
        self.path = request.url.path
        self.number = number  # 0 for the first attempt of a call, 1 for the first retry, ...
        self.idempotency_key = request.headers.get("x-idempotency-key")
        try:
            self.sent = len(request.content)
        except httpx.RequestNotRead:  # a streamed body (never sent by the SDK today)
            self.sent = 0
        self.status: int | None = None
        self.received = 0
        self.error: str | None = None  # "connection_error", "timeout", "circuit_open", "cancelled"
        self.response: httpx.Response | None = None
        self.started = time.monotonic()
        self.seconds = 0.0
        self.span: Any = None


class Wait:
    """Waiting for one future: its polls, the queue states the server reported, the time waited."""

    __slots__ = (
        "error",
        "polls",
        "queue_state",
        "reason",
        "reported",
        "request_id",
        "request_type",
        "seconds",
        "span",
        "started",
        "states",
    )

    def __init__(self, request_id: str, request_type: str) -> None:
        self.request_id = request_id
        self.request_type = request_type
        self.polls = 0
        self.states: list[str] = []  # distinct queue states seen, in order
        self.queue_state: str | None = None
        self.reason: str | None = None
        self.started = time.monotonic()
        self.seconds = 0.0
        self.error: BaseException | None = None
        self.reported: set[str] = set()  # alerts already raised for this wait
        self.span: Any = None


class Sink:
    """One observability concern. Every method is a no-op here; a concern overrides what it needs.

    ``call_start`` and ``wait_start`` may return a function to call when the caller leaves the scope (tracing
    uses it to make its span the current one meanwhile)."""

    def call_start(self, call: Call) -> Exit | None:
        return None

    def call_end(self, call: Call) -> None:
        return None

    def attempt_start(self, attempt: Attempt, request: httpx.Request) -> None:
        return None

    def attempt_end(self, attempt: Attempt) -> None:
        return None

    def wait_start(self, wait: Wait) -> Exit | None:
        return None

    def wait_progress(self, wait: Wait) -> None:
        return None

    def wait_end(self, wait: Wait) -> None:
        return None

    def retry(self, op: str, cause: str) -> None:
        return None

    def gave_up(self, op: str, attempts: int, error: BaseException, seconds: float) -> None:
        return None

    def breaker(self, group: str, base_url: str, state: str, failures: int, last_failure: str | None) -> None:
        return None


def add_sink(sink: Sink) -> None:
    global _sinks
    with _sinks_lock:
        if sink not in _sinks:
            _sinks = (*_sinks, sink)


def remove_sink(sink: Sink) -> None:
    global _sinks
    with _sinks_lock:
        _sinks = tuple(s for s in _sinks if s is not sink)


def sinks() -> tuple[Sink, ...]:
    return _sinks


def _safely(method: Callable[..., T], *args: Any) -> T | None:
    """Call one sink; observing must never break what it observes (a failing sink is logged at debug level)."""
    try:
        return method(*args)
    except Exception:  # noqa: BLE001 - see the docstring
        _transport_log.debug("observability sink %r failed", method, exc_info=True)
        return None


# ---------------------------------------------------------------------------------------------- public calls


def observed(*, audit: bool = False) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Mark a public client method: one :class:`Call` (a span, call metrics, an audit line when ``audit``) per
    call, settled when the returned future settles. The signature is unchanged (``functools.wraps``)."""

    def wrap(fn: Callable[P, R]) -> Callable[P, R]:
        name = fn.__qualname__
        # Read on the first observed call: most methods are never called with a sink installed, and ~40 signatures
        # read at class creation were a measurable share of `import tinker` + first touch.
        signature = functools.cache(lambda: inspect.signature(fn))

        @functools.wraps(fn)
        def call(*args: P.args, **kwargs: P.kwargs) -> R:
            if not _sinks:
                return fn(*args, **kwargs)
            return _observe(fn, name, signature(), audit, args, kwargs)

        return call

    return wrap


def _observe(fn: Callable[..., R], name: str, signature: inspect.Signature, audit: bool, args: Any, kwargs: Any) -> R:
    record = Call(name, _describe(signature, args, kwargs), audit, nested=_CALL.get() is not None)
    current = _sinks
    exits = [e for e in (_safely(s.call_start, record) for s in current) if e is not None]
    token = _CALL.set(record)
    try:
        out = fn(*args, **kwargs)
    except BaseException as exc:
        _settle(record, current, None, exc)
        raise
    finally:
        _CALL.reset(token)
        for leave in reversed(exits):
            leave()
    if isinstance(out, APIFuture):
        out.future().add_done_callback(lambda f: _settle_future(record, current, f))
    else:
        _settle(record, current, out, None)
    return out


def _settle_future(record: Call, current: tuple[Sink, ...], fut: concurrent.futures.Future[Any]) -> None:
    if fut.cancelled():
        _settle(record, current, None, asyncio.CancelledError())
        return
    exc = fut.exception()
    _settle(record, current, None if exc is not None else fut.result(), exc)


def _settle(record: Call, current: tuple[Sink, ...], result: Any, error: BaseException | None) -> None:
    record.seconds = time.monotonic() - record.started
    record.error = error
    if error is None:
        record.attrs.update(_describe_result(result))
    for sink in current:
        _safely(sink.call_end, record)


def annotate(**attrs: Any) -> None:
    """Add attributes to the call being made on this thread (e.g. the chunk count a batch was split into)."""
    record = _CALL.get()
    if record is not None:
        record.attrs.update(attrs)


# Arguments recorded as they are (ids, names, sizes: never data, credentials or user metadata).
_SCALAR_ARGS = frozenset(
    {
        "base_model",
        "rank",
        "num_samples",
        "name",
        "path",
        "model_path",
        "tinker_path",
        "training_run_id",
        "checkpoint_id",
        "session_id",
        "sampler_id",
        "ttl_seconds",
        "overwrite",
        "kind",
        "destination_project_id",
        "project_id",
        "limit",
        "offset",
    }
)


def _describe(signature: inspect.Signature, args: Any, kwargs: Any) -> dict[str, Any]:
    """The safe attributes of one call, from its arguments (bound by name)."""
    try:
        bound = signature.bind_partial(*args, **kwargs).arguments
    except TypeError:  # the call itself will raise it
        return {}
    attrs: dict[str, Any] = {}
    owner = bound.get("self")
    for field in ("model_id", "sampling_session_id"):
        value = getattr(owner, field, None)
        if isinstance(value, str):
            attrs[field] = value
    session_id = getattr(getattr(owner, "holder", None), "session_id", None)
    if isinstance(session_id, str):
        attrs["session_id"] = session_id
    for key, value in bound.items():
        if key in _SCALAR_ARGS and isinstance(value, (str, int, float, bool)):
            attrs[key] = value
    loss_fn = bound.get("loss_fn")
    if loss_fn is not None:
        attrs["loss_fn"] = loss_fn if isinstance(loss_fn, str) else str(getattr(loss_fn, "__name__", "custom"))
    data = bound.get("data")
    if isinstance(data, (list, tuple)):
        attrs["datums"] = len(data)
        attrs["tokens"] = sum(int(getattr(getattr(d, "model_input", None), "length", 0) or 0) for d in data)
    prompt_length = getattr(bound.get("prompt"), "length", None)
    if isinstance(prompt_length, int):
        attrs["prompt_tokens"] = prompt_length
    max_tokens = getattr(bound.get("sampling_params"), "max_tokens", None)
    if isinstance(max_tokens, int):
        attrs["max_tokens"] = max_tokens
    params = bound.get("optim_params") or bound.get("adam_params")
    learning_rate = getattr(params, "learning_rate", None)
    if isinstance(learning_rate, (int, float)):
        attrs["learning_rate"] = float(learning_rate)
    return attrs


def _describe_result(result: Any) -> dict[str, Any]:
    """What a successful result adds: sampled token counts, created ids, checkpoint paths (never signed URLs)."""
    out: dict[str, Any] = {}
    sequences = getattr(result, "sequences", None)
    if isinstance(sequences, list):
        out["sampled_tokens"] = sum(len(getattr(s, "tokens", ()) or ()) for s in sequences)
    for field, key in (
        ("model_id", "model_id"),
        ("sampling_session_id", "sampling_session_id"),
        ("loss_id", "loss_id"),
    ):
        value = getattr(result, field, None)
        if isinstance(value, str):
            out[key] = value
    session_id = getattr(getattr(result, "holder", None), "session_id", None)  # a created client's session
    if isinstance(session_id, str):
        out["session_id"] = session_id
    path = result if isinstance(result, str) else getattr(result, "path", None)
    if isinstance(path, str) and path.startswith("tinker://"):
        out["result_path"] = path
    return out


# ---------------------------------------------------------------------------------------------- HTTP attempts


class AttemptProbe:
    """Reports one attempt to the sinks (and to the debug log); the no-op base is what an SDK with everything off
    gets."""

    __slots__ = ()

    def answered(self, response: httpx.Response, *, streamed: bool = False) -> None:
        return None

    def failed(self, error: str) -> None:
        return None


_NO_ATTEMPT = AttemptProbe()


class _AttemptProbe(AttemptProbe):
    __slots__ = ("_client", "_record", "_request", "_sinks")

    def __init__(self, record: Attempt, request: httpx.Request, client: Any, current: tuple[Sink, ...]) -> None:
        self._record = record
        self._request = request
        self._client = client
        self._sinks = current
        for sink in current:
            _safely(sink.attempt_start, record, request)

    def answered(self, response: httpx.Response, *, streamed: bool = False) -> None:
        record = self._record
        record.status = response.status_code
        record.response = response
        record.received = int(response.headers.get("content-length") or 0) if streamed else len(response.content)
        self._end()

    def failed(self, error: str) -> None:
        self._record.error = error
        self._end()

    def _end(self) -> None:
        record = self._record
        record.seconds = time.monotonic() - record.started
        for sink in self._sinks:
            _safely(sink.attempt_end, record)
        if _transport_log.isEnabledFor(logging.DEBUG):
            _debuglog.log_attempt(_transport_log, record, self._request, self._client)


def attempt(op: str, request: httpx.Request, number: int, client: Any = None) -> AttemptProbe:
    """Start observing one attempt of ``request`` (call before sending: tracing adds ``traceparent`` to it)."""
    current = _sinks
    if not current and not _transport_log.isEnabledFor(logging.DEBUG):
        return _NO_ATTEMPT
    return _AttemptProbe(Attempt(op, request, number), request, client, current)


def retried(op: str, cause: str) -> None:
    """A failed attempt will be retried (``cause``: ``http_503``, ``connection_error``, ...)."""
    for sink in _sinks:
        _safely(sink.retry, op, cause)


def gave_up(op: str, attempts: int, error: BaseException, seconds: float) -> None:
    """A retryable failure outlasted the retry budget and goes to the caller."""
    for sink in _sinks:
        _safely(sink.gave_up, op, attempts, error, seconds)


def breaker_changed(group: str, base_url: str, state: str, failures: int, last_failure: str | None) -> None:
    for sink in _sinks:
        _safely(sink.breaker, group, base_url, state, failures, last_failure)


# ---------------------------------------------------------------------------------------------- futures


class WaitProbe:
    """Reports the wait for one future; the no-op base is what an SDK with everything off gets."""

    __slots__ = ()

    def pending(self, queue_state: str | None, reason: str | None) -> None:
        return None

    def end(self, error: BaseException | None) -> None:
        return None


_NO_WAIT = WaitProbe()


class _WaitProbe(WaitProbe):
    __slots__ = ("_exits", "_record", "_sinks")

    def __init__(self, record: Wait, current: tuple[Sink, ...]) -> None:
        self._record = record
        self._sinks = current
        self._exits = [e for e in (_safely(s.wait_start, record) for s in current) if e is not None]

    def pending(self, queue_state: str | None, reason: str | None) -> None:
        record = self._record
        record.polls += 1
        record.seconds = time.monotonic() - record.started
        if queue_state:
            record.queue_state, record.reason = queue_state, reason
            if queue_state not in record.states:
                record.states.append(queue_state)
        for sink in self._sinks:
            _safely(sink.wait_progress, record)

    def end(self, error: BaseException | None) -> None:
        record = self._record
        record.polls += 1
        record.seconds = time.monotonic() - record.started
        record.error = error
        for leave in reversed(self._exits):
            leave()
        for sink in self._sinks:
            _safely(sink.wait_end, record)


def future_wait(request_id: str, request_type: str, started: float | None = None) -> WaitProbe:
    """Start observing the wait for one future (call and end it in the same task); ``started``: when the wait
    began (``time.monotonic()``), if before now (a result answered inline by its submit)."""
    current = _sinks
    if not current:
        return _NO_WAIT
    record = Wait(request_id, request_type)
    if started is not None:
        record.started = started
    return _WaitProbe(record, current)
