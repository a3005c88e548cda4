"""A sample answered inline by its submit is still a future the SDK waited for: it is counted in
``tinker_future_wait_seconds{request_type="Sample"}`` like a polled one (found by review: it was not)."""

from __future__ import annotations

import prometheus_client
import pytest

import tinker
from tests.helpers import make_service
from tinker import types
from tinker_local import LocalServer


@pytest.mark.parametrize("inline", [False, True], ids=["polled", "inline"])
def test_a_sample_is_counted_in_future_wait_seconds(inline: bool) -> None:
    registry = prometheus_client.CollectorRegistry()
    tinker.enable_metrics(registry)
    try:
        with LocalServer(api_keys=("k",), inline_results=inline) as srv:
            service = make_service(srv.base_url, api_key="k")
            sampler = service.create_sampling_client(base_model="tinker-local/tiny-byte").result(timeout=30)
            prompt, params = types.ModelInput.from_ints([1, 2, 3]), types.SamplingParams(max_tokens=4)
            for _ in range(3):
                sampler.sample(prompt, 1, params).result(timeout=30)
            service.close().result(timeout=10)
        count = registry.get_sample_value("tinker_future_wait_seconds_count", {"request_type": "Sample"})
        assert count == 3, count
    finally:
        tinker.disable_metrics()
