"""Sessions and futures that go away: a heartbeat the server rejects, an expired sampling future, and a
connection dropped while polling."""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Iterator
from typing import Any

import pytest

import tinker
from tinker import types
from tinker.testing import FaultProxy

from .conftest import BASE_MODEL, close_quietly, make_service, start_server, wait_until

JSON = {"content-type": "application/json"}
PROMPT = types.ModelInput.from_ints(list(b"Tell me"))


def params(seed: int) -> types.SamplingParams:
    return types.SamplingParams(max_tokens=6, seed=seed, stop=[])


@pytest.fixture
def fast_heartbeat(monkeypatch: pytest.MonkeyPatch) -> None:
    import tinker._holder as holder

    monkeypatch.setattr(holder, "HEARTBEAT_INTERVAL", 0.05)


@pytest.fixture
def direct(server: Any) -> Iterator[Any]:
    """A sampler straight to the server (no proxy), for the expected results."""
    service = make_service(server.base_url)
    try:
        yield service.create_sampling_client(base_model=BASE_MODEL).result(timeout=30)
    finally:
        close_quietly(service)


def _heartbeats(proxy: FaultProxy, session_id: str) -> int:
    return sum(1 for s in proxy.requests("/session_heartbeat") if session_id.encode() in s.body)


@pytest.mark.parametrize("status", [404, 410])
def test_rejected_heartbeat_loses_the_session_and_the_next_client_starts_a_new_one(
    server: Any, proxy: FaultProxy, fast_heartbeat: None, tinker_log: Any, status: int
) -> None:
    service = make_service(proxy.base_url)
    try:
        first = service.create_sampling_client(base_model=BASE_MODEL).result(timeout=30)
        old = service.holder.session_id
        assert old is not None and first.sampling_session_id.startswith(old)
        assert wait_until(lambda: _heartbeats(proxy, old) >= 2, 3.0), "heartbeats should flow every 0.05 s"
        rule = proxy.add(
            "status",
            "/session_heartbeat",
            status=status,
            times=1,
            headers=JSON,
            body=b'{"detail": "session_id: session not found"}',
        )
        assert wait_until(lambda: rule.applied == 1 and service.holder.session_lost, 3.0)
        stopped_at = _heartbeats(proxy, old)
        time.sleep(0.5)  # ten heartbeat intervals
        assert _heartbeats(proxy, old) == stopped_at, "heartbeats of a lost session must stop"
        warnings = [m for m in tinker_log.messages(logging.WARNING) if old in m and "heartbeats stopped" in m]
        assert len(warnings) == 1, tinker_log.messages(logging.WARNING)

        second = service.create_sampling_client(base_model=BASE_MODEL).result(timeout=30)
        new = service.holder.session_id
        assert new is not None and new != old and service.holder.session_lost is None
        assert second.sampling_session_id.startswith(new)
        training = service.create_lora_training_client(BASE_MODEL, rank=4, seed=1).result(timeout=30)
        assert training.model_id.startswith(new)
        assert any("was lost" in m and new in m for m in tinker_log.messages(logging.WARNING))
        # the new session is kept alive, and the server sees it
        assert wait_until(lambda: server.service.state.store.sessions[new].heartbeat_count >= 2, 3.0)
        out = second.sample(PROMPT, 1, params(1)).result(timeout=30)
        assert len(out.sequences[0].tokens) == 6
    finally:
        close_quietly(service)


def test_expired_sampling_future_is_resubmitted_transparently(
    server: Any, proxy: FaultProxy, direct: Any, tinker_log: Any
) -> None:
    expected = direct.sample(PROMPT, 2, params(4)).result(timeout=30)
    service = make_service(proxy.base_url)
    try:
        sampler = service.create_sampling_client(base_model=BASE_MODEL).result(timeout=30)
        rule = proxy.add(
            "status",
            "/retrieve_future",
            status=410,
            times=1,
            headers=JSON,
            body=b'{"detail": "request_id: the result expired; submit the request again"}',
        )
        result = sampler.sample(PROMPT, 2, params(4)).result(timeout=30)
        assert rule.applied == 1
        submits = [json.loads(s.body) for s in proxy.requests("/asample")]
        assert len(submits) == 2, "the expired request must be submitted again, once"
        assert submits[0]["seq_id"] != submits[1]["seq_id"], "a resubmission is a new request"
        assert [list(s.tokens) for s in result.sequences] == [list(s.tokens) for s in expected.sequences]
        assert any("expired" in m and "resubmitting" in m for m in tinker_log.messages(logging.INFO))
    finally:
        close_quietly(service)


@pytest.mark.parametrize("action", ["reset", "drop"])
def test_connection_dropped_mid_poll_polls_the_same_future_again(
    server: Any, proxy: FaultProxy, direct: Any, action: str
) -> None:
    """``reset``: the poll never reached the server; ``drop``: the server delivered the result, the reply
    was lost. Either way the call succeeds by polling the same request again, without resubmitting."""
    expected = direct.sample(PROMPT, 1, params(8)).result(timeout=30)
    service = make_service(proxy.base_url)
    try:
        sampler = service.create_sampling_client(base_model=BASE_MODEL).result(timeout=30)
        started = time.monotonic()
        rule = proxy.add(action, "/retrieve_future", times=2)
        result = sampler.sample(PROMPT, 1, params(8)).result(timeout=30)
        assert rule.applied == 2
        assert len(proxy.requests("/asample", since=started)) == 1, "no resubmission"
        polled = [json.loads(s.body)["request_id"] for s in proxy.requests("/retrieve_future", since=started)]
        assert len(polled) >= 3 and len(set(polled)) == 1, polled
        assert list(result.sequences[0].tokens) == list(expected.sequences[0].tokens)
        assert time.monotonic() - started < 10
    finally:
        close_quietly(service)


def test_training_poll_dropped_mid_flight_is_polled_again_and_applied_once(server: Any, proxy: FaultProxy) -> None:
    from .conftest import ADAM, batch, server_model

    service = make_service(proxy.base_url)
    try:
        training = service.create_lora_training_client(BASE_MODEL, rank=4, seed=2).result(timeout=30)
        started = time.monotonic()
        proxy.add("drop", "/retrieve_future", times=1)
        proxy.add("reset", "/retrieve_future", times=1, skip=1)
        fb = training.forward_backward(batch(0), "cross_entropy")
        opt = training.optim_step(ADAM)
        assert fb.result(timeout=30).metrics["loss:sum"] > 0
        assert opt.result(timeout=30).metrics["step"] == 1.0
        assert len(proxy.requests("/forward_backward", since=started)) == 1
        assert len(proxy.requests("/optim_step", since=started)) == 1
        assert server_model(server, training.model_id).step == 1
    finally:
        close_quietly(service)


def test_session_survives_a_server_restart(tmp_path: Any, fast_heartbeat: None) -> None:
    """Sessions are durable: after a restart on the same state dir the session is still known, its
    heartbeats keep succeeding, and new clients need no new session."""
    state = tmp_path / "state"
    first = start_server(state_dir=state, retrieve_timeout_s=1.0)
    port = first.port
    second = None
    service = make_service(
        first.base_url,
        tinker.RetryConfig(
            retry_delay_base=0.05,
            retry_delay_max=0.2,
            circuit_breaker=tinker.CircuitBreakerConfig(recovery_timeout=0.3),
        ),
    )
    try:
        service.create_sampling_client(base_model=BASE_MODEL).result(timeout=30)
        old = service.holder.session_id
        first.stop()
        second = start_server(port=port, state_dir=state, retrieve_timeout_s=1.0)
        assert wait_until(
            lambda: (
                old in second.service.state.store.sessions
                and second.service.state.store.sessions[old].heartbeat_count >= 2
            ),
            5.0,
        )
        sampler = service.create_sampling_client(base_model=BASE_MODEL).result(timeout=30)
        assert service.holder.session_id == old and service.holder.session_lost is None
        assert sampler.sample(PROMPT, 1, params(2)).result(timeout=30).sequences[0].tokens
    finally:
        close_quietly(service)
        first.stop()
        if second is not None:
            second.stop()
