"""OpenTelemetry: one span per public call, its HTTP attempts and future waits as children, ``traceparent`` on
every request, and the local server's spans (request, queue, engine) continuing the client's trace."""

from __future__ import annotations

from typing import Any

import pytest
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind, StatusCode

import tinker
from tinker import types
from tinker.testing import Fault, FaultProxy

from .conftest import API_KEY, TOKENS, WIDE_MODEL, Recording, children, named, wide_datum


def test_a_training_step_is_one_trace_from_the_call_to_the_engine(
    server: Any, service: tinker.ServiceClient, spans: InMemorySpanExporter
) -> None:
    training = service.create_lora_training_client(base_model=WIDE_MODEL, rank=4).result()
    spans.clear()
    training.forward_backward([wide_datum(), wide_datum()], "cross_entropy").result()
    finished = list(spans.get_finished_spans())

    (call,) = named(finished, "TrainingClient.forward_backward")
    assert call.parent is None and call.kind == SpanKind.INTERNAL
    attrs = call.attributes or {}
    assert attrs["tinker.model_id"] == training.model_id
    assert attrs["tinker.loss_fn"] == "cross_entropy"
    assert attrs["tinker.datums"] == 2
    assert attrs["tinker.tokens"] == 2 * (len(TOKENS) - 1)
    assert attrs["tinker.chunks"] == 1
    assert {s.context.trace_id for s in finished if s.context} == {call.context.trace_id}

    attempt, wait = children(finished, call)
    assert (attempt.name, attempt.kind) == ("POST forward_backward", SpanKind.CLIENT)
    assert attempt.attributes["http.response.status_code"] == 200
    assert attempt.attributes["http.request.body.size"] > 0
    assert wait.name == "wait ForwardBackward"
    assert wait.attributes["tinker.polls"] >= 1
    assert wait.attributes["tinker.wait_seconds"] >= 0
    polls = children(finished, wait)
    assert polls and all(p.name == "POST retrieve_future" and p.kind == SpanKind.CLIENT for p in polls)

    # The server continued the trace: its request span under the attempt, queue and engine under that.
    (handled,) = children(finished, attempt)
    assert (handled.name, handled.kind) == ("POST forward_backward", SpanKind.SERVER)
    request_id = handled.attributes["tinker.server_request_id"]
    assert attempt.attributes["tinker.server_request_id"] == request_id
    queued, engine = children(finished, handled)
    assert (queued.name, engine.name) == ("queue forward_backward", "engine forward_backward")
    assert queued.end_time <= engine.start_time
    assert engine.attributes["tinker.outcome"] == "done"
    for poll in polls:
        assert [s.kind for s in children(finished, poll)] == [SpanKind.SERVER]


def test_every_request_carries_the_traceparent_of_its_attempt_span(server: Any, spans: InMemorySpanExporter) -> None:
    recorder = Recording()
    with tinker.ServiceClient(base_url=server.base_url, api_key=API_KEY, _http_transport=recorder) as service:
        training = service.create_lora_training_client(base_model=WIDE_MODEL, rank=4).result()
        training.optim_step(types.AdamParams(learning_rate=1e-3)).result()
    attempts = {s.context.span_id: s for s in spans.get_finished_spans() if s.kind == SpanKind.CLIENT and s.context}
    assert len(recorder.requests) >= 6
    for request in recorder.requests:
        version, trace_id, span_id, flags = request.headers["traceparent"].split("-")
        span = attempts[int(span_id, 16)]
        assert version == "00" and int(flags, 16) & 1  # sampled
        assert int(trace_id, 16) == span.context.trace_id
        assert span.attributes["url.path"] == request.url.path


def test_without_tracing_no_request_carries_a_traceparent(server: Any) -> None:
    recorder = Recording()
    with tinker.ServiceClient(base_url=server.base_url, api_key=API_KEY, _http_transport=recorder) as service:
        service.create_lora_training_client(base_model=WIDE_MODEL, rank=4).result()
    assert recorder.requests and not any("traceparent" in r.headers for r in recorder.requests)


def test_a_retried_attempt_is_its_own_span_with_its_retry_number(server: Any, spans: InMemorySpanExporter) -> None:
    with FaultProxy(server.base_url) as proxy:
        proxy.inject(Fault.http_status(503, "optim_step", times=1))
        retry = tinker.RetryConfig(retry_delay_base=0.01, retry_delay_max=0.02)
        with tinker.ServiceClient(base_url=proxy.base_url, api_key=API_KEY, retry_config=retry) as service:
            training = service.create_lora_training_client(base_model=WIDE_MODEL, rank=4).result()
            training.optim_step(types.AdamParams(learning_rate=1e-3)).result()
    finished = list(spans.get_finished_spans())
    (call,) = named(finished, "TrainingClient.optim_step")
    first, second = [s for s in children(finished, call) if s.name == "POST optim_step"]
    assert first.attributes["http.response.status_code"] == 503
    assert first.status.status_code == StatusCode.ERROR and "http.request.resend_count" not in first.attributes
    assert second.attributes["http.request.resend_count"] == 1
    assert second.attributes["http.response.status_code"] == 200
    assert call.status.status_code == StatusCode.UNSET


def test_a_failed_call_records_the_error_type_and_status_not_the_message(
    server: Any, service: tinker.ServiceClient, spans: InMemorySpanExporter
) -> None:
    rest = service.create_rest_client()
    with pytest.raises(tinker.NotFoundError):
        rest.get_training_run("no-such-run").result()
    (call,) = named(list(spans.get_finished_spans()), "RestClient.get_training_run")
    assert call.status.status_code == StatusCode.ERROR
    assert call.status.description == "NotFoundError"
    assert call.attributes["error.type"] == "404"
    assert call.attributes["tinker.training_run_id"] == "no-such-run"
    assert not call.events  # no exception event: its message could quote request data


def test_sampling_and_nested_calls_are_spans_too(
    server: Any, service: tinker.ServiceClient, spans: InMemorySpanExporter
) -> None:
    sampler = service.create_sampling_client(base_model=WIDE_MODEL).result()
    result = sampler.sample(types.ModelInput.from_ints(TOKENS), 2, types.SamplingParams(max_tokens=3)).result()
    service.get_server_capabilities()
    finished = list(spans.get_finished_spans())
    (sample,) = named(finished, "SamplingClient.sample")
    attrs = sample.attributes or {}
    assert (attrs["tinker.num_samples"], attrs["tinker.prompt_tokens"], attrs["tinker.max_tokens"]) == (2, 7, 3)
    assert attrs["tinker.sampled_tokens"] == sum(len(s.tokens) for s in result.sequences)
    assert attrs["tinker.sampling_session_id"] == sampler.sampling_session_id
    (outer,) = named(finished, "ServiceClient.get_server_capabilities")
    (inner,) = named(finished, "RestClient.get_server_capabilities")
    assert inner.parent is not None and inner.parent.span_id == outer.context.span_id


def test_disabling_tracing_stops_new_spans(
    server: Any, service: tinker.ServiceClient, spans: InMemorySpanExporter
) -> None:
    rest = service.create_rest_client()
    rest.list_sessions().result()
    assert named(list(spans.get_finished_spans()), "RestClient.list_sessions")
    tinker.disable_tracing()
    spans.clear()
    rest.list_sessions().result()
    assert not spans.get_finished_spans()
