"""The local server's behaviour, independent of HTTP: sessions, models, futures, checkpoints, sampling.

Every public ``op_*`` method takes the validated request (``body`` dict and/or parameters) and
returns a JSON-able result or raises :class:`~tinker_local._errors.ApiError`. Work that the
contract makes asynchronous is queued (training: one thread per model, in ``seq_id`` order;
sampling: a small thread pool on immutable sampler snapshots) and answered with a future.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import logging
import secrets
import shutil
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from . import _wire as wire
from . import engine as eng
from ._config import ServerConfig
from ._errors import ApiError, bad_request, conflict, gone, not_found
from ._futures import DONE, FAILED, AsyncSignal, FutureRec, FutureStore
from ._state import (
    KINDS,
    CheckpointRec,
    RunRec,
    SessionRec,
    StateStore,
    dir_size,
    iso,
    now,
)
from ._tenancy import CURRENT_OWNER, KeyRing, visible
from ._workers import ModelWorker, Task
from .engine._atomic import CheckpointStorageError, reading, write_dir_atomically

try:  # submission-time validation helpers of the engine (same package family)
    from .engine._losses import get_loss as _get_loss
    from .engine._losses import resolve_config as _resolve_config
    from .engine._losses import validate_inputs as _validate_inputs
    from .engine._trainable import check_tokens as _check_tokens
except ImportError:  # pragma: no cover - validation then happens at execution time only
    _get_loss = None

__all__ = ["Service"]

log = logging.getLogger("tinker_local")

ARCH = "tinker-local-tiny-transformer"
CLONE_STRIDE = 1_000_000_000
UNSUPPORTED_CUSTOM_LOSS = (
    "server-side custom losses are not supported by the local server; the SDK runs custom losses "
    "client-side (custom_loss_server_side is false)"
)


def body_hash(op: str, data: bytes | Any) -> str:
    h = hashlib.sha256(op.encode() + b"\0")
    if isinstance(data, (bytes, bytearray, memoryview)):
        h.update(bytes(data))
    else:
        import orjson

        h.update(orjson.dumps(data, option=orjson.OPT_SORT_KEYS | orjson.OPT_SERIALIZE_NUMPY))
    return h.hexdigest()


def _meta_str(d: Any) -> dict[str, str] | None:
    """User metadata as the string map the contract returns."""
    if d is None:
        return None
    out = {}
    for k, v in d.items():
        out[str(k)] = v if isinstance(v, str) else wire.dumps(v).decode()
    return out


def _int(v: Any) -> int | None:
    return None if v is None else int(v)


@dataclass
class LiveModel:
    run: RunRec
    base: eng.BaseModel
    lora: eng.LoraConfig
    worker: ModelWorker
    model: eng.TrainableModel | None = None
    status: str = "creating"  # creating | ready | failed | unloading | unloaded
    error: str | None = None
    #: seq_id -> (body hash, request id of the accepted request, or the error that refused it)
    seqs: dict[int, tuple[str, str | ApiError]] = field(default_factory=dict)


@dataclass
class SamplerRec:
    sampler_id: str
    session_id: str | None
    base_model: str
    model_path: str | None
    created_at: float
    weights: Any = None  # eng.SamplerWeights once ready
    ready: threading.Event = field(default_factory=threading.Event)
    error: str | None = None
    join_counter: int = 0
    seqs: dict[int, tuple[str, str]] = field(default_factory=dict)
    events: list[dict[str, Any]] = field(default_factory=list)  # completions for retrieve_futures
    events_base: int = 0  # cursor of events[0]: older completions were pruned after their futures expired
    signal: AsyncSignal = field(default_factory=AsyncSignal)
    body_hash: str = ""
    owner: str | None = field(default_factory=CURRENT_OWNER.get)


@dataclass
class SamplePlan:
    """A validated sampling request, ready to run."""

    sampler: SamplerRec
    prompt: np.ndarray
    cfg: eng.SamplingConfig
    num_samples: int
    prompt_logprobs: bool
    topk_prompt: int
    last_n: int | None
    decode: Callable[[list[int]], str] | None
    session_id: str | None


class Service:
    def __init__(self, config: ServerConfig) -> None:
        self.config = config
        self.registry = eng.ModelRegistry()
        for spec in config.model_specs():
            try:
                self.registry.register(spec.name, spec.vocab_size, spec.eos_token_ids, spec.bos_token_id)
            except eng.EngineInputError as e:
                raise ValueError(f"--model {spec.name}: {e}") from None
        self.keys = KeyRing(tuple(config.api_keys))
        self.store = StateStore(config.state_dir)
        self.lock = self.store.lock
        self.futures = FutureStore(config.future_ttl_s, config.undelivered_future_ttl_s)
        self.futures.add_listener(self._on_future_done)
        self.futures.add_listener(self.record_completion)
        self.futures.add_listener(self._run_fail_hook)
        self._fail_hooks: dict[str, Callable[[FutureRec], None]] = {}  # request id -> cleanup on failure
        self.models: dict[str, LiveModel] = {}
        self.samplers: dict[str, SamplerRec] = {}
        self.creations: dict[str, tuple[str, str]] = {}  # run_id -> (body hash, request id)
        self.copies: dict[str, dict[str, Any]] = {}  # idempotency key -> response
        self.telemetry_events = 0
        self.spans: dict[str, list[dict[str, Any]]] = {}  # session id -> trace events
        self._sampler_cache: dict[tuple[str, str, str, float], Any] = {}
        self._pool = ThreadPoolExecutor(
            max_workers=max(1, config.sampling_workers), thread_name_prefix="tinker-local-sample"
        )
        self._stream_threads: set[threading.Thread] = set()
        self._last_sweep = 0.0
        self._closed = False
        self.started_at = now()

    # ================================================================ lifecycle
    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        with self.lock:
            models = list(self.models.values())
            samplers = list(self.samplers.values())
        for rec in self.futures.all():
            rec.cancel.set()
        for s in samplers:
            s.ready.set()
        for m in models:
            m.worker.close()
        self._pool.shutdown(wait=True, cancel_futures=True)
        for rec in self.futures.all():
            if not rec.terminal:
                self.futures.fail(rec, "the server stopped before this request finished", "server")
        for t in list(self._stream_threads):
            t.join(5)
        self.store.close()

    def maybe_sweep(self) -> None:
        t = time.monotonic()
        if t - self._last_sweep < self.config.janitor_interval_s:
            return
        self._last_sweep = t
        self.sweep()

    def sweep(self) -> None:
        self.futures.sweep()
        self._prune_request_bookkeeping()
        t = now()
        expired: list[CheckpointRec] = []
        with self.lock:
            for key, rec in list(self.store.checkpoints.items()):
                if rec.status == "ready" and rec.expired(t):
                    expired.append(rec)
                    del self.store.checkpoints[key]
        for rec in expired:
            self.store.remove_checkpoint_files(rec)
            self.store.save_checkpoint_index(rec.run_id)
            self.store.audit("checkpoint_expire", model_id=rec.run_id, tinker_path=rec.tinker_path)

    def _prune_request_bookkeeping(self) -> None:
        """Forget idempotency entries and completion events of futures that no longer exist, so long-lived
        samplers and models do not grow the server's memory without bound."""
        with self.lock:
            for s in self.samplers.values():
                s.seqs = {q: v for q, v in s.seqs.items() if self.futures.get(v[1]) is not None}
                drop = 0
                while drop < len(s.events) and self.futures.get(s.events[drop]["request_id"]) is None:
                    drop += 1
                if drop:
                    del s.events[:drop]
                    s.events_base += drop

    # ================================================================ helpers
    def _owner_of_run(self, run_id: str) -> str | None:
        run = self.store.runs.get(run_id)
        return run.owner if run is not None else None

    def served(self) -> list[str]:
        return self.registry.names()

    def _base(self, name: str, field_name: str = "base_model") -> eng.BaseModel:
        if name not in self.registry:
            raise bad_request(f"{field_name}: unknown base model {name!r}; this server serves {self.served()}")
        return self.registry.get(name)

    def _session(self, session_id: str, *, for_work: bool = False, field_name: str = "session_id") -> SessionRec:
        rec = self.store.sessions.get(session_id)
        if rec is None or not visible(rec.owner):
            raise not_found(f"{field_name}: session {session_id!r} not found")
        if for_work and rec.finished is not None:
            raise gone(
                f"{field_name}: session {session_id!r} is finished ({rec.finished['reason']['type']}); start a new session"
            )
        return rec

    def _live_model(self, model_id: str, field_name: str = "model_id") -> LiveModel:
        with self.lock:
            lm = self.models.get(model_id)
        if lm is not None and not visible(lm.run.owner):
            raise not_found(f"{field_name}: model {model_id!r} not found")
        if lm is not None and lm.status == "failed":
            raise not_found(f"{field_name}: model {model_id!r} could not be created: {lm.error}")
        if lm is None or lm.status in ("unloading", "unloaded"):
            if lm is None and model_id in self.store.runs and visible(self._owner_of_run(model_id)):
                raise not_found(
                    f"{field_name}: model {model_id!r} is not loaded (it was unloaded, copied, or the server "
                    f"restarted); create a training client from one of its checkpoints"
                )
            raise not_found(f"{field_name}: model {model_id!r} not found")
        if lm.run.session_id is not None:
            s = self.store.sessions.get(lm.run.session_id)
            if s is not None and s.finished is not None:
                raise gone(f"{field_name}: the session of model {model_id!r} is finished; start a new session")
        return lm

    @staticmethod
    def parse_path(path: Any, field_name: str) -> tuple[str, str, str]:
        if not isinstance(path, str) or not path.startswith("tinker://"):
            raise bad_request(
                f"{field_name}: expected a tinker://<run>/<weights|sampler_weights|external_weights>/<name> path, got {path!r}"
            )
        parts = path[len("tinker://") :].split("/")
        if len(parts) != 3 or not all(parts) or parts[1] not in KINDS:
            raise bad_request(
                f"{field_name}: expected a tinker://<run>/<weights|sampler_weights|external_weights>/<name> path, got {path!r}"
            )
        return parts[0], parts[1], parts[2]

    def _checkpoint(
        self, run_id: str, kind: str, name: str, field_name: str = "checkpoint", *, write: bool = False
    ) -> CheckpointRec:
        """A ready checkpoint the caller may read (its own, or published) or, with ``write``, change (own)."""
        with self.lock:
            rec = self.store.checkpoints.get((run_id, kind, name))
        path = f"tinker://{run_id}/{kind}/{name}"
        mine = visible(self._owner_of_run(run_id))
        if rec is not None and not mine and (write or not rec.public):
            rec = None
        if rec is None or rec.status != "ready":
            if run_id not in self.store.runs or not mine:
                raise not_found(f"{field_name}: training run {run_id!r} not found ({path})")
            raise not_found(f"{field_name}: checkpoint {path} not found")
        if rec.expired():
            raise not_found(f"{field_name}: checkpoint {path} expired at {iso(rec.expires_at)}")
        return rec

    def _checkpoint_by_path(self, path: Any, field_name: str) -> CheckpointRec:
        return self._checkpoint(*self.parse_path(path, field_name), field_name=field_name)

    def ckpt_dir(self, rec: CheckpointRec) -> Path:
        return self.store.checkpoint_dir(rec.run_id, rec.kind, rec.name)

    def _touch(self, run: RunRec) -> None:
        run.last_request_time = now()

    def _span(self, session_id: str | None, name: str, start: float, end: float, lane: str, **args: Any) -> None:
        if session_id is None:
            return
        with self.lock:
            spans = self.spans.setdefault(session_id, [])
            if len(spans) < 100_000:
                spans.append({"name": name, "start": start, "end": end, "lane": lane, "args": args})

    def session_of(self, body: Any, params: dict[str, Any]) -> str | None:
        """The session a request belongs to, for tracing (best effort)."""
        src = body if isinstance(body, dict) else {}
        sid = src.get("session_id") or params.get("session_id")
        if isinstance(sid, str) and sid in self.store.sessions:
            return sid
        mid = src.get("model_id")
        if isinstance(mid, str):
            run = self.store.runs.get(mid)
            if run is not None:
                return run.session_id
        ssid = src.get("sampling_session_id")
        if isinstance(ssid, str):
            s = self.samplers.get(ssid)
            if s is not None:
                return s.session_id
        return None

    def record_request(self, op: str, session_id: str | None, start: float, end: float, status: int) -> None:
        self._span(session_id, op, start, end, "http", status=status)

    def _on_future_done(self, rec: FutureRec) -> None:
        lane = rec.model_id or rec.sampling_session_id or "futures"
        start = rec.started_at or rec.created_at
        self._span(
            rec.session_id,
            rec.op,
            start,
            rec.finished_at or now(),
            lane,
            request_id=rec.request_id,
            status=rec.status,
            queued_s=round(start - rec.created_at, 6),
        )

    # ================================================================ service
    def op_healthz(self) -> dict[str, Any]:
        return {"status": "ok"}

    def op_capabilities(self) -> dict[str, Any]:
        models = []
        for name in self.served():
            base = self.registry.get(name)
            models.append(
                {
                    "model_name": name,
                    "max_context_length": base.config.context_length,
                    "trainable": True,
                    "sampleable": True,
                }
            )
        return {"supported_models": models}

    def op_client_config(self) -> dict[str, Any]:
        return {
            "pjwt_auth_enabled": False,
            "credential_default_source": "api_key",
            "parallel_fwdbwd_chunks": True,
            "proto_compress_fwdbwd": False,
            "fwdbwd_max_chunk_len": 1024,
            "fwdbwd_max_chunk_bytes_count": 5_000_000,
            "sample_use_retrieve_futures": False,
            "custom_loss_server_side": False,
            "sample_join_sampling_session": False,
            "create_model_via_load_weights": False,
        }

    def op_dynamic_config(self) -> dict[str, Any]:
        return {
            "refresh_interval_sec": 300,
            "sample_cancel_enabled": False,
            "sample_cancel_max_batch_size": 64,
        }

    def op_tokenizer(self, model_name: str) -> dict[str, Any]:
        if model_name not in self.registry:
            raise not_found(f"model_name: unknown model {model_name!r}; this server serves {self.served()}")
        if model_name != eng.BUILTIN_MODEL:
            raise not_found(
                f"model_name: {model_name!r} has no local tokenizer (it is served with a synthetic vocabulary); "
                f"tokenize with that model's own tokenizer. Only {eng.BUILTIN_MODEL!r} ships one"
            )
        import json

        return {
            "model_name": model_name,
            "tokenizer": json.loads(eng.builtin_tokenizer_json()),
            "bos_token_id": eng.BOS_ID,
            "eos_token_id": eng.EOS_ID,
        }

    def _decoder(self, base_name: str) -> Callable[[list[int]], str] | None:
        return eng.builtin_decode if base_name == eng.BUILTIN_MODEL else None

    # ================================================================ sessions
    def op_create_session(self, body: dict[str, Any], owner: str) -> dict[str, Any]:
        sid = f"sess-{secrets.token_hex(8)}"
        rec = SessionRec(
            session_id=sid,
            created_at=now(),
            owner=owner,
            tags=[str(t) for t in body.get("tags") or []],
            user_metadata=_meta_str(body.get("user_metadata")) or {},
            sdk_version=str(body.get("sdk_version", "")),
            project_id=body.get("project_id"),
            display_name=body.get("display_name"),
        )
        with self.lock:
            self.store.sessions[sid] = rec
            self.store.save_session(rec)
        return {"session_id": sid, "type": "create_session"}

    def op_heartbeat(self, body: dict[str, Any]) -> dict[str, Any]:
        rec = self._session(body["session_id"])
        if rec.finished is not None:
            raise gone(f"session_id: session {rec.session_id!r} is finished; heartbeats are no longer needed")
        with self.lock:
            rec.last_heartbeat = now()
            rec.heartbeat_count += 1
        return {"type": "session_heartbeat"}

    def op_finish_session(self, session_id: str, body: dict[str, Any]) -> dict[str, Any]:
        rec = self._session(session_id)
        with self.lock:
            if rec.finished is None:
                rec.finished = {
                    "reason": {"type": body["reason"]["type"]},
                    "detail": body.get("detail"),
                    "at": now(),
                }
                self.store.save_session(rec)
        return {"session_id": session_id, "reason": dict(rec.finished["reason"])}

    def _session_summary(self, rec: SessionRec) -> dict[str, Any]:
        count, size = 0, 0
        with self.lock:
            for c in self.store.checkpoints.values():
                run = self.store.runs.get(c.run_id)
                if run is not None and run.session_id == rec.session_id and c.status == "ready" and not c.expired():
                    count += 1
                    size += c.size_bytes
        if rec.finished is not None:
            status: dict[str, Any] = {"type": "client_finished", "reason": dict(rec.finished["reason"])}
            if rec.finished.get("detail") is not None:
                status["detail"] = rec.finished["detail"]
        else:
            status = {"type": "active"}
        out: dict[str, Any] = {
            "session_id": rec.session_id,
            "created_at": iso(rec.created_at),
            "owner": rec.owner,
            "project_id": rec.project_id or "default",
            "status": status,
            "checkpoints_count": count,
            "user_metadata": dict(rec.user_metadata),
            "checkpoint_storage_bytes": size,
        }
        if rec.display_name is not None:
            out["display_name"] = rec.display_name
        return out

    def _sessions_newest(self) -> list[SessionRec]:
        with self.lock:
            return sorted(
                (s for s in self.store.sessions.values() if visible(s.owner)),
                key=lambda s: (s.created_at, s.session_id),
                reverse=True,
            )

    def op_list_sessions(self, limit: int, offset: int) -> dict[str, Any]:
        recs = self._sessions_newest()
        return {"sessions": [r.session_id for r in recs[offset : offset + limit]]}

    def op_get_session(self, session_id: str) -> dict[str, Any]:
        rec = self._session(session_id)
        out: dict[str, Any] = {
            "training_run_ids": list(rec.training_run_ids),
            "sampler_ids": list(rec.sampler_ids),
            "user_metadata": dict(rec.user_metadata),
        }
        if rec.display_name is not None:
            out["display_name"] = rec.display_name
        return out

    def op_assign_project(self, session_id: str, body: dict[str, Any]) -> dict[str, Any]:
        rec = self._session(session_id)
        pid = body["project_id"]
        with self.lock:
            if rec.project_id not in (None, pid):
                raise bad_request(
                    f"project_id: session {session_id!r} already belongs to project {rec.project_id!r}; sessions cannot move out of a project"
                )
            rec.project_id = pid
            self.store.save_session(rec)
        return {}

    def op_search_sessions(self, body: dict[str, Any], owner: str) -> dict[str, Any]:
        limit = int(body.get("limit", 50))
        want_id = body.get("session_id")
        want_name = body.get("display_name")
        meta = body.get("user_metadata") or {}
        projects = body.get("project_ids")
        own = body.get("owner") or {"type": "own"}
        statuses = body.get("statuses")
        cursor = body.get("cursor")
        cur_key = None
        if cursor:
            try:
                t = dt.datetime.fromisoformat(cursor["last_created_at"])
                if t.tzinfo is None:
                    raise ValueError("naive")
            except (ValueError, AttributeError):
                raise bad_request("cursor.last_created_at: expected a timezone-aware RFC 3339 date-time") from None
            cur_key = (t.timestamp(), cursor["last_session_id"])
        words = want_name.lower().split() if isinstance(want_name, str) else None

        def matches(rec: SessionRec) -> bool:
            if want_id is not None or words is not None:
                ok = want_id is not None and rec.session_id == want_id
                if not ok and words is not None:
                    name = (rec.display_name or "").lower()
                    ok = all(w in name for w in words)
                if not ok:
                    return False
            for k, v in meta.items():
                if rec.user_metadata.get(k) != v:
                    return False
            if projects is not None and (rec.project_id or "default") not in projects:
                return False
            if own.get("type") == "own" and rec.owner != owner:
                return False
            if own.get("type") == "user" and rec.owner not in own.get("owner_urns", []):
                return False
            if statuses:
                ok = False
                for st in statuses:
                    t = st.get("type")
                    if t == "active" and rec.finished is None:
                        ok = True
                    elif t == "client_finished" and rec.finished is not None:
                        reasons = st.get("reasons")
                        if not reasons or rec.finished["reason"]["type"] in reasons:
                            ok = True
                if not ok:
                    return False
            return True

        out = []
        next_cursor = None
        for rec in self._sessions_newest():
            if cur_key is not None and (rec.created_at, rec.session_id) >= cur_key:
                continue
            if not matches(rec):
                continue
            if len(out) == limit:
                last = out[-1]
                next_cursor = {"last_created_at": last["created_at"], "last_session_id": last["session_id"]}
                break
            out.append(self._session_summary(rec))
        return {"sessions": out, "next_cursor": next_cursor}

    # ================================================================ models
    def _lora_from_body(self, cfg: dict[str, Any] | None) -> eng.LoraConfig:
        cfg = cfg or {}
        seed = cfg.get("seed")
        lora = eng.LoraConfig(
            rank=int(cfg.get("rank", 32)),
            seed=int(seed) if seed is not None else secrets.randbits(31),
            train_attn=bool(cfg.get("train_attn", True)),
            train_mlp=bool(cfg.get("train_mlp", True)),
            train_unembed=bool(cfg.get("train_unembed", True)),
        )
        if not (lora.train_attn or lora.train_mlp or lora.train_unembed):
            raise bad_request("lora_config: at least one of train_attn, train_mlp, train_unembed must be true")
        return lora

    @staticmethod
    def _optimizer_config(cfg: dict[str, Any] | None, field_name: str) -> dict[str, Any]:
        if cfg is None:
            return {"type": "adamw"}
        t = str(cfg.get("type", "")).lower()
        if t not in ("adamw", "adam"):
            raise bad_request(
                f"{field_name}.type: optimizer family {cfg.get('type')!r} is not supported by the local server; "
                f"use {{'type': 'adamw'}}"
            )
        return {"type": "adamw"}

    def _new_live_model(self, run: RunRec, base: eng.BaseModel, lora: eng.LoraConfig) -> LiveModel:
        lm = LiveModel(run=run, base=base, lora=lora, worker=ModelWorker(run.run_id, self.config.seq_gap_timeout_s))
        self.models[run.run_id] = lm
        self.store.runs[run.run_id] = run
        self.store.save_run(run)
        if run.session_id is not None:
            s = self.store.sessions.get(run.session_id)
            if s is not None and run.run_id not in s.training_run_ids:
                s.training_run_ids.append(run.run_id)
                self.store.save_session(s)
        return lm

    def _creation_dedupe(self, run_id: str, h: str, what: str) -> dict[str, Any] | None:
        prev = self.creations.get(run_id)
        if prev is not None:
            if prev[0] == h:
                rec = self.futures.get(prev[1])
                return rec.describe() if rec is not None else {"request_id": prev[1], "model_id": run_id}
            raise conflict(f"{what}: model {run_id!r} already exists (created by a different request)")
        if run_id in self.store.runs:
            raise conflict(f"{what}: model {run_id!r} already exists")
        return None

    def op_create_model(self, body: dict[str, Any], owner: str) -> dict[str, Any]:
        sid = body["session_id"]
        session = self._session(sid, for_work=True)
        seq = int(body["model_seq_id"])
        run_id = f"{sid}:train:{seq}"
        h = body_hash("create_model", body)
        with self.lock:
            dup = self._creation_dedupe(run_id, h, "model_seq_id")
            if dup is not None:
                return dup
            base = self._base(body["base_model"])
            lora = self._lora_from_body(body.get("lora_config"))
            opt = self._optimizer_config(body.get("optimizer_config"), "optimizer_config")
            run = _new_run(run_id, base.name, owner, session.session_id, seq, lora, body, opt)
            lm = self._new_live_model(run, base, lora)
            rec = self.futures.create("create_model", model_id=run_id, session_id=sid)
            self.creations[run_id] = (h, rec.request_id)

        def create() -> dict[str, Any]:
            lm.model = eng.TrainableModel(lm.base, lm.lora)
            lm.status = "ready"
            return {"model_id": run_id, "type": "create_model"}

        self._submit_creation(lm, rec, create)
        return rec.describe()

    def _submit_creation(self, lm: LiveModel, rec: FutureRec, fn: Callable[[], Any]) -> None:
        def run() -> None:
            if not self.futures.mark_running(rec):
                return
            try:
                result = fn()
            except eng.EngineInputError as e:
                lm.status, lm.error = "failed", str(e)
                self.futures.fail(rec, str(e), "user")
                return
            except Exception as e:  # pragma: no cover - defensive
                log.warning("model %s: creation failed", lm.run.run_id, exc_info=True)
                lm.status, lm.error = "failed", f"internal error: {type(e).__name__}: {e}"
                self.futures.fail(rec, lm.error, "server")
                return
            self.futures.complete(rec, result)

        def fail(msg: str) -> None:
            lm.status, lm.error = "failed", msg
            self.futures.fail(rec, msg, "server")

        lm.worker.submit(Task("create", run, fail, None))

    def op_get_info(self, body: dict[str, Any]) -> dict[str, Any]:
        mid = body["model_id"]
        with self.lock:
            lm = self.models.get(mid)
        if lm is None or lm.status in ("unloaded", "failed") or not visible(lm.run.owner):
            self._live_model(mid)  # raises the right 404
            raise not_found(f"model_id: model {mid!r} not found")  # pragma: no cover
        run = lm.run
        return {
            "type": "get_info",
            "model_id": mid,
            "model_data": {"arch": ARCH, "model_name": run.base_model, "tokenizer_id": run.base_model},
            "is_lora": True,
            "lora_rank": run.lora_rank,
            "model_name": run.base_model,
            "optimizer_config": dict(run.optimizer_config),
        }

    def op_unload_model(self, body: dict[str, Any]) -> dict[str, Any]:
        mid = body["model_id"]
        with self.lock:
            lm = self._live_model(mid)
            lm.status = "unloading"
            rec = self.futures.create("unload_model", model_id=mid, session_id=lm.run.session_id)

        def run() -> None:
            self.futures.mark_running(rec)
            lm.model = None
            lm.status = "unloaded"
            with self.lock:
                self.models.pop(mid, None)
            self.futures.complete(rec, {"model_id": mid, "type": "unload_model"})

        lm.worker.submit(Task("unload", run, lambda msg: self.futures.fail(rec, msg, "server"), None))
        return rec.describe()

    # ---------------------------------------------------------------- ordered model work
    def _submit_model_op(
        self,
        op: str,
        model_id: str,
        seq_id: int | None,
        h: str,
        validate: Callable[[LiveModel], Any],
        work: Callable[[LiveModel, Any], Any],
        *,
        field_name: str = "model_id",
        on_fail: Callable[[FutureRec], None] | None = None,
    ) -> dict[str, Any]:
        lm = self._live_model(model_id, field_name)
        seq = seq_id if seq_id else None  # 0 means "not set" (as on the protobuf wire)
        with self.lock:
            if seq is not None and seq in lm.seqs:
                prev_h, prev_rid = lm.seqs[seq]
                if prev_h == h and isinstance(prev_rid, ApiError):
                    raise prev_rid  # a retry of a refused request gets the same answer
                if prev_h == h:
                    prev = self.futures.get(prev_rid)
                    return prev.describe() if prev is not None else {"request_id": prev_rid, "model_id": model_id}
                raise conflict(f"seq_id: seq_id {seq} of model {model_id!r} was already used by a different request")
            if seq is not None and lm.worker.seq_status(seq) == "past":
                raise bad_request(
                    f"seq_id: seq_id {seq} of model {model_id!r} is behind the model's next expected seq_id "
                    f"{lm.worker.next_seq} (it was skipped after a gap timeout)"
                )
            prepared = validate(lm)
            rec = self.futures.create(op, model_id=model_id, session_id=lm.run.session_id)
            if on_fail is not None:
                self._fail_hooks[rec.request_id] = on_fail
            if seq is not None:
                lm.seqs[seq] = (h, rec.request_id)
            self._touch(lm.run)

        def run() -> None:
            if not self.futures.mark_running(rec):
                return
            if self.config.train_delay_s > 0:
                time.sleep(self.config.train_delay_s)
            if lm.status != "ready" or lm.model is None:
                why = lm.error or f"model is {lm.status}"
                self.futures.fail(rec, f"model {model_id!r} is not available: {why}", "user")
                return
            try:
                result = work(lm, prepared)
            except eng.EngineInputError as e:
                self.futures.fail(rec, str(e), "user")
                return
            except CheckpointStorageError as e:  # disk full: the message says what is intact
                self.futures.fail(rec, f"{op}: {e}", "server")
                return
            except ApiError as e:
                self.futures.fail(rec, e.detail, e.category or "user")
                return
            except Exception as e:
                log.warning("model %s: %s failed", model_id, op, exc_info=True)
                self.futures.fail(rec, f"internal error during {op}: {type(e).__name__}: {e}", "server")
                return
            self.futures.complete(rec, result)

        lm.worker.submit(Task(op, run, lambda msg: self.futures.fail(rec, msg, "user"), seq))
        return rec.describe()

    def refuse_seq(self, owner: str, model_id: Any, seq_id: Any, h: str, error: ApiError) -> None:
        """Count the ``seq_id`` of a request refused on arrival as used.

        The model runs requests strictly in ``seq_id`` order, so a refused request whose id never entered
        the queue would hold back every later request of that client until the gap timeout. Its id is
        queued as a no-op instead, and remembered with the refusal so that a retry gets the same answer.
        """
        if not isinstance(model_id, str) or isinstance(seq_id, bool) or not isinstance(seq_id, int) or seq_id <= 0:
            return
        with self.lock:
            lm = self.models.get(model_id)
            if lm is None or lm.run.owner != owner or seq_id in lm.seqs:
                return
            if lm.worker.seq_status(seq_id) != "future":
                return
            lm.seqs[seq_id] = (h, error)

        def noop(_msg: str = "") -> None:
            return None

        lm.worker.submit(Task("refused", noop, noop, seq_id))

    # ---------------------------------------------------------------- forward / backward
    @staticmethod
    def _tokens_from_json_chunks(chunks: list[dict[str, Any]], where: str) -> np.ndarray:
        parts: list[np.ndarray] = []
        for j, c in enumerate(chunks):
            t = c.get("type")
            if "tokens" in c and t in (None, "encoded_text"):
                # long token lists arrive as int64 arrays (lean JSON decoding), short ones as lists
                parts.append(np.asarray(c["tokens"], dtype=np.int64).reshape(-1))
            else:
                kind = t or ("image" if "data" in c else "image_asset_pointer" if "location" in c else "dmel")
                raise bad_request(f"{where}[{j}]: {kind} chunks are not supported; the local model is text-only")
        return np.concatenate(parts) if parts else np.zeros(0, dtype=np.int64)

    @staticmethod
    def _tokens_from_wire_chunks(chunks: list[Any], where: str) -> np.ndarray:
        parts: list[np.ndarray] = []
        for j, c in enumerate(chunks):
            if isinstance(c, wire.EncodedText):
                parts.append(c.tokens)
            else:
                kind = "image" if isinstance(c, wire.Image) else "dmel"
                raise bad_request(f"{where}[{j}]: {kind} chunks are not supported; the local model is text-only")
        return np.concatenate(parts) if parts else np.zeros(0, dtype=np.int64)

    def parse_fb_json(self, fbi: dict[str, Any], key: str) -> tuple[list[eng.Datum], str, dict[str, Any]]:
        datums = []
        for i, d in enumerate(fbi["data"]):
            where = f"{key}.data[{i}]"
            tokens = self._tokens_from_json_chunks(d["model_input"]["chunks"], f"{where}.model_input.chunks")
            inputs = {}
            for k, v in (d.get("loss_fn_inputs") or {}).items():
                try:
                    inputs[k] = wire.tensor_to_dense(wire.tensor_from_json(v, f"{where}.loss_fn_inputs.{k}"))
                except wire.WireError as e:
                    raise bad_request(str(e)) from None
            datums.append(eng.Datum(tokens, inputs))
        return datums, fbi["loss_fn"], dict(fbi.get("loss_fn_config") or {})

    def parse_fb_proto(self, req: Any) -> tuple[list[eng.Datum], str, dict[str, Any]]:
        datums = []
        for i, d in enumerate(req.data):
            where = f"data[{i}]"
            tokens = self._tokens_from_wire_chunks(d.chunks, f"{where}.model_input")
            inputs = {}
            for k, t in d.loss_fn_inputs.items():
                try:
                    inputs[k] = wire.tensor_to_dense(t)
                except wire.WireError as e:
                    raise bad_request(f"{where}.loss_fn_inputs[{k!r}]: {e}") from None
            datums.append(eng.Datum(tokens, inputs))
        return datums, req.loss_fn, dict(req.loss_fn_config)

    def _validate_fb(
        self, base: eng.BaseModel, datums: list[eng.Datum], loss_fn: str, cfg: dict[str, Any], key: str
    ) -> None:
        if loss_fn == "custom":
            raise bad_request(f"{key}.loss_fn: {UNSUPPORTED_CUSTOM_LOSS}")
        if not datums:
            raise bad_request(f"{key}.data: at least one datum is required")
        if _get_loss is None:
            return
        try:
            spec = _get_loss(loss_fn)
        except eng.EngineInputError as e:
            raise bad_request(f"{key}.loss_fn: {e}") from None
        try:
            _resolve_config(spec, cfg)
        except eng.EngineInputError as e:
            raise bad_request(f"{key}.{e}") from None
        ctx = base.config.context_length
        for i, d in enumerate(datums):
            where = f"{key}.data[{i}]"
            try:
                toks = _check_tokens(d.tokens, base.vocab_size, ctx, f"{where}.model_input")
                _validate_inputs(spec, d.loss_fn_inputs, len(toks), base.vocab_size, where)
            except eng.EngineInputError as e:
                raise bad_request(str(e)) from None

    def submit_forward_backward(
        self,
        model_id: str,
        seq_id: int | None,
        datums: list[eng.Datum],
        loss_fn: str,
        cfg: dict[str, Any],
        forward_only: bool,
        h: str,
        key: str,
    ) -> dict[str, Any]:
        op = "forward" if forward_only else "forward_backward"

        def validate(lm: LiveModel) -> None:
            self._validate_fb(lm.base, datums, loss_fn, cfg, key)

        def work(lm: LiveModel, _prepared: Any) -> Any:
            assert lm.model is not None
            fn = lm.model.forward if forward_only else lm.model.forward_backward
            res = fn(datums, loss_fn, cfg or None)
            outputs = [{k: wire.WireTensor.from_array(np.asarray(v)) for k, v in o.items()} for o in res.outputs]
            ntok = sum(len(d.tokens) for d in datums)
            self.store.count_usage("training", ntok, lm.run.session_id, lm.base.name)
            return wire.WireForwardBackwardOutput("ArrayRecord", outputs, {k: float(v) for k, v in res.metrics.items()})

        return self._submit_model_op(op, model_id, seq_id, h, validate, work)

    # ---------------------------------------------------------------- optimizer
    def op_optim_step(self, body: dict[str, Any]) -> dict[str, Any]:
        adam = body.get("adam_params")
        other = body.get("optimizer_params")
        if adam is not None and other is not None:
            raise bad_request("adam_params, optimizer_params: send exactly one of them, not both")
        if adam is None and other is None:
            raise bad_request("adam_params: required (the local server trains with AdamW)")
        if other is not None:
            t = str(other.get("type", ""))
            if t.lower() not in ("adam", "adamw"):
                raise bad_request(
                    f"optimizer_params.type: the model uses the adamw optimizer, but optimizer_params are for "
                    f"{t!r}; send adam_params (the optimizer family is fixed when the model is created)"
                )
            adam = {k: other[k] for k in ("learning_rate", "grad_clip_norm", "beta1") if k in other}
        fields = {
            k: float(adam[k])
            for k in ("learning_rate", "beta1", "beta2", "eps", "weight_decay", "grad_clip_norm")
            if k in adam
        }
        cfg = eng.AdamConfig(**fields)
        try:
            cfg.validate()
        except eng.EngineInputError as e:
            raise bad_request(str(e)) from None
        h = body_hash("optim_step", body)

        def work(lm: LiveModel, _p: Any) -> Any:
            assert lm.model is not None
            metrics = lm.model.optim_step(cfg)
            return {"metrics": {k: float(v) for k, v in metrics.items()}, "type": "optim_step"}

        return self._submit_model_op("optim_step", body["model_id"], _int(body.get("seq_id")), h, lambda lm: None, work)

    # ---------------------------------------------------------------- checkpoints
    def _reserve(self, run_id: str, kind: str, name: str, overwrite: bool) -> CheckpointRec | None:
        """Reserve a checkpoint name; returns the record being replaced (overwrite) or None."""
        key = (run_id, kind, name)
        old = self.store.checkpoints.get(key)
        if old is not None and old.status == "ready" and old.expired():
            old = None
        if old is not None:
            if old.status == "pending" and not overwrite:
                raise conflict(
                    f"path: checkpoint tinker://{run_id}/{kind}/{name} is already being saved (pass "
                    f"overwrite=true to replace it once that save finishes)"
                )
            if not overwrite:
                raise conflict(
                    f"path: checkpoint tinker://{run_id}/{kind}/{name} already exists (pass overwrite=true to replace it)"
                )
            return old
        self.store.checkpoints[key] = CheckpointRec(run_id, kind, name, created_at=now(), status="pending")
        return None

    def _auto_name(self, run_id: str, kind: str) -> str:
        n = 1 + sum(1 for (r, k, _n) in self.store.checkpoints if r == run_id and k == kind)
        while (run_id, kind, f"{n:04d}") in self.store.checkpoints:
            n += 1
        return f"{n:04d}"

    def _finish_checkpoint(
        self, run_id: str, kind: str, name: str, ttl: int | None, meta: dict[str, str] | None, event: str
    ) -> CheckpointRec:
        t = now()
        path = self.store.checkpoint_dir(run_id, kind, name)
        rec = CheckpointRec(
            run_id,
            kind,
            name,
            created_at=t,
            size_bytes=dir_size(path),
            expires_at=(t + ttl) if ttl else None,
            user_metadata=meta,
            status="ready",
        )
        with self.lock:
            self.store.checkpoints[(run_id, kind, name)] = rec
            run = self.store.runs.get(run_id)
            if run is not None:
                self._touch(run)
                self.store.save_run(run)
        self.store.save_checkpoint_index(run_id)
        self.store.audit(event, model_id=run_id, tinker_path=rec.tinker_path, size_bytes=rec.size_bytes)
        self.store.count_usage("checkpoint", 1, run.session_id if run else None, run.base_model if run else None)
        return rec

    def _release(self, run_id: str, kind: str, name: str) -> None:
        with self.lock:
            rec = self.store.checkpoints.get((run_id, kind, name))
            if rec is not None and rec.status == "pending":
                del self.store.checkpoints[(run_id, kind, name)]

    def _submit_save(
        self,
        op: str,
        body: dict[str, Any],
        kind: str,
        name: str | None,
        overwrite: bool,
        writer: Callable[[LiveModel, Path], None],
        result: Callable[[CheckpointRec], dict[str, Any]],
        ttl: int | None,
        meta: dict[str, str] | None,
    ) -> dict[str, Any]:
        mid = body["model_id"]
        h = body_hash(op, body)
        state: dict[str, Any] = {}

        def validate(lm: LiveModel) -> None:
            nm = name if name is not None else self._auto_name(mid, kind)
            state["name"] = nm
            state["old"] = self._reserve(mid, kind, nm, overwrite)
            state["fresh"] = state["old"] is None

        def work(lm: LiveModel, _p: Any) -> Any:
            nm = state["name"]
            try:
                writer(lm, self.store.checkpoint_dir(mid, kind, nm))
            except BaseException:
                if state["fresh"]:
                    self._release(mid, kind, nm)
                raise
            rec = self._finish_checkpoint(
                mid, kind, nm, ttl, meta, "checkpoint_create" if state["fresh"] else "checkpoint_overwrite"
            )
            return result(rec)

        def release(_rec: FutureRec) -> None:
            if state.get("fresh"):
                self._release(mid, kind, state["name"])

        return self._submit_model_op(op, mid, _int(body.get("seq_id")), h, validate, work, on_fail=release)

    def op_save_weights(self, body: dict[str, Any]) -> dict[str, Any]:
        def writer(lm: LiveModel, path: Path) -> None:
            assert lm.model is not None
            lm.model.save(path, include_optimizer=True)

        return self._submit_save(
            "save_weights",
            body,
            "weights",
            body.get("path"),
            bool(body.get("overwrite", False)),
            writer,
            lambda rec: {"path": rec.tinker_path, "type": "save_weights"},
            _int(body.get("ttl_seconds")),
            _meta_str(body.get("user_metadata")),
        )

    def op_save_weights_for_sampler(self, body: dict[str, Any]) -> dict[str, Any]:
        name = body.get("path")
        ss_seq = body.get("sampling_session_seq_id")
        mid = body["model_id"]
        if name is not None:

            def writer(lm: LiveModel, path: Path) -> None:
                assert lm.model is not None
                snap = lm.model.snapshot()
                snap.save(path)

            return self._submit_save(
                "save_weights_for_sampler",
                body,
                "sampler_weights",
                name,
                False,
                writer,
                lambda rec: {"path": rec.tinker_path, "type": "save_weights_for_sampler"},
                _int(body.get("ttl_seconds")),
                _meta_str(body.get("user_metadata")),
            )
        if ss_seq is None:
            raise bad_request(
                "path, sampling_session_seq_id: send a checkpoint name (path) for a persistent save, or sampling_session_seq_id for an ephemeral one"
            )
        lm0 = self._live_model(mid)
        sid = lm0.run.session_id or f"model-{mid}"
        sampler_id = f"{sid}:sample:{int(ss_seq)}"
        h = body_hash("save_weights_for_sampler", body)
        holder: dict[str, SamplerRec] = {}

        def validate(lm: LiveModel) -> None:
            existing = self.samplers.get(sampler_id)
            if existing is not None:
                raise conflict(f"sampling_session_seq_id: sampling session {sampler_id!r} already exists")
            rec = SamplerRec(sampler_id, lm.run.session_id, lm.base.name, None, now(), body_hash=h)
            self._register_sampler(rec)
            holder["rec"] = rec

        def work(lm: LiveModel, _p: Any) -> Any:
            assert lm.model is not None
            rec = holder["rec"]
            rec.weights = lm.model.snapshot()
            rec.ready.set()
            return {"path": None, "sampling_session_id": sampler_id, "type": "save_weights_for_sampler"}

        def broken(rec: FutureRec) -> None:
            sampler = holder.get("rec")
            if sampler is not None:
                sampler.error = rec.error
                sampler.ready.set()

        return self._submit_model_op(
            "save_weights_for_sampler", mid, _int(body.get("seq_id")), h, validate, work, on_fail=broken
        )

    def _run_fail_hook(self, rec: FutureRec) -> None:
        with self.lock:
            hook = self._fail_hooks.pop(rec.request_id, None)
        if hook is not None and rec.status == FAILED:
            hook(rec)

    def op_save_weights_external(self, body: dict[str, Any]) -> dict[str, Any]:
        if body.get("age_encryption_recipients"):
            raise bad_request("age_encryption_recipients: encrypted exports are not supported by the local server")

        def writer(lm: LiveModel, path: Path) -> None:
            assert lm.model is not None
            lm.model.snapshot().save(path)

        return self._submit_save(
            "save_weights_external",
            body,
            "external_weights",
            body["path"],
            False,
            writer,
            lambda rec: {
                "path": rec.tinker_path,
                "size_bytes": rec.size_bytes,
                "type": "save_weights_external",
            },
            _int(body.get("ttl_seconds")),
            None,
        )

    @staticmethod
    def _lora_from_adapter(cfg: dict[str, Any]) -> eng.LoraConfig:
        tl = cfg.get("tinker_local") or {}
        mods = set(cfg.get("target_modules") or [])
        return eng.LoraConfig(
            rank=int(cfg["r"]),
            seed=int(tl.get("seed", 0)),
            train_attn=bool(tl.get("train_attn", bool(mods & {"q_proj", "k_proj", "v_proj", "o_proj"}))),
            train_mlp=bool(tl.get("train_mlp", bool(mods & {"up_proj", "down_proj"}))),
            train_unembed=bool(tl.get("train_unembed", "lm_head" in mods)),
            alpha=float(cfg.get("lora_alpha", 32.0)),
        )

    def _adapter_config(self, rec: CheckpointRec, field_name: str) -> dict[str, Any]:
        try:
            return eng.read_adapter_config(self.ckpt_dir(rec))
        except eng.EngineInputError as e:
            raise bad_request(f"{field_name}: checkpoint {rec.tinker_path} is unreadable: {e}") from None

    def op_load_weights(self, body: dict[str, Any], owner: str) -> dict[str, Any]:
        optimizer = bool(body["optimizer"])
        if body.get("model_id") is not None:
            return self._load_into(body, optimizer)
        if body.get("session_id") is None or body.get("model_seq_id") is None:
            raise bad_request(
                "model_id, session_id: address the model with model_id, or with session_id + model_seq_id to create it from the checkpoint"
            )
        sid = body["session_id"]
        session = self._session(sid, for_work=True)
        seq = int(body["model_seq_id"])
        run_id = f"{sid}:train:{seq}"
        h = body_hash("load_weights", body)
        with self.lock:
            dup = self._creation_dedupe(run_id, h, "model_seq_id")
            if dup is not None:
                return dup
        ck = self._checkpoint_by_path(body["path"], "path")
        if optimizer and ck.kind != "weights":
            raise bad_request(
                f"optimizer: {ck.tinker_path} is a {ck.checkpoint_type} checkpoint without optimizer state; load it with optimizer=false"
            )
        acfg = self._adapter_config(ck, "path")
        base_name = acfg["base_model_name_or_path"]
        if body.get("base_model") is not None and body["base_model"] != base_name:
            raise bad_request(
                f"base_model: the checkpoint {ck.tinker_path} is for {base_name!r}, not {body['base_model']!r}"
            )
        base = self._base(base_name, "path")
        lora = self._lora_from_adapter(acfg)
        opt = self._optimizer_config(body.get("optimizer_config"), "optimizer_config")
        src_dir = self.ckpt_dir(ck)
        with self.lock:
            dup = self._creation_dedupe(run_id, h, "model_seq_id")
            if dup is not None:
                return dup
            run = _new_run(run_id, base.name, owner, session.session_id, seq, lora, body, opt)
            lm = self._new_live_model(run, base, lora)
            rec = self.futures.create("load_weights", model_id=run_id, session_id=sid)
            self.creations[run_id] = (h, rec.request_id)
        path = ck.tinker_path

        def create() -> dict[str, Any]:
            model = eng.TrainableModel(lm.base, lm.lora)
            model.load(src_dir, with_optimizer=optimizer)
            lm.model = model
            lm.status = "ready"
            return {"path": path, "model_id": run_id, "type": "load_weights"}

        self._submit_creation(lm, rec, create)
        self.store.audit("checkpoint_read", model_id=ck.run_id, tinker_path=path, purpose="load_weights", into=run_id)
        return rec.describe()

    def _load_into(self, body: dict[str, Any], optimizer: bool) -> dict[str, Any]:
        mid = body["model_id"]
        lm0 = self._live_model(mid)
        ck = self._checkpoint_by_path(body["path"], "path")
        if optimizer and ck.kind != "weights":
            raise bad_request(
                f"optimizer: {ck.tinker_path} is a {ck.checkpoint_type} checkpoint without optimizer state; load it with optimizer=false"
            )
        acfg = self._adapter_config(ck, "path")
        if acfg["base_model_name_or_path"] != lm0.base.name:
            raise bad_request(
                f"path: the checkpoint is for {acfg['base_model_name_or_path']!r}, model {mid!r} is {lm0.base.name!r}"
            )
        saved = self._lora_from_adapter(acfg)
        if saved.rank != lm0.lora.rank:
            raise bad_request(
                f"path: the checkpoint has LoRA rank {saved.rank}, model {mid!r} has rank {lm0.lora.rank}"
            )
        src = self.ckpt_dir(ck)
        path = ck.tinker_path
        h = body_hash("load_weights", body)

        def work(lm: LiveModel, _p: Any) -> Any:
            assert lm.model is not None
            lm.model.load(src, with_optimizer=optimizer)
            self.store.audit("checkpoint_read", model_id=ck.run_id, tinker_path=path, purpose="load_weights", into=mid)
            return {"path": path, "model_id": mid, "type": "load_weights"}

        return self._submit_model_op("load_weights", mid, _int(body.get("seq_id")), h, lambda lm: None, work)

    # ---------------------------------------------------------------- checkpoint REST
    def checkpoint_json(self, rec: CheckpointRec) -> dict[str, Any]:
        return {
            "checkpoint_id": rec.checkpoint_id,
            "checkpoint_type": rec.checkpoint_type,
            "time": iso(rec.created_at),
            "tinker_path": rec.tinker_path,
            "size_bytes": rec.size_bytes,
            "public": rec.public,
            "expires_at": iso(rec.expires_at),
            "training_run_id": rec.run_id,
            "user_metadata": dict(rec.user_metadata) if rec.user_metadata is not None else None,
        }

    def _visible_checkpoints(self, run_id: str | None = None) -> list[CheckpointRec]:
        t = now()
        with self.lock:
            recs = [
                c
                for c in self.store.checkpoints.values()
                if c.status == "ready"
                and not c.expired(t)
                and (run_id is None or c.run_id == run_id)
                and visible(self._owner_of_run(c.run_id))
            ]
        return sorted(recs, key=lambda c: (c.created_at, c.checkpoint_id), reverse=True)

    def _run_json(self, run: RunRec) -> dict[str, Any]:
        cks = self._visible_checkpoints(run.run_id)
        last = next((c for c in cks if c.kind == "weights"), None)
        last_s = next((c for c in cks if c.kind == "sampler_weights"), None)
        return {
            "training_run_id": run.run_id,
            "base_model": run.base_model,
            "model_owner": run.owner,
            "is_lora": True,
            "corrupted": run.corrupted,
            "lora_rank": run.lora_rank,
            "last_request_time": iso(run.last_request_time),
            "last_checkpoint": self.checkpoint_json(last) if last else None,
            "last_sampler_checkpoint": self.checkpoint_json(last_s) if last_s else None,
            "user_metadata": dict(run.user_metadata) if run.user_metadata is not None else None,
        }

    def _run(self, run_id: str) -> RunRec:
        run = self.store.runs.get(run_id)
        if run is None or not visible(run.owner):
            raise not_found(f"training_run_id: training run {run_id!r} not found")
        return run

    def op_list_training_runs(self, limit: int, offset: int, project_id: str | None) -> dict[str, Any]:
        with self.lock:
            runs = sorted(
                (r for r in self.store.runs.values() if visible(r.owner)),
                key=lambda r: (r.created_at, r.run_id),
                reverse=True,
            )
        if project_id is not None:

            def proj(r: RunRec) -> str | None:
                s = self.store.sessions.get(r.session_id) if r.session_id else None
                return s.project_id if s else None

            runs = [r for r in runs if proj(r) == project_id]
        page = runs[offset : offset + limit]
        return {
            "training_runs": [self._run_json(r) for r in page],
            "cursor": {"offset": offset, "limit": limit, "total_count": len(runs)},
        }

    def op_get_training_run(self, run_id: str) -> dict[str, Any]:
        return self._run_json(self._run(run_id))

    def op_list_checkpoints(self, run_id: str) -> dict[str, Any]:
        self._run(run_id)
        return {
            "checkpoints": [self.checkpoint_json(c) for c in self._visible_checkpoints(run_id)],
            "cursor": None,
        }

    def op_list_user_checkpoints(self, limit: int, offset: int) -> dict[str, Any]:
        cks = self._visible_checkpoints()
        return {
            "checkpoints": [self.checkpoint_json(c) for c in cks[offset : offset + limit]],
            "cursor": {"offset": offset, "limit": limit, "total_count": len(cks)},
        }

    def op_delete_checkpoint(self, run_id: str, kind: str, name: str) -> dict[str, Any]:
        rec = self._checkpoint(run_id, kind, name, "checkpoint_id", write=True)
        with self.lock:
            self.store.checkpoints.pop((run_id, kind, name), None)
        self.store.save_checkpoint_index(run_id)
        self.store.remove_checkpoint_files(rec)
        self.store.audit("checkpoint_delete", model_id=run_id, tinker_path=rec.tinker_path)
        return {}

    def op_publish(self, run_id: str, kind: str, name: str, public: bool) -> dict[str, Any]:
        rec = self._checkpoint(run_id, kind, name, "checkpoint_id", write=True)
        with self.lock:
            if rec.public == public:
                raise conflict(f"checkpoint_id: {rec.tinker_path} is already {'public' if public else 'private'}")
            rec.public = public
        self.store.save_checkpoint_index(run_id)
        self.store.audit(
            "checkpoint_publish" if public else "checkpoint_unpublish",
            model_id=run_id,
            tinker_path=rec.tinker_path,
        )
        return {}

    def op_set_ttl(self, run_id: str, kind: str, name: str, body: dict[str, Any]) -> dict[str, Any]:
        rec = self._checkpoint(run_id, kind, name, "checkpoint_id", write=True)
        ttl = body.get("ttl_seconds")
        with self.lock:
            rec.expires_at = (now() + int(ttl)) if ttl is not None else None
        self.store.save_checkpoint_index(run_id)
        self.store.audit("checkpoint_ttl_set", model_id=run_id, tinker_path=rec.tinker_path, ttl_seconds=ttl)
        return {}

    def op_weights_info(self, body: dict[str, Any]) -> dict[str, Any]:
        ck = self._checkpoint_by_path(body["tinker_path"], "tinker_path")
        acfg = self._adapter_config(ck, "tinker_path")
        lora = self._lora_from_adapter(acfg)
        run = self.store.runs.get(ck.run_id)
        return {
            "base_model": acfg["base_model_name_or_path"],
            "is_lora": True,
            "lora_rank": lora.rank,
            "train_unembed": lora.train_unembed,
            "train_mlp": lora.train_mlp,
            "train_attn": lora.train_attn,
            "optimizer_config": dict(run.optimizer_config) if run else {"type": "adamw"},
        }

    def op_copy_weights(self, body: dict[str, Any], owner: str, idem_key: str | None) -> dict[str, Any]:
        if idem_key:
            idem_key = f"{owner}|{idem_key}"  # one owner's key never replays another owner's copy
            with self.lock:
                prev = self.copies.get(idem_key)
            if prev is not None:
                return dict(prev)
        ck = self._checkpoint_by_path(body["source_path"], "source_path")
        src_run = self.store.runs.get(ck.run_id)
        sid = body.get("session_id")
        seq = body.get("model_seq_id")
        if (sid is None) != (seq is None):
            raise bad_request("session_id, model_seq_id: send both (or neither, with destination_project_id)")
        session = self._session(sid, for_work=True) if sid is not None else None
        with self.lock:
            if idem_key and idem_key in self.copies:
                return dict(self.copies[idem_key])
            run_id = f"{sid}:train:{int(seq)}" if sid is not None else f"copy-{secrets.token_hex(8)}"
            if run_id in self.store.runs:
                raise bad_request(f"model_seq_id: model {run_id!r} already exists")
            t = now()
            base = src_run.base_model if src_run else self._adapter_config(ck, "source_path")["base_model_name_or_path"]
            run = RunRec(
                run_id=run_id,
                base_model=base,
                owner=owner,
                created_at=t,
                last_request_time=t,
                session_id=session.session_id if session else None,
                model_seq_id=_int(seq),
                lora_rank=src_run.lora_rank if src_run else 0,
                trainable=False,
                train_attn=src_run.train_attn if src_run else True,
                train_mlp=src_run.train_mlp if src_run else True,
                train_unembed=src_run.train_unembed if src_run else True,
                user_metadata={"copied_from": ck.tinker_path}
                | ({"project_id": body["destination_project_id"]} if body.get("destination_project_id") else {}),
            )
            self.store.runs[run_id] = run
            self.store.save_run(run)
            if session is not None:
                session.training_run_ids.append(run_id)
                self.store.save_session(session)
            self.store.checkpoints[(run_id, ck.kind, ck.name)] = CheckpointRec(
                run_id, ck.kind, ck.name, t, status="pending"
            )
        dst = self.store.checkpoint_dir(run_id, ck.kind, ck.name)
        src = self.ckpt_dir(ck)
        try:
            with reading(src):  # an overwrite of the source waits, so the copy is one consistent save
                write_dir_atomically(
                    dst, lambda tmp: shutil.copytree(src, tmp, dirs_exist_ok=True), size_hint=dir_size(src)
                )
        except OSError as e:
            self._release(run_id, ck.kind, ck.name)
            raise ApiError(500, f"copy failed: {e}", category="server") from None
        ttl = _int(body.get("ttl_seconds"))
        new = self._finish_checkpoint(run_id, ck.kind, ck.name, ttl, ck.user_metadata, "checkpoint_copy")
        out = {"tinker_path": new.tinker_path}
        if idem_key:
            with self.lock:
                self.copies[idem_key] = out
        return dict(out)

    # ---------------------------------------------------------------- signed URLs
    def sign(self, rel: str, mode: str, filename: str, ttl: float | None = None) -> tuple[str, float]:
        exp = now() + (ttl if ttl is not None else self.config.signed_url_ttl_s)
        payload = wire.dumps({"p": rel, "m": mode, "f": filename, "e": int(exp)})
        tok = base64.urlsafe_b64encode(payload).rstrip(b"=").decode()
        sig = hmac.new(self.store.url_key, tok.encode(), hashlib.sha256).hexdigest()[:32]
        return f"{tok}.{sig}", float(int(exp))

    def verify(self, token: str) -> tuple[Path, str, str]:
        tok, _, sig = token.partition(".")
        good = hmac.new(self.store.url_key, tok.encode(), hashlib.sha256).hexdigest()[:32]
        if not sig or not hmac.compare_digest(sig, good):
            raise not_found("download: invalid or tampered link")
        try:
            data = wire.loads(base64.urlsafe_b64decode(tok + "=" * (-len(tok) % 4)))
        except (ValueError, wire.WireError):
            raise not_found("download: invalid link") from None
        if now() > float(data["e"]):
            raise not_found("download: the link has expired; request a new one")
        root = self.store.root.resolve()
        path = (root / data["p"]).resolve()
        if root not in path.parents and path != root:
            raise not_found("download: invalid link")
        if not path.exists():
            raise not_found("download: the file no longer exists")
        return path, str(data["m"]), str(data["f"])

    def archive_url(self, run_id: str, kind: str, name: str, base_url: str) -> tuple[str, float]:
        rec = self._checkpoint(run_id, kind, name, "checkpoint_id")
        rel = str(self.ckpt_dir(rec).resolve().relative_to(self.store.root.resolve()))
        fname = f"{run_id.replace(':', '_')}-{kind}-{name}.tar.gz"
        token, exp = self.sign(rel, "tar", fname)
        self.store.audit("checkpoint_read", model_id=run_id, tinker_path=rec.tinker_path, purpose="archive")
        return f"{base_url}local/files/{token}", exp

    def op_external_urls(self, run_id: str, kind: str, name: str, base_url: str) -> dict[str, Any]:
        if kind != "external_weights":
            raise bad_request(
                f"checkpoint_kind: download URLs exist only for external_weights checkpoints, not {kind!r}"
            )
        rec = self._checkpoint(run_id, kind, name, "checkpoint_id")
        d = self.ckpt_dir(rec).resolve()
        root = self.store.root.resolve()
        urls = {}
        exp = 0.0
        for p in sorted(d.rglob("*")):
            if p.is_file():
                relname = str(p.relative_to(d))
                token, exp = self.sign(str(p.relative_to(root)), "file", p.name)
                urls[relname] = f"{base_url}local/files/{token}"
        if not urls:
            raise not_found(f"checkpoint_id: {rec.tinker_path} has no files")
        self.store.audit(
            "checkpoint_read", model_id=run_id, tinker_path=rec.tinker_path, purpose="external_weights_urls"
        )
        return {"urls": urls, "expires": iso(exp)}

    # ---------------------------------------------------------------- trace export
    def op_trace_export(self, session_id: str, base_url: str) -> dict[str, Any]:
        self._session(session_id)
        with self.lock:
            spans = list(self.spans.get(session_id, []))
        lanes: dict[str, int] = {}
        events: list[dict[str, Any]] = [
            {
                "name": "process_name",
                "ph": "M",
                "pid": 1,
                "tid": 0,
                "args": {"name": f"tinker session {session_id}"},
            }
        ]
        for sp in spans:
            tid = lanes.setdefault(sp["lane"], len(lanes) + 1)
            events.append(
                {
                    "name": sp["name"],
                    "cat": "tinker",
                    "ph": "X",
                    "pid": 1,
                    "tid": tid,
                    "ts": round(sp["start"] * 1e6, 1),
                    "dur": round(max(0.0, sp["end"] - sp["start"]) * 1e6, 1),
                    "args": sp["args"],
                }
            )
        for lane, tid in lanes.items():
            events.append({"name": "thread_name", "ph": "M", "pid": 1, "tid": tid, "args": {"name": lane}})
        doc = {"traceEvents": events, "displayTimeUnit": "ms", "otherData": {"session_id": session_id}}
        out_dir = self.store.exports_dir / "traces"
        out_dir.mkdir(parents=True, exist_ok=True)
        fname = f"trace-{session_id}-{int(now() * 1000)}.json"
        target = out_dir / fname
        tmp = out_dir / f".{fname}.tmp"
        tmp.write_bytes(wire.dumps(doc))
        tmp.replace(target)
        token, _ = self.sign(str(target.relative_to(self.store.root)), "file", fname)
        return {"status": "ready", "url": f"{base_url}local/files/{token}"}

    # ================================================================ sampling
    def _register_sampler(self, rec: SamplerRec) -> None:
        self.samplers[rec.sampler_id] = rec
        if rec.session_id is not None:
            s = self.store.sessions.get(rec.session_id)
            if s is not None and rec.sampler_id not in s.sampler_ids:
                s.sampler_ids.append(rec.sampler_id)
                self.store.save_session(s)

    def _load_sampler_weights(self, ck: CheckpointRec) -> Any:
        key = (ck.run_id, ck.kind, ck.name, ck.created_at)
        with self.lock:
            w = self._sampler_cache.get(key)
        if w is None:
            try:
                w = eng.SamplerWeights.load(self.ckpt_dir(ck), self.registry)
            except eng.EngineInputError as e:
                raise bad_request(f"model_path: cannot load {ck.tinker_path}: {e}") from None
            with self.lock:
                self._sampler_cache[key] = w
                while len(self._sampler_cache) > 64:
                    self._sampler_cache.pop(next(iter(self._sampler_cache)))
        return w

    def op_create_sampling_session(self, body: dict[str, Any]) -> dict[str, Any]:
        sid = body["session_id"]
        self._session(sid, for_work=True)
        seq = int(body["sampling_session_seq_id"])
        sampler_id = f"{sid}:sample:{seq}"
        h = body_hash("create_sampling_session", {k: body.get(k) for k in ("base_model", "model_path")})
        with self.lock:
            existing = self.samplers.get(sampler_id)
            if existing is not None:
                if existing.body_hash == h:
                    return {"sampling_session_id": sampler_id, "type": "create_sampling_session"}
                raise conflict(
                    f"sampling_session_seq_id: sampling session {sampler_id!r} already exists with other settings"
                )
        base_model, model_path = body.get("base_model"), body.get("model_path")
        if model_path is not None:
            ck = self._checkpoint_by_path(model_path, "model_path")
            weights = self._load_sampler_weights(ck)
            if base_model is not None and base_model != weights.base.name:
                raise bad_request(
                    f"base_model: {model_path} is a checkpoint of {weights.base.name!r}, not {base_model!r}"
                )
            name = weights.base.name
            self.store.audit("checkpoint_read", model_id=ck.run_id, tinker_path=ck.tinker_path, purpose="sampling")
        elif base_model is not None:
            weights = eng.SamplerWeights.from_base(self._base(base_model))
            name = base_model
        else:
            raise bad_request(
                "base_model, model_path: send one of them (a served base model or a tinker:// checkpoint path)"
            )
        rec = SamplerRec(sampler_id, sid, name, model_path, now(), weights=weights, body_hash=h)
        rec.ready.set()
        with self.lock:
            if sampler_id in self.samplers:
                if self.samplers[sampler_id].body_hash == h:
                    return {"sampling_session_id": sampler_id, "type": "create_sampling_session"}
                raise conflict(f"sampling_session_seq_id: sampling session {sampler_id!r} already exists")
            self._register_sampler(rec)
        return {"sampling_session_id": sampler_id, "type": "create_sampling_session"}

    def _sampler(self, sampler_id: Any) -> SamplerRec | None:
        rec = self.samplers.get(sampler_id)
        return rec if rec is not None and visible(rec.owner) else None

    def op_get_sampler(self, sampler_id: str) -> dict[str, Any]:
        rec = self._sampler(sampler_id)
        if rec is None:
            raise not_found(f"sampler_id: sampler {sampler_id!r} not found")
        out = {"sampler_id": sampler_id, "base_model": rec.base_model}
        if rec.model_path is not None:
            out["model_path"] = rec.model_path
        return out

    def op_join_sampling_session(self, body: dict[str, Any]) -> dict[str, Any]:
        ssid = body["sampling_session_id"]
        with self.lock:
            rec = self._sampler(ssid)
            if rec is None:
                raise not_found(f"sampling_session_id: sampling session {ssid!r} not found")
            rec.join_counter += 1
            n = rec.join_counter
        return {"client_counter": n, "type": "join_sampling_session"}

    def plan_sample(self, body: dict[str, Any]) -> SamplePlan:
        """Resolve the sampler and validate a sample request (no work done)."""
        sp = body["sampling_params"]
        if sp.get("max_tokens") is None:
            raise bad_request("sampling_params.max_tokens is required")
        for f, off in (("topk_sample_logprobs", 0), ("prompt_alt_tokens_k", 0)):
            if int(body.get(f) or 0) != off:
                raise bad_request(f"{f}: not supported by the local server (send 0)")
        if body.get("target_prompt_logprobs") is not None:
            raise bad_request("target_prompt_logprobs: not supported by the local server")
        ssid = body.get("sampling_session_id")
        if ssid is not None:
            sampler = self._sampler(ssid)
            if sampler is None:
                raise not_found(f"sampling_session_id: sampling session {ssid!r} not found")
            if sampler.session_id is not None:
                self._session(sampler.session_id, for_work=True, field_name="sampling_session_id")
        elif body.get("model_path") is not None:
            ck = self._checkpoint_by_path(body["model_path"], "model_path")
            w = self._load_sampler_weights(ck)
            sampler = SamplerRec(f"direct:{ck.tinker_path}", None, w.base.name, ck.tinker_path, now(), weights=w)
            sampler.ready.set()
        elif body.get("base_model") is not None:
            base = self._base(body["base_model"])
            sampler = SamplerRec(
                f"direct:{base.name}",
                None,
                base.name,
                None,
                now(),
                weights=eng.SamplerWeights.from_base(base),
            )
            sampler.ready.set()
        else:
            raise bad_request("sampling_session_id: required (or base_model / model_path for direct sampling)")
        base = self.registry.get(sampler.base_model)
        chunks = body["prompt"]["chunks"]
        prompt = self._tokens_from_json_chunks(chunks, "prompt.chunks")
        stop = sp.get("stop")
        if isinstance(stop, np.ndarray):  # a long stop-token list decoded as an array
            stop = stop.tolist()
        if (
            isinstance(stop, list)
            and stop
            and all(isinstance(x, (int, float)) and not isinstance(x, bool) for x in stop)
        ):
            stop = [int(x) for x in stop]
        seed = sp.get("seed")
        cfg = eng.SamplingConfig(
            max_tokens=int(sp["max_tokens"]),
            temperature=float(sp.get("temperature", 1.0)),
            top_k=int(sp.get("top_k", -1)),
            top_p=float(sp.get("top_p", 1.0)),
            seed=int(seed) if seed is not None else None,
            stop=stop,
        )
        n = int(body.get("num_samples", 1))
        want_plp = bool(body.get("prompt_logprobs") or False)
        topk = int(body.get("topk_prompt_logprobs", 0) or 0)
        last_n = body.get("prompt_logprobs_last_n")
        if last_n is not None:
            last_n = int(last_n)
            if not want_plp:
                raise bad_request("prompt_logprobs_last_n: needs prompt_logprobs=true")
            if not 1 <= last_n <= max(0, len(prompt) - 1):
                raise bad_request(
                    f"prompt_logprobs_last_n: must be between 1 and len(prompt) - 1 = {len(prompt) - 1}, got {last_n}"
                )
        budget = n * (len(prompt) + cfg.max_tokens)
        if budget > self.config.max_sample_batch_tokens:
            raise bad_request(
                f"num_samples: num_samples x (prompt + max_tokens) = {n} x ({len(prompt)} + {cfg.max_tokens}) = {budget} "
                f"exceeds the local server's limit of {self.config.max_sample_batch_tokens} tokens per request"
            )
        decode = self._decoder(base.name)
        try:  # validates every argument without running anything
            gen = eng.sample_stream(eng.SamplerWeights.from_base(base), prompt, cfg, n, want_plp, topk, decode)
            gen.close()
        except eng.EngineInputError as e:
            msg = str(e)
            if msg.startswith("prompt:"):
                msg = "prompt.chunks" + msg[len("prompt") :]
            raise bad_request(msg) from None
        return SamplePlan(sampler, prompt, cfg, n, want_plp, topk, last_n, decode, sampler.session_id)

    def _sampler_weights(self, plan: SamplePlan) -> Any:
        s = plan.sampler
        if not s.ready.wait(timeout=max(60.0, self.config.seq_gap_timeout_s)):
            raise ApiError(500, f"sampler {s.sampler_id!r} did not become ready", category="server")
        if s.weights is None:
            raise bad_request(
                f"sampling_session_id: sampler {s.sampler_id!r} could not be created: {s.error or 'server stopped'}"
            )
        return s.weights

    def op_asample(self, body: dict[str, Any]) -> dict[str, Any]:
        ssid = body.get("sampling_session_id")
        seq = _int(body.get("seq_id"))
        h = body_hash("sample", body)
        if ssid is not None and seq is not None:
            with self.lock:
                s = self._sampler(ssid)
                if s is not None and seq in s.seqs:
                    prev_h, prev_rid = s.seqs[seq]
                    if prev_h == h:
                        prev = self.futures.get(prev_rid)
                        if prev is not None:
                            return prev.describe()
                    else:
                        raise conflict(
                            f"seq_id: seq_id {seq} of sampling session {ssid!r} was already used by a different request"
                        )
        plan = self.plan_sample(body)
        with self.lock:
            if ssid is not None and seq is not None:
                s = plan.sampler
                if seq in s.seqs and s.seqs[seq][0] == h:
                    prev = self.futures.get(s.seqs[seq][1])
                    if prev is not None:
                        return prev.describe()
                if seq in s.seqs and s.seqs[seq][0] != h:
                    raise conflict(
                        f"seq_id: seq_id {seq} of sampling session {ssid!r} was already used by a different request"
                    )
            rec = self.futures.create(
                "sample",
                session_id=plan.session_id,
                sampling_session_id=ssid,
                clone_id=(seq // CLONE_STRIDE) if seq is not None else 0,
            )
            rec.sample_sequence_ids = [f"{rec.request_id}:{i}" for i in range(plan.num_samples)]
            if ssid is not None and seq is not None:
                plan.sampler.seqs[seq] = (h, rec.request_id)
        self._pool.submit(self._run_sample, rec, plan)
        return rec.describe()

    def _run_sample(self, rec: FutureRec, plan: SamplePlan) -> None:
        if rec.cancel.is_set() or not self.futures.mark_running(rec):
            return
        try:
            weights = self._sampler_weights(plan)
            n = plan.num_samples
            toks: list[list[int]] = [[] for _ in range(n)]
            lps: list[list[float]] = [[] for _ in range(n)]
            reasons = ["length"] * n
            prompt_ev = None
            for ev in eng.sample_stream(
                weights, plan.prompt, plan.cfg, n, plan.prompt_logprobs, plan.topk_prompt, plan.decode
            ):
                if rec.cancel.is_set():
                    self.futures.fail(rec, "the sample request was cancelled", "user")
                    return
                if isinstance(ev, eng.TokenEvent):
                    toks[ev.sample_index].append(ev.token)
                    lps[ev.sample_index].append(ev.logprob)
                elif isinstance(ev, eng.DoneEvent):
                    reasons[ev.sample_index] = ev.stop_reason
                else:
                    prompt_ev = ev
            result = self._sample_response(plan, toks, lps, reasons, prompt_ev)
        except eng.EngineInputError as e:
            self.futures.fail(rec, str(e), "user")
            return
        except ApiError as e:
            self.futures.fail(rec, e.detail, e.category or "user")
            return
        except Exception as e:
            log.warning("sample %s failed", rec.request_id, exc_info=True)
            self.futures.fail(rec, f"internal error during sampling: {type(e).__name__}: {e}", "server")
            return
        self.store.count_usage("sampling_prefill", len(plan.prompt), plan.session_id, plan.sampler.base_model)
        self.store.count_usage("sampling_sample", sum(len(t) for t in toks), plan.session_id, plan.sampler.base_model)
        self.futures.complete(rec, result)

    def _sample_response(self, plan: SamplePlan, toks, lps, reasons, prompt_ev) -> Any:
        seqs = [
            wire.WireSampledSequence(r, np.asarray(t, dtype=np.int64), np.asarray(lp, dtype=np.float32))
            for t, lp, r in zip(toks, lps, reasons)
        ]
        plp = None
        topk = None
        if plan.prompt_logprobs or plan.topk_prompt:
            vals = list(prompt_ev.prompt_logprobs) if prompt_ev and prompt_ev.prompt_logprobs is not None else None
            rows = (
                list(prompt_ev.topk_prompt_logprobs)
                if prompt_ev and prompt_ev.topk_prompt_logprobs is not None
                else None
            )
            if plan.last_n is not None:
                cut = len(plan.prompt) - plan.last_n
                if vals is not None:
                    vals = [None if i < cut else v for i, v in enumerate(vals)]
                if rows is not None:
                    rows = [None if i < cut else r for i, r in enumerate(rows)]
            if vals is not None and plan.prompt_logprobs:
                plp = wire.logprobs_from_list(vals)
            if rows is not None and plan.topk_prompt:
                topk = wire.topk_from_lists(rows, plan.topk_prompt)
        return wire.WireSampleResponse(seqs, plp, topk, 0)

    def record_completion(self, rec: FutureRec) -> None:
        """Append a finished sample to its sampling session's completion log (retrieve_futures)."""
        if rec.op != "sample" or rec.sampling_session_id is None:
            return
        s = self.samplers.get(rec.sampling_session_id)
        if s is None:
            return
        with self.lock:
            entry: dict[str, Any] = {"request_id": rec.request_id, "clone": rec.clone_id}
            if rec.status == DONE:
                entry["state"] = "finished"
                try:
                    entry["size"] = len(rec.payload(proto=True)[0])
                except (ValueError, TypeError):  # pragma: no cover - size is advisory
                    entry["size"] = None
            else:
                entry["state"] = "failed"
            s.events.append(entry)
            entry["cursor"] = s.events_base + len(s.events)
        s.signal.notify()

    async def op_retrieve_futures(self, body: dict[str, Any]) -> dict[str, Any]:
        target = body["target"]
        ssid = target["sampling_session_id"]
        clone = int(target.get("cloned_sampler_id", 0))
        s = self._sampler(ssid)
        if s is None:
            raise not_found(f"target.sampling_session_id: sampling session {ssid!r} not found")
        for rid in body.get("retrieved_request_ids") or []:
            rec = self.futures.get(rid)
            if rec is not None and rec.terminal:
                self.futures.mark_delivered(rec)
        prev = int(body.get("prev_cursor", 0))
        timeout = body.get("timeout")
        timeout = (
            self.config.retrieve_futures_timeout_s
            if timeout is None
            else min(float(timeout), self.config.retrieve_futures_timeout_s)
        )

        def fresh() -> list[dict[str, Any]]:
            with self.lock:
                return [e for e in s.events[max(prev - s.events_base, 0) :] if e["clone"] == clone]

        await s.signal.wait(timeout, lambda: bool(fresh()))
        items = fresh()
        with self.lock:
            cursor = max(prev, s.events_base + len(s.events))
        out = []
        for e in items:
            if e["state"] == "finished":
                out.append(
                    {
                        "state": "finished",
                        "request_id": e["request_id"],
                        "response_payload_uncompressed_size": e.get("size"),
                    }
                )
            else:
                out.append({"state": "failed", "request_id": e["request_id"]})
        return {"completions": out, "cursor": cursor}

    def op_cancel_future(self, body: dict[str, Any]) -> dict[str, Any]:
        rid = body["request_id"]
        rec = self.futures.get(rid)
        if rec is None:
            if self.futures.was_issued(rid):
                return {"cancelled": False}
            raise not_found(f"request_id: future {rid!r} not found")
        if rec.op != "sample" or rec.terminal:
            return {"cancelled": False}
        rec.cancel.set()
        if rec.status == "pending":
            self.futures.fail(rec, "the sample request was cancelled", "user")
        return {"cancelled": True}

    def stream_events(
        self, plan: SamplePlan, cancel: threading.Event, request_tag: str
    ) -> Iterator[tuple[str, dict[str, Any]]]:
        """Blocking generator of SSE ``(event, data)`` pairs for ``stream_sample``; closing it cancels."""
        weights = self._sampler_weights(plan)
        gen = eng.sample_stream(
            weights,
            plan.prompt,
            plan.cfg,
            plan.num_samples,
            plan.prompt_logprobs,
            plan.topk_prompt,
            plan.decode,
        )
        counts = [0] * plan.num_samples
        toks: list[list[int]] = [[] for _ in range(plan.num_samples)]
        emitted = [0] * plan.num_samples
        delay = self.config.stream_token_delay_s
        try:
            for ev in gen:
                if cancel.is_set():
                    return
                if isinstance(ev, eng.TokenEvent):
                    i = ev.sample_index
                    counts[i] += 1
                    toks[i].append(ev.token)
                    data: dict[str, Any] = {
                        "index": i,
                        "token_id": int(ev.token),
                        "logprob": float(ev.logprob),
                    }
                    if plan.decode is not None:
                        text = plan.decode(toks[i])
                        if text.endswith("\ufffd"):
                            data["text"] = ""
                        else:
                            data["text"] = text[emitted[i] :]
                            emitted[i] = len(text)
                    yield "token", data
                    if delay > 0:
                        time.sleep(delay)
                elif isinstance(ev, eng.DoneEvent):
                    i = ev.sample_index
                    yield (
                        "done",
                        {
                            "index": i,
                            "stop_reason": ev.stop_reason,
                            "num_tokens": counts[i],
                            "sequence_id": f"{request_tag}:{i}",
                        },
                    )
        finally:
            gen.close()
            self.store.count_usage("sampling_prefill", len(plan.prompt), plan.session_id, plan.sampler.base_model)
            self.store.count_usage("sampling_sample", sum(counts), plan.session_id, plan.sampler.base_model)

    # ================================================================ telemetry, auth, admin
    def op_telemetry(self, body: dict[str, Any]) -> dict[str, Any]:
        with self.lock:
            self.telemetry_events += len(body.get("events") or [])
        return {"status": "accepted"}

    def op_auth_token(self, owner: str) -> dict[str, Any]:
        t = int(now())
        header = {"alg": "none", "typ": "JWT"}
        claims = {
            "sub": f"tml:user:{owner}",
            "org_id": "local",
            "iat": t,
            "exp": t + 3600,
            "iss": "tinker-local",
        }

        def b64(obj: Any) -> str:
            return base64.urlsafe_b64encode(wire.dumps(obj)).rstrip(b"=").decode()

        return {"jwt": f"{b64(header)}.{b64(claims)}."}

    def op_api_key_info(self, owner: str) -> dict[str, Any]:
        fp = owner.split(":", 1)[-1]
        return {
            "key_id": int(fp[:8], 16),
            "name": "local",
            "note": f"local Tinker server: any non-empty X-API-Key is accepted; this key's sha256 starts with {fp[:8]}",
            "details": {"org_details": {"name": "local"}, "user_details": {"email": None}},
        }

    def op_audit(self, event_type: str, day: str | None) -> dict[str, Any]:
        if day is None:
            d = dt.datetime.now(dt.UTC).date()
        else:
            d = dt.date.fromisoformat(day)
        start = dt.datetime(d.year, d.month, d.day, tzinfo=dt.UTC).timestamp()
        end = start + 86400
        entries = []
        if event_type in ("all", "checkpoints"):
            for e in self.store.audit_entries():
                if start <= e["timestamp"] < end and visible(self._owner_of_run(str(e.get("model_id")))):
                    entries.append(
                        {
                            "timestamp": iso(e["timestamp"]),
                            "event": e["event"],
                            "model_id": e.get("model_id"),
                            "tinker_path": e.get("tinker_path"),
                            "purpose": (e.get("details") or {}).get("purpose"),
                            "event_details": e.get("details") or {},
                        }
                    )
        entries.sort(key=lambda x: x["timestamp"])
        return {"entries": entries}

    def op_billing_usage(self, starting_on: str, ending_before: str) -> dict[str, Any]:
        def parse(v: str, f: str) -> dt.datetime:
            try:
                t = dt.datetime.fromisoformat(v.replace("Z", "+00:00").replace("z", "+00:00"))
            except ValueError:
                raise bad_request(f"{f}: expected an RFC 3339 date-time, got {v!r}") from None
            if t.tzinfo is None:
                t = t.replace(tzinfo=dt.UTC)
            if t.minute or t.second or t.microsecond:
                raise bad_request(f"{f}: must fall on a UTC hour boundary, got {v!r}")
            if t.utcoffset() and t.utcoffset().total_seconds() % 3600:
                raise bad_request(f"{f}: must fall on a UTC hour boundary, got {v!r}")
            return t

        a = parse(starting_on, "starting_on")
        b = parse(ending_before, "ending_before")
        if b <= a:
            raise bad_request("ending_before: must be after starting_on")
        if b - a > dt.timedelta(days=14):
            raise bad_request("ending_before: the window may span at most 14 days")
        if a > dt.datetime.now(dt.UTC):
            raise bad_request("starting_on: must not be in the future")
        h0, h1 = int(a.timestamp() // 3600), int(b.timestamp() // 3600)
        with self.lock:
            items = list(self.store.usage.items())
        rows = []
        sessions: dict[str, Any] = {}
        for key, val in items:
            hour_s, sid, base, kind = key.split("|", 3)
            hour = int(hour_s)
            if not h0 <= hour < h1:
                continue
            n = int(val.get("tokens", 0))
            if kind == "sampling_prefill":
                info: dict[str, Any] = {"type": kind, "cached": False, "token_count": n}
            elif kind == "checkpoint":
                info = {"type": "checkpoint", "count": n}
            else:
                info = {"type": kind, "token_count": n}
            ev: dict[str, Any] = {
                "bucket_start": iso(hour * 3600.0),
                "bucket_end": iso((hour + 1) * 3600.0),
                "base_model": base or None,
                "session_id": sid or None,
                "event_info": info,
            }
            srec = self.store.sessions.get(sid) if sid else None
            if not visible(srec.owner if srec is not None else None):
                continue
            if srec is not None:
                ev["user_id"] = srec.owner
                ev["project_id"] = srec.project_id
                sessions[sid] = {"user_metadata": dict(srec.user_metadata)}
            rows.append((hour, -n, ev))
        rows.sort(key=lambda r: (r[0], r[1]))
        return {"data": [r[2] for r in rows], "sessions": sessions}

    def op_storage_usage(self, project_id: str | None) -> dict[str, Any]:
        groups: dict[tuple[str | None, str], list[int]] = {}
        for c in self._visible_checkpoints():
            run = self.store.runs.get(c.run_id)
            s = self.store.sessions.get(run.session_id) if run and run.session_id else None
            proj = s.project_id if s else None
            if project_id is not None and proj != project_id:
                continue
            owner = run.owner if run else "unknown"
            slot = groups.setdefault((proj, owner), [0, 0])
            slot[0] += 1
            slot[1] += c.size_bytes
        data = [
            {
                "project_id": proj,
                "org_user_urn": f"tml:user:{owner}",
                "checkpoint_count": cnt,
                "size_bytes": size,
                "size_gigabytes": size / 1e9,
            }
            for (proj, owner), (cnt, size) in sorted(groups.items(), key=lambda kv: (str(kv[0][0]), kv[0][1]))
        ]
        return {"data": data}


def _new_run(
    run_id: str,
    base_model: str,
    owner: str,
    session_id: str,
    model_seq_id: int,
    lora: Any,
    body: dict[str, Any],
    optimizer_config: Any,
) -> RunRec:
    """The record of a new training run (created by create_model or by a session-addressed load_weights)."""
    t = now()
    return RunRec(
        run_id=run_id,
        base_model=base_model,
        owner=owner,
        created_at=t,
        last_request_time=t,
        session_id=session_id,
        model_seq_id=model_seq_id,
        lora_rank=lora.rank,
        lora_seed=lora.seed,
        lora_alpha=lora.alpha,
        train_attn=lora.train_attn,
        train_mlp=lora.train_mlp,
        train_unembed=lora.train_unembed,
        user_metadata=_meta_str(body.get("user_metadata")),
        optimizer_config=optimizer_config,
    )
