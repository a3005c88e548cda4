"""In-memory futures: records, long-poll waiting across threads, TTLs and idempotency keys."""

from __future__ import annotations

import asyncio
import itertools
import logging
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import tinker_wire as wire

from ._tenancy import CURRENT_OWNER, visible

__all__ = ["DONE", "FAILED", "PENDING", "RUNNING", "FutureRec", "FutureStore"]

PENDING, RUNNING, DONE, FAILED = "pending", "running", "done", "failed"


@dataclass
class FutureRec:
    request_id: str
    op: str  # request type, e.g. "forward_backward", "sample"
    created_at: float
    session_id: str | None = None
    model_id: str | None = None
    sampling_session_id: str | None = None
    clone_id: int = 0
    status: str = PENDING
    #: JSON-able dict, WireForwardBackwardOutput or WireSampleResponse
    result: Any = None
    error: str | None = None
    category: str | None = None
    started_at: float | None = None
    finished_at: float | None = None
    delivered_at: float | None = None
    cancel: threading.Event = field(default_factory=threading.Event)
    sample_sequence_ids: list[str] | None = None
    waiters: list[tuple[asyncio.AbstractEventLoop, asyncio.Future[None]]] = field(default_factory=list)
    _json: bytes | None = None
    _proto: bytes | None = None
    #: who submitted it (isolated mode); another owner's poll finds nothing
    owner: str | None = field(default_factory=CURRENT_OWNER.get)

    @property
    def terminal(self) -> bool:
        return self.status in (DONE, FAILED)

    @property
    def proto_capable(self) -> bool:
        return isinstance(self.result, (wire.WireForwardBackwardOutput, wire.WireSampleResponse))

    def payload(self, proto: bool) -> tuple[bytes, str]:
        """The encoded result (cached) and its media type."""
        res = self.result
        if proto and self.proto_capable:
            if self._proto is None:
                if isinstance(res, wire.WireSampleResponse):
                    self._proto = wire.encode_sample_response(res)
                else:
                    self._proto = wire.encode_forward_backward_output(res)
            return self._proto, wire.PROTOBUF
        if self._json is None:
            if isinstance(res, wire.WireSampleResponse):
                self._json = wire.dumps(wire.sample_response_to_json(res))
            elif isinstance(res, wire.WireForwardBackwardOutput):
                self._json = wire.dumps(wire.forward_backward_output_to_json(res))
            else:
                self._json = wire.dumps(res)
        return self._json, wire.JSON

    def describe(self) -> dict[str, Any]:
        out: dict[str, Any] = {"request_id": self.request_id}
        if self.model_id is not None:
            out["model_id"] = self.model_id
        if self.sample_sequence_ids is not None:
            out["sample_sequence_ids"] = list(self.sample_sequence_ids)
        return out


class FutureStore:
    """Futures by request id. Completion may come from any thread; waiting is asyncio."""

    def __init__(self, ttl_s: float, undelivered_ttl_s: float) -> None:
        self.ttl_s = ttl_s
        self.undelivered_ttl_s = undelivered_ttl_s
        self._lock = threading.Lock()
        self._recs: dict[str, FutureRec] = {}
        self._nonce = secrets.token_hex(4)
        self._counter = itertools.count(1)
        self._issued = 0
        self._listeners: list[Callable[[FutureRec], None]] = []

    def add_listener(self, fn: Callable[[FutureRec], None]) -> None:
        self._listeners.append(fn)

    def create(self, op: str, **kw: Any) -> FutureRec:
        with self._lock:
            n = next(self._counter)
            self._issued = n
            rid = f"{self._nonce}-{n}"
            rec = FutureRec(request_id=rid, op=op, created_at=time.time(), **kw)
            self._recs[rid] = rec
        return rec

    def get(self, rid: str) -> FutureRec | None:
        with self._lock:
            rec = self._recs.get(rid)
        return rec if rec is not None and visible(rec.owner) else None

    def was_issued(self, rid: str) -> bool:
        """True for an id this server handed out whose record has since expired."""
        nonce, _, num = rid.partition("-")
        if nonce != self._nonce or not (num.isascii() and num.isdigit()):  # "²" is a digit int() refuses
            return False
        with self._lock:
            if rid in self._recs:  # still held, but another owner's: "not found" rather than "expired"
                return False
        return 0 < int(num) <= self._issued

    def all(self) -> list[FutureRec]:
        with self._lock:
            return list(self._recs.values())

    # -- transitions (any thread) -------------------------------------------------------------------
    def mark_running(self, rec: FutureRec) -> bool:
        with self._lock:
            if rec.status != PENDING:
                return False
            rec.status = RUNNING
            rec.started_at = time.time()
            return True

    def complete(self, rec: FutureRec, result: Any) -> None:
        self._finish(rec, DONE, result=result)

    def fail(self, rec: FutureRec, error: str, category: str = "user") -> None:
        self._finish(rec, FAILED, error=error, category=category)

    def _finish(
        self,
        rec: FutureRec,
        status: str,
        result: Any = None,
        error: str | None = None,
        category: str | None = None,
    ) -> None:
        with self._lock:
            if rec.terminal:
                return
            rec.status = status
            rec.result = result
            rec.error = error
            rec.category = category
            rec.finished_at = time.time()
            waiters, rec.waiters = rec.waiters, []
        for loop, fut in waiters:
            try:
                loop.call_soon_threadsafe(_resolve, fut)
            except RuntimeError:  # loop closed
                pass
        for fn in self._listeners:
            try:
                fn(rec)
            except Exception:  # pragma: no cover - listeners must not break completion
                logging.getLogger("tinker_local").warning("future listener failed", exc_info=True)

    def mark_delivered(self, rec: FutureRec) -> None:
        with self._lock:
            if rec.delivered_at is None:
                rec.delivered_at = time.time()

    # -- waiting (event loop) -----------------------------------------------------------------------
    async def wait(self, rec: FutureRec, timeout: float) -> bool:
        """Wait until ``rec`` is terminal; False on timeout."""
        if rec.terminal:
            return True
        loop = asyncio.get_running_loop()
        fut: asyncio.Future[None] = loop.create_future()
        entry = (loop, fut)
        with self._lock:
            if rec.terminal:
                return True
            rec.waiters.append(entry)
        try:
            await asyncio.wait({fut}, timeout=max(0.0, timeout))
        finally:
            with self._lock:
                try:
                    rec.waiters.remove(entry)
                except ValueError:
                    pass
        return rec.terminal

    # -- housekeeping -------------------------------------------------------------------------------
    def sweep(self, t: float | None = None) -> int:
        t = t if t is not None else time.time()
        dead = []
        with self._lock:
            for rid, rec in self._recs.items():
                if not rec.terminal or rec.waiters:
                    continue
                if rec.delivered_at is not None:
                    if t - rec.delivered_at >= self.ttl_s:
                        dead.append(rid)
                elif rec.finished_at is not None and t - rec.finished_at >= self.undelivered_ttl_s:
                    dead.append(rid)
            for rid in dead:
                del self._recs[rid]
        return len(dead)


def _resolve(fut: asyncio.Future[None]) -> None:
    if not fut.done():
        fut.set_result(None)


class AsyncSignal:
    """A thread-safe "something changed" signal that coroutines can wait on with a timeout."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._waiters: list[tuple[asyncio.AbstractEventLoop, asyncio.Future[None]]] = []

    def notify(self) -> None:
        with self._lock:
            waiters, self._waiters = self._waiters, []
        for loop, fut in waiters:
            try:
                loop.call_soon_threadsafe(_resolve, fut)
            except RuntimeError:
                pass

    async def wait(self, timeout: float, ready: Callable[[], bool]) -> bool:
        """Wait until ``ready()`` holds (checked after every notify) or ``timeout`` passes."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + max(0.0, timeout)
        while True:
            fut: asyncio.Future[None] = loop.create_future()
            entry = (loop, fut)
            with self._lock:
                self._waiters.append(entry)
            try:
                if ready():
                    return True
                remaining = deadline - loop.time()
                if remaining <= 0:
                    return False
                await asyncio.wait({fut}, timeout=remaining)
            finally:
                with self._lock:
                    try:
                        self._waiters.remove(entry)
                    except ValueError:
                        pass
