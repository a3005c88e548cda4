"""AdamW with decoupled weight decay and optional global-norm gradient clipping.

One step, for every trainable array p with accumulated (summed) gradient g:

    n     = sqrt(Σ_all g²)                                  (reported as ``grad_norm``, pre-clip)
    g     = g · min(1, c / n)          if grad_clip_norm c > 0
    t     = t + 1
    m     = β1·m + (1−β1)·g ;  v = β2·v + (1−β2)·g²
    p     = p − lr·wd·p                                     (decoupled decay, from the pre-step p)
    p     = p − lr · (m / (1−β1^t)) / (sqrt(v / (1−β2^t)) + eps)

Then every gradient is reset to zero.  Moments are kept in the parameters' dtype.
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
        return cls(0, {k: np.zeros_like(p) for k, p in params.items()}, {k: np.zeros_like(p) for k, p in params.items()})


def global_norm(grads: dict[str, np.ndarray]) -> float:
    return math.sqrt(sum(float(np.dot(g.reshape(-1).astype(np.float64), g.reshape(-1).astype(np.float64))) for g in grads.values()))


def adam_step(
    params: dict[str, np.ndarray], grads: dict[str, np.ndarray], state: AdamState, cfg: AdamConfig
) -> dict[str, float]:
    """Update ``params`` in place from ``grads`` (left untouched; the caller zeroes them)."""
    norm = global_norm(grads)
    if not math.isfinite(norm):
        raise FloatingPointError("optim_step: gradient norm is not finite; step skipped")
    coef = 1.0
    if cfg.grad_clip_norm > 0 and norm > cfg.grad_clip_norm:
        coef = cfg.grad_clip_norm / norm
    state.step += 1
    t = state.step
    b1, b2, lr = cfg.beta1, cfg.beta2, cfg.learning_rate
    bc1 = 1.0 - b1**t
    bc2 = 1.0 - b2**t
    for k, p in params.items():
        g = grads[k] * p.dtype.type(coef) if coef != 1.0 else grads[k]
        m, v = state.m[k], state.v[k]
        m *= b1
        m += (1.0 - b1) * g
        v *= b2
        v += (1.0 - b2) * (g * g)
        if cfg.weight_decay:
            p -= p.dtype.type(lr * cfg.weight_decay) * p
        p -= p.dtype.type(lr / bc1) * m / (np.sqrt(v / bc2) + p.dtype.type(cfg.eps))
    return {"grad_norm": float(norm), "learning_rate": float(lr), "step": float(t)}
