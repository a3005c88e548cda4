"""Opt-in recovery of training runs that fail terminally (server-side failure, run lost, server restarted).

Wrap a TrainingClient in :class:`RecoveringTrainingClient`. It remembers the step of every ``save_state``
and counts completed optimizer steps. When a call fails with a server-side or lost-run error, it restores
the latest saved state (weights and optimizer) into a new training client and raises
:class:`TrainingRunRecovered` from that call, naming the step the run is back at. Your loop resumes from
that step, so no optimizer step is silently replayed or skipped::

    run = tinker.RecoveringTrainingClient(service, training, tinker.RecoveryPolicy(max_attempts=3))
    step = 0
    while step < num_steps:
        try:
            run.forward_backward(batch(step), "cross_entropy")
            run.optim_step(adam).result()
            step += 1
            if step % 10 == 0:
                run.save_state(f"step-{step:06d}").result()
        except tinker.TrainingRunRecovered as recovered:
            step = recovered.step
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

from . import _hooks
from ._breaker import CircuitOpenError
from ._exceptions import APIConnectionError, NotFoundError, RequestFailedError, TinkerError
from ._futures import APIFuture, spawn
from ._polling import FutureExpiredError

if TYPE_CHECKING:
    from tinker_api.models import OptimStepResponse, SaveWeightsResponse

    from ._service_client import ServiceClient
    from ._training_client import TrainingClient
    from .types.datum import Datum
    from .types.forward_backward_output import ForwardBackwardOutput

__all__ = ["RecoveringTrainingClient", "RecoveryEvent", "RecoveryPolicy", "TrainingRunRecovered"]

logger = logging.getLogger("tinker.recovery")
T = TypeVar("T")


@dataclass(frozen=True)
class RecoveryEvent:
    """What happened in one recovery attempt (passed to the policy's callbacks)."""

    attempt: int
    error: BaseException
    checkpoint_path: str | None
    restored_step: int | None
    lost_steps: int
    old_model_id: str
    new_model_id: str | None


@dataclass(frozen=True)
class RecoveryPolicy:
    """When and how often to recover.

    Attributes:
        max_attempts: Recoveries allowed over the wrapper's life; the next terminal failure is raised.
        on_recovery: Called after a successful restore (for logging or alerting).
        on_give_up: Called when a failure will not be recovered (no checkpoint, attempts used up,
            restore failed).
    """

    max_attempts: int = 3
    on_recovery: Callable[[RecoveryEvent], None] | None = None
    on_give_up: Callable[[RecoveryEvent], None] | None = None

    def __post_init__(self) -> None:
        if self.max_attempts < 0:
            raise ValueError(f"RecoveryPolicy.max_attempts must be >= 0, got {self.max_attempts}")


class TrainingRunRecovered(TinkerError):
    """The run failed and was restored from ``checkpoint_path``: resume your loop at ``step``.

    The call that raised this was not applied; the ``lost_steps`` optimizer steps completed after the
    checkpoint are gone and must be redone.
    """

    def __init__(self, message: str, *, step: int, checkpoint_path: str, lost_steps: int, cause: BaseException) -> None:
        super().__init__(message)
        self.step = step
        self.checkpoint_path = checkpoint_path
        self.lost_steps = lost_steps
        self.cause = cause

    def __reduce__(self) -> Any:
        return (_rebuild_recovered, (str(self), self.step, self.checkpoint_path, self.lost_steps, self.cause))


def _rebuild_recovered(message: str, step: int, path: str, lost: int, cause: BaseException) -> TrainingRunRecovered:
    return TrainingRunRecovered(message, step=step, checkpoint_path=path, lost_steps=lost, cause=cause)


def _alert(name: str, event: RecoveryEvent) -> None:
    _hooks.emit(
        name,
        attempt=event.attempt,
        checkpoint_path=event.checkpoint_path,
        restored_step=event.restored_step,
        lost_steps=event.lost_steps,
        old_model_id=event.old_model_id,
        new_model_id=event.new_model_id,
        error=type(event.error).__name__,
    )


def is_terminal(exc: BaseException) -> bool:
    """Failures that mean the run itself is broken or gone (never user mistakes)."""
    if isinstance(exc, RequestFailedError):
        return str(getattr(exc.category, "value", exc.category)) == "server"
    return isinstance(exc, (NotFoundError, FutureExpiredError, CircuitOpenError, APIConnectionError))


class RecoveringTrainingClient:
    """A TrainingClient that restores its latest saved state after terminal failures (see module docs)."""

    def __init__(
        self, service: ServiceClient, client: TrainingClient, policy: RecoveryPolicy | None = None, *, step: int = 0
    ) -> None:
        self._service = service
        self._client = client
        self.policy = policy or RecoveryPolicy()
        self._lock = threading.Lock()
        self.step = step
        self._submitted_steps = step
        self._checkpoints: list[tuple[int, str]] = []
        self.attempts = 0
        self._generation = 0
        self._restore_lock: asyncio.Lock | None = None  # lives on the SDK loop; one restore at a time

    @property
    def client(self) -> TrainingClient:
        """The current underlying TrainingClient (replaced after a recovery)."""
        return self._client

    @property
    def model_id(self) -> str:
        return self._client.model_id

    @property
    def latest_checkpoint(self) -> tuple[int, str] | None:
        """(step, tinker path) of the latest saved state, if any."""
        with self._lock:
            return self._checkpoints[-1] if self._checkpoints else None

    def _guard(self, future: APIFuture[T], on_success: Callable[[T], None] | None = None) -> APIFuture[T]:
        generation = self._generation

        async def run() -> T:
            try:
                value = await future.result_async()
            except BaseException as exc:
                if not is_terminal(exc):
                    raise
                raise await self._recover(exc, generation) from exc
            if on_success is not None:
                on_success(value)
            return value

        return spawn(run())

    async def _recover(self, exc: BaseException, generation: int) -> BaseException:
        if self._restore_lock is None:
            self._restore_lock = asyncio.Lock()
        async with self._restore_lock:
            return await self._recover_locked(exc, generation)

    async def _recover_locked(self, exc: BaseException, generation: int) -> BaseException:
        with self._lock:
            if generation != self._generation:
                # Another call already restored the run; this call belonged to the lost model.
                step, path = self._checkpoints[-1]
                return TrainingRunRecovered(
                    f"training run was restored from {path} at step {step}; resubmit",
                    step=step,
                    checkpoint_path=path,
                    lost_steps=0,
                    cause=exc,
                )
            checkpoint = self._checkpoints[-1] if self._checkpoints else None
            self.attempts += 1
            attempt = self.attempts
            old_id = self._client.model_id
        lost = self.step - (checkpoint[0] if checkpoint else 0)
        event = RecoveryEvent(
            attempt,
            exc,
            checkpoint[1] if checkpoint else None,
            checkpoint[0] if checkpoint else None,
            lost,
            old_id,
            None,
        )
        if checkpoint is None or attempt > self.policy.max_attempts:
            why = "no saved state to restore" if checkpoint is None else f"{self.policy.max_attempts} recoveries used"
            logger.error("Training run %s failed terminally (%s); not recovering: %s", old_id, exc, why)
            _alert("recovery_gave_up", event)
            if self.policy.on_give_up is not None:
                self.policy.on_give_up(event)
            return exc
        step, path = checkpoint
        logger.warning(
            "Training run %s failed terminally (%s); restoring %s (step %d, %d steps lost)",
            old_id,
            exc,
            path,
            step,
            lost,
        )
        try:
            new_client = await self._service.create_training_client_from_state_with_optimizer(path).result_async()
        except BaseException as restore_exc:  # noqa: BLE001 - reported, then the original failure is raised
            logger.error("Restoring %s failed: %s", path, restore_exc)
            _alert("recovery_gave_up", event)
            if self.policy.on_give_up is not None:
                self.policy.on_give_up(event)
            return exc
        with self._lock:
            self._client = new_client
            self._generation += 1
            self.step = self._submitted_steps = step
            self._checkpoints = [c for c in self._checkpoints if c[0] <= step]
        done = RecoveryEvent(attempt, exc, path, step, lost, old_id, new_client.model_id)
        _alert("recovered", done)
        if self.policy.on_recovery is not None:
            self.policy.on_recovery(done)
        return TrainingRunRecovered(
            f"training run {old_id} failed ({type(exc).__name__}: {exc}); restored {path} into "
            f"{new_client.model_id}: resume at step {step} ({lost} completed steps were lost)",
            step=step,
            checkpoint_path=path,
            lost_steps=lost,
            cause=exc,
        )

    # ------------------------------------------------------------------ the training surface

    def forward(
        self, data: Sequence[Datum], loss_fn: str, loss_fn_config: Mapping[str, float | str] | None = None
    ) -> APIFuture[ForwardBackwardOutput]:
        return self._guard(self._client.forward(data, loss_fn, loss_fn_config))

    def forward_backward(
        self, data: Sequence[Datum], loss_fn: str, loss_fn_config: Mapping[str, float | str] | None = None
    ) -> APIFuture[ForwardBackwardOutput]:
        return self._guard(self._client.forward_backward(data, loss_fn, loss_fn_config))

    def optim_step(self, optim_params: Any = None, *, adam_params: Any = None) -> APIFuture[OptimStepResponse]:
        with self._lock:
            self._submitted_steps += 1

        def done(_: Any) -> None:
            with self._lock:
                self.step += 1

        return self._guard(self._client.optim_step(optim_params, adam_params=adam_params), done)

    def save_state(
        self,
        name: str,
        ttl_seconds: int | None = None,
        overwrite: bool = False,
        user_metadata: Mapping[str, str] | None = None,
    ) -> APIFuture[SaveWeightsResponse]:
        with self._lock:
            at_step = self._submitted_steps  # requests run in order: the save follows every step submitted

        def done(resp: SaveWeightsResponse) -> None:
            with self._lock:
                self._checkpoints.append((at_step, resp.path))
                self._checkpoints.sort()

        return self._guard(self._client.save_state(name, ttl_seconds, overwrite, user_metadata), done)

    def __getattr__(self, name: str) -> Any:
        # Everything else (sampling clients, get_info, tokenizer, ...) goes to the current client.
        return getattr(self._client, name)
