"""Alert hooks: ``tinker.on(event, fn)``; each event with its documented payload, and a failing hook never
breaking the call that triggered it."""

from __future__ import annotations

import asyncio
import logging
import time
from typing import Any

import httpx
import pytest

import tinker
from tinker import _hooks, types
from tinker._config import ClientSettings
from tinker._retry import RetryConfig, RetryPolicy
from tinker._transport import Transport
from tinker.testing import Fault, FaultProxy

from .conftest import API_KEY, WIDE_MODEL

FAST = tinker.RetryConfig(retry_delay_base=0.005, retry_delay_max=0.01)
NOT_FOUND = b'{"detail": "model_id: model not found"}'


def _record(event: str = "*") -> list[dict[str, Any]]:
    seen: list[dict[str, Any]] = []
    tinker.on(event, seen.append)
    return seen


def _transport(handler: Any, config: RetryConfig) -> Transport:
    settings = ClientSettings.resolve(base_url="http://hooks.test", api_key=API_KEY)
    return Transport(settings, RetryPolicy(config), http_transport=httpx.MockTransport(handler))


def _call(transport: Transport, times: int = 1) -> list[Any]:
    async def main() -> list[Any]:
        out: list[Any] = []
        for _ in range(times):
            try:
                out.append(await transport.request("POST", "/api/v1/thing", content=b"{}", op="thing"))
            except tinker.APIError as exc:
                out.append(exc)
        await transport.aclose()
        return out

    return asyncio.run(main())


def test_circuit_open_and_closed(server: Any) -> None:
    seen = _record()
    config = tinker.RetryConfig(
        retry_delay_base=0.005,
        retry_delay_max=0.01,
        circuit_breaker=tinker.CircuitBreakerConfig(failure_threshold=2, recovery_timeout=0.05),
    )
    with FaultProxy(server.base_url) as proxy:
        proxy.inject(Fault.http_status(503, "list_sessions", times=2))
        with tinker.ServiceClient(base_url=proxy.base_url, api_key=API_KEY, retry_config=config) as service:
            service.create_rest_client().list_sessions().result()
    opened = [e for e in seen if e["event"] == "circuit_open"]
    closed = [e for e in seen if e["event"] == "circuit_closed"]
    assert len(opened) == 1 and len(closed) == 1
    assert opened[0]["group"] == "rest" and opened[0]["base_url"] == proxy.base_url
    assert opened[0]["failures"] == 2 and opened[0]["last_failure"] == "HTTP 503"
    assert closed[0]["group"] == "rest" and closed[0]["time"] >= opened[0]["time"]


def test_retries_exhausted_names_the_operation_and_error() -> None:
    seen = _record("retries_exhausted")
    transport = _transport(
        lambda r: httpx.Response(503, json={"detail": "down"}),
        RetryConfig(
            retry_delay_base=0.001,
            retry_delay_max=0.002,
            max_attempts=3,
            circuit_breaker=tinker.CircuitBreakerConfig(enabled=False),
        ),
    )
    (exc,) = _call(transport)
    assert isinstance(exc, tinker.InternalServerError)
    (event,) = seen
    assert (event["operation"], event["attempts"], event["error"]) == ("thing", 3, "InternalServerError (HTTP 503)")
    assert event["seconds"] >= 0


def test_a_non_retryable_failure_is_not_retries_exhausted() -> None:
    seen = _record("retries_exhausted")
    (exc,) = _call(_transport(lambda r: httpx.Response(400, json={"detail": "bad"}), RetryConfig()))
    assert isinstance(exc, tinker.BadRequestError) and not seen


def test_a_429_storm_is_reported_once_per_window(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_hooks, "STORM_COUNT", 4)
    monkeypatch.setattr(_hooks, "_storm_reported_at", float("-inf"))
    _hooks._throttled.clear()
    seen = _record("rate_limited")
    config = RetryConfig(retry_delay_base=0.001, retry_delay_max=0.002, max_attempts=10)
    _call(_transport(lambda r: httpx.Response(429, headers={"retry-after-ms": "1"}), config))
    (event,) = seen  # ten 429s, one storm alert
    assert event["operation"] == "thing" and event["count"] == 4 and event["window_seconds"] == _hooks.STORM_WINDOW


def test_queue_paused_and_slow_future(server: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TINKER_SLOW_FUTURE_SECONDS", "0")
    seen = _record()
    replies = iter([{"type": "try_again", "queue_state": "paused_capacity", "queue_state_reason": "busy"}] * 2)

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/retrieve_future"):
            reply = next(replies, None)
            return httpx.Response(200, json=reply if reply is not None else {"metrics": {}, "loss_fn_outputs": []})
        return httpx.Response(200, json={"request_id": "req-1"})

    from tinker._polling import PollSpec, poll_future

    transport = _transport(handler, RetryConfig())
    spec = PollSpec("ForwardBackward", lambda r: r.json())

    async def main() -> Any:
        try:
            return await poll_future(transport, "req-1", spec)
        finally:
            await transport.aclose()

    assert asyncio.run(main()) == {"metrics": {}, "loss_fn_outputs": []}
    paused = [e for e in seen if e["event"] == "queue_paused"]
    slow = [e for e in seen if e["event"] == "slow_future"]
    assert len(paused) == 1 and len(slow) == 1  # once per future, though two polls said so
    assert paused[0] | {"time": 0} == {
        "event": "queue_paused",
        "time": 0,
        "request_id": "req-1",
        "request_type": "ForwardBackward",
        "queue_state": "paused_capacity",
        "reason": "busy",
    }
    assert slow[0]["request_id"] == "req-1" and slow[0]["seconds"] >= 0


def test_session_lost(server: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    from tinker import _holder

    monkeypatch.setattr(_holder, "HEARTBEAT_INTERVAL", 0.05)
    seen = _record("session_lost")
    with FaultProxy(server.base_url) as proxy:
        service = tinker.ServiceClient(base_url=proxy.base_url, api_key=API_KEY)
        service.create_sampling_client(base_model=WIDE_MODEL).result()
        proxy.inject(Fault.http_status(404, "session_heartbeat", times=None, body=b'{"detail": "gone"}'))
        for _ in range(100):
            if seen:
                break
            time.sleep(0.02)
        service.close().result()
    (event,) = seen
    assert event["session_id"] == service.holder.session_id
    assert "HTTP 404" in event["reason"]


def test_recovered_and_recovery_gave_up(server: Any) -> None:
    seen = _record()
    with (
        FaultProxy(server.base_url) as proxy,
        tinker.ServiceClient(base_url=proxy.base_url, api_key=API_KEY, retry_config=FAST) as service,
    ):
        training = service.create_lora_training_client(base_model=WIDE_MODEL, rank=4).result()
        run = tinker.RecoveringTrainingClient(service, training, tinker.RecoveryPolicy(max_attempts=2))
        proxy.inject(Fault.http_status(404, "optim_step", after_server=True, body=NOT_FOUND))
        with pytest.raises(tinker.NotFoundError):
            run.optim_step(types.AdamParams(learning_rate=1e-3)).result()
        saved = run.save_state("hooked").result()
        proxy.inject(Fault.http_status(404, "optim_step", after_server=True, body=NOT_FOUND))
        with pytest.raises(tinker.TrainingRunRecovered):
            run.optim_step(types.AdamParams(learning_rate=1e-3)).result()
    gave_up, recovered = [e for e in seen if e["event"] in ("recovery_gave_up", "recovered")]
    assert gave_up["event"] == "recovery_gave_up" and gave_up["checkpoint_path"] is None
    assert gave_up["old_model_id"] == training.model_id and gave_up["error"] == "NotFoundError"
    assert recovered["event"] == "recovered" and recovered["checkpoint_path"] == saved.path
    assert recovered["new_model_id"] == run.model_id != training.model_id


def test_a_raising_hook_never_breaks_the_call_and_is_logged_once(
    server: Any, service: tinker.ServiceClient, caplog: pytest.LogCaptureFixture
) -> None:
    calls: list[str] = []

    def broken(payload: dict[str, Any]) -> None:
        calls.append(payload["event"])
        raise RuntimeError("hook bug")

    later = _record("circuit_open")
    tinker.on("circuit_open", broken)
    tinker.on("circuit_open", lambda p: calls.append("after"))
    with caplog.at_level(logging.DEBUG, logger="tinker.hooks"):
        for _ in range(3):
            _hooks.emit("circuit_open", group="rest", base_url="x", failures=5, last_failure="HTTP 503")
    assert calls == ["circuit_open", "after"] * 3  # the next hook still runs
    assert len(later) == 3
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR and r.name == "tinker.hooks"]
    assert len(errors) == 1 and "hook bug" in (errors[0].exc_text or "")
    # And through a real call: a hook raising on every event leaves the training step intact.
    tinker.on("*", broken)
    training = service.create_lora_training_client(base_model=WIDE_MODEL, rank=4).result()
    assert training.optim_step(types.AdamParams(learning_rate=1e-3)).result() is not None


def test_unknown_events_are_refused_and_unsubscribing_works() -> None:
    with pytest.raises(ValueError, match="unknown event 'circuit-open'"):
        tinker.on("circuit-open", print)
    seen: list[dict[str, Any]] = []
    off = tinker.on("session_lost", seen.append)
    _hooks.emit("session_lost", session_id="s", reason="r")
    off()
    _hooks.emit("session_lost", session_id="s", reason="r")
    assert len(seen) == 1 and seen[0]["session_id"] == "s"
    assert sorted(_hooks.EVENTS) == sorted(
        {
            "circuit_open",
            "circuit_closed",
            "retries_exhausted",
            "rate_limited",
            "queue_paused",
            "slow_future",
            "session_lost",
            "recovered",
            "recovery_gave_up",
            "credential_rotated",
        }
    )
