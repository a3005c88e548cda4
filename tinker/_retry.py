"""The one retry policy: which failures are retried, how long to wait, and when to give up.

Every layer that retries (request submission, future polling, sampling) asks a :class:`RetryPolicy`; the
knobs live in the public :class:`RetryConfig`. Decisions:

* Retried: connection errors and timeouts, HTTP 408, 429 and 5xx, and any status the server marks with
  ``x-should-retry: true``. ``x-should-retry: false`` always wins.
* Not retried: 409. The official SDK retries it, which turns "checkpoint already exists" into a five-minute
  stall; our server uses 409 only for real conflicts.
* 402 (billing pause): wait and retry until ``billing_pause_max`` seconds have passed, then fail. The pause
  has its own limit and does not use up the call's deadline.
* Open circuit breaker: a new call fails fast; a call that is already retrying, or whose work the server
  already holds (a polled future), waits for the breaker's next probe if that comes within the deadline.
* Delay: exponential from ``retry_delay_base`` capped at ``retry_delay_max``, shortened by up to
  ``jitter_factor`` (so synchronized clients spread out); a server ``Retry-After``/``retry-after-ms`` of at
  most 60 s replaces it. No wait ever runs past the call's deadline.

:func:`retry_call` is the one loop that applies these decisions; the transport runs every request through
it and the futures poller every poll.
"""

from __future__ import annotations

import email.utils
import logging
import math
import random
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, TypeVar

from tinker_wire._lazy import deferred_import

from . import _instrument
from ._breaker import CircuitBreakerConfig, CircuitOpenError
from ._config import redact_urls
from ._exceptions import APIConnectionError, APIStatusError, APITimeoutError, BillingError, TinkerError

if TYPE_CHECKING:
    import asyncio

    import httpx
else:
    httpx = deferred_import("httpx", globals())
    asyncio = deferred_import("asyncio", globals())

__all__ = ["RETRYABLE_STATUSES", "RetryConfig", "RetryPolicy", "RetryableError", "retry_call"]

T = TypeVar("T")

logger = logging.getLogger("tinker.retry")

RETRYABLE_STATUSES = frozenset({408, 429}) | frozenset(range(500, 600))
# How often a billing pause (HTTP 402) asks again.
_BILLING_WAIT = 5.0
# An open breaker whose probe is already out says "retry in 0 s": ask again after this, do not spin.
_PROBE_WAIT = 0.05


class RetryableError(TinkerError):
    """A failure the caller may fix by resubmitting (e.g. an expired future, HTTP 410)."""


def _default_retryable_exceptions() -> tuple[type[BaseException], ...]:
    return (asyncio.TimeoutError, APIConnectionError, httpx.TimeoutException, httpx.TransportError, RetryableError)


@dataclass(frozen=True)
class RetryConfig:
    """Retry and concurrency settings.

    The first eight fields are those of the official SDK's ``RetryConfig`` (same names and defaults);
    ``deadline``, ``max_attempts`` and ``billing_pause_max`` are ours.

    Attributes:
        max_connections: Concurrent sampling requests per sampler (None: unlimited).
        progress_timeout: Fail sampling calls when no request of the sampler completed for this long.
        retry_delay_base: First backoff delay in seconds.
        retry_delay_max: Largest backoff delay in seconds.
        jitter_factor: Each delay is shortened by a random fraction up to this value.
        enable_retry_logic: False disables retries altogether.
        enable_stuck_detection: False disables the ``progress_timeout`` watchdog.
        retryable_exceptions: Exception types that are retried.
        deadline: Give up retrying one logical call after this many seconds (None: never).
        max_attempts: Give up after this many attempts (None: no limit besides the deadline).
        billing_pause_max: How long HTTP 402 (billing pause) is waited out before failing.
        circuit_breaker: Thresholds of the per-endpoint-group circuit breakers.
    """

    max_connections: int | None = 1000
    progress_timeout: float = 7200.0
    retry_delay_base: float = 0.5
    retry_delay_max: float = 10.0
    jitter_factor: float = 0.25
    enable_retry_logic: bool = True
    enable_stuck_detection: bool = True
    retryable_exceptions: tuple[type[BaseException], ...] = field(default_factory=_default_retryable_exceptions)
    deadline: float | None = 300.0
    max_attempts: int | None = None
    billing_pause_max: float = 3600.0
    circuit_breaker: CircuitBreakerConfig = field(default_factory=CircuitBreakerConfig)

    def __post_init__(self) -> None:
        if self.retry_delay_base < 0 or self.retry_delay_max < 0:
            raise ValueError("RetryConfig: retry_delay_base and retry_delay_max must be >= 0")
        if not 0.0 <= self.jitter_factor <= 1.0:
            raise ValueError(f"RetryConfig.jitter_factor must be in [0, 1], got {self.jitter_factor}")
        if self.max_attempts is not None and self.max_attempts < 1:
            raise ValueError(f"RetryConfig.max_attempts must be >= 1 or None, got {self.max_attempts}")
        if self.max_connections is not None and self.max_connections < 1:
            raise ValueError(f"RetryConfig.max_connections must be >= 1 or None, got {self.max_connections}")


def parse_retry_after(headers: Mapping[str, str], now: float | None = None) -> float | None:
    """Seconds the server asks us to wait (``retry-after-ms``, or ``retry-after`` seconds or HTTP date).

    Values outside (0, 60] are ignored, as the official SDK does.
    """
    delay: float | None = None
    raw_ms = headers.get("retry-after-ms")
    if raw_ms is not None:
        try:
            delay = float(raw_ms) / 1000.0
        except ValueError:
            delay = None
    if delay is None:
        raw = headers.get("retry-after")
        if raw is not None:
            try:
                delay = float(raw)
            except ValueError:
                parsed = email.utils.parsedate_tz(raw)
                if parsed is not None:
                    delay = email.utils.mktime_tz(parsed) - (time.time() if now is None else now)
    if delay is None or not (0 < delay <= 60):
        return None
    return delay


class RetryPolicy:
    """Decides, per failure, whether to retry and how long to wait. Stateless apart from its RNG."""

    def __init__(
        self,
        config: RetryConfig | None = None,
        *,
        rng: random.Random | None = None,
        retry_statuses: frozenset[int] = RETRYABLE_STATUSES,
    ) -> None:
        self.config = config or RetryConfig()
        self._rng = rng or random.Random()
        self._retry_statuses = retry_statuses

    def backoff(self, attempt: int) -> float:
        """Delay before retry number ``attempt`` (0-based), with jitter, in [0, retry_delay_max]."""
        cfg = self.config
        # ldexp is exact; past 2**2000 any positive base is above any cap, and an overflow means the cap too.
        try:
            base = min(math.ldexp(cfg.retry_delay_base, min(attempt, 2000)), cfg.retry_delay_max)
        except OverflowError:
            base = cfg.retry_delay_max
        return max(0.0, base * (1.0 - cfg.jitter_factor * self._rng.random()))

    def should_retry_status(self, status: int, headers: Mapping[str, str]) -> bool:
        """Whether an HTTP status (and the server's ``x-should-retry`` hint) calls for another attempt."""
        if not self.config.enable_retry_logic:
            return False
        hint = headers.get("x-should-retry")
        if hint == "true":
            return True
        if hint == "false":
            return False
        return status in self._retry_statuses

    def should_retry_exception(self, exc: BaseException) -> bool:
        """Whether an exception raised by an attempt calls for another attempt."""
        if not self.config.enable_retry_logic:
            return False
        if isinstance(exc, APIStatusError):
            return self.should_retry_status(exc.status_code, exc.response.headers)
        return isinstance(exc, self.config.retryable_exceptions)

    def delay_for(self, attempt: int, headers: Mapping[str, str] | None = None) -> float:
        """The wait before the next attempt: the server's Retry-After if given, else the backoff."""
        if headers is not None:
            hinted = parse_retry_after(headers)
            if hinted is not None:
                return hinted
        return self.backoff(attempt)

    def budget_left(self, started: float, attempt: int) -> float | None:
        """Seconds left for this call (None: unlimited); 0 when the call must stop retrying."""
        cfg = self.config
        if cfg.max_attempts is not None and attempt + 1 >= cfg.max_attempts:
            return 0.0
        if cfg.deadline is None:
            return None
        return max(0.0, cfg.deadline - (time.monotonic() - started))


async def retry_call(
    attempt: Callable[[int], Awaitable[T]],
    policy: RetryPolicy,
    *,
    what: str,
    in_flight: bool = False,
    op: str | None = None,
) -> T:
    """Await ``attempt(n)`` for n = 0, 1, ... until one returns; re-raise the last failure when ``policy`` gives up.

    Only API failures (status and connection errors, an open circuit) are retried; anything else ``attempt``
    raises propagates at once. ``n`` counts the attempts (a billing pause re-sends under the same number).
    ``what`` names the call in logs, ``op`` (its operationId) in metrics and alerts. ``in_flight``: the server
    already holds this call's work, so an open circuit is waited out even on the first attempt. Each retry and
    each give-up of a retryable failure is reported to the observability seam.
    """
    name = op or what
    started = time.monotonic()
    billing_since: float | None = None
    n = 0
    while True:
        try:
            return await attempt(n)
        except CircuitOpenError as exc:
            left = policy.budget_left(started, n)
            if not policy.config.enable_retry_logic or (n == 0 and not in_flight):
                raise
            if left is not None and left < exc.retry_in:
                _instrument.gave_up(name, n + 1, exc, time.monotonic() - started)
                raise
            _instrument.retried(name, "circuit_open")
            await asyncio.sleep(max(exc.retry_in, _PROBE_WAIT))
        except BillingError as exc:
            paused = time.monotonic()
            billing_since = paused if billing_since is None else billing_since
            if paused - billing_since > policy.config.billing_pause_max:
                _instrument.gave_up(name, n + 1, exc, paused - billing_since)
                raise
            logger.warning("Billing pause (HTTP 402) on %s; waiting %.0f s", what, _BILLING_WAIT)
            _instrument.retried(name, "billing_pause")
            await asyncio.sleep(_BILLING_WAIT)
            started += time.monotonic() - paused  # the pause has its own limit: it leaves the deadline alone
            continue
        except (APIStatusError, APIConnectionError) as exc:
            if not policy.should_retry_exception(exc):
                raise
            left = policy.budget_left(started, n)
            if left is not None and left <= 0:
                _instrument.gave_up(name, n + 1, exc, time.monotonic() - started)
                raise
            delay = policy.delay_for(n, exc.response.headers if isinstance(exc, APIStatusError) else None)
            if left is not None:
                delay = min(delay, left)
            logger.info("Retrying %s after %s (attempt %d, waiting %.2fs)", what, _describe(exc), n + 1, delay)
            _instrument.retried(name, _cause(exc))
            await asyncio.sleep(delay)
        n += 1


def _describe(exc: BaseException) -> str:
    if isinstance(exc, APIStatusError):
        return f"HTTP {exc.status_code}"
    return type(exc).__name__


def _cause(exc: BaseException) -> str:
    """A retry's cause as a metric label: ``http_503``, ``timeout``, ``connection_error``."""
    if isinstance(exc, APIStatusError):
        return f"http_{exc.status_code}"
    return "timeout" if isinstance(exc, APITimeoutError) else "connection_error"


def to_api_error(exc: httpx.HTTPError, request: httpx.Request | None) -> APIConnectionError:
    """Map an httpx transport failure onto the SDK's exception tree."""
    req = request if request is not None else httpx.Request("GET", "http://unknown")
    if isinstance(exc, httpx.TimeoutException):
        return APITimeoutError(request=req)
    server = f"{req.url.scheme}://{req.url.netloc.decode('ascii', 'replace')}"
    return APIConnectionError(
        message=(
            f"Connection error talking to {server} ({req.method} {req.url.path}): "
            f"{type(exc).__name__}: {redact_urls(str(exc))}. "
            "Check that the server is running and reachable (TINKER_BASE_URL / base_url)."
        ),
        request=req,
    )
