"""Datums, the trainable LoRA model (forward / forward_backward / optim_step / save / load) and
immutable sampler snapshots."""

from __future__ import annotations

import itertools
import os
import threading
from collections import deque
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

import numpy as np

from ._checkpoint import load_adapter_dir, read_adapter_config, save_adapter_dir
from ._errors import EngineInputError
from ._losses import LossSpec, compute_loss, get_loss, resolve_config, validate_inputs
from ._model import (
    _PARALLEL_MIN,
    UNEMBED_MODULE,
    BaseModel,
    LoraConfig,
    _Net,
    _pool,
    init_adapter,
    overflow_cause,
)
from ._optim import AdamConfig, AdamState, adam_step
from ._registry import ModelRegistry

# Work sizes: attention probabilities per batch (elements) and logits per head chunk (elements).
_ATTN_BUDGET = 1 << 23
_LOGITS_BUDGET = 1 << 22
_KEEP_PROBS_BUDGET = 1 << 24  # keep the softmax between forward and backward below this size


@dataclass
class Datum:
    """One training example: ``tokens`` [N] is the model input; position i predicts ``target_tokens[i]``."""

    tokens: np.ndarray
    loss_fn_inputs: dict[str, np.ndarray] = field(default_factory=dict)


@dataclass
class ForwardResult:
    """Per-datum outputs (``logprobs`` float32 shaped like target_tokens, ``elementwise_loss``
    float32 [N]; float64 when the base model runs in float64) in input order, and metrics
    (``"loss:sum"``, a float)."""

    outputs: list[dict[str, np.ndarray]]
    metrics: dict[str, float]


def _readonly_copy(a: np.ndarray, dtype: np.dtype) -> np.ndarray:
    out = np.array(a, dtype=dtype, copy=True, order="C")
    out.setflags(write=False)
    return out


# The plain snapshot of a base model is kept on the model (see SamplerWeights.from_base): a snapshot refers to
# its model, so a cache keyed weakly by the model would keep every model alive.
_PLAIN_ATTR = "_tinker_plain_snapshot"

# The snapshots holding a merged network, oldest first. A server keeps every sampler it made, so a network
# kept by each snapshot would hold a merged copy of the model per sampler of a long run: only the most
# recently built ones are kept (an evicted snapshot builds its network again on its next sample).
_NETS_KEPT = 8
_net_holders: deque[SamplerWeights] = deque()
_net_lock = threading.Lock()
_snapshot_ids = itertools.count(1)


class SamplerWeights:
    """An immutable (base model, LoRA adapter) pair for sampling.

    The adapter arrays are private read-only copies, so a snapshot keeps working (and keeps
    giving the same outputs) after the training model changes or is deleted, and may be
    shared between threads.  ``lora`` is None for the plain base model.
    """

    __slots__ = ("_net", "adapter", "base", "lora", "snapshot_id")

    def __init__(self, base: BaseModel, lora: LoraConfig | None, adapter: Mapping[str, np.ndarray]) -> None:
        self.base = base
        self.lora = lora
        self.adapter: Mapping[str, np.ndarray] = MappingProxyType(
            {k: _readonly_copy(v, base.dtype) for k, v in adapter.items()}
        )
        self._net: _Net | None = None
        #: unique in this process: names the snapshot to a sampling process that was sent its adapter
        self.snapshot_id = next(_snapshot_ids)

    def net(self) -> _Net:
        """The network with the adapter merged in, built once and kept while this snapshot is among the last
        ``_NETS_KEPT`` to build one: its samples read the same immutable arrays (threads racing on the first
        call build equal nets; one is kept)."""
        net = self._net
        if net is None:
            built = _Net(self.base, self.adapter, self.scale)
            with _net_lock:
                net = self._net
                if net is None:
                    net = self._net = built
                    _net_holders.append(self)
                    if len(_net_holders) > _NETS_KEPT:
                        _net_holders.popleft()._net = None
        return net

    @classmethod
    def from_base(cls, base: BaseModel) -> SamplerWeights:
        """The plain base model's snapshot: one per base model, so its merged network is built once."""
        weights: SamplerWeights | None = base.__dict__.get(_PLAIN_ATTR)
        if weights is None:
            weights = cls(base, None, {})
            base.__dict__[_PLAIN_ATTR] = weights
        return weights

    @property
    def scale(self) -> float:
        return self.lora.scale if self.lora is not None else 1.0

    def save(self, path: str | os.PathLike) -> Path:
        """Write a checkpoint directory (no optimizer state); see ``_checkpoint``."""
        if self.lora is None:
            raise EngineInputError("weights: the plain base model has no adapter to save")
        return save_adapter_dir(path, self.base, self.lora, self.adapter)

    @classmethod
    def load(
        cls, path: str | os.PathLike, models: ModelRegistry | BaseModel, dtype: Any = np.float32
    ) -> SamplerWeights:
        """Load a checkpoint directory (training or sampler save) as sampler weights.

        ``models`` is a registry (the base model is looked up by the checkpoint's
        ``base_model_name_or_path``) or the base model itself (names must match).
        """
        if isinstance(models, BaseModel):
            base = models
        else:
            base = models.get(read_adapter_config(path)["base_model_name_or_path"], dtype)
        lora, adapter, _ = load_adapter_dir(path, base, None, with_optimizer=False)
        return cls(base, lora, adapter)

    def __repr__(self) -> str:
        r = self.lora.rank if self.lora else 0
        return f"SamplerWeights(base={self.base.name!r}, rank={r})"


@dataclass
class _Prepared:
    index: int
    tokens: np.ndarray  # [N] int64
    targets: np.ndarray  # [N, K] int64
    one_d: bool
    inputs: dict[str, np.ndarray]


def check_tokens(tokens: Any, vocab_size: int, context_length: int, name: str) -> np.ndarray:
    arr = np.asarray(tokens)
    if arr.ndim != 1:
        raise EngineInputError(f"{name}: expected a 1-D token array of shape (N,), got shape {arr.shape}")
    if arr.shape[0] == 0:
        raise EngineInputError(f"{name}: expected at least one token, got shape (0,)")
    if arr.dtype.kind not in "iu":
        raise EngineInputError(f"{name}: expected an integer array, got dtype {arr.dtype}")
    if arr.shape[0] > context_length:
        raise EngineInputError(f"{name}: {arr.shape[0]} tokens exceed the context length {context_length}")
    lo, hi = int(arr.min()), int(arr.max())
    if lo < 0 or hi >= vocab_size:
        bad = lo if lo < 0 else hi
        raise EngineInputError(f"{name}: token {bad} outside the vocabulary [0, {vocab_size})")
    return arr.astype(np.int64)


def _buckets(lengths: list[int], n_heads: int) -> list[list[int]]:
    """Group datum indices into right-padded batches of similar length (longest first)."""
    order = sorted(range(len(lengths)), key=lambda i: (-lengths[i], i))
    groups: list[list[int]] = []
    cur: list[int] = []
    T = 0
    for i in order:
        L = lengths[i]
        if cur and ((len(cur) + 1) * n_heads * T * T > _ATTN_BUDGET or L * 4 < T * 3):
            groups.append(cur)
            cur = []
        if not cur:
            T = L
        cur.append(i)
    if cur:
        groups.append(cur)
    return groups


@dataclass(frozen=True)
class Batch:
    """Datums checked against one base model and loss: what ``TrainableModel.run`` executes."""

    base: BaseModel
    loss: LossSpec
    loss_config: dict[str, float]
    items: list[_Prepared]


def prepare_batch(
    base: BaseModel,
    datums: Sequence[Datum],
    loss: str | LossSpec,
    loss_fn_config: Mapping[str, Any] | None = None,
    *,
    where: str = "datums",
    tokens_field: str = "tokens",
) -> Batch:
    """Check every datum (token ids, context length, the loss's inputs) before anything runs; errors name
    ``<where>[i].<field>``. Depends only on the base model, so it needs no lock on a live model."""
    loss_def = get_loss(loss) if isinstance(loss, str) else loss
    lcfg = resolve_config(loss_def, loss_fn_config)
    if isinstance(datums, (str, bytes)) or not isinstance(datums, Sequence):
        raise EngineInputError(f"{where}: expected a list of Datum, got {type(datums).__name__}")
    if len(datums) == 0:
        raise EngineInputError(f"{where}: expected at least one datum, got 0")
    cfg = base.config
    items = []
    for i, d in enumerate(datums):
        at = f"{where}[{i}]"
        if not hasattr(d, "tokens") or not hasattr(d, "loss_fn_inputs"):
            raise EngineInputError(f"{at}: expected a Datum, got {type(d).__name__}")
        tokens = check_tokens(d.tokens, base.vocab_size, cfg.context_length, f"{at}.{tokens_field}")
        targets, one_d, inputs = validate_inputs(loss_def, d.loss_fn_inputs, len(tokens), base.vocab_size, at)
        items.append(_Prepared(i, tokens, targets, one_d, inputs))
    return Batch(base, loss_def, lcfg, items)


class TrainableModel:
    """A LoRA adapter on a frozen base model, with summed gradient accumulation and AdamW.

    Not thread-safe by itself: call one model from one thread at a time.  Every method
    validates its whole input before changing anything, so an ``EngineInputError`` leaves
    weights, gradients and optimizer state untouched.
    """

    def __init__(self, base: BaseModel, lora: LoraConfig | None = None) -> None:
        lora = lora if lora is not None else LoraConfig()
        lora.validate()
        self.base = base
        self.lora = lora
        self.params: dict[str, np.ndarray] = init_adapter(base, lora)
        self.grads: dict[str, np.ndarray] = {k: np.zeros_like(v) for k, v in self.params.items()}
        self.opt = AdamState.zeros_like(self.params)
        self.pending_datums = 0  # datums accumulated into grads since the last optim_step

    # -- properties ----------------------------------------------------------------------------
    @property
    def step(self) -> int:
        """Number of optimizer steps taken (restored by ``load(with_optimizer=True)``)."""
        return self.opt.step

    # -- forward / backward --------------------------------------------------------------------
    def forward(
        self, datums: Sequence[Datum], loss_fn: str, loss_fn_config: Mapping[str, Any] | None = None
    ) -> ForwardResult:
        """Outputs and metrics of ``loss_fn`` without touching gradients."""
        return self._run(prepare_batch(self.base, datums, loss_fn, loss_fn_config), backward=False)

    def forward_backward(
        self, datums: Sequence[Datum], loss_fn: str, loss_fn_config: Mapping[str, Any] | None = None
    ) -> ForwardResult:
        """Like ``forward``, and adds d(Σ loss)/d(params) to the accumulated gradients."""
        return self._run(prepare_batch(self.base, datums, loss_fn, loss_fn_config), backward=True)

    def run(self, batch: Batch, *, backward: bool) -> ForwardResult:
        """Run a batch prepared by :func:`prepare_batch` (checked once, on the request path)."""
        if batch.base is not self.base:
            raise EngineInputError(
                f"datums: the batch was prepared for base model {batch.base.name!r}, this model is {self.base.name!r}"
            )
        return self._run(batch, backward)

    def _run(self, batch: Batch, backward: bool) -> ForwardResult:
        prepared, loss_def, lcfg = batch.items, batch.loss, batch.loss_config
        base = self.base
        net = _Net(base, self.params, self.lora.scale)
        outputs: list[dict[str, np.ndarray] | None] = [None] * len(prepared)
        groups = _buckets([len(p.tokens) for p in prepared], base.config.n_heads)
        work = sum(len(p.tokens) ** 2 for p in prepared) * base.config.n_heads
        if len(groups) == 1 and len(groups[0]) >= 2 and work >= _PARALLEL_MIN:
            groups = [groups[0][0::2], groups[0][1::2]]  # two balanced halves for the 2 threads

        def run_group(group: list[int]):
            return self._run_group(net, [prepared[i] for i in group], loss_def, lcfg, backward, outputs)

        if len(groups) >= 2 and work >= _PARALLEL_MIN:
            # two groups at a time on the engine's 2 threads; results are combined in group order
            results = list(_pool().map(run_group, groups))
        else:
            results = [run_group(g) for g in groups]

        self._check_outputs(prepared, outputs)
        total = 0.0
        if backward:
            self._accumulate([g for g, _ in results], len(prepared))
        for _, t in results:
            total += t
        return ForwardResult([o for o in outputs if o is not None], {"loss:sum": total})

    def _check_outputs(self, prepared: list[_Prepared], outputs: list[dict[str, np.ndarray] | None]) -> None:
        """NaN/inf must not leave the engine (a JSON response cannot even carry it): refuse the call,
        naming the cause, before anything is accumulated."""
        done = [(p.index, o) for p in prepared if (o := outputs[p.index]) is not None]
        for i, o in done:
            if not np.isfinite(o["logprobs"]).all():
                raise EngineInputError(
                    f"datums[{i}]: the model's logprobs are not finite: {overflow_cause(self.params)}; "
                    "load an earlier checkpoint (nothing was changed)"
                )
        for i, o in done:
            loss = o["elementwise_loss"]
            if not np.isfinite(loss).all():
                raise EngineInputError(
                    f"datums[{i}]: elementwise_loss is not finite in {loss.dtype} (|loss| above "
                    f"{np.finfo(loss.dtype).max:.3g}): scale down loss_fn_inputs such as weights or advantages "
                    "(nothing was changed)"
                )

    def _accumulate(self, group_grads: list[dict[str, np.ndarray]], n_datums: int) -> None:
        """grads += Σ groups (in group order), all-or-nothing: refused if any sum is not finite."""

        def refuse(where: str, key: str) -> EngineInputError:
            return EngineInputError(
                f"forward_backward: {where} is not finite in {self.base.dtype} (first in {key!r}); nothing was "
                "accumulated — scale down loss_fn_inputs such as weights or advantages, or call optim_step "
                "(with grad_clip_norm) before accumulating more"
            )

        bad = next((k for gg in group_grads for k, g in gg.items() if not np.isfinite(g).all()), None)
        if bad is not None:
            raise refuse("the gradient of this call", bad)
        # summed into the first group's (private) buffers: same order and bits as acc += g1; acc += g2
        total = group_grads[0]
        with np.errstate(over="ignore", invalid="ignore"):  # overflow is detected just below
            for k, acc in self.grads.items():
                np.add(acc, total[k], out=total[k])
                for gg in group_grads[1:]:
                    total[k] += gg[k]
        bad = next((k for k, g in total.items() if not np.isfinite(g).all()), None)
        if bad is not None:
            raise refuse(f"the gradient accumulated over {self.pending_datums} + {n_datums} datums", bad)
        for k, acc in self.grads.items():
            acc[...] = total[k]
        self.pending_datums += n_datums

    def _run_group(self, net, items, loss_def, lcfg, backward, outputs):
        """Forward (and backward) of one right-padded batch.  Returns (grads | None, loss sum)."""
        base = self.base
        dt = base.dtype
        out_dt = np.float64 if dt == np.float64 else np.float32
        V = base.vocab_size
        chunk = max(1, _LOGITS_BUDGET // V)
        hidden_trainable = self.lora.train_attn or self.lora.train_mlp
        grads = {k: np.zeros_like(v) for k, v in self.params.items()} if backward else None
        total = 0.0

        Bn = len(items)
        T = len(items[0].tokens)
        tok = np.zeros((Bn, T), dtype=np.int64)
        row_index = []
        for b, p in enumerate(items):
            n = len(p.tokens)
            tok[b, :n] = p.tokens
            row_index.append(b * T + np.arange(n))
        rows_of = np.concatenate(row_index)  # positions in [B*T] of the real tokens, datum by datum
        hf, caches = net.forward(tok, keep=backward and hidden_trainable)
        h = hf[rows_of]  # [R, d]
        R = h.shape[0]
        # entries: (row, token) pairs, K per row; datums stay contiguous
        offsets = np.cumsum([0] + [len(p.tokens) for p in items[:-1]])
        ent_row = np.concatenate(
            [off + np.repeat(np.arange(len(p.tokens)), p.targets.shape[1]) for off, p in zip(offsets, items)]
        )
        ent_tok = np.concatenate([p.targets.reshape(-1) for p in items])
        lse = np.empty(R, dtype=dt)
        ent_logit = np.empty(ent_row.shape[0], dtype=dt)
        bounds = np.searchsorted(ent_row, [*range(0, R, chunk), R])
        keep_probs = backward and R * V <= _KEEP_PROBS_BUDGET
        kept: list[tuple[np.ndarray, np.ndarray]] = []  # (exp(logits - max), row sums) per chunk
        for c, r0 in enumerate(range(0, R, chunk)):
            r1 = min(R, r0 + chunk)
            lg = net.logits(h[r0:r1])
            mx = lg.max(axis=1)
            e0, e1 = bounds[c], bounds[c + 1]
            ent_logit[e0:e1] = lg[ent_row[e0:e1] - r0, ent_tok[e0:e1]]
            lg -= mx[:, None]
            np.exp(lg, out=lg)
            ssum = lg.sum(axis=1)
            lse[r0:r1] = mx + np.log(ssum)
            if keep_probs:
                kept.append((lg, ssum))
        ent_lp = ent_logit - lse[ent_row]
        ent_grad = np.empty(ent_lp.shape[0], dtype=dt) if backward else None
        e = 0
        for p in items:
            n, K = p.targets.shape
            lp = ent_lp[e : e + n * K].reshape(n, K)
            loss, g = compute_loss(loss_def, lp.astype(np.float64), p.inputs, lcfg)
            if backward:
                ent_grad[e : e + n * K] = g.reshape(-1)
            e += n * K
            total += float(loss.sum())
            outputs[p.index] = {  # float32 (float64 only in the float64 check mode)
                "logprobs": lp.astype(out_dt).reshape(p.targets.shape if not p.one_d else (n,)),
                "elementwise_loss": loss.astype(out_dt),
            }
        if not backward:
            return None, total
        # d loss / d logits = Σ_k g_k (onehot_k − softmax), chunk by chunk
        gsum = np.bincount(ent_row, weights=ent_grad, minlength=R).astype(dt)
        dh = np.empty_like(h)
        for c, r0 in enumerate(range(0, R, chunk)):
            r1 = min(R, r0 + chunk)
            if keep_probs:
                lg, ssum = kept[c]
                lg *= (-gsum[r0:r1] / ssum)[:, None]
            else:
                lg = net.logits(h[r0:r1])
                lg -= lse[r0:r1, None]
                np.exp(lg, out=lg)
                lg *= -gsum[r0:r1, None]
            e0, e1 = bounds[c], bounds[c + 1]
            np.add.at(lg, (ent_row[e0:e1] - r0, ent_tok[e0:e1]), ent_grad[e0:e1])
            dh[r0:r1] = net.logits_back(lg, h[r0:r1], grads)
        if hidden_trainable:
            dhf = np.zeros_like(hf)
            dhf[rows_of] = dh
            net.backward(dhf, hf, caches, grads, (Bn, T))
        return grads, total

    # -- optimizer -----------------------------------------------------------------------------
    def optim_step(self, adam: AdamConfig | None = None) -> dict[str, float]:
        """One AdamW step on the accumulated (summed) gradients, then reset them to zero.

        Returns ``{"grad_norm": pre-clip global norm, "learning_rate": lr, "step": n}``.

        A step that would make a weight or Adam moment non-finite raises ``EngineInputError``
        and changes nothing (the gradients are kept, so a retry with a lower learning rate or
        with ``grad_clip_norm`` applies them).  Non-finite accumulated gradients (only possible
        when ``grads`` was written directly: ``forward_backward`` refuses to accumulate them)
        also raise, and are discarded: adding more datums could never make them finite again.
        """
        adam = adam if adam is not None else AdamConfig()
        if not isinstance(adam, AdamConfig):
            raise EngineInputError(f"adam_params: expected AdamConfig, got {type(adam).__name__}")
        adam.validate()
        bad = next((k for k, g in self.grads.items() if not np.isfinite(g).all()), None)
        if bad is not None:
            n = self.pending_datums
            self.zero_grad()
            raise EngineInputError(
                f"optim_step: the accumulated gradients are not finite (first in {bad!r}; from {n} datum(s)); "
                "the step was not applied and the gradients were discarded (weights and optimizer state unchanged)"
            )
        try:
            out = adam_step(self.params, self.grads, self.opt, adam)
        except EngineInputError as e:  # nothing was applied; keep the gradients for a retry
            raise EngineInputError(f"{e}; the accumulated gradients are kept for a retry") from None
        self.zero_grad()
        return out

    def zero_grad(self) -> None:
        for g in self.grads.values():
            g.fill(0)
        self.pending_datums = 0

    # -- state ---------------------------------------------------------------------------------
    def snapshot(self) -> SamplerWeights:
        """An immutable copy of the current adapter for sampling."""
        return SamplerWeights(self.base, self.lora, self.params)

    def save(self, path: str | os.PathLike, include_optimizer: bool = True) -> Path:
        """Write ``path`` atomically (adapter, and Adam state + step if ``include_optimizer``)."""
        opt = (self.opt.step, self.opt.m, self.opt.v) if include_optimizer else None
        return save_adapter_dir(path, self.base, self.lora, self.params, opt)

    def load(self, path: str | os.PathLike, with_optimizer: bool = True) -> None:
        """Restore the adapter (and optimizer state when asked; otherwise the optimizer is reset).

        Raises EngineInputError, leaving the model untouched, when the checkpoint is for another
        base model, rank, alpha or set of target modules.  Accumulated gradients are cleared.
        """
        _, adapter, opt = load_adapter_dir(path, self.base, self.lora, with_optimizer)
        for k, v in adapter.items():
            self.params[k][...] = v
        if opt is not None:
            step, m, v = opt
            self.opt = AdamState(step, m, v)
        else:
            self.opt = AdamState.zeros_like(self.params)
        self.zero_grad()

    def __repr__(self) -> str:
        return f"TrainableModel(base={self.base.name!r}, rank={self.lora.rank}, step={self.step})"


__all__ = ["UNEMBED_MODULE", "Datum", "ForwardResult", "SamplerWeights", "TrainableModel", "check_tokens"]
