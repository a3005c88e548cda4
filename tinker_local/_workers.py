"""Execution: one thread per training model (requests in ``seq_id`` order), a pool for sampling."""

from __future__ import annotations

import logging
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

__all__ = ["ModelWorker", "Task"]

log = logging.getLogger("tinker_local")


@dataclass
class Task:
    """A unit of work for a model: ``run()`` does it, ``fail(msg)`` reports it could not run."""

    name: str
    run: Callable[[], None]
    fail: Callable[[str], None]
    seq_id: int | None = None


class ModelWorker:
    """Runs one model's tasks on a private thread.

    Tasks with a ``seq_id`` run strictly in order starting at ``next_seq``; a missing ``seq_id``
    holds back the later ones until it arrives, for at most ``gap_timeout_s`` after the worker
    ran out of other work — then every waiting task fails with a message naming the missing id
    and ``next_seq`` moves past them. Tasks without a ``seq_id`` run in arrival order whenever no
    ordered task is runnable. The thread exits when there is nothing left to wait for and is
    restarted by the next submission.
    """

    def __init__(self, name: str, gap_timeout_s: float, first_seq: int = 1) -> None:
        self.name = name
        self.gap_timeout_s = gap_timeout_s
        self._cv = threading.Condition()
        self._next_seq = first_seq
        self._ordered: dict[int, Task] = {}
        self._free: deque[Task] = deque()
        self._thread: threading.Thread | None = None
        self._closed = False
        self._busy = False
        self._gap_since: float | None = None

    @property
    def next_seq(self) -> int:
        with self._cv:
            return self._next_seq

    def seq_status(self, seq: int) -> str:
        """``"past"`` (already run or skipped), ``"queued"`` or ``"future"``."""
        with self._cv:
            if seq < self._next_seq:
                return "past"
            return "queued" if seq in self._ordered else "future"

    def submit(self, task: Task) -> None:
        with self._cv:
            if self._closed:
                closed = True
            else:
                closed = False
                if task.seq_id is None:
                    self._free.append(task)
                else:
                    self._ordered[task.seq_id] = task
                if self._thread is None:
                    self._thread = threading.Thread(
                        target=self._loop, name=f"tinker-local-model-{self.name}", daemon=True
                    )
                    self._thread.start()
                self._cv.notify_all()
        if closed:
            task.fail("the server is shutting down")

    def idle(self) -> bool:
        with self._cv:
            return not self._busy and not self._free and not self._ordered

    def close(self, timeout: float = 10.0) -> None:
        with self._cv:
            self._closed = True
            self._cv.notify_all()
            t = self._thread
        if t is not None and t is not threading.current_thread():
            t.join(timeout)

    def _loop(self) -> None:
        while True:
            to_fail: list[Task] = []
            task: Task | None = None
            reason = ""
            exit_after = False
            with self._cv:
                while True:
                    if self._closed:
                        to_fail = list(self._free) + [self._ordered[k] for k in sorted(self._ordered)]
                        self._free.clear()
                        self._ordered.clear()
                        self._thread = None
                        reason = "the server is shutting down"
                        exit_after = True
                        break
                    if self._next_seq in self._ordered:
                        task = self._ordered.pop(self._next_seq)
                        self._next_seq += 1
                        break
                    if self._free:
                        task = self._free.popleft()
                        break
                    if not self._ordered:
                        self._thread = None
                        return
                    # ordered tasks wait for a missing seq_id
                    if self._gap_since is None:
                        self._gap_since = time.monotonic()
                    remaining = self._gap_since + self.gap_timeout_s - time.monotonic()
                    if remaining <= 0:
                        missing = self._next_seq
                        waiting = sorted(self._ordered)
                        to_fail = [self._ordered[k] for k in waiting]
                        self._ordered.clear()
                        self._next_seq = waiting[-1] + 1
                        self._gap_since = None
                        reason = (
                            f"seq_id {missing} never arrived within {self.gap_timeout_s:g} s, so the requests "
                            f"waiting behind it (seq_id {', '.join(map(str, waiting))}) were failed; a model's "
                            f"requests must use consecutive seq_ids"
                        )
                        log.warning("model %s: %s", self.name, reason)
                        break
                    self._cv.wait(remaining)
                if task is not None:
                    self._gap_since = None
                    self._busy = True
            for t in to_fail:
                try:
                    t.fail(reason)
                except Exception:  # pragma: no cover
                    log.exception("model %s: failing %s raised", self.name, t.name)
            if exit_after:
                return
            if task is not None:
                try:
                    task.run()
                except Exception:  # pragma: no cover - run() handles its own errors
                    log.exception("model %s: task %s raised", self.name, task.name)
                finally:
                    with self._cv:
                        self._busy = False
