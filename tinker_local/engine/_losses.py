r"""Loss functions, exactly as implemented.

Notation, per datum and per input position t (``N`` positions):

* ``ℓ_t`` — the learner's log-probability of ``target_tokens[t]`` (log-softmax of the
  unscaled logits at position t); this is the per-datum output ``logprobs``;
* ``q_t`` — the sampler's log-probability, ``loss_fn_inputs["logprobs"]``;
* ``A_t`` — ``loss_fn_inputs["advantages"]``;
* ``w_t`` — ``loss_fn_inputs["weights"]``, optional for every loss (all ones when absent);
  for the RL losses it is an extra per-token multiplier (e.g. a mask);
* ``r_t = exp(ℓ_t − q_t)`` — the importance ratio (the log-ratio is clamped at +80 before
  ``exp`` purely as overflow protection; nothing in a sane run gets near it);
* ``sg(·)`` — stop-gradient;
* ``lo_t, hi_t`` — clip thresholds: ``loss_fn_inputs["clip_low_threshold"]`` /
  ``["clip_high_threshold"]`` [N] when given (per-token override), otherwise the
  ``loss_fn_config`` value, otherwise the default below.

Every loss returns ``elementwise_loss[t] = L_t`` (float32 [N]) and the datum's loss is
``Σ_t L_t``.  Losses are **summed** over positions, datums and ``forward_backward`` calls
(never averaged); ``metrics["loss:sum"] = Σ_datums Σ_t L_t``.

========================  ========================================================================
loss_fn (config defaults) per-position loss L_t
========================  ========================================================================
``cross_entropy``         ``L_t = −Σ_k w_tk · ℓ_tk``.  ``target_tokens`` [N] with ``weights`` [N]
(no config)               (K = 1), or soft targets ``target_tokens`` [N, K] with ``weights`` [N, K]
                          (then ``logprobs`` is [N, K]).  The SDK's ``forward_backward_custom``
                          relies on this: with ``w = −dC/dℓ`` the gradient equals that of C.
``importance_sampling``   ``L_t = −w_t · r_t · A_t``
(no config)
``ppo``                   ``L_t = −w_t · min(r_t·A_t, clip(r_t, lo_t, hi_t)·A_t)``
(lo 0.8, hi 1.2)
``cispo``                 ``L_t = −w_t · sg(clip(r_t, lo_t, hi_t)) · ℓ_t · A_t``
(lo 0.0, hi 4.0)
``dro``                   ``L_t = −w_t · (ℓ_t·A_t − ½·β·(ℓ_t − q_t)²)``
(beta 0.05)
``gspo``                  GSPO-token.  Per datum, ``M = {t : sequence_ratio_mask[t] ≠ 0}``,
(lo 1−3e−4, hi 1+4e−4:    ``s = mean_{t∈M} sg(ℓ_t − q_t)`` (``s = 0`` when M is empty),
the GSPO paper's ε)       ``ρ_t = exp(s + ℓ_t − sg(ℓ_t))`` (value ``exp(s)``, gradient ``exp(s)·∂ℓ_t``),
                          ``L_t = −w_t · min(ρ_t·A_t, clip(ρ_t, lo_t, hi_t)·A_t)``
``stable_reinforce``      **Our own documented variant** (the official objective is unpublished):
(kl_coeff 0.01)           importance-weighted REINFORCE plus a sampler-KL penalty,
                          ``L_t = w_t · (−r_t·A_t + κ·(r_t − 1 − log r_t))``, κ = ``kl_coeff``.
                          ``r − 1 − log r`` is the non-negative "k3" estimator of KL(sampler‖learner)
                          on sampler tokens.  No stability information / provenance is needed
                          by the engine.
========================  ========================================================================

Gradients (what ``forward_backward`` propagates, ``g_t = ∂L/∂ℓ_t``):

* cross_entropy: ``g = −w``;  importance_sampling: ``g = −w·r·A``;
* ppo / gspo: ``g = −w·A·ρ`` where the unclipped term is the active one of the min, else 0
  (the clipped branch is active when ``A > 0 and ρ > hi`` or ``A < 0 and ρ < lo``);
  ρ = r_t for ppo, exp(s) for gspo;
* cispo: ``g = −w·clip(r, lo, hi)·A``;  dro: ``g = −w·(A − β·(ℓ − q))``;
* stable_reinforce: ``g = w·(−r·A + κ·(r − 1))``.

Inputs (shapes are per datum; N = ``len(tokens)``):

* ``target_tokens`` int [N] (or [N, K] for cross_entropy) — required by every loss;
* ``weights`` float, same shape as ``target_tokens`` — optional everywhere (default ones);
* ``logprobs``, ``advantages`` float [N] — required by every loss but ``cross_entropy``
  (``dro`` requires both as well);
* ``sequence_ratio_mask`` float [N] — required by ``gspo``;
* ``clip_low_threshold``, ``clip_high_threshold`` float [N] — optional for ``ppo``,
  ``cispo`` and ``gspo`` (each overrides the config value per position independently).

Known keys that a loss does not use are ignored; any other key is an error, as is an
unknown loss, an unknown ``loss_fn_config`` key, a wrong shape, a NaN/inf value, a
target outside the vocabulary, or ``lo > hi``.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ._errors import EngineInputError

KNOWN_INPUT_KEYS = (
    "target_tokens",
    "weights",
    "logprobs",
    "advantages",
    "sequence_ratio_mask",
    "clip_low_threshold",
    "clip_high_threshold",
)

_MAX_LOG_RATIO = 80.0

LossFn = Callable[[np.ndarray, Mapping[str, np.ndarray], Mapping[str, float]], tuple[np.ndarray, np.ndarray]]


@dataclass(frozen=True)
class LossSpec:
    name: str
    required: tuple[str, ...]
    optional: tuple[str, ...]
    defaults: Mapping[str, float] = field(default_factory=dict)
    soft_targets: bool = False  # accepts [N, K] target_tokens
    fn: LossFn | None = None


def _ratio(lp: np.ndarray, q: np.ndarray) -> np.ndarray:
    return np.exp(np.minimum(lp - q, _MAX_LOG_RATIO))


def _clip_bounds(inp: Mapping[str, np.ndarray], cfg: Mapping[str, float]) -> tuple[np.ndarray, np.ndarray]:
    lo = inp.get("clip_low_threshold")
    hi = inp.get("clip_high_threshold")
    lo = np.float64(cfg["clip_low_threshold"]) if lo is None else lo
    hi = np.float64(cfg["clip_high_threshold"]) if hi is None else hi
    return np.asarray(lo, dtype=np.float64), np.asarray(hi, dtype=np.float64)


def _ppo_core(ratio, A, w, lo, hi, dratio):
    """−w·min(ρA, clip(ρ)A) and its gradient given dρ/dℓ (``dratio``)."""
    clipped = np.clip(ratio, lo, hi)
    unclipped_obj = ratio * A
    clipped_obj = clipped * A
    obj = np.minimum(unclipped_obj, clipped_obj)
    clip_active = ((A > 0) & (ratio > hi)) | ((A < 0) & (ratio < lo))
    grad = np.where(clip_active, 0.0, -w * A * dratio)
    return -w * obj, grad


def _cross_entropy(lp, inp, cfg):
    w = inp["weights"]
    return -(w * lp).sum(axis=1), -w


def _importance_sampling(lp, inp, cfg):
    lp = lp[:, 0]
    r = _ratio(lp, inp["logprobs"])
    g = -inp["weights"] * r * inp["advantages"]
    return g, g[:, None]


def _ppo(lp, inp, cfg):
    lp = lp[:, 0]
    r = _ratio(lp, inp["logprobs"])
    lo, hi = _clip_bounds(inp, cfg)
    loss, g = _ppo_core(r, inp["advantages"], inp["weights"], lo, hi, r)
    return loss, g[:, None]


def _cispo(lp, inp, cfg):
    lp = lp[:, 0]
    lo, hi = _clip_bounds(inp, cfg)
    c = np.clip(_ratio(lp, inp["logprobs"]), lo, hi)
    coef = -inp["weights"] * c * inp["advantages"]
    return coef * lp, coef[:, None]


def _dro(lp, inp, cfg):
    lp = lp[:, 0]
    beta = cfg["beta"]
    w, A, q = inp["weights"], inp["advantages"], inp["logprobs"]
    diff = lp - q
    loss = -w * (lp * A - 0.5 * beta * diff * diff)
    return loss, (-w * (A - beta * diff))[:, None]


def _gspo(lp, inp, cfg):
    lp = lp[:, 0]
    m = inp["sequence_ratio_mask"] != 0
    n = int(m.sum())
    s = float(np.sum((lp - inp["logprobs"])[m]) / n) if n else 0.0
    rho = math.exp(min(s, _MAX_LOG_RATIO))
    ratio = np.full(lp.shape, rho)
    lo, hi = _clip_bounds(inp, cfg)
    loss, g = _ppo_core(ratio, inp["advantages"], inp["weights"], lo, hi, ratio)
    return loss, g[:, None]


def _stable_reinforce(lp, inp, cfg):
    lp = lp[:, 0]
    kl = cfg["kl_coeff"]
    w, A = inp["weights"], inp["advantages"]
    logr = np.minimum(lp - inp["logprobs"], _MAX_LOG_RATIO)
    r = np.exp(logr)
    loss = w * (-r * A + kl * (r - 1.0 - logr))
    return loss, (w * (-r * A + kl * (r - 1.0)))[:, None]


_CLIP = ("clip_low_threshold", "clip_high_threshold")
_RL = ("target_tokens", "logprobs", "advantages")

LOSSES: dict[str, LossSpec] = {
    s.name: s
    for s in (
        LossSpec("cross_entropy", ("target_tokens",), ("weights",), {}, True, _cross_entropy),
        LossSpec("importance_sampling", _RL, ("weights",), {}, False, _importance_sampling),
        LossSpec(
            "ppo", _RL, ("weights",) + _CLIP, {"clip_low_threshold": 0.8, "clip_high_threshold": 1.2}, False, _ppo
        ),
        LossSpec(
            "cispo", _RL, ("weights",) + _CLIP, {"clip_low_threshold": 0.0, "clip_high_threshold": 4.0}, False, _cispo
        ),
        LossSpec("dro", _RL, ("weights",), {"beta": 0.05}, False, _dro),
        LossSpec(
            "gspo",
            _RL + ("sequence_ratio_mask",),
            ("weights",) + _CLIP,
            {"clip_low_threshold": 1.0 - 3e-4, "clip_high_threshold": 1.0 + 4e-4},
            False,
            _gspo,
        ),
        LossSpec("stable_reinforce", _RL, ("weights",), {"kl_coeff": 0.01}, False, _stable_reinforce),
    )
}

LOSS_NAMES = tuple(LOSSES)


def get_loss(loss_fn: str) -> LossSpec:
    spec = LOSSES.get(loss_fn) if isinstance(loss_fn, str) else None
    if spec is None:
        raise EngineInputError(f"loss_fn: unknown loss {loss_fn!r}; expected one of {list(LOSSES)}")
    return spec


def resolve_config(spec: LossSpec, config: Mapping[str, Any] | None) -> dict[str, float]:
    """Defaults overlaid with ``config``; unknown keys and non-finite / non-numeric values are errors.

    Values may be numbers or strings holding a number (``loss_fn_config_v2`` sends text).
    """
    out = {k: float(v) for k, v in spec.defaults.items()}
    if config is None:
        return out
    if not isinstance(config, Mapping):
        raise EngineInputError(f"loss_fn_config: expected a mapping, got {type(config).__name__}")
    for key, value in config.items():
        if key not in spec.defaults:
            raise EngineInputError(
                f"loss_fn_config[{key!r}]: unknown key for loss {spec.name!r}; expected keys {sorted(spec.defaults)}"
            )
        try:
            if isinstance(value, bool):
                raise TypeError
            f = float(value)
        except (TypeError, ValueError):
            raise EngineInputError(f"loss_fn_config[{key!r}]: expected a number, got {value!r}") from None
        if not math.isfinite(f):
            raise EngineInputError(f"loss_fn_config[{key!r}]: expected a finite number, got {value!r}")
        out[key] = f
    if "clip_low_threshold" in out and out["clip_low_threshold"] > out["clip_high_threshold"]:
        raise EngineInputError(
            f"loss_fn_config['clip_low_threshold']: {out['clip_low_threshold']} is greater than "
            f"clip_high_threshold {out['clip_high_threshold']}"
        )
    return out


def validate_inputs(
    spec: LossSpec,
    loss_fn_inputs: Mapping[str, Any],
    n: int,
    vocab_size: int,
    where: str,
) -> tuple[np.ndarray, bool, dict[str, np.ndarray]]:
    """Check one datum's inputs.  Returns (targets [N, K] int64, targets_were_1d, float inputs).

    Float inputs come back as float64 arrays of shape [N] (``weights`` [N, K]).
    """
    if not isinstance(loss_fn_inputs, Mapping):
        raise EngineInputError(f"{where}.loss_fn_inputs: expected a mapping, got {type(loss_fn_inputs).__name__}")
    for key in loss_fn_inputs:
        if key not in KNOWN_INPUT_KEYS:
            raise EngineInputError(
                f"{where}.loss_fn_inputs[{key!r}]: unknown key; expected keys among {list(KNOWN_INPUT_KEYS)}"
            )
    for key in spec.required:
        if key not in loss_fn_inputs:
            raise EngineInputError(
                f"{where}.loss_fn_inputs[{key!r}]: missing; loss {spec.name!r} requires {list(spec.required)}"
            )

    raw_t = np.asarray(loss_fn_inputs["target_tokens"])
    tgt_name = f"{where}.loss_fn_inputs['target_tokens']"
    if spec.soft_targets:
        if raw_t.ndim not in (1, 2) or raw_t.shape[0] != n or (raw_t.ndim == 2 and raw_t.shape[1] < 1):
            raise EngineInputError(f"{tgt_name}: expected shape ({n},) or ({n}, K) with K >= 1, got {raw_t.shape}")
    elif raw_t.shape != (n,):
        raise EngineInputError(f"{tgt_name}: expected shape ({n},), got {raw_t.shape}")
    if raw_t.dtype.kind not in "iu":
        raise EngineInputError(f"{tgt_name}: expected an integer array, got dtype {raw_t.dtype}")
    if raw_t.size and (raw_t.min() < 0 or raw_t.max() >= vocab_size):
        bad = raw_t[(raw_t < 0) | (raw_t >= vocab_size)].reshape(-1)[0]
        raise EngineInputError(f"{tgt_name}: token {int(bad)} outside the vocabulary [0, {vocab_size})")
    one_d = raw_t.ndim == 1
    targets = raw_t.astype(np.int64).reshape(n, -1)

    floats: dict[str, np.ndarray] = {}
    used = set(spec.required) | set(spec.optional)
    for key in KNOWN_INPUT_KEYS:
        if key == "target_tokens" or key not in loss_fn_inputs or key not in used:
            continue
        arr = np.asarray(loss_fn_inputs[key])
        expected = raw_t.shape if key == "weights" else (n,)
        name = f"{where}.loss_fn_inputs[{key!r}]"
        if arr.shape != expected:
            raise EngineInputError(f"{name}: expected shape {expected}, got {arr.shape}")
        if arr.dtype.kind not in "fiub":
            raise EngineInputError(f"{name}: expected a numeric array, got dtype {arr.dtype}")
        arr = arr.astype(np.float64)
        if not np.all(np.isfinite(arr)):
            raise EngineInputError(f"{name}: contains NaN or infinite values")
        floats[key] = arr.reshape(n, -1) if key == "weights" else arr
    if "weights" not in floats:
        floats["weights"] = np.ones(targets.shape, dtype=np.float64)
    if not spec.soft_targets:
        floats["weights"] = floats["weights"].reshape(n)
    lo, hi = floats.get("clip_low_threshold"), floats.get("clip_high_threshold")
    if lo is not None and hi is not None and np.any(lo > hi):
        raise EngineInputError(
            f"{where}.loss_fn_inputs['clip_low_threshold']: greater than clip_high_threshold at some position"
        )
    return targets, one_d, floats


def compute_loss(
    spec: LossSpec, lp: np.ndarray, inputs: Mapping[str, np.ndarray], cfg: Mapping[str, float]
) -> tuple[np.ndarray, np.ndarray]:
    """lp [N, K] float64 -> (elementwise loss [N] float64, dL/dlp [N, K] float64)."""
    assert spec.fn is not None
    loss, grad = spec.fn(lp, inputs, cfg)
    return np.asarray(loss, dtype=np.float64).reshape(-1), np.asarray(grad, dtype=np.float64).reshape(lp.shape)
