"""The futures protocol (docs/protocol.md#futures): every reply the poller can get."""

from __future__ import annotations

from typing import Any

import httpx
import numpy as np
import pytest
from fake_tinker import PB, FakeServer, bare, json_response, make_rest, status

import tinker
import tinker_wire as wire
from tinker import _loop
from tinker._polling import FutureExpiredError, PollSpec, poll_future
from tinker._retry import RetryableError, RetryConfig
from tinker._transport import decode_json

JSON_SPEC = PollSpec("OptimStep", lambda r: decode_json(r))
RESULT = {"type": "optim_step", "metrics": {"x:sum": 1.0}}


class Observer:
    def __init__(self) -> None:
        self.calls: list[tuple[str, str | None]] = []

    def on_queue_state_change(self, queue_state: str, queue_state_reason: str | None) -> None:
        self.calls.append((queue_state, queue_state_reason))


def _poll(
    server: FakeServer,
    polls: list[Any],
    *,
    result: Any = RESULT,
    kind: str = "json",
    spec: PollSpec = JSON_SPEC,
    observer: Any = None,
    retry_config: RetryConfig | None = None,
    submit_rtt: float | None = None,
) -> Any:
    rest = make_rest(server, retry_config=retry_config or RetryConfig(retry_delay_base=0.001, retry_delay_max=0.01))
    rid = server.add_future(kind, result, polls)
    coro = poll_future(rest.holder.transport, rid, spec, observer=observer, submit_rtt=submit_rtt)
    return _loop.run_coroutine(coro).result(timeout=10)


def _poll_bodies(server: FakeServer) -> list[dict]:
    return [r.body for r in server.op_calls("retrieve_future")]


def test_immediate_json_result(server: FakeServer) -> None:
    assert _poll(server, [], submit_rtt=0.25) == RESULT
    (poll,) = server.op_calls("retrieve_future")
    assert poll.method == "POST"
    assert poll.body == {"request_id": "req-1", "allow_metadata_only": True}
    assert poll.header("x-tinker-request-type") == "OptimStep"
    assert poll.header("x-tinker-request-iteration") == "0"
    assert float(poll.header("x-tinker-create-promise-roundtrip-time")) == pytest.approx(0.25)
    assert poll.header("accept") == "application/json"


def test_408_then_result(server: FakeServer) -> None:
    obs = Observer()
    assert _poll(server, [bare(408), status(408, {"type": "pending"})], observer=obs, submit_rtt=0.1) == RESULT
    polls = server.op_calls("retrieve_future")
    assert [p.header("x-tinker-request-iteration") for p in polls] == ["0", "1", "2"]
    assert all(p.body["request_id"] == "req-1" for p in polls)
    # the round-trip header goes with the first poll only
    assert [p.header("x-tinker-create-promise-roundtrip-time") is not None for p in polls] == [True, False, False]
    assert obs.calls == []


def test_408_with_queue_state_notifies_observer(server: FakeServer) -> None:
    obs = Observer()
    _poll(
        server,
        [status(408, {"queue_state": "paused_rate_limit", "queue_state_reason": "too many clients"})],
        observer=obs,
    )
    assert obs.calls == [("paused_rate_limit", "too many clients")]


def test_try_again_with_queue_state_notifies_observer(server: FakeServer) -> None:
    obs = Observer()
    result = _poll(
        server,
        [
            {
                "type": "try_again",
                "request_id": "req-1",
                "queue_state": "paused_capacity",
                "queue_state_reason": "short on capacity",
            },
            {"type": "try_again", "request_id": "req-1", "queue_state": "active"},
            {"type": "try_again", "request_id": "req-1"},
        ],
        observer=obs,
    )
    assert result == RESULT
    assert obs.calls == [("paused_capacity", "short on capacity"), ("active", None)]
    assert len(server.op_calls("retrieve_future")) == 4


def test_complete_metadata_repolls_without_metadata_only(server: FakeServer) -> None:
    assert _poll(server, [{"status": "complete_metadata", "response_payload_size": 123}]) == RESULT
    assert [b["allow_metadata_only"] for b in _poll_bodies(server)] == [True, False]


@pytest.mark.parametrize(
    "category, expected",
    [("user", "user"), ("server", "server"), ("USER", "user"), (None, "unknown"), ("weird", "unknown")],
)
def test_error_json_raises_request_failed(server: FakeServer, category, expected) -> None:
    body = {"error": "invalid loss inputs"}
    if category is not None:
        body["category"] = category
    with pytest.raises(tinker.RequestFailedError) as info:
        _poll(server, [body])
    err = info.value
    assert err.category == expected
    assert err.request_id == "req-1"
    assert "invalid loss inputs" in str(err)
    assert isinstance(err, tinker.TinkerError)


def test_error_json_with_null_category(server: FakeServer) -> None:
    with pytest.raises(tinker.RequestFailedError) as info:
        _poll(server, [{"error": "boom", "category": None}])
    assert info.value.category == "unknown"


def test_410_raises_future_expired(server: FakeServer) -> None:
    with pytest.raises(FutureExpiredError) as info:
        _poll(server, [status(410, {"detail": "gone"})])
    assert isinstance(info.value, RetryableError) and isinstance(info.value, tinker.TinkerError)
    assert "req-1" in str(info.value)
    assert len(server.op_calls("retrieve_future")) == 1


@pytest.mark.parametrize("code", [429, 500, 502, 503, 504])
def test_429_and_5xx_back_off_then_succeed(server: FakeServer, sleeps, code) -> None:
    assert _poll(server, [status(code), status(code)]) == RESULT
    assert len(server.op_calls("retrieve_future")) == 3
    assert len(sleeps.delays) == 2
    assert all(0 <= d <= 0.01 for d in sleeps.delays)


def test_429_honours_retry_after(server: FakeServer, sleeps) -> None:
    _poll(server, [status(429, retry_after="2")])
    assert sleeps.delays == [2.0]


def test_402_billing_pause_sleeps_5s_then_succeeds(server: FakeServer, sleeps) -> None:
    assert _poll(server, [status(402, {"detail": "billing"}), status(402)]) == RESULT
    assert sleeps.delays == [5.0, 5.0]


def test_402_billing_pause_gives_up_after_the_limit(server: FakeServer, sleeps) -> None:
    cfg = RetryConfig(retry_delay_base=0.001, retry_delay_max=0.01, billing_pause_max=0.05)
    with pytest.raises(tinker.BillingError):
        _poll(server, [status(402)] * 100_000, retry_config=cfg)
    assert len(server.op_calls("retrieve_future")) >= 2
    assert set(sleeps.delays) == {5.0}


def test_bare_400_is_repolled_up_to_three_times(server: FakeServer) -> None:
    assert _poll(server, [bare(400)] * 3) == RESULT
    assert len(server.op_calls("retrieve_future")) == 4


def test_fourth_bare_400_is_fatal(server: FakeServer) -> None:
    with pytest.raises(tinker.BadRequestError):
        _poll(server, [bare(400)] * 4)
    assert len(server.op_calls("retrieve_future")) == 4


def test_400_with_a_body_is_fatal_at_once(server: FakeServer) -> None:
    with pytest.raises(tinker.BadRequestError, match="bad request id"):
        _poll(server, [status(400, {"detail": "bad request id"})])
    assert len(server.op_calls("retrieve_future")) == 1


def test_bare_400_budget_is_reset_by_a_408(server: FakeServer) -> None:
    assert _poll(server, [bare(400)] * 3 + [bare(408)] + [bare(400)]) == RESULT


@pytest.mark.parametrize(
    "code, cls",
    [
        (401, tinker.AuthenticationError),
        (403, tinker.PermissionDeniedError),
        (404, tinker.NotFoundError),
        (409, tinker.ConflictError),
        (422, tinker.UnprocessableEntityError),
        (418, tinker.APIStatusError),
    ],
)
def test_other_4xx_raise_the_mapped_status_error(server: FakeServer, code, cls) -> None:
    with pytest.raises(cls) as info:
        _poll(server, [status(code, {"detail": "nope"})])
    assert info.value.status_code == code
    assert isinstance(info.value, tinker.APIStatusError)
    assert len(server.op_calls("retrieve_future")) == 1


def test_bare_400_budget_is_reset_by_try_again(server: FakeServer) -> None:
    """try_again is the same "not yet" answer as a 408 (docs/protocol.md#futures): the poller used to reset the
    empty-400 count on a 408 only, so three empty 400s, a try_again and one more empty 400 failed the call."""
    assert _poll(server, [bare(400)] * 3 + [{"type": "try_again"}] + [bare(400)]) == RESULT


@pytest.mark.parametrize(
    "config, reply, polls",
    [
        ({"enable_retry_logic": False}, status(503), 1),
        ({}, status(503, x_should_retry="false"), 1),
        ({"max_attempts": 2}, status(503), 2),
    ],
)
def test_failed_polls_follow_the_retry_policy(server: FakeServer, sleeps, config, reply, polls) -> None:
    """Regression: the poller had its own retry loop that retried 429/5xx and connection errors whatever the
    policy said; RetryConfig.enable_retry_logic, max_attempts and the server's x-should-retry were ignored.
    Polls now run through the one retry loop, like every other request."""
    cfg = RetryConfig(retry_delay_base=0.001, retry_delay_max=0.01, **config)
    with pytest.raises(tinker.InternalServerError):
        _poll(server, [reply] * 3, retry_config=cfg)
    assert len(server.op_calls("retrieve_future")) == polls


def test_a_permanent_429_storm_on_polls_ends_at_the_retry_deadline(server: FakeServer, sleeps) -> None:
    """Regression: the poller counted every answer below 500 as contact with the server, 429 included, so a
    permanent 429 storm on retrieve_future polled forever although RetryConfig.deadline bounds the time spent
    retrying (as it does for a 429 storm on asample). A 429 is a failure to retry, like a 5xx."""
    cfg = RetryConfig(retry_delay_base=0.001, retry_delay_max=0.01, deadline=0.2)
    with pytest.raises(tinker.RateLimitError):
        _poll(server, [status(429)] * 100_000, retry_config=cfg)


def test_an_open_circuit_whose_probe_comes_too_late_fails_the_poll_at_once(server: FakeServer, sleeps) -> None:
    """Regression: the poller waited out an open breaker's whole recovery_timeout (here 30 s) before it
    looked at its deadline (1 s), so it failed 29 s late. Like a request, it now fails at once when the next
    probe comes after the deadline: no wait runs past it."""
    cfg = RetryConfig(
        retry_delay_base=0.001,
        retry_delay_max=0.01,
        deadline=1.0,
        circuit_breaker=tinker.CircuitBreakerConfig(failure_threshold=2, recovery_timeout=30.0),
    )
    with pytest.raises(tinker.CircuitOpenError):
        _poll(server, [status(503)] * 10, retry_config=cfg)
    assert len(server.op_calls("retrieve_future")) == 2
    assert max(sleeps.delays) <= 1.0


@pytest.mark.parametrize(
    "error", [httpx.ConnectError("refused"), httpx.ReadTimeout("slow"), httpx.RemoteProtocolError("reset")]
)
def test_connection_error_mid_poll_repolls_the_same_request(server: FakeServer, sleeps, error) -> None:
    assert _poll(server, [bare(408), error]) == RESULT
    polls = server.op_calls("retrieve_future")
    assert len(polls) == 3
    assert {p.body["request_id"] for p in polls} == {"req-1"}
    assert sleeps.delays  # backed off before re-polling


# ------------------------------------------------------------------ protobuf vs JSON results


def _fbo() -> wire.WireForwardBackwardOutput:
    lp = wire.TensorData.from_numpy(np.array([[-0.5, -1.5]], dtype=np.float32))
    return wire.WireForwardBackwardOutput("target_token_logprobs", [{"logprobs": lp}], {"loss:sum": 2.0})


def _fbo_spec() -> PollSpec:
    from tinker._training_client import _fbo_spec

    return _fbo_spec("ForwardBackward")


def test_protobuf_result_when_accepted(server: FakeServer) -> None:
    out = _poll(server, [], result=_fbo(), kind="fbo", spec=_fbo_spec())
    poll = server.op_calls("retrieve_future")[0]
    assert poll.header("accept").startswith(PB)
    assert isinstance(out, tinker.ForwardBackwardOutput)
    assert out.loss_fn_outputs[0]["logprobs"].shape == [1, 2]
    assert out.loss_fn_outputs[0]["logprobs"].tolist() == [[-0.5, -1.5]]
    assert out.metrics == {"loss:sum": 2.0}


def test_json_result_for_a_protobuf_capable_type(server: FakeServer) -> None:
    body = wire.forward_backward_output_to_json(_fbo())
    out = _poll(server, [json_response(200, body)], result=_fbo(), kind="fbo", spec=_fbo_spec())
    assert out.loss_fn_outputs[0]["logprobs"].tolist() == [[-0.5, -1.5]]
    assert out.metrics == {"loss:sum": 2.0}


def test_pending_replies_stay_json_before_a_protobuf_result(server: FakeServer) -> None:
    out = _poll(
        server,
        [bare(408), {"type": "try_again"}, {"status": "complete_metadata"}],
        result=_fbo(),
        kind="fbo",
        spec=_fbo_spec(),
    )
    assert out.metrics == {"loss:sum": 2.0}
    assert [b["allow_metadata_only"] for b in _poll_bodies(server)] == [True, True, True, False]


# ------------------------------------------------------------------ through the clients


def test_training_call_survives_every_transient_poll_reply(training, server: FakeServer, sleeps) -> None:
    server.script_polls(
        bare(408),
        {"type": "try_again", "queue_state": "active"},
        status(503),
        status(429),
        httpx.ConnectError("down"),
        bare(400),
        {"status": "complete_metadata"},
    )
    resp = training.optim_step(tinker.AdamParams()).result(timeout=10)
    assert resp.metrics == {"grad_norm:mean": 1.5}
    polls = [p for p in server.op_calls("retrieve_future") if p.header("x-tinker-request-type") == "OptimStep"]
    assert len(polls) == 8
    assert polls[-1].body["allow_metadata_only"] is False


def test_training_call_surfaces_expired_future(training, server: FakeServer) -> None:
    server.script_polls(bare(410))
    with pytest.raises(FutureExpiredError):
        training.save_state("c").result(timeout=10)
