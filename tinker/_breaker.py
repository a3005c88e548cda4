"""Circuit breakers, one per endpoint group, consulted by the transport before every attempt.

closed → (``failure_threshold`` consecutive transport failures or 5xx) → open → (``recovery_timeout``
elapsed) → half-open: ``half_open_max_calls`` probe requests go through; a success closes the circuit, a
failure opens it again. While open, new calls fail at once with :class:`CircuitOpenError` instead of
piling retries onto a dead server; work already in flight waits for the next probe. Opening and closing are
reported to the observability seam (metrics, the ``circuit_open``/``circuit_closed`` alerts).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from tinker_wire._lazy import deferred_import

from . import _instrument
from ._exceptions import APIConnectionError

if TYPE_CHECKING:
    import httpx
else:
    httpx = deferred_import("httpx", globals())

__all__ = ["BreakerRegistry", "CircuitBreaker", "CircuitBreakerConfig", "CircuitOpenError", "endpoint_group"]


@dataclass(frozen=True)
class CircuitBreakerConfig:
    """Thresholds of the per-endpoint-group circuit breakers.

    Attributes:
        enabled: False turns the breakers off.
        failure_threshold: Consecutive failures (connection errors, timeouts, 5xx) that open the circuit.
        recovery_timeout: Seconds an open circuit waits before letting a probe through.
        half_open_max_calls: Probes allowed at once while half-open.
    """

    enabled: bool = True
    failure_threshold: int = 5
    recovery_timeout: float = 10.0
    half_open_max_calls: int = 1

    def __post_init__(self) -> None:
        if self.failure_threshold < 1:
            raise ValueError(f"CircuitBreakerConfig.failure_threshold must be >= 1, got {self.failure_threshold}")
        if self.recovery_timeout < 0:
            raise ValueError(f"CircuitBreakerConfig.recovery_timeout must be >= 0, got {self.recovery_timeout}")
        if self.half_open_max_calls < 1:
            raise ValueError("CircuitBreakerConfig.half_open_max_calls must be >= 1")


class CircuitOpenError(APIConnectionError):
    """Calls to an endpoint group are failing fast because the server kept failing."""

    def __init__(self, *, message: str, request: httpx.Request, retry_in: float) -> None:
        super().__init__(message=message, request=request)
        self.retry_in = retry_in


class CircuitBreaker:
    """One breaker. Thread-safe; time comes from ``clock`` (monotonic seconds) for testability."""

    CLOSED, OPEN, HALF_OPEN = "closed", "open", "half_open"

    def __init__(
        self,
        name: str,
        config: CircuitBreakerConfig | None = None,
        clock: Callable[[], float] = time.monotonic,
        base_url: str = "",
    ) -> None:
        self.name = name
        self.base_url = base_url
        self.config = config or CircuitBreakerConfig()
        self._clock = clock
        self._lock = threading.Lock()
        self._state = self.CLOSED
        self._failures = 0
        self._opened_at = 0.0
        self._probes = 0
        self.last_failure: str | None = None

    @property
    def state(self) -> str:
        with self._lock:
            self._advance()
            return self._state

    def _advance(self) -> None:
        if self._state == self.OPEN and self._clock() - self._opened_at >= self.config.recovery_timeout:
            self._state = self.HALF_OPEN
            self._probes = 0

    def retry_in(self) -> float:
        """Seconds until an open circuit lets a probe through (0 when calls may go now)."""
        with self._lock:
            self._advance()
            if self._state != self.OPEN:
                return 0.0
            return max(0.0, self.config.recovery_timeout - (self._clock() - self._opened_at))

    def allow(self) -> bool:
        """Whether a request may be sent now (reserves a probe slot when half-open)."""
        if not self.config.enabled:
            return True
        with self._lock:
            self._advance()
            if self._state == self.CLOSED:
                return True
            if self._state == self.HALF_OPEN and self._probes < self.config.half_open_max_calls:
                self._probes += 1
                return True
            return False

    def release(self) -> None:
        """Give back a probe slot whose request ended without an outcome (e.g. it was cancelled)."""
        with self._lock:
            if self._state == self.HALF_OPEN and self._probes > 0:
                self._probes -= 1

    def record_success(self) -> None:
        with self._lock:
            closing = self._state != self.CLOSED
            self._state = self.CLOSED
            self._failures = 0
            self._probes = 0
        if closing:  # reported outside the lock: alert hooks run user code
            _instrument.breaker_changed(self.name, self.base_url, self.CLOSED, 0, self.last_failure)

    def record_failure(self, what: str) -> None:
        with self._lock:
            self.last_failure = what
            self._failures += 1
            was_closed = self._state == self.CLOSED  # a failed probe re-opens quietly: one alert per outage
            if self._state == self.HALF_OPEN or self._failures >= self.config.failure_threshold:
                self._state = self.OPEN
                self._opened_at = self._clock()
                self._probes = 0
            opened = was_closed and self._state == self.OPEN
            failures = self._failures
        if opened:
            _instrument.breaker_changed(self.name, self.base_url, self.OPEN, failures, what)

    def open_error(self, request: httpx.Request, base_url: str) -> CircuitOpenError:
        wait = self.retry_in()
        return CircuitOpenError(
            message=(
                f"Circuit open for '{self.name}' requests to {base_url}: {self._failures} consecutive failures "
                f"(last: {self.last_failure}). Failing fast for {wait:.1f}s more; check that the server is "
                "running and reachable (TINKER_BASE_URL) and its logs."
            ),
            request=request,
            retry_in=wait,
        )


def endpoint_group(path: str) -> str:
    """The breaker group of a request path."""
    tail = path.rsplit("/api/v1/", 1)[-1]
    if tail.startswith(("retrieve_future", "retrieve_futures", "cancel_future")):
        return "futures"
    if tail.startswith(("asample", "stream_sample", "create_sampling_session", "join_sampling_session")):
        return "sampling"
    if tail.startswith(
        (
            "forward",
            "optim_step",
            "save_weights",
            "load_weights",
            "create_model",
            "get_info",
            "unload_model",
            "create_custom_loss",
        )
    ):
        return "training"
    if tail.startswith(("create_session", "session_heartbeat", "client/", "telemetry", "auth/")):
        return "session"
    return "rest"


class BreakerRegistry:
    """The breakers of one transport, created on demand per endpoint group."""

    def __init__(self, config: CircuitBreakerConfig | None = None, base_url: str = "") -> None:
        self.config = config or CircuitBreakerConfig()
        self.base_url = base_url
        self._breakers: dict[str, CircuitBreaker] = {}
        self._lock = threading.Lock()

    def for_path(self, path: str) -> CircuitBreaker:
        group = endpoint_group(path)
        with self._lock:
            breaker = self._breakers.get(group)
            if breaker is None:
                breaker = self._breakers[group] = CircuitBreaker(group, self.config, base_url=self.base_url)
            return breaker
