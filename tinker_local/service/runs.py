"""Training runs and their checkpoints as REST resources: list, inspect, delete, publish, TTL, copy."""

from __future__ import annotations

import contextlib
import secrets
import shutil
from typing import Any

from .._errors import ApiError, bad_request, conflict
from .._state import CheckpointRec, RunRec, SessionRec, dir_size, iso, now
from .._tenancy import visible
from ..engine._atomic import reading, write_dir_atomically
from .calls import Call, handles
from .checkpoints import Checkpoints, lora_from_adapter
from .state import ServerState, optional_int

__all__ = ["Runs", "checkpoint_json"]


def checkpoint_json(rec: CheckpointRec) -> dict[str, Any]:
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


class Runs:
    def __init__(self, state: ServerState, checkpoints: Checkpoints) -> None:
        self.state = state
        self.checkpoints = checkpoints
        self.copies: dict[str, dict[str, Any]] = {}  # idempotency key -> response

    def _run_json(self, run: RunRec) -> dict[str, Any]:
        cks = self.state.visible_checkpoints(run.run_id)
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
            "last_checkpoint": checkpoint_json(last) if last else None,
            "last_sampler_checkpoint": checkpoint_json(last_s) if last_s else None,
            "user_metadata": dict(run.user_metadata) if run.user_metadata is not None else None,
        }

    @handles("list_training_runs")
    def list_training_runs(self, call: Call) -> dict[str, Any]:
        limit, offset, project_id = call.param("limit", 20), call.param("offset", 0), call.param("project_id")
        with self.state.lock:
            runs = sorted(
                (r for r in self.state.store.runs.values() if visible(r.owner)),
                key=lambda r: (r.created_at, r.run_id),
                reverse=True,
            )
        if project_id is not None:

            def proj(r: RunRec) -> str | None:
                s = self.state.store.sessions.get(r.session_id) if r.session_id else None
                return s.project_id if s else None

            runs = [r for r in runs if proj(r) == project_id]
        page = runs[offset : offset + limit]
        return {
            "training_runs": [self._run_json(r) for r in page],
            "cursor": {"offset": offset, "limit": limit, "total_count": len(runs)},
        }

    @handles("get_training_run")
    def get_training_run(self, call: Call) -> dict[str, Any]:
        return self._run_json(self.state.run(call.params["training_run_id"]))

    @handles("list_checkpoints")
    def list_checkpoints(self, call: Call) -> dict[str, Any]:
        run_id = call.params["training_run_id"]
        self.state.run(run_id)
        return {
            "checkpoints": [checkpoint_json(c) for c in self.state.visible_checkpoints(run_id)],
            "cursor": None,
        }

    @handles("list_user_checkpoints")
    def list_user_checkpoints(self, call: Call) -> dict[str, Any]:
        limit, offset = call.param("limit", 100), call.param("offset", 0)
        cks = self.state.visible_checkpoints()
        return {
            "checkpoints": [checkpoint_json(c) for c in cks[offset : offset + limit]],
            "cursor": {"offset": offset, "limit": limit, "total_count": len(cks)},
        }

    @handles("delete_checkpoint")
    def delete_checkpoint(self, call: Call) -> dict[str, Any]:
        run_id, kind, name = checkpoint_address(call)
        rec = self.state.checkpoint(run_id, kind, name, "checkpoint_id", write=True)
        with self.state.lock:
            self.state.store.checkpoints.pop((run_id, kind, name), None)
            aside = self.state.store.set_aside_checkpoint_files(rec)
        self.state.store.remove_checkpoint_files(aside)  # before the index write: on a full disk it frees the space
        self.state.store.save_checkpoint_index(run_id)
        self.state.store.audit("checkpoint_delete", model_id=run_id, tinker_path=rec.tinker_path)
        return {}

    @handles("publish_checkpoint")
    def publish(self, call: Call) -> dict[str, Any]:
        return self._set_public(*checkpoint_address(call), True)

    @handles("unpublish_checkpoint")
    def unpublish(self, call: Call) -> dict[str, Any]:
        return self._set_public(*checkpoint_address(call), False)

    def _set_public(self, run_id: str, kind: str, name: str, public: bool) -> dict[str, Any]:
        rec = self.state.checkpoint(run_id, kind, name, "checkpoint_id", write=True)
        with self.state.lock:
            if rec.public == public:
                raise conflict(f"checkpoint_id: {rec.tinker_path} is already {'public' if public else 'private'}")
            rec.public = public
        try:
            self.state.store.save_checkpoint_index(run_id)
        except BaseException:
            with self.state.lock:  # not saved (a full disk): not done, so that the retry is not a 409
                rec.public = not public
            raise
        self.state.store.audit(
            "checkpoint_publish" if public else "checkpoint_unpublish",
            model_id=run_id,
            tinker_path=rec.tinker_path,
        )
        return {}

    @handles("set_checkpoint_ttl")
    def set_ttl(self, call: Call) -> dict[str, Any]:
        run_id, kind, name = checkpoint_address(call)
        rec = self.state.checkpoint(run_id, kind, name, "checkpoint_id", write=True)
        ttl = call.body.get("ttl_seconds")
        with self.state.lock:
            rec.expires_at = (now() + int(ttl)) if ttl is not None else None
        self.state.store.save_checkpoint_index(run_id)
        self.state.store.audit("checkpoint_ttl_set", model_id=run_id, tinker_path=rec.tinker_path, ttl_seconds=ttl)
        return {}

    @handles("get_weights_info")
    def weights_info(self, call: Call) -> dict[str, Any]:
        ck = self.state.checkpoint_by_path(call.body["tinker_path"], "tinker_path")
        acfg = self.state.adapter_config(ck, "tinker_path")
        lora = lora_from_adapter(acfg)
        run = self.state.store.runs.get(ck.run_id)
        return {
            "base_model": acfg["base_model_name_or_path"],
            "is_lora": True,
            "lora_rank": lora.rank,
            "train_unembed": lora.train_unembed,
            "train_mlp": lora.train_mlp,
            "train_attn": lora.train_attn,
            "optimizer_config": dict(run.optimizer_config) if run else {"type": "adamw"},
        }

    @handles("copy_weights")
    def copy_weights(self, call: Call) -> dict[str, Any]:
        body, owner, idem_key = call.body, call.owner, call.param("X-Idempotency-Key")
        if idem_key:
            idem_key = f"{owner}|{idem_key}"  # one owner's key never replays another owner's copy
            with self.state.lock:
                prev = self.copies.get(idem_key)
            if prev is not None:
                return dict(prev)
        ck = self.state.checkpoint_by_path(body["source_path"], "source_path")
        src_run = self.state.store.runs.get(ck.run_id)
        sid = body.get("session_id")
        seq = body.get("model_seq_id")
        if (sid is None) != (seq is None):
            raise bad_request("session_id, model_seq_id: send both (or neither, with destination_project_id)")
        session = self.state.session(sid, for_work=True) if sid is not None else None
        with self.state.lock:
            if idem_key and idem_key in self.copies:
                return dict(self.copies[idem_key])
            run_id = f"{sid}:train:{int(seq)}" if sid is not None else f"copy-{secrets.token_hex(8)}"
            if run_id in self.state.store.runs:
                raise bad_request(f"model_seq_id: model {run_id!r} already exists")
            t = now()
            base = (
                src_run.base_model
                if src_run
                else self.state.adapter_config(ck, "source_path")["base_model_name_or_path"]
            )
            run = RunRec(
                run_id=run_id,
                base_model=base,
                owner=owner,
                created_at=t,
                last_request_time=t,
                session_id=session.session_id if session else None,
                model_seq_id=optional_int(seq),
                lora_rank=src_run.lora_rank if src_run else 0,
                trainable=False,
                train_attn=src_run.train_attn if src_run else True,
                train_mlp=src_run.train_mlp if src_run else True,
                train_unembed=src_run.train_unembed if src_run else True,
                user_metadata={"copied_from": ck.tinker_path}
                | ({"project_id": body["destination_project_id"]} if body.get("destination_project_id") else {}),
            )
            self.state.store.runs[run_id] = run
            if session is not None:
                session.training_run_ids.append(run_id)
            self.state.store.checkpoints[(run_id, ck.kind, ck.name)] = CheckpointRec(
                run_id, ck.kind, ck.name, t, status="pending"
            )
        dst = self.state.store.checkpoint_dir(run_id, ck.kind, ck.name)
        src = self.state.checkpoint_dir(ck)
        try:
            self.state.store.save_run(run)
            if session is not None:
                with self.state.lock:
                    self.state.store.save_session(session)
            with reading(src):  # an overwrite of the source waits, so the copy is one consistent save
                write_dir_atomically(
                    dst, lambda tmp: shutil.copytree(src, tmp, dirs_exist_ok=True), size_hint=dir_size(src)
                )
            ttl = optional_int(body.get("ttl_seconds"))
            new = self.checkpoints.finish_checkpoint(run_id, ck.kind, ck.name, ttl, ck.user_metadata, "checkpoint_copy")
        except OSError as e:
            self._forget_copy(run, session, ck)
            raise ApiError(500, f"copy failed: {e}", category="server") from None
        out = {"tinker_path": new.tinker_path}
        if idem_key:
            with self.state.lock:
                self.copies[idem_key] = out
        return dict(out)

    def _forget_copy(self, run: RunRec, session: SessionRec | None, ck: CheckpointRec) -> None:
        """Undo a copy that failed (a full disk): no run without its checkpoint, and the client's retry of the
        same request is not refused as "already exists"."""
        # a new run's directory holds only what this copy wrote; removed while the run id is still taken
        shutil.rmtree(self.state.store.run_dir(run.run_id), ignore_errors=True)
        with self.state.lock:
            self.state.store.runs.pop(run.run_id, None)
            if session is not None and run.run_id in session.training_run_ids:
                session.training_run_ids.remove(run.run_id)
                with contextlib.suppress(OSError):
                    self.state.store.save_session(session)
            self.checkpoints.release_pending(run.run_id, ck.kind, ck.name)


def checkpoint_address(call: Call) -> tuple[str, str, str]:
    """(run, kind, name) of the checkpoint a ``/training_runs/{id}/checkpoints/{kind}/{name}`` path names."""
    p = call.params
    return p["training_run_id"], p["checkpoint_kind"], p["checkpoint_name"]
