"""OpenTelemetry traces (extra ``otel``): ``TINKER_OTEL=1`` or :func:`enable_tracing`.

Spans go to the global TracerProvider (or the one passed in); the SDK configures and exports nothing itself.

* one span per public call (``TrainingClient.forward_backward``, ``RestClient.list_sessions``, ...) with
  ``tinker.*`` attributes: model and session ids, loss function, datum, token and chunk counts, checkpoint
  names and paths;
* a CLIENT child span per HTTP attempt (``POST forward_backward``): status, retry number, body sizes, and the
  W3C ``traceparent`` header on the request, so ``tinker local serve`` (and any traced server) continues the
  trace;
* a child span per future waited for (``wait ForwardBackward``): polls, queue states seen, seconds waited;
  its polls are its children.

Errors set the span status and ``error.type`` (the exception class, and the HTTP status where there is one):
never exception messages, which may quote request data, and never credentials.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from . import _instrument
from ._version import __version__

if TYPE_CHECKING:
    import httpx

    from ._instrument import Attempt, Call, Exit, Wait

__all__ = ["Tracing", "disable_tracing", "enable_tracing"]

_active: Tracing | None = None

# A 408 answers a long poll with "not yet": the normal case, not an error.
_NOT_ERRORS = frozenset({408})


class Tracing(_instrument.Sink):
    """The tracing concern: spans for calls, attempts and waits."""

    def __init__(self, tracer_provider: Any = None) -> None:
        from opentelemetry import context, trace
        from opentelemetry.trace.propagation.tracecontext import TraceContextTextMapPropagator

        self._trace = trace
        self._context = context
        self._propagator = TraceContextTextMapPropagator()
        self._tracer = trace.get_tracer("tinker", __version__, tracer_provider=tracer_provider)

    def _enter(self, span: Any) -> Exit:
        token = self._context.attach(self._trace.set_span_in_context(span))
        return lambda: self._context.detach(token)

    def _fail(self, span: Any, error: BaseException | str, status: int | None = None) -> None:
        kind = error if isinstance(error, str) else type(error).__name__
        status = status if status is not None else getattr(error, "status_code", None)
        span.set_attribute("error.type", str(status) if isinstance(status, int) else kind)
        if isinstance(status, int):
            span.set_attribute("http.response.status_code", status)
        span.set_status(self._trace.Status(self._trace.StatusCode.ERROR, kind))

    # ------------------------------------------------------------------ calls

    def call_start(self, call: Call) -> Exit:
        call.span = self._tracer.start_span(call.name, attributes={"tinker.call": call.name})
        return self._enter(call.span)

    def call_end(self, call: Call) -> None:
        span = call.span
        if span is None:
            return
        span.set_attributes({f"tinker.{k}": v for k, v in call.attrs.items()})
        if call.error is not None:
            self._fail(span, call.error)
        span.end()

    # ------------------------------------------------------------------ attempts

    def attempt_start(self, attempt: Attempt, request: httpx.Request) -> None:
        url = request.url
        attributes: dict[str, Any] = {
            "http.request.method": attempt.method,
            "url.path": attempt.path,
            "server.address": url.host,
            "tinker.operation": attempt.op,
            "http.request.body.size": attempt.sent,
        }
        if url.port is not None:
            attributes["server.port"] = url.port
        if attempt.number:
            attributes["http.request.resend_count"] = attempt.number
        span = self._tracer.start_span(
            f"{attempt.method} {attempt.op}", kind=self._trace.SpanKind.CLIENT, attributes=attributes
        )
        attempt.span = span
        self._propagator.inject(request.headers, context=self._trace.set_span_in_context(span))

    def attempt_end(self, attempt: Attempt) -> None:
        span = attempt.span
        if span is None:
            return
        span.set_attribute("http.response.body.size", attempt.received)
        if attempt.status is not None:
            span.set_attribute("http.response.status_code", attempt.status)
            request_id = attempt.response.headers.get("x-request-id") if attempt.response is not None else None
            if request_id:
                span.set_attribute("tinker.server_request_id", request_id)
            if attempt.status >= 400 and attempt.status not in _NOT_ERRORS:
                self._fail(span, f"HTTP {attempt.status}", attempt.status)
        elif attempt.error is not None:
            self._fail(span, attempt.error)
        span.end()

    # ------------------------------------------------------------------ futures

    def wait_start(self, wait: Wait) -> Exit:
        wait.span = self._tracer.start_span(
            f"wait {wait.request_type}",
            attributes={"tinker.request_id": wait.request_id, "tinker.request_type": wait.request_type},
        )
        return self._enter(wait.span)

    def wait_end(self, wait: Wait) -> None:
        span = wait.span
        if span is None:
            return
        span.set_attributes(
            {"tinker.polls": wait.polls, "tinker.wait_seconds": wait.seconds, "tinker.queue_states": wait.states}
        )
        if wait.error is not None:
            self._fail(span, wait.error)
        span.end()


def enable_tracing(tracer_provider: Any = None) -> None:
    """Trace every call of this process: spans go to ``tracer_provider``, else the global TracerProvider.

    Needs the ``otel`` extra (``pip install 'tinker-oss[otel]'``). Calling it again replaces the provider."""
    global _active
    try:
        tracing = Tracing(tracer_provider)
    except ImportError as exc:
        raise ImportError("tinker.enable_tracing needs OpenTelemetry: pip install 'tinker-oss[otel]'") from exc
    if _active is not None:
        _instrument.remove_sink(_active)
    _active = tracing
    _instrument.add_sink(tracing)


def disable_tracing() -> None:
    """Stop tracing (spans already started still end)."""
    global _active
    if _active is not None:
        _instrument.remove_sink(_active)
        _active = None


def tracing_enabled() -> bool:
    return _active is not None
