"""What the local server tells about itself: trace continuation, Prometheus metrics and the request audit log.

* **Traces.** A request carrying a W3C ``traceparent`` (SDKs with tracing on send one) continues the caller's
  trace when OpenTelemetry is installed (extra ``otel``): a SERVER span per request (``POST forward_backward``:
  auth, parameters, body decoding and the handler), and for work queued on a model a ``queue <op>`` span (waiting
  for the model's worker) and an ``engine <op>`` span (the work itself), children of the request's span. Spans go
  to the process's global TracerProvider. Without a ``traceparent`` nothing is traced or imported.
* **Metrics.** ``GET /metrics`` (Prometheus text; extra ``prometheus``, else 501): ``tinker_local_*`` families —
  requests by operation and status, request time, request body sizes, queue wait and engine time per operation,
  and, read at scrape time, queue depth, models loaded and tokens processed by kind.
* **Audit.** One JSON line per mutating request (``MUTATING``), with the request id, operation, status, ids from
  the body and path, and the key's fingerprint (``local:`` + 16 hex digits of its SHA-256, as owners are named;
  a refused key is fingerprinted too): ``--audit-log PATH``, default ``request-audit.jsonl`` in the state
  directory. Never keys, tokens or tensor data.

Every response carries ``X-Request-Id`` (also in the audit line, the span and warnings), which SDK errors quote.
"""

from __future__ import annotations

import importlib.util
import logging
import os
import random
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import orjson
from starlette.requests import Request
from starlette.responses import Response

from .._futures import PENDING, RUNNING
from .._state import iso
from .._tenancy import owner_of
from ..service import Service
from .bodies import json_response

__all__ = ["MUTATING", "Observability", "RequestScope"]

log = logging.getLogger("tinker_local")

#: Operations that create, change or delete server state (the audit log's scope).
MUTATING = frozenset(
    {
        "create_session",
        "finish_session",
        "assign_session_project",
        "create_model",
        "unload_model",
        "forward_backward",
        "optim_step",
        "save_weights",
        "load_weights",
        "save_weights_for_sampler",
        "save_weights_external",
        "create_sampling_session",
        "create_custom_loss",
        "copy_weights",
        "delete_checkpoint",
        "publish_checkpoint",
        "unpublish_checkpoint",
        "set_checkpoint_ttl",
        "cancel_future",
        "exchange_auth_token",
        "delete_api_key",
    }
)
#: Body and path fields an audit line records (ids and names only).
_AUDIT_FIELDS = (
    "model_id",
    "session_id",
    "sampling_session_id",
    "seq_id",
    "base_model",
    "path",
    "model_path",
    "training_run_id",
    "checkpoint_kind",
    "checkpoint_name",
    "request_id",
)
_OTEL = importlib.util.find_spec("opentelemetry") is not None
# Request ids only correlate logs, audit lines and error bodies: a PRNG seeded once, not a system call each.
_REQUEST_IDS = random.Random()
_PROMETHEUS = importlib.util.find_spec("prometheus_client") is not None


def _noop_done(_outcome: str) -> None:
    return None


def _noop_start() -> Callable[[str], None]:
    return _noop_done


class _Tracing:
    """OpenTelemetry, imported on the first request that carries a ``traceparent``."""

    def __init__(self) -> None:
        from opentelemetry import context, trace
        from opentelemetry.trace.propagation.tracecontext import TraceContextTextMapPropagator

        self.trace = trace
        self.context = context
        self.propagator = TraceContextTextMapPropagator()
        self.tracer = trace.get_tracer("tinker_local")


class _Metrics:
    """The server's Prometheus families, in a registry of their own (one per server, so servers in one process
    never share counts)."""

    def __init__(self, service: Service) -> None:
        from prometheus_client import CollectorRegistry, Counter, Histogram

        self.registry = CollectorRegistry()
        r = {"registry": self.registry}
        self.requests = Counter(
            "tinker_local_requests", "Requests by operation and status", ["operation", "status"], **r
        )
        self.seconds = Histogram("tinker_local_request_duration_seconds", "Time to answer", ["operation"], **r)
        sizes = (256, 1024, 4096, 16384, 65536, 262144, 1 << 20, 4 << 20, 16 << 20, 64 << 20, 256 << 20)
        self.body_bytes = Histogram(
            "tinker_local_request_body_bytes", "Request body sizes", ["operation"], buckets=sizes, **r
        )
        self.queue_wait = Histogram(
            "tinker_local_queue_wait_seconds", "Time queued work waited for its model", ["operation"], **r
        )
        self.engine = Histogram(
            "tinker_local_engine_seconds", "Engine time per operation", ["operation", "outcome"], **r
        )
        self.registry.register(_StateCollector(service))

    def render(self) -> tuple[bytes, str]:
        from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

        return generate_latest(self.registry), CONTENT_TYPE_LATEST


class _StateCollector:
    """Gauges read from the server's state at scrape time (nothing to update on the request path)."""

    def __init__(self, service: Service) -> None:
        self.service = service

    def collect(self) -> Any:
        from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily

        state = self.service.state
        futures = state.futures.all()
        depth = GaugeMetricFamily("tinker_local_queue_depth", "Futures not yet finished, by state", labels=["state"])
        for name in (PENDING, RUNNING):
            depth.add_metric([name], sum(1 for f in futures if f.status == name))
        yield depth
        with state.lock:
            ready = sum(1 for m in state.models.values() if m.status == "ready")
            samplers = len(state.samplers)
            usage = list(state.store.usage.items())
        yield GaugeMetricFamily("tinker_local_models_loaded", "Training models ready in memory", value=ready)
        yield GaugeMetricFamily("tinker_local_samplers", "Sampling sessions held", value=samplers)
        tokens = CounterMetricFamily("tinker_local_tokens_processed", "Tokens processed by kind", labels=["kind"])
        totals: dict[str, int] = {}
        for key, slot in usage:
            kind = key.rsplit("|", 1)[-1]
            if kind != "checkpoint":  # counted in checkpoints, not tokens
                totals[kind] = totals.get(kind, 0) + int(slot.get("tokens", 0))
        for kind, n in sorted(totals.items()):
            tokens.add_metric([kind], n)
        yield tokens


class _AuditLog:
    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()
        self._warned = False

    def write(self, entry: dict[str, Any]) -> None:
        line = orjson.dumps(entry) + b"\n"
        with self._lock:
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
            except OSError as e:  # the audit log must never fail the request it records
                if not self._warned:
                    self._warned = True
                    log.warning(
                        "request audit log %s is not writable (%s); requests are not being audited", self.path, e
                    )
                return
            try:
                os.write(fd, line)  # one write per line: concurrent requests never interleave within a line
            finally:
                os.close(fd)


def _ids(body: Any, params: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key in _AUDIT_FIELDS:
        value = params.get(key)
        if value is None:
            value = body.get(key) if isinstance(body, dict) else getattr(body, key, None)
        if isinstance(value, (str, int)) and not isinstance(value, bool):
            out[key] = value
    return out


class RequestScope:
    """One request as the observability layer sees it: begun before auth, ended with the response."""

    __slots__ = ("_detach", "_obs", "_op", "_request", "_span", "_started", "request_id")

    def __init__(self, obs: Observability, op: str, request: Request) -> None:
        self._obs = obs
        self._op = op
        self._request = request
        self._started = time.monotonic()
        self.request_id = f"{_REQUEST_IDS.getrandbits(64):016x}"
        self._span: Any = None
        self._detach: Callable[[], None] | None = None
        carrier = request.headers.get("traceparent")
        if carrier and _OTEL:
            tracing = obs.tracing()
            parent = tracing.propagator.extract({"traceparent": carrier})
            self._span = tracing.tracer.start_span(
                f"{request.method} {op}",
                context=parent,
                kind=tracing.trace.SpanKind.SERVER,
                attributes={
                    "http.request.method": request.method,
                    "url.path": request.url.path,
                    "tinker.operation": op,
                    "tinker.server_request_id": self.request_id,
                },
            )
            token = tracing.context.attach(tracing.trace.set_span_in_context(self._span))
            self._detach = lambda: tracing.context.detach(token)

    def end(self, response: Response, owner: str, body_bytes: int, body: Any, params: dict[str, Any]) -> None:
        """Record the answer: span, metrics, audit line; adds ``X-Request-Id`` to the response."""
        obs, op, status = self._obs, self._op, response.status_code
        seconds = time.monotonic() - self._started
        response.headers["X-Request-Id"] = self.request_id
        if self._span is not None:
            self._span.set_attribute("http.response.status_code", status)
            self._span.set_attribute("http.request.body.size", body_bytes)
            if status >= 500:
                tracing = obs.tracing()
                self._span.set_status(tracing.trace.Status(tracing.trace.StatusCode.ERROR, f"HTTP {status}"))
            self._span.end()
        if self._detach is not None:
            self._detach()
        if obs.metrics is not None:
            obs.metrics.requests.labels(op, str(status)).inc()
            obs.metrics.seconds.labels(op).observe(seconds)
            if body_bytes:
                obs.metrics.body_bytes.labels(op).observe(body_bytes)
        if op in MUTATING:
            key = self._request.headers.get("x-api-key")
            fingerprint = owner or (owner_of(key) if key and key.strip() else None)
            obs.audit.write(
                {
                    "time": iso(time.time()),
                    "request_id": self.request_id,
                    "operation": op,
                    "status": status,
                    "key_fingerprint": fingerprint,
                    "seconds": round(seconds, 6),
                    "ids": _ids(body, params),
                }
            )


class Observability:
    """The observability of one server: built by ``create_app``, used by every endpoint and the model queue."""

    def __init__(self, service: Service, audit_log: str | os.PathLike[str] | None = None) -> None:
        self.metrics = _Metrics(service) if _PROMETHEUS else None
        path = Path(audit_log).expanduser() if audit_log else service.state.store.root / "request-audit.jsonl"
        self.audit = _AuditLog(path)
        self._tracing: _Tracing | None = None
        service.queue.timer = self.time_work

    def tracing(self) -> _Tracing:
        if self._tracing is None:
            self._tracing = _Tracing()
        return self._tracing

    def begin(self, op: str, request: Request) -> RequestScope:
        return RequestScope(self, op, request)

    def time_work(self, op: str, model_id: str) -> Callable[[], Callable[[str], None]]:
        """The model queue's timer (``ModelQueue.timer``): called when work is queued, in the request's context;
        returns ``started()``, called by the worker, which returns ``finished(outcome)``."""
        span_context = None
        if self._tracing is not None:
            current = self._tracing.trace.get_current_span()
            if current.get_span_context().is_valid:
                span_context = self._tracing.trace.set_span_in_context(current)
        if span_context is None and self.metrics is None:
            return _noop_start
        queued = time.time_ns()

        def started() -> Callable[[str], None]:
            start = time.time_ns()
            if self.metrics is not None:
                self.metrics.queue_wait.labels(op).observe((start - queued) / 1e9)
            engine = None
            if span_context is not None and self._tracing is not None:
                attributes = {"tinker.operation": op, "tinker.model_id": model_id}
                tracer = self._tracing.tracer
                queue = tracer.start_span(f"queue {op}", context=span_context, start_time=queued, attributes=attributes)
                queue.end(end_time=start)
                engine = tracer.start_span(
                    f"engine {op}", context=span_context, start_time=start, attributes=attributes
                )

            def finished(outcome: str) -> None:
                if self.metrics is not None:
                    self.metrics.engine.labels(op, outcome).observe((time.time_ns() - start) / 1e9)
                if engine is not None:
                    engine.set_attribute("tinker.outcome", outcome)
                    engine.end()

            return finished

        return started

    async def metrics_endpoint(self, request: Request) -> Response:
        """``GET /metrics``: the Prometheus text format (no API key: it holds counts, never ids or data)."""
        if self.metrics is None:
            detail = "metrics need prometheus_client on the server: pip install 'tinker-oss[prometheus]'"
            return json_response({"detail": detail}, 501)
        content, media_type = self.metrics.render()
        return Response(content, media_type=media_type)
