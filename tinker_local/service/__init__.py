"""The local server's behaviour, independent of HTTP, one module per concern of the API.

``Service`` builds the concerns on one shared :class:`~.state.ServerState` and hands the HTTP layer their
``@handles("<operationId>")`` methods. Work the contract makes asynchronous is queued (training: one thread
per model, in ``seq_id`` order; sampling: a small thread pool on immutable sampler snapshots) and answered
with a future.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from .._config import ServerConfig
from .._state import CheckpointRec, now
from .admin import Admin
from .calls import Call, handlers_of
from .checkpoints import Checkpoints
from .files import Files
from .futures import Futures
from .model_queue import ORDERED_OPS, ModelQueue
from .models import Models
from .runs import Runs
from .sampling import Sampling
from .sessions import Sessions
from .state import ServerState, body_hash
from .training import Training

__all__ = ["ORDERED_OPS", "Service", "body_hash"]


class Service:
    def __init__(self, config: ServerConfig) -> None:
        self.config = config
        self.state = state = ServerState(config)
        state.futures.add_listener(state.on_future_done)
        self.queue = ModelQueue(state)
        models = Models(state, self.queue)
        checkpoints = Checkpoints(state, self.queue, models)
        self.sampling = Sampling(state)
        self.files = Files(state)
        self.futures = Futures(state)
        self.concerns: tuple[object, ...] = (
            Sessions(state),
            models,
            Training(state, self.queue),
            checkpoints,
            Runs(state, checkpoints),
            self.files,
            self.sampling,
            self.futures,
            Admin(state),
        )
        self._last_sweep = 0.0
        self._closed = False

    def handlers(self) -> dict[str, Callable[[Call], Any]]:
        """operationId -> handler, for every operation this server implements."""
        return handlers_of(*self.concerns)

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        state = self.state
        with state.lock:
            models = list(state.models.values())
            samplers = list(state.samplers.values())
        for rec in state.futures.all():
            rec.cancel.set()
        for s in samplers:
            s.ready.set()
        for m in models:
            m.worker.close()
        self.sampling.pool.shutdown(wait=True, cancel_futures=True)
        procs = self.sampling.processes
        if procs is not None:
            procs.close()
        for rec in state.futures.all():
            if not rec.terminal:
                state.futures.fail(rec, "the server stopped before this request finished", "server")
        for t in list(state.stream_threads):
            t.join(5)
        state.store.close()

    def maybe_sweep(self) -> None:
        t = time.monotonic()
        if t - self._last_sweep < self.config.janitor_interval_s:
            return
        self._last_sweep = t
        self.sweep()

    def sweep(self) -> None:
        """Expire futures and checkpoints past their TTL and prune what referred to them."""
        state = self.state
        state.futures.sweep()
        self.sampling.prune()
        t = now()
        expired: list[tuple[CheckpointRec, Path | None]] = []
        with state.lock:
            for key, rec in list(state.store.checkpoints.items()):
                if rec.status == "ready" and rec.expired(t):
                    del state.store.checkpoints[key]
                    expired.append((rec, state.store.set_aside_checkpoint_files(rec)))
        for rec, aside in expired:
            state.store.remove_checkpoint_files(aside)
            state.store.save_checkpoint_index(rec.run_id)
            state.store.audit("checkpoint_expire", model_id=rec.run_id, tinker_path=rec.tinker_path)

    def record_request(self, op: str, body: Any, params: dict[str, Any], start: float, end: float, status: int) -> None:
        self.state.span(self.state.session_of(body, params), op, start, end, "http", status=status)
