"""Training: forward, forward_backward (JSON or protobuf) and optim_step on a live model, and server-side custom
losses (``create_custom_loss``, then ``loss_fn="custom"`` with ``loss_fn_config={"loss_id": ...}``)."""

from __future__ import annotations

import asyncio
import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

import tinker_wire as wire

from .. import engine as eng
from .._errors import ApiError, bad_request, conflict
from .calls import SMALL_BODY_BYTES, Call, handles
from .model_queue import ModelQueue
from .state import LiveModel, ServerState, body_hash, optional_int, tokens_from_chunks

__all__ = ["Training"]


@dataclass(frozen=True)
class StoredLoss:
    """A compiled custom loss, usable by the models of the session that created it."""

    session_id: str
    loss: eng.CustomLoss
    body_hash: str


async def _on_loop_if_small(handler: Callable[[Call], dict[str, Any]], call: Call) -> dict[str, Any]:
    if len(call.raw) < SMALL_BODY_BYTES:
        return handler(call)
    return await asyncio.to_thread(handler, call)


class DenseBudget:
    """Bytes that a request's sparse tensors may take once dense: a few bytes of CSR can declare any shape, so
    they get what a dense body could have held (``max_body_bytes``), not whatever the shape says."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.left = limit

    def dense(self, t: wire.TensorData, where: str) -> np.ndarray:
        if t.is_sparse:
            need = math.prod(t.shape or ()) * np.dtype(t.dtype).itemsize
            self.left -= need
            if self.left < 0:
                raise ApiError(
                    413,
                    f"{where}: the sparse tensor of shape {t.shape} is {need} bytes once dense, past the server's "
                    f"limit of {self.limit} bytes per request (--max-body-bytes); send a smaller shape or batch",
                )
        return t.to_numpy()


def datums_from_json(fbi: dict[str, Any], key: str, budget: DenseBudget) -> list[eng.Datum]:
    datums = []
    for i, d in enumerate(fbi["data"]):
        where = f"{key}.data[{i}]"
        tokens = tokens_from_chunks(d["model_input"]["chunks"], f"{where}.model_input.chunks")
        inputs = {}
        for k, v in (d.get("loss_fn_inputs") or {}).items():
            try:
                t = wire.tensor_from_json(v, f"{where}.loss_fn_inputs.{k}")
            except wire.WireError as e:
                raise bad_request(str(e)) from None
            inputs[k] = budget.dense(t, f"{where}.loss_fn_inputs.{k}")
        datums.append(eng.Datum(tokens, inputs))
    return datums


def datums_from_protobuf(req: wire.WireForwardBackwardRequest, budget: DenseBudget) -> list[eng.Datum]:
    datums = []
    for i, d in enumerate(req.data):
        where = f"data[{i}]"
        tokens = tokens_from_chunks(d.chunks, f"{where}.model_input")
        # the decoder checked every tensor's layout already
        inputs = {k: budget.dense(t, f"{where}.loss_fn_inputs.{k}") for k, t in d.loss_fn_inputs.items()}
        datums.append(eng.Datum(tokens, inputs))
    return datums


class Training:
    def __init__(self, state: ServerState, queue: ModelQueue) -> None:
        self.state = state
        self.queue = queue
        #: loss_id -> loss; in memory, like the live models that use them (ids are session-scoped)
        self.losses: dict[str, StoredLoss] = {}

    def _budget(self) -> DenseBudget:
        return DenseBudget(self.state.config.max_body_bytes)

    @handles("forward")
    async def forward(self, call: Call) -> dict[str, Any]:
        return await _on_loop_if_small(self._forward, call)

    @handles("forward_backward")
    async def forward_backward(self, call: Call) -> dict[str, Any]:
        return await _on_loop_if_small(self._forward_backward, call)

    @handles("optim_step")
    async def optim_step(self, call: Call) -> dict[str, Any]:
        return await _on_loop_if_small(self._optim_step, call)

    def _forward(self, call: Call) -> dict[str, Any]:
        body = call.body
        datums = datums_from_json(body["forward_input"], "forward_input", self._budget())
        fwd = body["forward_input"]
        return self._submit(
            "forward",
            body["model_id"],
            optional_int(body.get("seq_id")),
            datums,
            fwd["loss_fn"],
            dict(fwd.get("loss_fn_config") or {}),
            body_hash("forward", body),
            "forward_input",
        )

    def _forward_backward(self, call: Call) -> dict[str, Any]:
        body = call.body
        if isinstance(body, wire.WireForwardBackwardRequest):
            if not body.model_id:
                raise bad_request("model_id: required (empty in the protobuf body)")
            if body.seq_id < 0:
                raise bad_request(f"seq_id: must be >= 0, got {body.seq_id}")
            return self._submit(
                "forward" if body.forward_only else "forward_backward",
                body.model_id,
                body.seq_id or None,
                datums_from_protobuf(body, self._budget()),
                body.loss_fn,
                dict(body.loss_fn_config),
                body_hash("forward_backward", call.raw),
                "body",
            )
        fbi = body["forward_backward_input"]
        return self._submit(
            "forward_backward",
            body["model_id"],
            optional_int(body.get("seq_id")),
            datums_from_json(fbi, "forward_backward_input", self._budget()),
            fbi["loss_fn"],
            dict(fbi.get("loss_fn_config") or {}),
            body_hash("forward_backward", body),
            "forward_backward_input",
        )

    def _submit(
        self,
        op: str,
        model_id: str,
        seq_id: int | None,
        datums: list[eng.Datum],
        loss_fn: str,
        cfg: dict[str, Any],
        h: str,
        key: str,
    ) -> dict[str, Any]:
        lm = self.state.live_model(model_id)
        backward = op == "forward_backward"
        ntok = sum(len(d.tokens) for d in datums)

        def prepare() -> eng.Batch | eng.CustomLossBatch:
            if loss_fn == "custom":
                return self._prepare_custom(lm, datums, cfg, key)
            return self._prepare(lm.base, datums, loss_fn, cfg, key)

        def work(lm: LiveModel, batch: eng.Batch | eng.CustomLossBatch) -> Any:
            assert lm.model is not None
            if isinstance(batch, eng.CustomLossBatch):
                res = batch.run(lm.model, backward=backward)
            else:
                res = lm.model.run(batch, backward=backward)
            outputs = [{k: wire.TensorData.from_numpy(np.asarray(v)) for k, v in o.items()} for o in res.outputs]
            self.state.store.count_usage("training", ntok, lm.run.session_id, lm.base.name)
            return wire.WireForwardBackwardOutput("ArrayRecord", outputs, {k: float(v) for k, v in res.metrics.items()})

        return self.queue.submit(op, lm, seq_id, h, work, prepare=prepare)

    @staticmethod
    def _prepare(
        base: eng.BaseModel, datums: list[eng.Datum], loss_fn: str, cfg: dict[str, Any], key: str
    ) -> eng.Batch:
        """Check the request once, before it is queued (a bad datum is a 400 now, not a failed future)."""
        if not datums:
            raise bad_request(f"{key}.data: at least one datum is required")
        try:
            loss = eng.get_loss(loss_fn)
        except eng.EngineInputError as e:
            raise bad_request(f"{key}.loss_fn: {e}") from None
        try:
            return eng.prepare_batch(base, datums, loss, cfg, where=f"{key}.data", tokens_field="model_input")
        except eng.EngineInputError as e:
            msg = str(e)
            # loss_fn_config errors name the config field itself; datum errors already start with the key
            raise bad_request(msg if msg.startswith(key) else f"{key}.{msg}") from None

    def _prepare_custom(
        self, lm: LiveModel, datums: list[eng.Datum], cfg: dict[str, Any], key: str
    ) -> eng.CustomLossBatch:
        field = "loss_fn_config.loss_id"
        extra = sorted(set(cfg) - {"loss_id"})
        if extra:
            raise bad_request(f"loss_fn_config: unknown keys {extra} for loss_fn 'custom'; it takes only loss_id")
        loss_id = cfg.get("loss_id")
        if not isinstance(loss_id, str):
            raise bad_request(f"{field}: required for loss_fn 'custom' (the id create_custom_loss returned)")
        with self.state.lock:
            stored = self.losses.get(loss_id)
        if stored is None:
            raise bad_request(f"{field}: no custom loss {loss_id!r}; create it with create_custom_loss in this session")
        if stored.session_id != lm.run.session_id:
            raise bad_request(
                f"{field}: custom loss {loss_id!r} belongs to session {stored.session_id!r}; model "
                f"{lm.run.run_id!r} is in session {lm.run.session_id!r} (a loss works only in its own session)"
            )
        if not datums:
            raise bad_request(f"{key}.data: at least one datum is required")
        try:
            return eng.prepare_custom_batch(lm.base, datums, stored.loss, where=f"{key}.data")
        except eng.EngineInputError as e:
            raise bad_request(str(e)) from None

    @handles("create_custom_loss")
    def create_custom_loss(self, call: Call) -> dict[str, Any]:
        body = call.body
        sid = body["session_id"]
        self.state.session(sid, for_work=True)
        seq = int(body["custom_loss_seq_id"])
        loss_id = f"{sid}:loss:{seq}"
        h = body_hash("create_custom_loss", body)
        with self.state.lock:
            stored = self.losses.get(loss_id)
        if stored is None:
            try:  # compiled now: an unsupported operation is a 400 naming the node, not a failed future
                loss = eng.compile_custom_loss(str(body["name"]), body["inputs"], body["graph"])
            except eng.EngineInputError as e:
                raise bad_request(str(e)) from None
            with self.state.lock:
                stored = self.losses.setdefault(loss_id, StoredLoss(sid, loss, h))
        if stored.body_hash != h:
            raise conflict(f"custom_loss_seq_id: {seq} was already used in session {sid!r} for another loss")
        rec = self.state.futures.create("create_custom_loss", session_id=sid)
        self.state.futures.complete(rec, {"loss_id": loss_id, "type": "create_custom_loss"})
        return rec.describe()

    def _optim_step(self, call: Call) -> dict[str, Any]:
        body = call.body
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
        lm = self.state.live_model(body["model_id"])

        def work(lm: LiveModel, _prepared: Any) -> Any:
            assert lm.model is not None
            metrics = lm.model.optim_step(cfg)
            return {"metrics": {k: float(v) for k, v in metrics.items()}, "type": "optim_step"}

        return self.queue.submit(
            "optim_step", lm, optional_int(body.get("seq_id")), body_hash("optim_step", body), work
        )
