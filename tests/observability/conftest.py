"""Fixtures of the observability tests: a real in-memory span exporter on the global TracerProvider (the local
server's spans go there too), real Prometheus registries, a real loopback server, and the SDK's switches reset
around every test."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from opentelemetry import trace
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from prometheus_client import CollectorRegistry

import tinker
from tests.helpers import local_server_fixture
from tinker import _audit, _instrument, _metrics, _tracing, types

API_KEY = "tml-obs-SECRET-7f3k9q2w"
#: A served model with a wide vocabulary, so the workload's token ids are numbers nothing else would print.
WIDE_MODEL = "acme/wide-obs"
TOKENS = [90217, 83311, 77743, 91153, 86629, 79901, 88817]

server = local_server_fixture(
    scope="module", api_keys=(API_KEY,), models=(f"{WIDE_MODEL}:vocab=100000,tokenizer=none",)
)

_EXPORTER = InMemorySpanExporter()


@pytest.fixture(scope="session")
def tracer_provider() -> TracerProvider:
    """The process's global TracerProvider (settable once per process), exporting into ``_EXPORTER``."""
    provider = trace.get_tracer_provider()
    if not isinstance(provider, TracerProvider):
        provider = TracerProvider()
        trace.set_tracer_provider(provider)
    provider.add_span_processor(SimpleSpanProcessor(_EXPORTER))
    return provider


@pytest.fixture(autouse=True)
def _switches_off() -> Iterator[None]:
    """Every test starts and ends with all observability off and no hooks."""
    yield
    _tracing.disable_tracing()
    _metrics.disable_metrics()
    _audit.disable_audit_log()
    for sink in _instrument.sinks():
        _instrument.remove_sink(sink)
    from tinker import _hooks

    _hooks._listeners.clear()
    _hooks._reported.clear()


@pytest.fixture()
def spans(tracer_provider: TracerProvider) -> Iterator[InMemorySpanExporter]:
    """Tracing on (global provider); the exporter starts empty."""
    _EXPORTER.clear()
    tinker.enable_tracing()
    yield _EXPORTER
    _EXPORTER.clear()


@pytest.fixture()
def registry() -> CollectorRegistry:
    """Metrics on, into a fresh registry."""
    reg = CollectorRegistry()
    tinker.enable_metrics(reg)
    return reg


@pytest.fixture()
def service(server: Any) -> Iterator[tinker.ServiceClient]:
    client = tinker.ServiceClient(base_url=server.base_url, api_key=API_KEY)
    yield client
    client.close().result(timeout=30)


def wide_datum(tokens: list[int] = TOKENS) -> types.Datum:
    return types.Datum(
        model_input=types.ModelInput.from_ints(tokens[:-1]),
        loss_fn_inputs={"target_tokens": tokens[1:], "weights": [1.0] * (len(tokens) - 1)},
    )


def children(all_spans: list[ReadableSpan], parent: ReadableSpan) -> list[ReadableSpan]:
    assert parent.context is not None
    return sorted(
        (s for s in all_spans if s.parent is not None and s.parent.span_id == parent.context.span_id),
        key=lambda s: s.start_time or 0,
    )


def named(all_spans: list[ReadableSpan], name: str) -> list[ReadableSpan]:
    return [s for s in all_spans if s.name == name]


class Recording(httpx.AsyncHTTPTransport):
    """A real HTTP transport that keeps every request it sends (to read the headers the SDK put on them)."""

    def __init__(self) -> None:
        super().__init__()
        self.requests: list[httpx.Request] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(httpx.Request(request.method, request.url, headers=request.headers.copy()))  # as sent
        return await super().handle_async_request(request)


@pytest.fixture()
def debug_log(caplog: pytest.LogCaptureFixture) -> Iterator[pytest.LogCaptureFixture]:
    """Debug mode: every ``tinker.*`` record at DEBUG captured."""
    with caplog.at_level(logging.DEBUG, logger="tinker"):
        yield caplog
