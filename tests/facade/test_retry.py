"""The retry policy (RetryConfig / RetryPolicy) and the one request executor (Transport.request)."""

from __future__ import annotations

import asyncio
import email.utils
import random
import time
from typing import Any

import httpx
import pytest
from fake_tinker import API_KEY, BASE_URL, SEEDED, FakeServer, status
from hypothesis import given
from hypothesis import strategies as st

import tinker
from tinker._config import ClientSettings
from tinker._retry import RetryConfig, RetryPolicy, parse_retry_after
from tinker._transport import Transport

FAST = RetryConfig(retry_delay_base=0.001, retry_delay_max=0.01)
URL = "/api/v1/thing"


def _transport(server: FakeServer, cfg: RetryConfig = FAST, seed: int = 0) -> Transport:
    settings = ClientSettings.resolve(base_url=BASE_URL, api_key=API_KEY)
    return Transport(
        settings, RetryPolicy(cfg, rng=random.Random(seed)), http_transport=httpx.MockTransport(server.handler)
    )


def _send(
    server: FakeServer, cfg: RetryConfig = FAST, *, method: str = "POST", calls: int = 1, **kwargs: Any
) -> list[Any]:
    """Run ``calls`` requests through one Transport; returns each call's response or exception."""
    transport = _transport(server, cfg)

    async def main() -> list[Any]:
        out = []
        for _ in range(calls):
            try:
                out.append(await transport.request(method, URL, content=b"{}" if method != "GET" else None, **kwargs))
            except Exception as exc:  # noqa: BLE001
                out.append(exc)
        await transport.aclose()
        return out

    return asyncio.run(main())


def _n(server: FakeServer) -> int:
    return len(server.calls(URL))


# ------------------------------------------------------------------ what is retried


@pytest.mark.parametrize("code", [408, 429, 500, 502, 503, 504, 599])
def test_retried_statuses(server: FakeServer, code: int) -> None:
    server.rest_reply = {"ok": True}
    server.script(URL, status(code), status(code))
    (resp,) = _send(server)
    assert isinstance(resp, httpx.Response) and resp.json() == {"ok": True}
    assert _n(server) == 3


def test_x_should_retry_true_retries_any_status(server: FakeServer) -> None:
    server.script(URL, status(400, {"detail": "x"}, x_should_retry="true"))
    (resp,) = _send(server)
    assert resp.status_code == 200 and _n(server) == 2


@pytest.mark.parametrize(
    "code, cls",
    [
        (400, tinker.BadRequestError),
        (401, tinker.AuthenticationError),
        (403, tinker.PermissionDeniedError),
        (404, tinker.NotFoundError),
        (409, tinker.ConflictError),
        (422, tinker.UnprocessableEntityError),
    ],
)
def test_not_retried_statuses(server: FakeServer, code: int, cls: type) -> None:
    server.script(URL, status(code, {"detail": "no"}))
    (exc,) = _send(server)
    assert type(exc) is cls and exc.status_code == code
    assert str(exc).startswith(f"Error code: {code} - no [operation POST /api/v1/thing] ")  # + what to do
    assert exc.body == {"detail": "no"}
    assert _n(server) == 1


@pytest.mark.parametrize("code", [429, 500, 503])
def test_x_should_retry_false_wins(server: FakeServer, code: int) -> None:
    server.script(URL, status(code, x_should_retry="false"))
    (exc,) = _send(server)
    assert isinstance(exc, tinker.APIStatusError) and exc.status_code == code
    assert _n(server) == 1


@pytest.mark.parametrize(
    "error, cls",
    [
        (httpx.ConnectError("refused"), tinker.APIConnectionError),
        (httpx.ReadTimeout("slow"), tinker.APITimeoutError),
        (httpx.RemoteProtocolError("reset"), tinker.APIConnectionError),
    ],
)
def test_transport_errors_are_retried_and_mapped(server: FakeServer, error, cls) -> None:
    server.script(URL, error)
    (resp,) = _send(server)
    assert resp.status_code == 200
    cfg = RetryConfig(retry_delay_base=0.001, retry_delay_max=0.01, max_attempts=2)
    server.script(URL, error, error)
    (exc,) = _send(server, cfg)
    assert type(exc) is cls


def test_retry_disabled_by_config(server: FakeServer) -> None:
    server.script(URL, status(503))
    (exc,) = _send(server, RetryConfig(enable_retry_logic=False))
    assert isinstance(exc, tinker.InternalServerError) and _n(server) == 1


def test_retry_disabled_per_call(server: FakeServer) -> None:
    server.script(URL, status(503))
    (exc,) = _send(server, retry=False)
    assert isinstance(exc, tinker.InternalServerError) and _n(server) == 1


def test_policy_decisions() -> None:
    pol = RetryPolicy(FAST)
    assert pol.should_retry_status(503, {}) and pol.should_retry_status(408, {}) and pol.should_retry_status(429, {})
    assert not pol.should_retry_status(409, {}) and not pol.should_retry_status(400, {})
    assert pol.should_retry_status(418, {"x-should-retry": "true"})
    assert not pol.should_retry_status(500, {"x-should-retry": "false"})
    req = httpx.Request("GET", "http://x")
    assert pol.should_retry_exception(tinker.APIConnectionError(request=req))
    assert pol.should_retry_exception(tinker.APITimeoutError(req))
    assert pol.should_retry_exception(TimeoutError())
    assert pol.should_retry_exception(tinker.RetryableError("expired"))
    assert not pol.should_retry_exception(ValueError("x"))
    assert not pol.should_retry_exception(tinker.RequestFailedError("x", "r", "user"))


# ------------------------------------------------------------------ Retry-After


@pytest.mark.parametrize(
    "headers, expected",
    [
        ({"retry-after": "2"}, 2.0),
        ({"retry-after": "0.5"}, 0.5),
        ({"retry-after": "60"}, 60.0),
        ({"retry-after-ms": "1500"}, 1.5),
        ({"retry-after-ms": "250", "retry-after": "9"}, 0.25),
    ],
)
def test_retry_after_is_honoured(server: FakeServer, sleeps, headers, expected) -> None:
    server.script(URL, status(429, **{k.replace("-", "_"): v for k, v in headers.items()}))
    (resp,) = _send(server)
    assert resp.status_code == 200
    assert sleeps.delays == [pytest.approx(expected)]


@pytest.mark.parametrize("value", ["0", "-3", "61", "3600", "soon"])
def test_retry_after_outside_range_falls_back_to_backoff(server: FakeServer, sleeps, value) -> None:
    server.script(URL, status(503, retry_after=value))
    _send(server)
    assert len(sleeps.delays) == 1 and 0 <= sleeps.delays[0] <= FAST.retry_delay_max


def test_retry_after_http_date() -> None:
    now = 1_700_000_000.0
    date = email.utils.formatdate(now + 30, usegmt=True)
    assert parse_retry_after({"retry-after": date}, now=now) == pytest.approx(30.0)
    assert parse_retry_after({"retry-after": email.utils.formatdate(now + 90, usegmt=True)}, now=now) is None


@SEEDED
@given(st.floats(min_value=-1000, max_value=1000, allow_nan=False))
def test_parse_retry_after_range_property(seconds: float) -> None:
    got = parse_retry_after({"retry-after": repr(seconds)})
    if 0 < seconds <= 60:
        assert got == pytest.approx(seconds)
    else:
        assert got is None
    got_ms = parse_retry_after({"retry-after-ms": repr(seconds * 1000)})
    if 0 < seconds * 1000 / 1000 <= 60:
        assert got_ms == pytest.approx(seconds)
    else:
        assert got_ms is None


# ------------------------------------------------------------------ deadline and attempts


def test_max_attempts_is_respected(server: FakeServer) -> None:
    server.script(URL, *[status(503)] * 20)
    cfg = RetryConfig(retry_delay_base=0.001, retry_delay_max=0.01, max_attempts=3)
    (exc,) = _send(server, cfg)
    assert isinstance(exc, tinker.InternalServerError)
    assert _n(server) == 3
    assert [r.header("x-stainless-retry-count") for r in server.calls(URL)] == ["0", "1", "2"]


def test_max_attempts_one_means_no_retry(server: FakeServer) -> None:
    server.script(URL, status(503), status(503))
    (exc,) = _send(server, RetryConfig(max_attempts=1))
    assert isinstance(exc, tinker.InternalServerError) and _n(server) == 1


def test_deadline_caps_the_wait_and_stops_retrying(server: FakeServer) -> None:
    server.script(URL, *[status(503, retry_after="30")] * 50)
    cfg = RetryConfig(retry_delay_base=0.001, retry_delay_max=0.01, deadline=0.05)
    started = time.monotonic()
    (exc,) = _send(server, cfg)
    elapsed = time.monotonic() - started
    assert isinstance(exc, tinker.InternalServerError)
    assert elapsed < 1.0  # the 30 s Retry-After was cut to the deadline
    assert _n(server) == 2


def test_deadline_bounds_the_recorded_wait(server: FakeServer, sleeps) -> None:
    server.script(URL, status(503, retry_after="30"))
    _send(server, RetryConfig(retry_delay_base=0.001, retry_delay_max=0.01, deadline=0.5))
    assert len(sleeps.delays) == 1 and sleeps.delays[0] <= 0.5


def test_no_deadline_no_attempt_cap_keeps_retrying(server: FakeServer) -> None:
    from tinker._breaker import CircuitBreakerConfig

    server.script(URL, *[status(500)] * 30)
    cfg = RetryConfig(
        retry_delay_base=0.0, retry_delay_max=0.0, deadline=None, circuit_breaker=CircuitBreakerConfig(enabled=False)
    )
    (resp,) = _send(server, cfg)
    assert resp.status_code == 200 and _n(server) == 31


# ------------------------------------------------------------------ billing pause


def test_402_waits_5s_and_retries(server: FakeServer, sleeps) -> None:
    server.script(URL, status(402, {"detail": "billing"}))
    (resp,) = _send(server)
    assert resp.status_code == 200 and sleeps.delays == [5.0]


def test_402_gives_up_after_billing_pause_max(server: FakeServer, sleeps) -> None:
    server.script(URL, *[status(402)] * 100_000)
    (exc,) = _send(server, RetryConfig(billing_pause_max=0.02))
    assert isinstance(exc, tinker.BillingError)


def test_a_billing_pause_does_not_use_up_the_retry_deadline(server: FakeServer, monkeypatch) -> None:
    """Regression: the transport counted the time spent waiting out a 402 against RetryConfig.deadline, so
    the first 5xx after a billing pause longer than the deadline failed at once (the poller's loop did not).
    The pause has its own limit, billing_pause_max."""
    import tinker._retry as retry

    monkeypatch.setattr(retry, "_BILLING_WAIT", 0.2)
    server.script(URL, status(402), status(503))
    (resp,) = _send(server, RetryConfig(retry_delay_base=0.001, retry_delay_max=0.01, deadline=0.1))
    assert resp.status_code == 200 and _n(server) == 3


# ------------------------------------------------------------------ idempotency key and headers


def test_idempotency_key_reused_across_attempts_and_fresh_per_call(server: FakeServer) -> None:
    server.script(URL, status(503), status(503))
    _send(server, calls=2)
    keys = [r.header("x-idempotency-key") for r in server.calls(URL)]
    assert len(keys) == 4 and all(keys)
    assert keys[0] == keys[1] == keys[2]  # one call, three attempts
    assert keys[3] != keys[0]  # the next call
    assert [r.header("x-stainless-retry-count") for r in server.calls(URL)] == ["0", "1", "2", "0"]


def test_get_requests_carry_no_idempotency_key(server: FakeServer) -> None:
    _send(server, method="GET")
    assert server.calls(URL)[0].header("x-idempotency-key") is None


def test_caller_idempotency_key_is_kept(server: FakeServer) -> None:
    server.script(URL, status(503))
    _send(server, headers={"X-Idempotency-Key": "mine-1"})
    assert [r.header("x-idempotency-key") for r in server.calls(URL)] == ["mine-1", "mine-1"]


def test_idempotency_key_through_a_client_retry(training, server: FakeServer) -> None:
    server.script("/api/v1/optim_step", status(500), status(502))
    training.optim_step(tinker.AdamParams()).result(timeout=10)
    subs = server.op_calls("optim_step")
    assert len(subs) == 3
    assert len({s.header("x-idempotency-key") for s in subs}) == 1
    assert len({s.body["seq_id"] for s in subs}) == 1  # a retried submission keeps its seq_id


# ------------------------------------------------------------------ backoff


@SEEDED
@given(
    base=st.floats(min_value=0.0, max_value=5.0),
    cap=st.floats(min_value=0.0, max_value=60.0),
    jitter=st.floats(min_value=0.0, max_value=1.0),
    attempt=st.integers(min_value=0, max_value=64),
    seed=st.integers(min_value=0, max_value=2**32 - 1),
)
def test_backoff_bounds(base: float, cap: float, jitter: float, attempt: int, seed: int) -> None:
    pol = RetryPolicy(
        RetryConfig(retry_delay_base=base, retry_delay_max=cap, jitter_factor=jitter), rng=random.Random(seed)
    )
    upper = min(base * 2**attempt, cap)
    # the brief's lower bound base·2^n·(1−jitter) holds before the cap; with the cap it is cap·(1−jitter)
    lower = upper * (1 - jitter)
    d = pol.backoff(attempt)
    assert lower - 1e-12 <= d <= upper + 1e-12
    assert 0.0 <= d <= cap + 1e-12


def test_backoff_without_jitter_is_exact() -> None:
    pol = RetryPolicy(RetryConfig(retry_delay_base=0.5, retry_delay_max=10.0, jitter_factor=0.0))
    assert [pol.backoff(n) for n in range(7)] == [0.5, 1.0, 2.0, 4.0, 8.0, 10.0, 10.0]


def test_backoff_jitter_only_shortens_and_spreads() -> None:
    pol = RetryPolicy(RetryConfig(retry_delay_base=1.0, retry_delay_max=10.0, jitter_factor=0.25), rng=random.Random(1))
    values = [pol.backoff(2) for _ in range(200)]
    assert all(3.0 <= v <= 4.0 for v in values)
    assert len(set(values)) > 100


@pytest.mark.parametrize("attempt", [1100, 5000])
def test_backoff_large_attempt_is_capped(attempt: int) -> None:
    pol = RetryPolicy(RetryConfig(retry_delay_base=0.5, retry_delay_max=10.0, jitter_factor=0.0))
    assert pol.backoff(attempt) == 10.0


# ------------------------------------------------------------------ config validation


@pytest.mark.parametrize(
    "kwargs",
    [
        {"retry_delay_base": -1},
        {"retry_delay_max": -0.1},
        {"jitter_factor": 1.5},
        {"jitter_factor": -0.1},
        {"max_attempts": 0},
        {"max_connections": 0},
    ],
)
def test_retry_config_validation(kwargs) -> None:
    with pytest.raises(ValueError):
        RetryConfig(**kwargs)


def test_retry_config_defaults_match_the_official_sdk() -> None:
    cfg = RetryConfig()
    assert (
        cfg.max_connections,
        cfg.progress_timeout,
        cfg.retry_delay_base,
        cfg.retry_delay_max,
        cfg.jitter_factor,
        cfg.enable_retry_logic,
        cfg.enable_stuck_detection,
    ) == (1000, 7200.0, 0.5, 10.0, 0.25, True, True)
    assert hash(cfg) == hash(RetryConfig())
    assert tinker.RetryConfig is RetryConfig
