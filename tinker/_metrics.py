"""Prometheus metrics (extra ``prometheus``): ``TINKER_METRICS=prometheus`` or :func:`enable_metrics`.

Families (in the given registry, else prometheus_client's global one; serve them with its ``start_http_server``
or ``generate_latest``):

================================================  ==============================================================
``tinker_requests_total{operation,status}``       HTTP attempts; ``status`` is the HTTP status or
                                                  ``connection_error``/``timeout``/``circuit_open``/``cancelled``
``tinker_request_duration_seconds{operation}``    time of one attempt (histogram)
``tinker_calls_total{call,outcome}``              public SDK calls (``ok``/``error``)
``tinker_call_duration_seconds{call}``            time from call to settled future (histogram)
``tinker_retries_total{operation,cause}``         retries and why (``http_503``, ``connection_error``, ...)
``tinker_circuit_breaker_open{group}``            1 while a group's circuit is open, else 0
``tinker_future_wait_seconds{request_type}``      time a future took to complete once submitted (histogram)
``tinker_tokens_trained_total``                   tokens of successful forward_backward calls
``tinker_tokens_sampled_total``                   tokens sampled by successful sample calls
``tinker_bytes_sent_total{operation}``            request body bytes
``tinker_bytes_received_total{operation}``        response body bytes
================================================  ==============================================================

Labels are operation ids and call names, never ids of runs or models (bounded cardinality).
"""

from __future__ import annotations

import threading
from typing import Any

from . import _instrument
from ._instrument import Attempt, Call, Wait

__all__ = ["Metrics", "disable_metrics", "enable_metrics"]

_lock = threading.Lock()
_active: Metrics | None = None

_TRAINING_CALLS = frozenset({"TrainingClient.forward_backward", "TrainingClient.forward_backward_custom"})
# Long-poll friendly buckets: futures of training steps take from milliseconds to many minutes.
_WAIT_BUCKETS = (0.01, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 300.0, 900.0, 3600.0)


def _cause(error: BaseException) -> str:
    status = getattr(error, "status_code", None)
    if isinstance(status, int):
        return f"http_{status}"
    name = type(error).__name__
    return {"CircuitOpenError": "circuit_open", "APITimeoutError": "timeout"}.get(name, "connection_error")


class Metrics(_instrument.Sink):
    """The metrics concern: Prometheus families registered in one registry."""

    def __init__(self, registry: Any) -> None:
        from prometheus_client import Counter, Gauge, Histogram

        self.registry = registry
        r = {"registry": registry}
        self.requests = Counter(
            "tinker_requests", "HTTP attempts by operation and status", ["operation", "status"], **r
        )
        self.request_seconds = Histogram(
            "tinker_request_duration_seconds", "Time of one HTTP attempt", ["operation"], **r
        )
        self.calls = Counter("tinker_calls", "Public SDK calls by outcome", ["call", "outcome"], **r)
        self.call_seconds = Histogram(
            "tinker_call_duration_seconds",
            "Time from a call to its settled future",
            ["call"],
            buckets=_WAIT_BUCKETS,
            **r,
        )
        self.retries = Counter("tinker_retries", "Retried attempts by operation and cause", ["operation", "cause"], **r)
        self.breaker_open = Gauge("tinker_circuit_breaker_open", "1 while the group's circuit is open", ["group"], **r)
        self.future_wait = Histogram(
            "tinker_future_wait_seconds", "Time a future took to complete", ["request_type"], buckets=_WAIT_BUCKETS, **r
        )
        self.tokens_trained = Counter("tinker_tokens_trained", "Tokens of successful forward_backward calls", **r)
        self.tokens_sampled = Counter("tinker_tokens_sampled", "Tokens sampled by successful sample calls", **r)
        self.bytes_sent = Counter("tinker_bytes_sent", "Request body bytes", ["operation"], **r)
        self.bytes_received = Counter("tinker_bytes_received", "Response body bytes", ["operation"], **r)
        self._collectors = (
            self.requests,
            self.request_seconds,
            self.calls,
            self.call_seconds,
            self.retries,
            self.breaker_open,
            self.future_wait,
            self.tokens_trained,
            self.tokens_sampled,
            self.bytes_sent,
            self.bytes_received,
        )

    def unregister(self) -> None:
        for collector in self._collectors:
            self.registry.unregister(collector)

    def call_end(self, call: Call) -> None:
        if call.nested:  # counted by the call that made it
            return
        self.calls.labels(call.name, "error" if call.error is not None else "ok").inc()
        self.call_seconds.labels(call.name).observe(call.seconds)
        if call.error is not None:
            return
        if call.name in _TRAINING_CALLS:
            self.tokens_trained.inc(int(call.attrs.get("tokens", 0)))
        sampled = call.attrs.get("sampled_tokens")
        if sampled:
            self.tokens_sampled.inc(int(sampled))

    def attempt_end(self, attempt: Attempt) -> None:
        op = attempt.op
        status = str(attempt.status) if attempt.status is not None else (attempt.error or "unknown")
        self.requests.labels(op, status).inc()
        self.request_seconds.labels(op).observe(attempt.seconds)
        if attempt.error != "circuit_open":  # refused before the network: nothing was sent
            self.bytes_sent.labels(op).inc(attempt.sent)
        self.bytes_received.labels(op).inc(attempt.received)

    def retry(self, op: str, cause: str) -> None:
        self.retries.labels(op, cause).inc()

    def breaker(self, group: str, base_url: str, state: str, failures: int, last_failure: str | None) -> None:
        self.breaker_open.labels(group).set(1 if state == "open" else 0)

    def wait_end(self, wait: Wait) -> None:
        if wait.error is None:
            self.future_wait.labels(wait.request_type).observe(wait.seconds)


def enable_metrics(registry: Any = None) -> None:
    """Export the SDK's metrics (``tinker_*`` families) to ``registry`` (default: prometheus_client's global
    ``REGISTRY``). Needs the ``prometheus`` extra. Calling it again with another registry moves the families."""
    global _active
    try:
        import prometheus_client
    except ImportError as exc:
        raise ImportError(
            "tinker.enable_metrics needs prometheus_client: pip install 'tinker-oss[prometheus]'"
        ) from exc
    target = registry if registry is not None else prometheus_client.REGISTRY
    with _lock:
        if _active is not None and _active.registry is target:
            return
        _disable_locked()
        _active = Metrics(target)
        _instrument.add_sink(_active)


def _disable_locked() -> None:
    global _active
    if _active is not None:
        _instrument.remove_sink(_active)
        _active.unregister()
        _active = None


def disable_metrics() -> None:
    """Stop collecting and remove the ``tinker_*`` families from their registry."""
    with _lock:
        _disable_locked()


def metrics_enabled() -> bool:
    return _active is not None
