"""Work on a training model: queued on the model's worker thread in ``seq_id`` order, answered with a future."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any

from .. import engine as eng
from .._errors import ApiError, bad_request, conflict
from .._futures import FAILED, FutureRec
from .._workers import Task
from ..engine._atomic import CheckpointStorageError
from .state import LiveModel, ServerState, remember_seq

__all__ = ["ORDERED_OPS", "ModelQueue", "WorkTimer"]

log = logging.getLogger("tinker_local")

#: Operations a model runs in seq_id order.
ORDERED_OPS = frozenset(
    {
        "forward",
        "forward_backward",
        "optim_step",
        "save_weights",
        "load_weights",
        "save_weights_for_sampler",
        "save_weights_external",
    }
)


#: ``timer(op, model_id)`` is called when work is queued (in the submitting request's context) and returns
#: ``started()``; the worker calls that when the work starts, and the function it returns with the outcome ("done"
#: or "failed") when it ends. The HTTP layer's observability sets it (queue and engine spans and metrics).
WorkTimer = Callable[[str, str], Callable[[], Callable[[str], None]]]


def _untimed(_op: str, _model_id: str) -> Callable[[], Callable[[str], None]]:
    return lambda: lambda _outcome: None


class ModelQueue:
    def __init__(self, state: ServerState) -> None:
        self.state = state
        self.timer: WorkTimer = _untimed
        self._fail_hooks: dict[str, Callable[[FutureRec], None]] = {}  # request id -> cleanup on failure
        state.futures.add_listener(self._run_fail_hook)

    def submit(
        self,
        op: str,
        lm: LiveModel,
        seq_id: int | None,
        h: str,
        work: Callable[[LiveModel, Any], Any],
        *,
        prepare: Callable[[], Any] | None = None,
        reserve: Callable[[LiveModel], None] | None = None,
        on_fail: Callable[[FutureRec], None] | None = None,
    ) -> dict[str, Any]:
        """Queue ``work(lm, prepared)``. The seq_id is checked first (a resubmission gets the first answer, a
        reused seq_id a 409); then ``prepare()`` checks and converts the request without holding the lock, and
        ``reserve`` claims what the request needs (e.g. a checkpoint name) under the lock."""
        state = self.state
        model_id = lm.run.run_id
        seq = seq_id if seq_id else None  # 0 means "not set" (as on the protobuf wire)
        with state.lock:
            answer = self._seq_answer(lm, seq, h)
        if answer is not None:
            return answer
        prepared = prepare() if prepare is not None else None
        with state.lock:
            answer = self._seq_answer(lm, seq, h)  # a concurrent resubmission may have won meanwhile
            if answer is not None:
                return answer
            if reserve is not None:
                reserve(lm)
            rec = state.futures.create(op, model_id=model_id, session_id=lm.run.session_id)
            if on_fail is not None:
                self._fail_hooks[rec.request_id] = on_fail
            if seq is not None:
                remember_seq(lm.seqs, seq, (h, rec.request_id))
            state.touch(lm.run)

        started = self.timer(op, model_id)

        def run() -> None:
            if not state.futures.mark_running(rec):
                return
            finished = started()
            try:
                execute()
            finally:
                finished(rec.status)

        def execute() -> None:
            if state.config.train_delay_s > 0:
                time.sleep(state.config.train_delay_s)
            if lm.status != "ready" or lm.model is None:
                why = lm.error or f"model is {lm.status}"
                state.futures.fail(rec, f"model {model_id!r} is not available: {why}", "user")
                return
            try:
                result = work(lm, prepared)
            except eng.EngineInputError as e:
                state.futures.fail(rec, str(e), "user")
                return
            except CheckpointStorageError as e:  # disk full: the message says what is intact
                state.futures.fail(rec, f"{op}: {e}", "server")
                return
            except ApiError as e:
                state.futures.fail(rec, e.detail, e.category or "user")
                return
            except Exception as e:
                log.warning("model %s: %s failed", model_id, op, exc_info=True)
                state.futures.fail(rec, f"internal error during {op}: {type(e).__name__}: {e}", "server")
                return
            state.futures.complete(rec, result)

        lm.worker.submit(Task(op, run, lambda msg: state.futures.fail(rec, msg, "user"), seq))
        return rec.describe()

    def _seq_answer(self, lm: LiveModel, seq: int | None, h: str) -> dict[str, Any] | None:
        """The answer to a seq_id already seen (caller holds the lock); None for a new one."""
        if seq is None:
            return None
        model_id = lm.run.run_id
        if seq in lm.seqs:
            prev_h, prev_rid = lm.seqs[seq]
            if prev_h == h and isinstance(prev_rid, ApiError):
                raise prev_rid  # a retry of a refused request gets the same answer
            if prev_h == h:
                prev = self.state.futures.get(prev_rid)
                return prev.describe() if prev is not None else {"request_id": prev_rid, "model_id": model_id}
            raise conflict(f"seq_id: seq_id {seq} of model {model_id!r} was already used by a different request")
        if lm.worker.seq_status(seq) == "past":
            raise bad_request(
                f"seq_id: seq_id {seq} of model {model_id!r} is behind the model's next expected seq_id "
                f"{lm.worker.next_seq} (it was skipped after a gap timeout, or ran too long ago to be recognised)"
            )
        return None

    def submit_creation(self, lm: LiveModel, rec: FutureRec, create: Callable[[], Any]) -> None:
        """Build a model on its own worker (first in its queue); a failure marks the model failed."""
        futures = self.state.futures
        started = self.timer("create_model", lm.run.run_id)

        def run() -> None:
            if not futures.mark_running(rec):
                return
            finished = started()
            try:
                execute()
            finally:
                finished(rec.status)

        def execute() -> None:
            try:
                result = create()
            except eng.EngineInputError as e:
                lm.status, lm.error = "failed", str(e)
                futures.fail(rec, str(e), "user")
                return
            except Exception as e:  # pragma: no cover - defensive
                log.warning("model %s: creation failed", lm.run.run_id, exc_info=True)
                lm.status, lm.error = "failed", f"internal error: {type(e).__name__}: {e}"
                futures.fail(rec, lm.error, "server")
                return
            futures.complete(rec, result)

        def fail(msg: str) -> None:
            lm.status, lm.error = "failed", msg
            futures.fail(rec, msg, "server")

        lm.worker.submit(Task("create", run, fail, None))

    def refuse_seq(self, owner: str, model_id: Any, seq_id: Any, h: str, error: ApiError) -> None:
        """Count the ``seq_id`` of a request refused on arrival as used.

        The model runs requests strictly in ``seq_id`` order, so a refused request whose id never entered
        the queue would hold back every later request of that client until the gap timeout. Its id is
        queued as a no-op instead, and remembered with the refusal so that a retry gets the same answer.
        """
        if not isinstance(model_id, str) or isinstance(seq_id, bool) or not isinstance(seq_id, int) or seq_id <= 0:
            return
        state = self.state
        with state.lock:
            lm = state.models.get(model_id)
            if lm is None or lm.run.owner != owner or seq_id in lm.seqs:
                return
            if lm.worker.seq_status(seq_id) != "future":
                return
            remember_seq(lm.seqs, seq_id, (h, error))

        def noop(_msg: str = "") -> None:
            return None

        lm.worker.submit(Task("refused", noop, noop, seq_id))

    def _run_fail_hook(self, rec: FutureRec) -> None:
        with self.state.lock:
            hook = self._fail_hooks.pop(rec.request_id, None)
        if hook is not None and rec.status == FAILED:
            hook(rec)
