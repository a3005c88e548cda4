"""Durable server state: sessions, training runs, checkpoints, audit log and usage counters.

Layout under the state directory (every JSON file is written atomically: temp file + rename)::

    meta.json                               {"version": 1, "url_key": ...}
    sessions/<session_id>.json              one session
    runs/<run_id>/run.json                  one training run (model metadata)
    runs/<run_id>/checkpoints.json          its checkpoint index
    runs/<run_id>/<kind>/<name>/            checkpoint directories (kind = weights | sampler_weights |
                                            external_weights), written by the engine
    audit.jsonl                             checkpoint events, one JSON object a line
    usage.json                              token counters per UTC hour
    exports/                                archives and traces served through signed URLs

Checkpoint directories are replaced crash-safely (see ``engine._atomic``).  On start the store
finishes or undoes overwrites a crash interrupted and deletes crash leftovers -- only our own hidden
temporary names (``.<name>.tmp-*``, ``.<name>.old-*``, ``.<name>.*.tmp`` ...) in the places we write
them, never symlinks and never an indexed checkpoint.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import re
import secrets
import shutil
import tempfile
import threading
import uuid
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

from .engine._atomic import recover_dir, remove_leftovers

__all__ = [
    "KINDS",
    "KIND_TO_TYPE",
    "CheckpointRec",
    "RunRec",
    "SessionRec",
    "StateStore",
    "dir_size",
    "iso",
    "now",
]

KINDS = ("weights", "sampler_weights", "external_weights")
KIND_TO_TYPE = {"weights": "training", "sampler_weights": "sampler", "external_weights": "external"}
TYPE_TO_KIND = {v: k for k, v in KIND_TO_TYPE.items()}

log = logging.getLogger("tinker_local")
_TRACE_TMP = re.compile(r"\.trace-.+\.json\.tmp")  # the server's trace export temp files


def now() -> float:
    import time

    return time.time()


def iso(ts: float | None) -> str | None:
    """RFC 3339 UTC text of an epoch time (``None`` passes through)."""
    if ts is None:
        return None
    d = dt.datetime.fromtimestamp(ts, tz=dt.UTC)
    return d.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def write_json_atomic(path: Path, obj: Any) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            json.dump(obj, f, indent=1, sort_keys=True)
            f.write("\n")
            f.flush()
            os.fsync(f.fileno())  # else a crash soon after the rename can leave an empty file
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def read_json(path: Path) -> Any:
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def dir_size(path: Path) -> int:
    total = 0
    for root, _dirs, files in os.walk(path):
        for name in files:
            try:
                total += os.path.getsize(os.path.join(root, name))
            except OSError:
                pass
    return total


@dataclass
class SessionRec:
    session_id: str
    created_at: float
    owner: str
    tags: list[str] = field(default_factory=list)
    user_metadata: dict[str, str] = field(default_factory=dict)
    sdk_version: str = ""
    project_id: str | None = None
    display_name: str | None = None
    last_heartbeat: float | None = None
    heartbeat_count: int = 0
    finished: dict[str, Any] | None = None  # {"reason": {...}, "detail": str|None, "at": float}
    training_run_ids: list[str] = field(default_factory=list)
    sampler_ids: list[str] = field(default_factory=list)
    body_hash: str = ""


@dataclass
class RunRec:
    run_id: str
    base_model: str
    owner: str
    created_at: float
    last_request_time: float
    session_id: str | None = None
    model_seq_id: int | None = None
    lora_rank: int = 32
    lora_seed: int = 0
    lora_alpha: float = 32.0
    train_attn: bool = True
    train_mlp: bool = True
    train_unembed: bool = True
    user_metadata: dict[str, str] | None = None
    trainable: bool = True
    optimizer_config: dict[str, Any] = field(default_factory=lambda: {"type": "adamw"})
    corrupted: bool = False


@dataclass
class CheckpointRec:
    run_id: str
    kind: str
    name: str
    created_at: float
    size_bytes: int = 0
    public: bool = False
    expires_at: float | None = None
    user_metadata: dict[str, str] | None = None
    status: str = "ready"  # pending | ready

    @property
    def checkpoint_id(self) -> str:
        return f"{self.kind}/{self.name}"

    @property
    def tinker_path(self) -> str:
        return f"tinker://{self.run_id}/{self.kind}/{self.name}"

    @property
    def checkpoint_type(self) -> str:
        return KIND_TO_TYPE[self.kind]

    def expired(self, t: float | None = None) -> bool:
        return self.expires_at is not None and (t if t is not None else now()) >= self.expires_at


class StateStore:
    """Files and in-memory indexes of everything that outlives a request."""

    def __init__(self, state_dir: str | os.PathLike | None) -> None:
        self.temporary = state_dir is None
        if state_dir is None:
            self.root = Path(tempfile.mkdtemp(prefix="tinker-local-"))
        else:
            self.root = Path(state_dir).expanduser().resolve()
            self.root.mkdir(parents=True, exist_ok=True)
        self.lock = threading.RLock()
        self.sessions: dict[str, SessionRec] = {}
        self.runs: dict[str, RunRec] = {}
        self.checkpoints: dict[tuple[str, str, str], CheckpointRec] = {}
        self.usage: dict[str, dict[str, int]] = {}  # "hour|session|base_model|type" -> {"tokens": n}
        self._audit_path = self.root / "audit.jsonl"
        meta_path = self.root / "meta.json"
        meta = read_json(meta_path) if meta_path.exists() else {}
        if "url_key" not in meta:
            meta = {"version": 1, "url_key": secrets.token_hex(32)}
            write_json_atomic(meta_path, meta)
        self.url_key = bytes.fromhex(meta["url_key"])
        if not self.temporary:
            self._recover()  # before loading: a checkpoint may be sitting under its temporary name
        self._load()
        if not self.temporary:
            self._remove_leftovers()

    # -- paths ------------------------------------------------------------------------------------
    def run_dir(self, run_id: str) -> Path:
        return self.root / "runs" / quote(run_id, safe="-_.:")

    def checkpoint_dir(self, run_id: str, kind: str, name: str) -> Path:
        return self.run_dir(run_id) / kind / name

    @property
    def exports_dir(self) -> Path:
        d = self.root / "exports"
        d.mkdir(parents=True, exist_ok=True)
        return d

    # -- loading ----------------------------------------------------------------------------------
    def _load(self) -> None:
        sdir = self.root / "sessions"
        if sdir.is_dir():
            for p in sorted(sdir.glob("*.json")):
                try:
                    rec = SessionRec(**read_json(p))
                except (OSError, ValueError, TypeError):
                    continue
                self.sessions[rec.session_id] = rec
        rdir = self.root / "runs"
        if rdir.is_dir():
            for d in sorted(rdir.iterdir()):
                try:
                    run = RunRec(**read_json(d / "run.json"))
                except (OSError, ValueError, TypeError):
                    continue
                self.runs[run.run_id] = run
                try:
                    cks = read_json(d / "checkpoints.json")
                except (OSError, ValueError):
                    cks = []
                for c in cks:
                    try:
                        rec = CheckpointRec(**c)
                    except TypeError:
                        continue
                    if rec.status != "ready" or not self.checkpoint_dir(rec.run_id, rec.kind, rec.name).is_dir():
                        continue
                    self.checkpoints[(rec.run_id, rec.kind, rec.name)] = rec
        upath = self.root / "usage.json"
        if upath.exists():
            try:
                self.usage = {k: dict(v) for k, v in read_json(upath).items()}
            except (OSError, ValueError, AttributeError):
                self.usage = {}

    # -- crash recovery ---------------------------------------------------------------------------
    def _run_tree(self) -> Iterator[Path]:
        """Every directory under runs/ (symlinks are not followed)."""
        rdir = self.root / "runs"
        if rdir.is_dir():
            for dirpath, dirs, _files in os.walk(rdir):
                dirs.sort()
                yield Path(dirpath)

    def _recover(self) -> None:
        for d in self._run_tree():
            for line in recover_dir(d):
                log.warning("state: %s", line)

    def _remove_leftovers(self) -> None:
        keep = {self.checkpoint_dir(*key) for key in self.checkpoints}
        removed = remove_leftovers(self.root, finals=("meta.json", "usage.json"))
        if (self.root / "sessions").is_dir():
            removed += remove_leftovers(self.root / "sessions")
        for d in self._run_tree():
            removed += remove_leftovers(d, keep)
        traces = self.root / "exports" / "traces"
        if traces.is_dir():
            for p in sorted(traces.iterdir()):
                if _TRACE_TMP.fullmatch(p.name) and p.is_file() and not p.is_symlink():
                    p.unlink(missing_ok=True)
                    removed.append(p)
        for p in removed:
            log.info("state: removed crash leftover %s", p.relative_to(self.root))

    # -- saving -----------------------------------------------------------------------------------
    def save_session(self, rec: SessionRec) -> None:
        write_json_atomic(self.root / "sessions" / f"{quote(rec.session_id, safe='-_.')}.json", asdict(rec))

    def save_run(self, run: RunRec) -> None:
        write_json_atomic(self.run_dir(run.run_id) / "run.json", asdict(run))

    def save_checkpoint_index(self, run_id: str) -> None:
        with self.lock:  # snapshot and write together, so concurrent saves never write a stale index
            recs = [
                asdict(c) for (r, _k, _n), c in sorted(self.checkpoints.items()) if r == run_id and c.status == "ready"
            ]
            write_json_atomic(self.run_dir(run_id) / "checkpoints.json", recs)

    def save_usage(self) -> None:
        with self.lock:
            data = {k: dict(v) for k, v in self.usage.items()}
        write_json_atomic(self.root / "usage.json", data)

    # -- audit ------------------------------------------------------------------------------------
    def audit(self, event: str, *, model_id: str | None = None, tinker_path: str | None = None, **details: Any) -> None:
        entry = {
            "timestamp": now(),
            "event": event,
            "model_id": model_id,
            "tinker_path": tinker_path,
            "details": details,
        }
        line = memoryview((json.dumps(entry, sort_keys=True) + "\n").encode("utf-8"))
        with self.lock:
            fd = os.open(self._audit_path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
            try:
                end = os.lseek(fd, 0, os.SEEK_END)
                try:
                    while line:
                        line = line[os.write(fd, line) :]
                except OSError:
                    os.ftruncate(fd, end)  # a partial line (disk full) would swallow the next entry too
                    raise
            finally:
                os.close(fd)

    def audit_entries(self) -> Iterator[dict[str, Any]]:
        if not self._audit_path.exists():
            return iter(())
        out = []
        with self.lock, open(self._audit_path, encoding="utf-8") as f:
            for line in f:
                try:
                    out.append(json.loads(line))
                except ValueError:
                    continue
        return iter(out)

    # -- usage ------------------------------------------------------------------------------------
    def count_usage(
        self, kind: str, tokens: int, session_id: str | None, base_model: str | None, t: float | None = None
    ) -> None:
        if tokens <= 0:
            return
        hour = int((t if t is not None else now()) // 3600)
        key = f"{hour}|{session_id or ''}|{base_model or ''}|{kind}"
        with self.lock:
            slot = self.usage.setdefault(key, {"tokens": 0})
            slot["tokens"] += int(tokens)

    # -- teardown ---------------------------------------------------------------------------------
    def set_aside_checkpoint_files(self, rec: CheckpointRec) -> Path | None:
        """Move a forgotten checkpoint's directory to a crash-leftover name; returns where (None: it is gone).

        Call it under ``lock`` together with removing the record: a save of the same name can start only
        after the move, so deleting the moved files never deletes that save's checkpoint. A crash before the
        deletion leaves a leftover that the next start removes.
        """
        final = self.checkpoint_dir(rec.run_id, rec.kind, rec.name)
        aside = final.parent / f".{final.name}.old-{uuid.uuid4().hex}"
        try:
            os.rename(final, aside)
        except FileNotFoundError:
            return None
        return aside

    def remove_checkpoint_files(self, aside: Path | None) -> None:
        """Delete a directory ``set_aside_checkpoint_files`` moved aside."""
        if aside is not None:
            shutil.rmtree(aside, ignore_errors=True)

    def close(self) -> None:
        if self.temporary:
            shutil.rmtree(self.root, ignore_errors=True)
        else:
            try:
                self.save_usage()
            except OSError:
                pass
