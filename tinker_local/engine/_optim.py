"""AdamW with decoupled weight decay and optional global-norm gradient clipping.

One step, for every trainable array p with accumulated (summed) gradient g:

    n     = sqrt(Σ_all g²)                                  (reported as ``grad_norm``, pre-clip)
    g     = g · min(1, c / n)          if grad_clip_norm c > 0
    t     = t + 1
    m     = β1·m + (1−β1)·g ;  v = β2·v + (1−β2)·g²
    p     = p − lr·wd·p                                     (decoupled decay, from the pre-step p)
    p     = p − lr · (m / (1−β1^t)) / (sqrt(v / (1−β2^t)) + eps)

Then every gradient is reset to zero.  Moments are kept in the parameters' dtype.

A step that would leave any weight or moment non-finite in that dtype (float32 overflow from
a huge learning rate or gradient) is not applied: ``EngineInputError`` is raised and the
weights and optimizer state stay exactly as they were (see ``adam_step``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from ._errors import EngineInputError


@dataclass(frozen=True)
class AdamConfig:
    learning_rate: float = 1e-4
    beta1: float = 0.9
    beta2: float = 0.95
    eps: float = 1e-12
    weight_decay: float = 0.0
    grad_clip_norm: float = 0.0  # 0 = off

    def validate(self) -> None:
        for key in ("learning_rate", "beta1", "beta2", "eps", "weight_decay", "grad_clip_norm"):
            v = getattr(self, key)
            if isinstance(v, bool) or not isinstance(v, (int, float, np.floating, np.integer)) or not math.isfinite(v):
                raise EngineInputError(f"adam_params.{key}: expected a finite number, got {v!r}")
        if self.learning_rate < 0:
            raise EngineInputError(f"adam_params.learning_rate: expected >= 0, got {self.learning_rate!r}")
        for key in ("beta1", "beta2"):
            v = getattr(self, key)
            if not 0.0 <= v < 1.0:
                raise EngineInputError(f"adam_params.{key}: expected 0 <= {key} < 1, got {v!r}")
        if self.eps <= 0:
            raise EngineInputError(f"adam_params.eps: expected > 0, got {self.eps!r}")
        if self.weight_decay < 0:
            raise EngineInputError(f"adam_params.weight_decay: expected >= 0, got {self.weight_decay!r}")
        if self.grad_clip_norm < 0:
            raise EngineInputError(f"adam_params.grad_clip_norm: expected >= 0 (0 = off), got {self.grad_clip_norm!r}")


@dataclass
class AdamState:
    step: int = 0
    m: dict[str, np.ndarray] = field(default_factory=dict)
    v: dict[str, np.ndarray] = field(default_factory=dict)

    @classmethod
    def zeros_like(cls, params: dict[str, np.ndarray]) -> AdamState:
        return cls(
            0, {k: np.zeros_like(p) for k, p in params.items()}, {k: np.zeros_like(p) for k, p in params.items()}
        )


def global_norm(grads: dict[str, np.ndarray]) -> float:
    """sqrt(Σ g²) in float64; inf only when some gradient is non-finite or the norm exceeds float64."""
    sq = sum(float(np.dot(g.reshape(-1).astype(np.float64), g.reshape(-1).astype(np.float64))) for g in grads.values())
    if math.isfinite(sq):
        return math.sqrt(sq)
    # float64 squares of float64 gradients above ~1e154 overflow although the norm itself may not
    s = max((float(np.max(np.abs(g))) if g.size else 0.0) for g in grads.values())
    if not math.isfinite(s):
        return math.inf
    return s * math.sqrt(sum(float(np.sum(np.square(g.astype(np.float64) / s))) for g in grads.values()))


def _first_non_finite(arrays: dict[str, np.ndarray]) -> str | None:
    return next((k for k, a in arrays.items() if not np.isfinite(a).all()), None)


def adam_step(
    params: dict[str, np.ndarray], grads: dict[str, np.ndarray], state: AdamState, cfg: AdamConfig
) -> dict[str, float]:
    """Update ``params`` and ``state`` in place from ``grads`` (left untouched; the caller zeroes them).

    All-or-nothing: the new weights and moments are computed aside, in the parameters' dtype,
    and committed only if every value is finite.  Otherwise EngineInputError is raised and
    ``params`` and ``state`` are exactly as before (a non-finite weight would turn every later
    forward into NaN; a non-finite moment would silently freeze or poison the parameter).
    """
    bad = _first_non_finite(grads)
    norm = global_norm(grads)
    if bad is not None or not math.isfinite(norm):
        where = f"first in {bad!r}" if bad is not None else "the float64 norm overflows"
        raise EngineInputError(
            f"optim_step: the accumulated gradients are not finite ({where}); the step was not applied"
        )
    coef = 1.0
    if cfg.grad_clip_norm > 0 and norm > cfg.grad_clip_norm:
        coef = cfg.grad_clip_norm / norm
    t = state.step + 1
    b1, b2, lr = cfg.beta1, cfg.beta2, cfg.learning_rate
    bc1 = 1.0 - b1**t
    bc2 = 1.0 - b2**t
    new_p: dict[str, np.ndarray] = {}
    new_m: dict[str, np.ndarray] = {}
    new_v: dict[str, np.ndarray] = {}
    # float32 overflow (e.g. lr / bc1 · m with a huge lr, or g² with a huge gradient) gives inf or
    # NaN here; it is detected below, so numpy's warnings would only be noise
    with np.errstate(over="ignore", invalid="ignore"):
        for k, p in params.items():
            dt = p.dtype.type
            g = grads[k] * dt(coef) if coef != 1.0 else grads[k]
            m = state.m[k] * b1
            m += (1.0 - b1) * g
            v = state.v[k] * b2
            v += (1.0 - b2) * (g * g)
            q = p - dt(lr * cfg.weight_decay) * p if cfg.weight_decay else p.copy()
            q -= dt(lr / bc1) * m / (np.sqrt(v / bc2) + dt(cfg.eps))
            new_p[k], new_m[k], new_v[k] = q, m, v
    kept = "the step was not applied (weights and optimizer state unchanged)"
    bad = _first_non_finite(new_m) or _first_non_finite(new_v)
    if bad is not None:
        raise EngineInputError(
            f"optim_step: the gradient (global norm {norm:.3g}) overflows the {params[bad].dtype} Adam moments "
            f"(first in {bad!r}); {kept} — set grad_clip_norm or scale down the loss weights/advantages"
        )
    bad = _first_non_finite(new_p)
    if bad is not None:
        raise EngineInputError(
            f"optim_step: learning_rate {lr:g}"
            + (f" with weight_decay {cfg.weight_decay:g}" if cfg.weight_decay else "")
            + f" makes the weights non-finite in {params[bad].dtype} (first in {bad!r}; gradient norm {norm:.3g}); "
            f"{kept} — lower the learning rate (Adam moves every weight by up to about learning_rate per step, "
            "whatever the gradient scale)"
        )
    for k, p in params.items():
        p[...] = new_p[k]
        state.m[k][...] = new_m[k]
        state.v[k][...] = new_v[k]
    state.step = t
    return {"grad_norm": float(norm), "learning_rate": float(lr), "step": float(t)}
