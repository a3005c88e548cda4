"""Training models: create (from scratch), describe, unload; the records of new training runs."""

from __future__ import annotations

import secrets
from typing import Any

from .. import engine as eng
from .._errors import bad_request, conflict, not_found
from .._state import RunRec, now
from .._tenancy import visible
from .._workers import ModelWorker, Task
from .calls import Call, handles
from .model_queue import ModelQueue
from .state import LiveModel, ServerState, body_hash, metadata_strings

__all__ = ["ARCH", "Models"]

ARCH = "tinker-local-tiny-transformer"


class Models:
    def __init__(self, state: ServerState, queue: ModelQueue) -> None:
        self.state = state
        self.queue = queue
        self.creations: dict[str, tuple[str, str]] = {}  # run_id -> (body hash, request id)

    @staticmethod
    def lora_from_body(cfg: dict[str, Any] | None) -> eng.LoraConfig:
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
    def optimizer_config(cfg: dict[str, Any] | None, field_name: str) -> dict[str, Any]:
        if cfg is None:
            return {"type": "adamw"}
        t = str(cfg.get("type", "")).lower()
        if t not in ("adamw", "adam"):
            raise bad_request(
                f"{field_name}.type: optimizer family {cfg.get('type')!r} is not supported by the local server; "
                f"use {{'type': 'adamw'}}"
            )
        return {"type": "adamw"}

    def new_live_model(self, run: RunRec, base: eng.BaseModel, lora: eng.LoraConfig) -> LiveModel:
        """Register a run and its (still empty) live model; the caller holds the state lock."""
        lm = LiveModel(
            run=run, base=base, lora=lora, worker=ModelWorker(run.run_id, self.state.config.seq_gap_timeout_s)
        )
        self.state.store.save_run(run)  # first: a failed write (a full disk) registers nothing
        s = self.state.store.sessions.get(run.session_id) if run.session_id is not None else None
        if s is not None and run.run_id not in s.training_run_ids:
            s.training_run_ids.append(run.run_id)
            try:
                self.state.store.save_session(s)
            except BaseException:
                s.training_run_ids.remove(run.run_id)  # else the client's retry would meet a 409 "already exists"
                raise
        self.state.models[run.run_id] = lm
        self.state.store.runs[run.run_id] = run
        return lm

    def creation_dedupe(self, run_id: str, h: str, what: str) -> dict[str, Any] | None:
        """The answer to a resubmitted creation, a 409 for a different one, or None for a new run."""
        prev = self.creations.get(run_id)
        if prev is not None:
            if prev[0] == h:
                rec = self.state.futures.get(prev[1])
                return rec.describe() if rec is not None else {"request_id": prev[1], "model_id": run_id}
            raise conflict(f"{what}: model {run_id!r} already exists (created by a different request)")
        if run_id in self.state.store.runs:
            raise conflict(f"{what}: model {run_id!r} already exists")
        return None

    @handles("create_model")
    def create_model(self, call: Call) -> dict[str, Any]:
        body, owner = call.body, call.owner
        sid = body["session_id"]
        session = self.state.session(sid, for_work=True)
        seq = int(body["model_seq_id"])
        run_id = f"{sid}:train:{seq}"
        h = body_hash("create_model", body)
        with self.state.lock:
            dup = self.creation_dedupe(run_id, h, "model_seq_id")
            if dup is not None:
                return dup
            base = self.state.base(body["base_model"])
            lora = self.lora_from_body(body.get("lora_config"))
            opt = self.optimizer_config(body.get("optimizer_config"), "optimizer_config")
            run = new_run(run_id, base.name, owner, session.session_id, seq, lora, body, opt)
            lm = self.new_live_model(run, base, lora)
            rec = self.state.futures.create("create_model", model_id=run_id, session_id=sid)
            self.creations[run_id] = (h, rec.request_id)

        def create() -> dict[str, Any]:
            lm.model = eng.TrainableModel(lm.base, lm.lora)
            lm.status = "ready"
            return {"model_id": run_id, "type": "create_model"}

        self.queue.submit_creation(lm, rec, create)
        return rec.describe()

    @handles("get_info")
    def get_info(self, call: Call) -> dict[str, Any]:
        mid = call.body["model_id"]
        with self.state.lock:
            lm = self.state.models.get(mid)
        if lm is None or lm.status in ("unloaded", "failed") or not visible(lm.run.owner):
            self.state.live_model(mid)  # raises the right 404
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

    @handles("unload_model")
    def unload_model(self, call: Call) -> dict[str, Any]:
        mid = call.body["model_id"]
        with self.state.lock:
            lm = self.state.live_model(mid)
            lm.status = "unloading"
            rec = self.state.futures.create("unload_model", model_id=mid, session_id=lm.run.session_id)

        def run() -> None:
            self.state.futures.mark_running(rec)
            lm.model = None
            lm.status = "unloaded"
            with self.state.lock:
                self.state.models.pop(mid, None)
            self.state.futures.complete(rec, {"model_id": mid, "type": "unload_model"})

        lm.worker.submit(Task("unload", run, lambda msg: self.state.futures.fail(rec, msg, "server"), None))
        return rec.describe()


def new_run(
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
        user_metadata=metadata_strings(body.get("user_metadata")),
        optimizer_config=optimizer_config,
    )
