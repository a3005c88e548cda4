"""The client's audit log (opt-in): ``TINKER_AUDIT_LOG=path`` or :func:`enable_audit_log`.

One JSON line per call that creates, changes or deletes something on the server (the methods marked
``observed(audit=True)``: creating training and sampling clients, save/load, checkpoint delete, publish,
unpublish and TTL, copy_weights, session project, custom losses), written when the call settles::

    {"time": "2025-01-01T12:00:00.123Z", "call": "TrainingClient.save_state", "outcome": "ok", "seconds": 0.41,
     "ids": {"model_id": "...", "session_id": "...", "name": "step-10", "result_path": "tinker://.../weights/step-10"}}

A failed call has ``"outcome": "error"`` and ``"error"`` (the exception type, with the HTTP status if any).
Lines hold ids, names and paths only: never credentials, user metadata or data. Training steps
(forward_backward, optim_step) and reads are not audited: metrics and traces cover them.
"""

from __future__ import annotations

import datetime as dt
import os
import threading
from pathlib import Path

import orjson

from . import _instrument
from ._instrument import Call

__all__ = ["AuditLog", "disable_audit_log", "enable_audit_log"]

_AUDIT_IDS = (
    "model_id",
    "session_id",
    "sampling_session_id",
    "base_model",
    "name",
    "path",
    "model_path",
    "tinker_path",
    "training_run_id",
    "checkpoint_id",
    "ttl_seconds",
    "overwrite",
    "destination_project_id",
    "project_id",
    "loss_id",
    "result_path",
)

_lock = threading.Lock()
_active: AuditLog | None = None


class AuditLog(_instrument.Sink):
    """Appends one line per audited call to ``path`` (created owner-only; appends are whole lines)."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path).expanduser()
        self._lock = threading.Lock()

    def call_end(self, call: Call) -> None:
        if not call.audited or call.nested:
            return
        entry: dict[str, object] = {
            "time": dt.datetime.fromtimestamp(call.wall, dt.UTC)
            .isoformat(timespec="milliseconds")
            .replace("+00:00", "Z"),
            "call": call.name,
            "outcome": "ok" if call.error is None else "error",
            "seconds": round(call.seconds, 6),
            "ids": {k: call.attrs[k] for k in _AUDIT_IDS if k in call.attrs},
        }
        if call.error is not None:
            status = getattr(call.error, "status_code", None)
            entry["error"] = type(call.error).__name__ + (f" (HTTP {status})" if isinstance(status, int) else "")
        self.write(orjson.dumps(entry) + b"\n")

    def write(self, line: bytes) -> None:
        with self._lock:
            fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
            try:
                os.write(fd, line)  # one write of one line: concurrent writers never interleave within it
            finally:
                os.close(fd)


def enable_audit_log(path: str | os.PathLike[str]) -> None:
    """Append an audit line for every mutating call of this process to ``path``."""
    global _active
    with _lock:
        if _active is not None:
            if _active.path == Path(path).expanduser():
                return
            _instrument.remove_sink(_active)
        _active = AuditLog(path)
        _instrument.add_sink(_active)


def disable_audit_log() -> None:
    global _active
    with _lock:
        if _active is not None:
            _instrument.remove_sink(_active)
            _active = None
