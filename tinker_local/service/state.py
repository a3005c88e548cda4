"""The server's shared state and the lookups every concern uses (sessions, models, checkpoints, samplers).

One ``ServerState`` per server. Its ``lock`` guards the in-memory maps below and the records in
``store``; it is never held while the engine works or while a request is decoded or validated.
"""

from __future__ import annotations

import hashlib
import os
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

import tinker_wire as wire

from .. import engine as eng
from .._config import ServerConfig
from .._errors import ApiError, bad_request, gone, not_found
from .._futures import AsyncSignal, FutureRec, FutureStore
from .._state import KINDS, CheckpointRec, RunRec, SessionRec, StateStore, iso, now
from .._tenancy import CURRENT_OWNER, KeyRing, visible
from .._workers import ModelWorker
from .served import register_served_models

__all__ = [
    "LiveModel",
    "SamplerRec",
    "ServerState",
    "body_hash",
    "metadata_strings",
    "optional_int",
    "remember_seq",
]

#: Trace events kept per session, and in all (~400 bytes each): sessions come and go for as long as the server runs,
#: so past the total the oldest sessions' traces are dropped.
SPANS_PER_SESSION = 100_000
SPANS_TOTAL = 400_000
#: seq_ids a model or sampling session remembers for idempotent resubmission (~250 bytes each): a client resends
#: within minutes, and a model that lives for a million requests must not keep them all.
SEQS_KEPT = 65_536


def remember_seq(seqs: dict[int, Any], seq: int, entry: Any) -> None:
    """Record ``seq``'s request in ``seqs``, forgetting the oldest past ``SEQS_KEPT`` (caller holds the lock)."""
    seqs[seq] = entry
    if len(seqs) > SEQS_KEPT:
        del seqs[next(iter(seqs))]


def body_hash(op: str, data: bytes | Any) -> str:
    """Identity of a request body, for idempotent resubmission (same seq_id + same hash = same request)."""
    h = hashlib.sha256(op.encode() + b"\0")
    if isinstance(data, (bytes, bytearray, memoryview)):
        h.update(bytes(data))
    else:
        import orjson

        h.update(orjson.dumps(data, option=orjson.OPT_SORT_KEYS | orjson.OPT_SERIALIZE_NUMPY))
    return h.hexdigest()


def metadata_strings(d: Any) -> dict[str, str] | None:
    """User metadata as the string map the contract returns."""
    if d is None:
        return None
    return {str(k): v if isinstance(v, str) else wire.dumps(v).decode() for k, v in d.items()}


def optional_int(v: Any) -> int | None:
    return None if v is None else int(v)


def parse_tinker_path(path: Any, field_name: str) -> tuple[str, str, str]:
    """``tinker://<run>/<kind>/<name>`` as ``(run, kind, name)``; 400 naming the field otherwise."""
    hint = f"{field_name}: expected a tinker://<run>/<weights|sampler_weights|external_weights>/<name> path"
    if not isinstance(path, str) or not path.startswith("tinker://"):
        raise bad_request(f"{hint}, got {path!r}")
    parts = path[len("tinker://") :].split("/")
    if len(parts) != 3 or not all(parts) or parts[1] not in KINDS:
        raise bad_request(f"{hint}, got {path!r}")
    return parts[0], parts[1], parts[2]


@dataclass
class LiveModel:
    """A training run loaded in memory, with its worker thread (requests run there in seq_id order)."""

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
    """A sampling session: immutable sampler weights plus its idempotency and completion logs."""

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


class ServerState:
    def __init__(self, config: ServerConfig) -> None:
        self.config = config
        self.registry = eng.ModelRegistry()
        register_served_models(self.registry, config.model_specs(), os.environ)
        self.keys = KeyRing(tuple(config.api_keys))
        self.store = StateStore(config.state_dir)
        self.lock = self.store.lock
        self.futures = FutureStore(config.future_ttl_s, config.undelivered_future_ttl_s)
        self.models: dict[str, LiveModel] = {}
        self.samplers: dict[str, SamplerRec] = {}
        self.spans: dict[str, list[dict[str, Any]]] = {}  # session id -> trace events, oldest session first
        self._span_count = 0
        self.stream_threads: set[threading.Thread] = set()
        self.started_at = now()

    # ---------------------------------------------------------------- base models
    def served(self) -> list[str]:
        return self.registry.names()

    def base(self, name: str, field_name: str = "base_model") -> eng.BaseModel:
        if name not in self.registry:
            raise bad_request(f"{field_name}: unknown base model {name!r}; this server serves {self.served()}")
        return self.registry.get(name)

    def decoder(self, base_name: str) -> Callable[[list[int]], str]:
        """Token ids to text for a served model: its tokenizer's decoding, or the synthetic vocabulary's."""
        if base_name not in self.registry:
            raise bad_request(f"base_model: unknown base model {base_name!r}; this server serves {self.served()}")
        return self.registry.served(base_name).decode

    # ---------------------------------------------------------------- sessions and runs
    def session(self, session_id: str, *, for_work: bool = False, field_name: str = "session_id") -> SessionRec:
        rec = self.store.sessions.get(session_id)
        if rec is None or not visible(rec.owner):
            raise not_found(f"{field_name}: session {session_id!r} not found")
        if for_work and rec.finished is not None:
            raise gone(
                f"{field_name}: session {session_id!r} is finished ({rec.finished['reason']['type']}); "
                "start a new session"
            )
        return rec

    def owner_of_run(self, run_id: str) -> str | None:
        run = self.store.runs.get(run_id)
        return run.owner if run is not None else None

    def run(self, run_id: str) -> RunRec:
        run = self.store.runs.get(run_id)
        if run is None or not visible(run.owner):
            raise not_found(f"training_run_id: training run {run_id!r} not found")
        return run

    def live_model(self, model_id: str, field_name: str = "model_id") -> LiveModel:
        with self.lock:
            lm = self.models.get(model_id)
        if lm is not None and not visible(lm.run.owner):
            raise not_found(f"{field_name}: model {model_id!r} not found")
        if lm is not None and lm.status == "failed":
            raise not_found(f"{field_name}: model {model_id!r} could not be created: {lm.error}")
        if lm is None or lm.status in ("unloading", "unloaded"):
            if lm is None and model_id in self.store.runs and visible(self.owner_of_run(model_id)):
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

    def touch(self, run: RunRec) -> None:
        run.last_request_time = now()

    # ---------------------------------------------------------------- checkpoints
    def checkpoint(
        self, run_id: str, kind: str, name: str, field_name: str = "checkpoint", *, write: bool = False
    ) -> CheckpointRec:
        """A ready checkpoint the caller may read (its own, or published) or, with ``write``, change (own)."""
        with self.lock:
            rec = self.store.checkpoints.get((run_id, kind, name))
        path = f"tinker://{run_id}/{kind}/{name}"
        mine = visible(self.owner_of_run(run_id))
        if rec is not None and not mine and (write or not rec.public):
            rec = None
        if rec is None or rec.status != "ready":
            if run_id not in self.store.runs or not mine:
                raise not_found(f"{field_name}: training run {run_id!r} not found ({path})")
            raise not_found(f"{field_name}: checkpoint {path} not found")
        if rec.expired():
            raise not_found(f"{field_name}: checkpoint {path} expired at {iso(rec.expires_at)}")
        return rec

    def checkpoint_by_path(self, path: Any, field_name: str) -> CheckpointRec:
        return self.checkpoint(*parse_tinker_path(path, field_name), field_name=field_name)

    def checkpoint_dir(self, rec: CheckpointRec) -> Path:
        return self.store.checkpoint_dir(rec.run_id, rec.kind, rec.name)

    def visible_checkpoints(self, run_id: str | None = None) -> list[CheckpointRec]:
        """Ready, unexpired checkpoints the caller may see, newest first."""
        t = now()
        with self.lock:
            recs = [
                c
                for c in self.store.checkpoints.values()
                if c.status == "ready"
                and not c.expired(t)
                and (run_id is None or c.run_id == run_id)
                and visible(self.owner_of_run(c.run_id))
            ]
        return sorted(recs, key=lambda c: (c.created_at, c.checkpoint_id), reverse=True)

    def adapter_config(self, rec: CheckpointRec, field_name: str) -> dict[str, Any]:
        try:
            return eng.read_adapter_config(self.checkpoint_dir(rec))
        except eng.EngineInputError as e:
            raise bad_request(f"{field_name}: checkpoint {rec.tinker_path} is unreadable: {e}") from None

    # ---------------------------------------------------------------- samplers
    def sampler(self, sampler_id: Any) -> SamplerRec | None:
        rec = self.samplers.get(sampler_id)
        return rec if rec is not None and visible(rec.owner) else None

    def register_sampler(self, rec: SamplerRec) -> None:
        """Add a sampler (caller holds ``lock``) and list it on its session."""
        self.samplers[rec.sampler_id] = rec
        if rec.session_id is not None:
            s = self.store.sessions.get(rec.session_id)
            if s is not None and rec.sampler_id not in s.sampler_ids:
                s.sampler_ids.append(rec.sampler_id)
                self.store.save_session(s)

    # ---------------------------------------------------------------- tracing
    def span(self, session_id: str | None, name: str, start: float, end: float, lane: str, **args: Any) -> None:
        """One event of a session's trace (``export_session_trace``); bounded per session and in all."""
        if session_id is None:
            return
        with self.lock:
            spans = self.spans.setdefault(session_id, [])
            if len(spans) >= SPANS_PER_SESSION:
                return
            spans.append({"name": name, "start": start, "end": end, "lane": lane, "args": args})
            self._span_count += 1
            while self._span_count > SPANS_TOTAL:
                self._span_count -= len(self.spans.pop(next(iter(self.spans))))

    def session_of(self, body: Any, params: dict[str, Any]) -> str | None:
        """The session a request belongs to, for tracing (best effort)."""
        src = body if isinstance(body, dict) else {}
        sid = src.get("session_id") or params.get("session_id")
        if isinstance(sid, str) and sid in self.store.sessions:
            return sid
        mid = src.get("model_id") if src else getattr(body, "model_id", None)
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

    def on_future_done(self, rec: FutureRec) -> None:
        lane = rec.model_id or rec.sampling_session_id or "futures"
        start = rec.started_at or rec.created_at
        self.span(
            rec.session_id,
            rec.op,
            start,
            rec.finished_at or now(),
            lane,
            request_id=rec.request_id,
            status=rec.status,
            queued_s=round(start - rec.created_at, 6),
        )


def tokens_from_chunks(chunks: list[Any], where: str) -> np.ndarray:
    """The token ids of a model input (JSON chunk dicts or decoded protobuf chunks); the local model is
    text-only, so any other chunk is refused naming it."""
    parts: list[np.ndarray] = []
    for j, c in enumerate(chunks):
        if isinstance(c, wire.EncodedText):
            parts.append(c.tokens)
            continue
        if isinstance(c, dict):
            t = c.get("type")
            if "tokens" in c and t in (None, "encoded_text"):
                # long token lists arrive as int64 arrays (lean JSON decoding), short ones as lists
                parts.append(np.asarray(c["tokens"], dtype=np.int64).reshape(-1))
                continue
            kind = t or ("image" if "data" in c else "image_asset_pointer" if "location" in c else "dmel")
        else:
            kind = "image" if isinstance(c, wire.Image) else "dmel"
        raise bad_request(f"{where}[{j}]: {kind} chunks are not supported; the local model is text-only")
    return np.concatenate(parts) if parts else np.zeros(0, dtype=np.int64)
