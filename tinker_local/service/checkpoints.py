"""Checkpoints of a live model: save (training state, sampler weights, external export) and load."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from .. import engine as eng
from .._errors import bad_request, conflict
from .._futures import FutureRec
from .._state import CheckpointRec, dir_size, now
from ..engine._atomic import write_dir_atomically
from .calls import Call, handles
from .encryption import encrypted_fill, parse_recipients, refuse_encrypted
from .model_queue import ModelQueue
from .models import Models, new_run
from .state import LiveModel, SamplerRec, ServerState, body_hash, metadata_strings, optional_int

__all__ = ["Checkpoints", "lora_from_adapter"]


def lora_from_adapter(cfg: dict[str, Any]) -> eng.LoraConfig:
    """The LoRA settings a checkpoint's adapter_config.json was saved with."""
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


class Checkpoints:
    def __init__(self, state: ServerState, queue: ModelQueue, models: Models) -> None:
        self.state = state
        self.queue = queue
        self.models = models

    def _reserve(self, run_id: str, kind: str, name: str, overwrite: bool) -> CheckpointRec | None:
        """Reserve a checkpoint name; returns the record being replaced (overwrite) or None."""
        key = (run_id, kind, name)
        old = self.state.store.checkpoints.get(key)
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
        self.state.store.checkpoints[key] = CheckpointRec(run_id, kind, name, created_at=now(), status="pending")
        return None

    def _auto_name(self, run_id: str, kind: str) -> str:
        n = 1 + sum(1 for (r, k, _n) in self.state.store.checkpoints if r == run_id and k == kind)
        while (run_id, kind, f"{n:04d}") in self.state.store.checkpoints:
            n += 1
        return f"{n:04d}"

    def finish_checkpoint(
        self, run_id: str, kind: str, name: str, ttl: int | None, meta: dict[str, str] | None, event: str
    ) -> CheckpointRec:
        t = now()
        path = self.state.store.checkpoint_dir(run_id, kind, name)
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
        key = (run_id, kind, name)
        with self.state.lock:
            fresh = getattr(self.state.store.checkpoints.get(key), "status", None) == "pending"
            self.state.store.checkpoints[key] = rec
            run = self.state.store.runs.get(run_id)
        try:
            if run is not None:
                with self.state.lock:
                    self.state.touch(run)
                    self.state.store.save_run(run)
            self.state.store.save_checkpoint_index(run_id)
        except OSError:
            if fresh:  # not indexed (a full disk): gone after a restart, so not saved now either, and free to retry
                with self.state.lock:
                    self.state.store.checkpoints.pop(key, None)
                    aside = self.state.store.set_aside_checkpoint_files(rec)
                self.state.store.remove_checkpoint_files(aside)
            raise
        self.state.store.audit(event, model_id=run_id, tinker_path=rec.tinker_path, size_bytes=rec.size_bytes)
        self.state.store.count_usage("checkpoint", 1, run.session_id if run else None, run.base_model if run else None)
        return rec

    def release_pending(self, run_id: str, kind: str, name: str) -> None:
        with self.state.lock:
            rec = self.state.store.checkpoints.get((run_id, kind, name))
            if rec is not None and rec.status == "pending":
                del self.state.store.checkpoints[(run_id, kind, name)]

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
        claim: dict[str, Any] = {}  # the checkpoint name reserved for this save

        def reserve(lm: LiveModel) -> None:
            nm = name if name is not None else self._auto_name(mid, kind)
            claim["name"] = nm
            claim["old"] = self._reserve(mid, kind, nm, overwrite)
            claim["fresh"] = claim["old"] is None

        def work(lm: LiveModel, _prepared: Any) -> Any:
            nm = claim["name"]
            try:
                writer(lm, self.state.store.checkpoint_dir(mid, kind, nm))
            except BaseException:
                if claim["fresh"]:
                    self.release_pending(mid, kind, nm)
                raise
            rec = self.finish_checkpoint(
                mid, kind, nm, ttl, meta, "checkpoint_create" if claim["fresh"] else "checkpoint_overwrite"
            )
            return result(rec)

        def release(_rec: FutureRec) -> None:
            if claim.get("fresh"):
                self.release_pending(mid, kind, claim["name"])

        lm = self.state.live_model(mid)
        seq = optional_int(body.get("seq_id"))
        return self.queue.submit(op, lm, seq, h, work, reserve=reserve, on_fail=release)

    @handles("save_weights")
    def save_weights(self, call: Call) -> dict[str, Any]:
        body = call.body

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
            optional_int(body.get("ttl_seconds")),
            metadata_strings(body.get("user_metadata")),
        )

    @handles("save_weights_for_sampler")
    def save_weights_for_sampler(self, call: Call) -> dict[str, Any]:
        body = call.body
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
                optional_int(body.get("ttl_seconds")),
                metadata_strings(body.get("user_metadata")),
            )
        if ss_seq is None:
            raise bad_request(
                "path, sampling_session_seq_id: send a checkpoint name (path) for a persistent save, or sampling_session_seq_id for an ephemeral one"
            )
        lm0 = self.state.live_model(mid)
        sid = lm0.run.session_id or f"model-{mid}"
        sampler_id = f"{sid}:sample:{int(ss_seq)}"
        h = body_hash("save_weights_for_sampler", body)
        holder: dict[str, SamplerRec] = {}

        def reserve(lm: LiveModel) -> None:
            existing = self.state.samplers.get(sampler_id)
            if existing is not None:
                raise conflict(f"sampling_session_seq_id: sampling session {sampler_id!r} already exists")
            rec = SamplerRec(sampler_id, lm.run.session_id, lm.base.name, None, now(), body_hash=h)
            self.state.register_sampler(rec)
            holder["rec"] = rec

        def work(lm: LiveModel, _prepared: Any) -> Any:
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

        seq = optional_int(body.get("seq_id"))
        return self.queue.submit("save_weights_for_sampler", lm0, seq, h, work, reserve=reserve, on_fail=broken)

    @handles("save_weights_external")
    def save_weights_external(self, call: Call) -> dict[str, Any]:
        body = call.body
        keys = body.get("age_encryption_recipients")
        recipients = parse_recipients(keys) if keys else None  # checked now: a bad key is a 400, not a failed future

        def writer(lm: LiveModel, path: Path) -> None:
            assert lm.model is not None
            snap = lm.model.snapshot()
            if recipients is None:
                snap.save(path)
            else:
                write_dir_atomically(path, encrypted_fill(snap.save, recipients))

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
            optional_int(body.get("ttl_seconds")),
            None,
        )

    @handles("load_weights")
    def load_weights(self, call: Call) -> dict[str, Any]:
        body, owner = call.body, call.owner
        optimizer = bool(body["optimizer"])
        if body.get("model_id") is not None:
            return self._load_into(body, optimizer)
        if body.get("session_id") is None or body.get("model_seq_id") is None:
            raise bad_request(
                "model_id, session_id: address the model with model_id, or with session_id + model_seq_id to create it from the checkpoint"
            )
        sid = body["session_id"]
        session = self.state.session(sid, for_work=True)
        seq = int(body["model_seq_id"])
        run_id = f"{sid}:train:{seq}"
        h = body_hash("load_weights", body)
        with self.state.lock:
            dup = self.models.creation_dedupe(run_id, h, "model_seq_id")
            if dup is not None:
                return dup
        ck = self.state.checkpoint_by_path(body["path"], "path")
        refuse_encrypted(self.state.checkpoint_dir(ck), ck.tinker_path, "path")
        if optimizer and ck.kind != "weights":
            raise bad_request(
                f"optimizer: {ck.tinker_path} is a {ck.checkpoint_type} checkpoint without optimizer state; load it with optimizer=false"
            )
        acfg = self.state.adapter_config(ck, "path")
        base_name = acfg["base_model_name_or_path"]
        if body.get("base_model") is not None and body["base_model"] != base_name:
            raise bad_request(
                f"base_model: the checkpoint {ck.tinker_path} is for {base_name!r}, not {body['base_model']!r}"
            )
        base = self.state.base(base_name, "path")
        lora = lora_from_adapter(acfg)
        opt = self.models.optimizer_config(body.get("optimizer_config"), "optimizer_config")
        src_dir = self.state.checkpoint_dir(ck)
        with self.state.lock:
            dup = self.models.creation_dedupe(run_id, h, "model_seq_id")
            if dup is not None:
                return dup
            run = new_run(run_id, base.name, owner, session.session_id, seq, lora, body, opt)
            lm = self.models.new_live_model(run, base, lora)
            rec = self.state.futures.create("load_weights", model_id=run_id, session_id=sid)
            self.models.creations[run_id] = (h, rec.request_id)
        path = ck.tinker_path

        def create() -> dict[str, Any]:
            model = eng.TrainableModel(lm.base, lm.lora)
            model.load(src_dir, with_optimizer=optimizer)
            lm.model = model
            lm.status = "ready"
            return {"path": path, "model_id": run_id, "type": "load_weights"}

        self.queue.submit_creation(lm, rec, create)
        self.state.store.audit(
            "checkpoint_read", model_id=ck.run_id, tinker_path=path, purpose="load_weights", into=run_id
        )
        return rec.describe()

    def _load_into(self, body: dict[str, Any], optimizer: bool) -> dict[str, Any]:
        mid = body["model_id"]
        lm0 = self.state.live_model(mid)
        ck = self.state.checkpoint_by_path(body["path"], "path")
        refuse_encrypted(self.state.checkpoint_dir(ck), ck.tinker_path, "path")
        if optimizer and ck.kind != "weights":
            raise bad_request(
                f"optimizer: {ck.tinker_path} is a {ck.checkpoint_type} checkpoint without optimizer state; load it with optimizer=false"
            )
        acfg = self.state.adapter_config(ck, "path")
        if acfg["base_model_name_or_path"] != lm0.base.name:
            raise bad_request(
                f"path: the checkpoint is for {acfg['base_model_name_or_path']!r}, model {mid!r} is {lm0.base.name!r}"
            )
        saved = lora_from_adapter(acfg)
        if saved.rank != lm0.lora.rank:
            raise bad_request(
                f"path: the checkpoint has LoRA rank {saved.rank}, model {mid!r} has rank {lm0.lora.rank}"
            )
        src = self.state.checkpoint_dir(ck)
        path = ck.tinker_path
        h = body_hash("load_weights", body)

        def work(lm: LiveModel, _prepared: Any) -> Any:
            assert lm.model is not None
            lm.model.load(src, with_optimizer=optimizer)
            self.state.store.audit(
                "checkpoint_read", model_id=ck.run_id, tinker_path=path, purpose="load_weights", into=mid
            )
            return {"path": path, "model_id": mid, "type": "load_weights"}

        return self.queue.submit("load_weights", lm0, optional_int(body.get("seq_id")), h, work)
