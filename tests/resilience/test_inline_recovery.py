"""Faults on the inline-result path: a sample submit held for its result (``X-Tinker-Result-Wait``) whose
connection fails is submitted again with the same seq_id, and the server answers with the same result, sampled
once."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest

from tinker.testing import FaultProxy

from .conftest import BASE_MODEL, close_quietly, make_service, start_server
from .test_session_recovery import PROMPT, params

INLINE = "x-tinker-inline-future"


@pytest.fixture
def inline_server() -> Iterator[Any]:
    srv = start_server(retrieve_timeout_s=1.0)
    try:
        yield srv
    finally:
        srv.stop()


@pytest.mark.parametrize("action", ["reset", "drop"])
def test_a_held_submit_whose_connection_fails_gets_the_same_result(inline_server: Any, action: str) -> None:
    """``reset``: the submit never reached the server; ``drop``: the server sampled and answered, the reply
    was lost. Either way the retried submit (same seq_id) returns that one sample, without a poll."""
    service = make_service(inline_server.base_url)
    try:
        expected = service.create_sampling_client(base_model=BASE_MODEL).result(timeout=30)
        want = expected.sample(PROMPT, 2, params(6)).result(timeout=30)
    finally:
        close_quietly(service)
    with FaultProxy(inline_server.base_url) as proxy:
        service = make_service(proxy.base_url)
        try:
            sampler = service.create_sampling_client(base_model=BASE_MODEL).result(timeout=30)
            started = time.monotonic()
            rule = proxy.add(action, "/asample", times=1)
            got = sampler.sample(PROMPT, 2, params(6)).result(timeout=30)
            assert rule.applied == 1
            submits = proxy.requests("/asample", since=started)
            assert len(submits) == 2 and submits[0].body == submits[1].body, "same seq_id, same body"
            assert proxy.requests("/retrieve_future", since=started) == []
            assert [s.tokens for s in got.sequences] == [s.tokens for s in want.sequences]
            samples = [r for r in inline_server.service.state.futures.all() if r.op == "sample"]
            assert len(samples) == 2, "the reference sample and this one: the retry sampled nothing new"
            assert [s.sequence_id for s in got.sequences] == samples[-1].sample_sequence_ids
        finally:
            close_quietly(service)
