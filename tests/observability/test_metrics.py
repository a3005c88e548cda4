"""Prometheus: the SDK's ``tinker_*`` families after a known workload, and the local server's ``GET /metrics``."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from prometheus_client import CollectorRegistry
from prometheus_client.parser import text_string_to_metric_families

import tinker
from tinker import types
from tinker.testing import Fault, FaultProxy

from .conftest import API_KEY, TOKENS, WIDE_MODEL, wide_datum


def value(registry: CollectorRegistry, name: str, **labels: str) -> float:
    got = registry.get_sample_value(name, labels)
    return 0.0 if got is None else got


def test_a_known_workload_gives_known_counts(
    server: Any, service: tinker.ServiceClient, registry: CollectorRegistry
) -> None:
    training = service.create_lora_training_client(base_model=WIDE_MODEL, rank=4).result()
    for _ in range(2):
        training.forward_backward([wide_datum(), wide_datum()], "cross_entropy").result()
        training.optim_step(types.AdamParams(learning_rate=1e-3)).result()
    sampler = training.save_weights_and_get_sampling_client().result()
    result = sampler.sample(types.ModelInput.from_ints(TOKENS), 3, types.SamplingParams(max_tokens=4)).result()

    trained = 2 * 2 * (len(TOKENS) - 1)
    assert value(registry, "tinker_tokens_trained_total") == trained
    assert value(registry, "tinker_tokens_sampled_total") == sum(len(s.tokens) for s in result.sequences) > 0
    assert value(registry, "tinker_requests_total", operation="forward_backward", status="200") == 2
    assert value(registry, "tinker_requests_total", operation="optim_step", status="200") == 2
    assert value(registry, "tinker_requests_total", operation="asample", status="200") == 1
    assert value(registry, "tinker_request_duration_seconds_count", operation="forward_backward") == 2
    assert value(registry, "tinker_calls_total", call="TrainingClient.forward_backward", outcome="ok") == 2
    assert value(registry, "tinker_calls_total", call="SamplingClient.sample", outcome="ok") == 1
    assert value(registry, "tinker_future_wait_seconds_count", request_type="ForwardBackward") == 2
    assert value(registry, "tinker_bytes_sent_total", operation="forward_backward") > 0
    assert value(registry, "tinker_bytes_received_total", operation="retrieve_future") > 0
    assert value(registry, "tinker_retries_total", operation="forward_backward", cause="http_503") == 0

    scraped = {f.name: f for f in text_string_to_metric_families(httpx.get(f"{server.base_url}/metrics").text)}
    assert scraped["tinker_local_models_loaded"].samples[0].value >= 1
    tokens = {s.labels["kind"]: s.value for s in scraped["tinker_local_tokens_processed"].samples}
    assert tokens["training"] >= trained
    assert tokens["sampling_sample"] >= value(registry, "tinker_tokens_sampled_total")
    engine = {
        (s.labels["operation"], s.labels["outcome"]): s.value
        for s in scraped["tinker_local_engine_seconds"].samples
        if s.name.endswith("_count")
    }
    assert engine[("forward_backward", "done")] >= 2
    sizes = [
        s
        for s in scraped["tinker_local_request_body_bytes"].samples
        if s.name.endswith("_count") and s.labels["operation"] == "forward_backward"
    ]
    assert sizes and sizes[0].value >= 2
    depth = {s.labels["state"] for s in scraped["tinker_local_queue_depth"].samples}
    assert depth == {"pending", "running"}


def test_retries_and_the_breaker_are_counted(server: Any, registry: CollectorRegistry) -> None:
    config = tinker.RetryConfig(
        retry_delay_base=0.01,
        retry_delay_max=0.02,
        circuit_breaker=tinker.CircuitBreakerConfig(failure_threshold=2, recovery_timeout=0.05),
    )
    with (
        FaultProxy(server.base_url) as proxy,
        tinker.ServiceClient(base_url=proxy.base_url, api_key=API_KEY, retry_config=config) as service,
    ):
        rest = service.create_rest_client()
        proxy.inject(Fault.http_status(503, "list_sessions", times=2))
        rest.list_sessions().result()
        assert value(registry, "tinker_circuit_breaker_open", group="rest") == 0  # closed again by the success
    assert value(registry, "tinker_retries_total", operation="list_sessions", cause="http_503") == 2
    assert value(registry, "tinker_requests_total", operation="list_sessions", status="503") == 2
    assert value(registry, "tinker_requests_total", operation="list_sessions", status="200") == 1


def test_enabling_is_idempotent_and_disabling_removes_the_families(server: Any, service: tinker.ServiceClient) -> None:
    registry = CollectorRegistry()
    tinker.enable_metrics(registry)
    tinker.enable_metrics(registry)  # no duplicate registration
    service.create_rest_client().list_sessions().result()
    assert value(registry, "tinker_calls_total", call="RestClient.list_sessions", outcome="ok") == 1
    tinker.disable_metrics()
    assert (
        registry.get_sample_value("tinker_calls_total", {"call": "RestClient.list_sessions", "outcome": "ok"}) is None
    )
    tinker.enable_metrics(registry)  # registers again, from zero
    assert value(registry, "tinker_calls_total", call="RestClient.list_sessions", outcome="ok") == 0


def test_the_server_answers_metrics_without_a_key(server: Any) -> None:
    answer = httpx.get(f"{server.base_url}/metrics")
    assert answer.status_code == 200 and answer.headers["content-type"].startswith("text/plain")
    assert "tinker_local_requests_total" in answer.text


def test_metrics_need_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    monkeypatch.setitem(sys.modules, "prometheus_client", None)  # as if not installed
    with pytest.raises(ImportError, match=r"tinker-oss\[prometheus\]"):
        tinker.enable_metrics()


def test_a_request_the_open_circuit_refused_sent_no_bytes(registry: CollectorRegistry) -> None:
    # The breaker fails the attempt before the network: nothing left the process, whatever the body's size.
    config = tinker.RetryConfig(
        max_attempts=1, circuit_breaker=tinker.CircuitBreakerConfig(failure_threshold=1, recovery_timeout=600)
    )
    sent = []
    with tinker.ServiceClient(base_url="http://127.0.0.1:9", api_key=API_KEY, retry_config=config) as service:
        for _ in range(3):
            with pytest.raises(tinker.APIConnectionError):
                service.create_lora_training_client(base_model=WIDE_MODEL, rank=4).result()
            sent.append(value(registry, "tinker_bytes_sent_total", operation="get_client_config"))
    assert value(registry, "tinker_requests_total", operation="get_client_config", status="circuit_open") == 2
    assert sent[0] > 0 and sent == [sent[0]] * 3, sent  # only the attempt that reached the network counts
