"""Alert hooks: ``tinker.on(event, fn)`` calls ``fn(payload)`` when something needs a human's attention.

Events and their payloads (every payload also carries ``event`` and ``time``, seconds since the epoch):

===================  ===========================================================================================
``circuit_open``     ``group``, ``base_url``, ``failures``, ``last_failure``: an endpoint group fails fast now
``circuit_closed``   ``group``, ``base_url``: a probe succeeded, the group is back
``retries_exhausted``  ``operation``, ``attempts``, ``error`` (type and status), ``seconds``: a retryable failure
                     outlasted the retry budget and is raised to the caller
``rate_limited``     ``operation``, ``count``, ``window_seconds``: a 429 storm (``count`` answers 429 within the
                     window); at most once per window
``queue_paused``     ``request_id``, ``request_type``, ``queue_state``, ``reason``: the server paused the queue a
                     future waits in (once per future and state)
``slow_future``      ``request_id``, ``request_type``, ``seconds``: a future has waited longer than
                     ``TINKER_SLOW_FUTURE_SECONDS`` (default 300); once per future
``session_lost``     ``session_id``, ``reason``: the server no longer knows the session (heartbeat 404/410)
``recovered``        ``attempt``, ``checkpoint_path``, ``restored_step``, ``lost_steps``, ``old_model_id``,
                     ``new_model_id``, ``error``: a ``RecoveringTrainingClient`` restored its run
``recovery_gave_up`` the same keys (``new_model_id`` None): a terminal failure will not be recovered
``credential_rotated``  ``source``, ``reason``: the credential command or provider gave a new key
===================  ===========================================================================================

``"*"`` subscribes to every event. Hooks run synchronously on the thread that noticed the event (often the
SDK's event loop thread): keep them short and never block on SDK futures there. A hook that raises is logged
once (``tinker.hooks``) and never breaks the call that triggered it. Payloads hold ids, counts and error types,
never credentials or tensor data.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections import deque
from collections.abc import Callable
from typing import Any

from . import _instrument
from ._instrument import Attempt, Wait

__all__ = ["EVENTS", "Hook", "emit", "on"]

logger = logging.getLogger("tinker.hooks")

Hook = Callable[[dict[str, Any]], object]

EVENTS = frozenset(
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

_lock = threading.Lock()
_listeners: dict[str, tuple[Hook, ...]] = {}
_reported: set[int] = set()  # ids of hooks whose failure was logged already

# A 429 storm: this many answers 429 within the window.
STORM_COUNT = 10
STORM_WINDOW = 10.0
_throttled: deque[float] = deque()
_storm_reported_at = float("-inf")


def on(event: str, fn: Hook) -> Callable[[], None]:
    """Call ``fn(payload)`` on ``event`` (one of :data:`EVENTS`, or ``"*"`` for all); returns an unsubscribe function."""
    if event != "*" and event not in EVENTS:
        raise ValueError(f"tinker.on: unknown event {event!r}; known: {', '.join(sorted(EVENTS))} or '*'")
    if not callable(fn):
        raise TypeError(f"tinker.on: fn must be callable, got {fn!r}")
    with _lock:
        _listeners[event] = (*_listeners.get(event, ()), fn)
        _instrument.add_sink(_ALERTS)  # derived alerts (storms, slow futures, ...) are computed only while hooked

    def off() -> None:
        with _lock:
            left = tuple(f for f in _listeners.get(event, ()) if f is not fn)
            if left:
                _listeners[event] = left
            else:
                _listeners.pop(event, None)
            if not _listeners:
                _instrument.remove_sink(_ALERTS)

    return off


def emit(event: str, **payload: Any) -> None:
    """Deliver ``event`` to its hooks; a failing hook is logged once and skipped."""
    hooks = _listeners.get(event, ()) + _listeners.get("*", ())
    if not hooks:
        return
    data = {"event": event, "time": time.time(), **payload}
    for fn in hooks:
        try:
            fn(dict(data))  # each hook gets its own copy: one hook editing it cannot confuse the next
        except Exception:
            with _lock:
                first = id(fn) not in _reported
                _reported.add(id(fn))
            if first:
                logger.exception("tinker.on(%r) hook %r raised; the call goes on (logged once per hook)", event, fn)
            else:
                logger.debug("tinker.on(%r) hook %r raised again", event, fn)


def _error(error: BaseException) -> str:
    status = getattr(error, "status_code", None)
    return type(error).__name__ + (f" (HTTP {status})" if isinstance(status, int) else "")


class _Alerts(_instrument.Sink):
    """The alerts derived from what the SDK observes (registered while any hook is)."""

    def attempt_end(self, attempt: Attempt) -> None:
        if attempt.status == 429:
            self._note_rate_limited(attempt.op)

    @staticmethod
    def _note_rate_limited(operation: str) -> None:
        global _storm_reported_at
        now = time.monotonic()
        with _lock:
            _throttled.append(now)
            while _throttled and now - _throttled[0] > STORM_WINDOW:
                _throttled.popleft()
            count = len(_throttled)
            storm = count >= STORM_COUNT and now - _storm_reported_at > STORM_WINDOW
            if storm:
                _storm_reported_at = now
        if storm:
            emit("rate_limited", operation=operation, count=count, window_seconds=STORM_WINDOW)

    def gave_up(self, op: str, attempts: int, error: BaseException, seconds: float) -> None:
        emit("retries_exhausted", operation=op, attempts=attempts, error=_error(error), seconds=round(seconds, 3))

    def breaker(self, group: str, base_url: str, state: str, failures: int, last_failure: str | None) -> None:
        if state == "open":
            emit("circuit_open", group=group, base_url=base_url, failures=failures, last_failure=last_failure)
        else:
            emit("circuit_closed", group=group, base_url=base_url)

    def wait_progress(self, wait: Wait) -> None:
        state = wait.queue_state
        if state and state != "active" and f"paused:{state}" not in wait.reported:
            wait.reported.add(f"paused:{state}")
            emit(
                "queue_paused",
                request_id=wait.request_id,
                request_type=wait.request_type,
                queue_state=state,
                reason=wait.reason,
            )
        if "slow" not in wait.reported and wait.seconds > slow_future_seconds():
            wait.reported.add("slow")
            emit(
                "slow_future",
                request_id=wait.request_id,
                request_type=wait.request_type,
                seconds=round(wait.seconds, 3),
            )


def slow_future_seconds() -> float:
    """``TINKER_SLOW_FUTURE_SECONDS`` (default 300): how long a future may wait before ``slow_future``."""
    try:
        return float(os.environ.get("TINKER_SLOW_FUTURE_SECONDS", "300"))
    except ValueError:
        return 300.0


_ALERTS = _Alerts()
