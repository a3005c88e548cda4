"""The circuit breaker and the retry policy: seeded property tests, then the transport against a dead or
misbehaving upstream.

The breaker's reference model below is written from the documented semantics (``tinker/_breaker.py``
module docstring), not from the implementation: closed → ``failure_threshold`` consecutive failures →
open → ``recovery_timeout`` on the injected clock → half-open, where ``half_open_max_calls`` probes go
through; a probe success closes the circuit, a probe failure opens it again.
"""

from __future__ import annotations

import email.utils
import random
import socket
import time
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import tinker
from tinker import types
from tinker._breaker import CircuitBreaker, CircuitBreakerConfig, CircuitOpenError
from tinker._retry import RetryConfig, RetryPolicy, parse_retry_after
from tinker.testing import FaultProxy

from .conftest import BASE_MODEL, close_quietly, make_service, wait_until

SEEDED = settings(
    derandomize=True, database=None, deadline=None, max_examples=300, suppress_health_check=list(HealthCheck)
)


class Clock:
    def __init__(self) -> None:
        self.now = 0.0  # exact: elapsed == now - opened_at without rounding at the boundary

    def __call__(self) -> float:
        return self.now


class BreakerModel:
    """The documented state machine, for sequential calls (each call finishes before the next starts)."""

    def __init__(self, cfg: CircuitBreakerConfig) -> None:
        self.cfg = cfg
        self.state = "closed"
        self.failures = 0
        self.opened_at = 0.0

    def effective(self, now: float) -> str:
        if self.state == "open" and now - self.opened_at >= self.cfg.recovery_timeout:
            return "half_open"
        return self.state

    def call(self, now: float, ok: bool) -> bool:
        """Returns whether the call may go through; applies its outcome."""
        state = self.effective(now)
        if state == "open":
            return False
        if ok:
            self.state, self.failures = "closed", 0
        elif state == "half_open":
            self.state, self.opened_at = "open", now
        else:
            self.failures += 1
            if self.failures >= self.cfg.failure_threshold:
                self.state, self.opened_at = "open", now
        return True


configs = st.builds(
    CircuitBreakerConfig,
    failure_threshold=st.integers(1, 6),
    recovery_timeout=st.one_of(st.just(0.0), st.floats(0.01, 5.0)),
    half_open_max_calls=st.integers(1, 4),
)
operations = st.lists(
    st.one_of(
        st.tuples(st.just("call"), st.booleans()), st.tuples(st.just("tick"), st.floats(0.0, 3.0, allow_nan=False))
    ),
    max_size=80,
)


@SEEDED
@given(cfg=configs, ops=operations)
def test_breaker_follows_the_documented_state_machine(cfg: CircuitBreakerConfig, ops: list[tuple[str, Any]]) -> None:
    clock = Clock()
    breaker = CircuitBreaker("training", cfg, clock=clock)
    model = BreakerModel(cfg)
    for op, arg in ops:
        if op == "tick":
            clock.now += arg
        else:
            expected = model.call(clock.now, arg)
            allowed = breaker.allow()
            assert allowed == expected, (op, arg, model.state)
            if allowed:
                (breaker.record_success() if arg else breaker.record_failure("HTTP 503"))
        state = model.effective(clock.now)
        assert breaker.state == state
        if state == "open":
            left = cfg.recovery_timeout - (clock.now - model.opened_at)
            assert breaker.retry_in() == pytest.approx(left, abs=1e-9)
            assert not breaker.allow(), "an open circuit fails fast"
        else:
            assert breaker.retry_in() == 0.0


@SEEDED
@given(cfg=configs, successes=st.integers(1, 3))
def test_a_success_resets_the_consecutive_failure_count(cfg: CircuitBreakerConfig, successes: int) -> None:
    breaker = CircuitBreaker("sampling", cfg, clock=Clock())
    for _ in range(5):
        for _ in range(cfg.failure_threshold - 1):
            assert breaker.allow()
            breaker.record_failure("ConnectError")
        for _ in range(successes):
            assert breaker.allow()
            breaker.record_success()
    assert breaker.state == "closed"
    for _ in range(cfg.failure_threshold):
        breaker.record_failure("ConnectError")
    assert breaker.state == ("open" if cfg.recovery_timeout > 0 else "half_open")


@SEEDED
@given(cfg=configs, callers=st.integers(1, 8), probe_ok=st.booleans(), early=st.floats(0.0, 0.999))
def test_half_open_lets_a_bounded_number_of_probes_through(
    cfg: CircuitBreakerConfig, callers: int, probe_ok: bool, early: float
) -> None:
    clock = Clock()
    breaker = CircuitBreaker("futures", cfg, clock=clock)
    for _ in range(cfg.failure_threshold):
        breaker.record_failure("HTTP 500")
    if cfg.recovery_timeout > 0:
        assert breaker.state == "open"
        clock.now += cfg.recovery_timeout * early  # still open before the timeout
        assert not any(breaker.allow() for _ in range(callers))
    clock.now += cfg.recovery_timeout  # now past it: half-open
    admitted = sum(breaker.allow() for _ in range(callers))
    assert admitted == min(callers, cfg.half_open_max_calls)
    assert breaker.state == "half_open"
    if probe_ok:
        breaker.record_success()
        assert breaker.state == "closed" and all(breaker.allow() for _ in range(callers))
    else:
        breaker.record_failure("HTTP 502")
        assert breaker.state == ("open" if cfg.recovery_timeout > 0 else "half_open")
        if cfg.recovery_timeout > 0:
            assert not breaker.allow() and breaker.retry_in() == pytest.approx(cfg.recovery_timeout)


# ---------------------------------------------------------------------------------------------- backoff


@SEEDED
@given(
    attempt=st.integers(0, 80),
    base=st.floats(0.0, 5.0),
    cap=st.floats(0.0, 60.0),
    jitter=st.floats(0.0, 1.0),
    seed=st.integers(0, 2**32 - 1),
)
def test_backoff_stays_within_its_bounds(attempt: int, base: float, cap: float, jitter: float, seed: int) -> None:
    policy = RetryPolicy(
        RetryConfig(retry_delay_base=base, retry_delay_max=cap, jitter_factor=jitter), rng=random.Random(seed)
    )
    delay = policy.backoff(attempt)
    top = min(base * 2**attempt, cap)
    assert 0.0 <= delay <= cap
    assert delay <= top * (1 + 1e-12)
    assert delay >= (1 - jitter) * top * (1 - 1e-12) - 1e-12


@pytest.mark.parametrize("attempt", [0, 2, 5])
def test_jitter_spreads_delays_over_the_whole_window(attempt: int) -> None:
    cfg = RetryConfig(retry_delay_base=0.5, retry_delay_max=10.0, jitter_factor=0.25)
    policy = RetryPolicy(cfg, rng=random.Random(1234))
    top = min(0.5 * 2**attempt, 10.0)
    delays = [policy.backoff(attempt) for _ in range(2000)]
    assert min(delays) >= 0.75 * top and max(delays) <= top
    assert min(delays) < 0.76 * top and max(delays) > 0.99 * top, "jitter must use the whole window"
    assert sum(delays) / len(delays) == pytest.approx(0.875 * top, rel=0.02)
    assert len(set(delays)) > 1900, "synchronized clients must spread out"


@pytest.mark.parametrize("attempt", [64, 1023, 1024, 1100, 10**6])
def test_backoff_never_overflows_for_large_attempts(attempt: int) -> None:
    """After hours of retries (or a fast-spinning attempt counter) the delay is the cap, not an OverflowError."""
    policy = RetryPolicy(RetryConfig(retry_delay_base=0.5, retry_delay_max=10.0), rng=random.Random(0))
    assert 7.5 <= policy.backoff(attempt) <= 10.0


# ---------------------------------------------------------------------------------------------- Retry-After

NOW = 1_700_000_000.0


@SEEDED
@given(seconds=st.floats(0.001, 60.0))
def test_retry_after_seconds_in_range_are_used(seconds: float) -> None:
    assert parse_retry_after(httpx.Headers({"retry-after": repr(seconds)})) == pytest.approx(seconds)


@SEEDED
@given(ms=st.integers(1, 60_000))
def test_retry_after_ms_in_range_wins(ms: int) -> None:
    headers = httpx.Headers({"retry-after-ms": str(ms), "retry-after": "30"})
    assert parse_retry_after(headers) == pytest.approx(ms / 1000)


@SEEDED
@given(ahead=st.integers(1, 60))
def test_retry_after_http_date_is_relative_to_now(ahead: int) -> None:
    date = email.utils.formatdate(NOW + ahead, usegmt=True)
    assert parse_retry_after(httpx.Headers({"retry-after": date}), now=NOW) == pytest.approx(ahead)


@SEEDED
@given(
    value=st.one_of(
        st.floats(max_value=0.0), st.floats(min_value=60.0001), st.just(float("nan")), st.just(float("inf"))
    )
)
def test_retry_after_out_of_range_is_ignored(value: float) -> None:
    assert parse_retry_after(httpx.Headers({"retry-after": repr(value)})) is None
    assert parse_retry_after(httpx.Headers({"retry-after-ms": repr(value * 1000)})) is None


@SEEDED
@given(offset=st.one_of(st.integers(-(10**6), 0), st.integers(61, 10**8)))
def test_retry_after_dates_in_the_past_or_far_future_are_ignored(offset: int) -> None:
    date = email.utils.formatdate(NOW + offset, usegmt=True)
    assert parse_retry_after(httpx.Headers({"retry-after": date}), now=NOW) is None


@SEEDED
@given(
    raw=st.text(alphabet=st.characters(min_codepoint=32, max_codepoint=126), max_size=40),
    key=st.sampled_from(["retry-after", "retry-after-ms"]),
)
def test_retry_after_garbage_never_raises(raw: str, key: str) -> None:
    delay = parse_retry_after(httpx.Headers({key: raw}), now=NOW)
    assert delay is None or 0 < delay <= 60


@SEEDED
@given(attempt=st.integers(0, 30), seconds=st.integers(1, 60), seed=st.integers(0, 1000))
def test_delay_for_prefers_the_servers_hint(attempt: int, seconds: int, seed: int) -> None:
    policy = RetryPolicy(RetryConfig(), rng=random.Random(seed))
    assert policy.delay_for(attempt, httpx.Headers({"retry-after": str(seconds)})) == seconds
    plain = policy.delay_for(attempt, httpx.Headers({"retry-after": "600"}))  # out of range: the backoff
    assert 0 <= plain <= RetryConfig().retry_delay_max


# ---------------------------------------------------------------------------------------------- budget


@SEEDED
@given(
    max_attempts=st.one_of(st.none(), st.integers(1, 20)),
    attempt=st.integers(0, 40),
    deadline=st.one_of(st.none(), st.floats(0.5, 100.0)),
    elapsed=st.floats(0.0, 150.0),
)
def test_budget_left_honours_deadline_and_max_attempts(
    max_attempts: int | None, attempt: int, deadline: float | None, elapsed: float
) -> None:
    policy = RetryPolicy(RetryConfig(max_attempts=max_attempts, deadline=deadline))
    left = policy.budget_left(time.monotonic() - elapsed, attempt)
    if max_attempts is not None and attempt + 1 >= max_attempts:
        assert left == 0.0
    elif deadline is None:
        assert left is None
    else:
        assert left is not None and left == pytest.approx(max(0.0, deadline - elapsed), abs=0.05)


# ---------------------------------------------------------------------------------------------- transport


def _dead_port() -> int:
    """A loopback port with nothing listening on it."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_dead_upstream_opens_the_circuit_then_calls_fail_fast() -> None:
    url = f"http://127.0.0.1:{_dead_port()}"
    config = RetryConfig(
        deadline=3.0,
        retry_delay_base=0.05,
        retry_delay_max=0.2,
        circuit_breaker=CircuitBreakerConfig(failure_threshold=3, recovery_timeout=30.0),
    )
    service = make_service(url, config)
    try:
        started = time.monotonic()
        with pytest.raises(tinker.APIConnectionError):
            service.create_sampling_client(base_model=BASE_MODEL).result(timeout=20)
        assert time.monotonic() - started < 5
        for _ in range(3):
            t0 = time.perf_counter()
            with pytest.raises(CircuitOpenError) as info:
                service.create_sampling_client(base_model=BASE_MODEL).result(timeout=5)
            assert time.perf_counter() - t0 < 0.05, "an open circuit must fail fast"
            message = str(info.value)
            assert "'session'" in message and url in message, message
            assert "check that the server is running" in message
            assert 0 < info.value.retry_in <= 30
    finally:
        close_quietly(service)


def _polls(proxy: FaultProxy, since: float) -> int:
    return len(proxy.requests("/retrieve_future", since=since))


def _storm(server: Any, proxy: FaultProxy, rule: dict[str, Any], window: float, config: RetryConfig) -> tuple[int, Any]:
    """Answer every poll per ``rule`` for ``window`` seconds while a sample waits; returns the poll count
    and the (then unblocked) sample's result."""
    service = make_service(proxy.base_url, config)
    try:
        sampler = service.create_sampling_client(base_model=BASE_MODEL).result(timeout=30)
        proxy.add(path="/retrieve_future", times=None, **rule)
        started = time.monotonic()
        future = sampler.sample(
            types.ModelInput.from_ints(list(b"storm")), 1, types.SamplingParams(max_tokens=2, seed=1)
        )
        time.sleep(window)
        polls = _polls(proxy, started)
        proxy.clear()
        return polls, future.result(timeout=15)
    finally:
        close_quietly(service)


STORM_CONFIG = RetryConfig(
    retry_delay_base=0.2,
    retry_delay_max=1.0,
    circuit_breaker=CircuitBreakerConfig(failure_threshold=5, recovery_timeout=0.5),
)


@pytest.mark.parametrize("status", [500, 503])
def test_polling_backs_off_on_repeated_5xx(server: Any, proxy: FaultProxy, status: int) -> None:
    polls, result = _storm(server, proxy, {"action": "status", "status": status}, 2.5, STORM_CONFIG)
    # 0.2 + 0.4 + 0.8 + 1.0 ... s apart, then the open breaker: about 5 polls, never a spin
    assert 2 <= polls <= 10, polls
    assert len(result.sequences[0].tokens) >= 1


def test_polling_honours_retry_after_on_429(server: Any, proxy: FaultProxy) -> None:
    rule = {"action": "status", "status": 429, "headers": {"retry-after": "0.5"}}
    polls, _ = _storm(server, proxy, rule, 2.0, STORM_CONFIG)
    assert 2 <= polls <= 6, polls


def test_polling_paces_fast_408s(server: Any, proxy: FaultProxy) -> None:
    rule = {
        "action": "status",
        "status": 408,
        "headers": {"content-type": "application/json"},
        "body": b'{"detail": "not yet", "queue_state": "active"}',
    }
    polls, _ = _storm(server, proxy, rule, 2.0, STORM_CONFIG)
    assert 2 <= polls <= 10, polls  # >= 0.25 s apart


def test_polling_paces_fast_try_again_replies(server: Any, proxy: FaultProxy) -> None:
    """Regression test for a bug this suite found (fixed in the working tree): tinker/_polling.py poll_future re-
    polls at once on a `try_again` reply (`continue` with no wait): a server or proxy that answers try_again
    without long-polling makes the poller spin (hundreds of requests per second), unlike fast 408s which are
    paced by _MIN_POLL_INTERVAL
    """
    rule = {
        "action": "status",
        "status": 200,
        "headers": {"content-type": "application/json"},
        "body": b'{"type": "try_again", "queue_state": "active", "request_id": "x"}',
    }
    polls, _ = _storm(server, proxy, rule, 2.0, STORM_CONFIG)
    assert polls <= 20, f"{polls} polls in 2 s"


def test_a_cancelled_half_open_probe_does_not_wedge_the_breaker(server: Any, proxy: FaultProxy) -> None:
    """Regression test for a bug this suite found (fixed in the working tree): tinker/_transport.py
    Transport._send_guarded (behind send_once and open_stream) reserves a half-open probe slot with
    breaker.allow() but releases it only via record_success/record_failure on an httpx result or
    httpx.HTTPError; a probe that is cancelled (future.cancel(), result_async timeout, closed SampleStream)
    records neither, so tinker/_breaker.py CircuitBreaker stays half-open with no free slot and every later call
    fails with CircuitOpenError (retry_in 0) forever although the server is healthy
    """
    config = RetryConfig(
        deadline=1.0,
        retry_delay_base=0.05,
        retry_delay_max=0.1,
        circuit_breaker=CircuitBreakerConfig(failure_threshold=2, recovery_timeout=0.3),
    )
    service = make_service(proxy.base_url, config)
    try:
        sampler = service.create_sampling_client(base_model=BASE_MODEL).result(timeout=30)
        prompt, params = types.ModelInput.from_ints(list(b"probe")), types.SamplingParams(max_tokens=2, seed=3)
        proxy.add("reset", "/asample", times=None)
        with pytest.raises(tinker.APIConnectionError):
            sampler.sample(prompt, 1, params).result(timeout=10)
        proxy.clear()
        proxy.add("delay", "/asample", delay=3.0, times=1)  # the probe will be slow ...
        time.sleep(0.4)  # past recovery_timeout: half-open
        mark = time.monotonic()
        probe = sampler.sample(prompt, 1, params)
        assert wait_until(lambda: proxy.requests("/asample", since=mark), 2.0)
        probe.cancel()  # ... and its caller gives up on it
        # The server is healthy: within a few recovery timeouts, calls must go through again.
        end = time.monotonic() + 3.0
        last: BaseException | None = None
        while time.monotonic() < end:
            try:
                result = sampler.sample(prompt, 1, params).result(timeout=10)
                break
            except CircuitOpenError as exc:
                last = exc
                time.sleep(0.1)
        else:
            raise AssertionError(f"the breaker stayed wedged for 3 s: {last}")
        assert result.sequences[0].tokens
    finally:
        close_quietly(service)


# ---------------------------------------------------------------------------------------------- 429 on sample


def test_sampling_429s_back_off_by_the_servers_retry_after(server: Any, proxy: FaultProxy) -> None:
    service = make_service(proxy.base_url)
    try:
        sampler = service.create_sampling_client(base_model=BASE_MODEL).result(timeout=30)
        rule = proxy.add(
            "status",
            "/asample",
            status=429,
            times=4,
            headers={"retry-after": "0.2"},
            body=b'{"detail": "too many requests"}',
        )
        started = time.monotonic()
        result = sampler.sample(
            types.ModelInput.from_ints(list(b"busy")), 1, types.SamplingParams(max_tokens=2, seed=1)
        ).result(timeout=30)
        elapsed = time.monotonic() - started
        assert rule.applied == 4 and result.sequences[0].tokens
        assert 0.7 <= elapsed < 3.0, f"4 x Retry-After 0.2 s took {elapsed:.2f} s"
        assert len(proxy.requests("/asample")) == 5
    finally:
        close_quietly(service)


def test_a_permanent_429_storm_on_sample_ends_at_the_retry_deadline(server: Any, proxy: FaultProxy) -> None:
    """Regression test for a bug this suite found (fixed in the working tree): tinker/_sampling_client.py
    SamplingClient._sample_unlimited answers a 429 on asample with `continue` (client-wide backoff) and never
    consults the policy's budget: a permanent 429 storm retries forever although RetryConfig.deadline says 'give
    up retrying one logical call after this many seconds'
    """
    service = make_service(proxy.base_url, RetryConfig(deadline=1.5))
    try:
        sampler = service.create_sampling_client(base_model=BASE_MODEL).result(timeout=30)
        proxy.add(
            "status",
            "/asample",
            status=429,
            times=None,
            headers={"retry-after": "0.2"},
            body=b'{"detail": "too many requests"}',
        )
        future = sampler.sample(types.ModelInput.from_ints(list(b"busy")), 1, types.SamplingParams(max_tokens=2))
        try:
            with pytest.raises(tinker.RateLimitError):
                future.result(timeout=5)
        finally:
            future.cancel()
    finally:
        close_quietly(service)


def test_a_tiny_base_keeps_doubling_past_64_attempts() -> None:
    """Found by hypothesis: the exponent was capped at 64, so a tiny base stopped doubling (half the window)."""
    policy = RetryPolicy(
        RetryConfig(retry_delay_base=1e-30, retry_delay_max=60.0, jitter_factor=0.0), rng=random.Random(0)
    )
    assert policy.backoff(65) == 1e-30 * 2.0**65
    assert policy.backoff(10**9) == 60.0
