"""Loss-maths checks: each documented loss on a tiny fixed datum, ``loss:sum`` and ``elementwise_loss`` against
the formula evaluated on the learner logprobs ``ℓ`` the same call returns.

The inputs are chosen so the classic mistakes change the value far beyond float32 noise: weights that are not
all one (a dropped weight), ten positions (a mean is a tenth of the sum), and importance ratios on both sides
of the clip range with advantages of both signs (clipping the wrong side, or min/max swapped).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from ._data import SEQS, datum, fb_body, forward_body, logprobs_of
from ._kit import CheckFailed, CheckSkipped, Server, check

_EPS32 = float(np.finfo(np.float32).eps)
_SEQ = SEQS[0]
_N = len(_SEQ) - 1
#: Cross-entropy weights: zeros, fractions and a 2 so a dropped or misapplied weight shows.
_WEIGHTS = np.array([1.0, 0.0, 0.5, 2.0, 1.0, 1.0, 0.25, 3.0, 1.0, 0.0][:_N])
#: Sampler logprob offsets (q = ℓ + offset, so r = exp(-offset)): ratios 4.5, 0.22, 1.5, 0.67, 1.1, 0.9, 1, ...
_OFFSETS = np.array([-1.5, 1.5, -0.4, 0.4, -0.1, 0.1, 0.0, -1.5, 1.5, -0.4][:_N])
#: Advantages of both signs against each ratio: every branch of a clipped objective is taken.
_ADV = np.array([1.0, 1.0, -1.0, -1.0, 2.0, -2.0, 0.5, -1.0, -0.5, 1.5][:_N])

Formula = Callable[[np.ndarray, np.ndarray, np.ndarray, np.ndarray], np.ndarray]


def _ppo(lp: np.ndarray, q: np.ndarray, a: np.ndarray, w: np.ndarray) -> np.ndarray:
    r = np.exp(lp - q)
    out: np.ndarray = -w * np.minimum(r * a, np.clip(r, 0.8, 1.2) * a)
    return out


#: loss name -> (documented per-position loss L_t(ℓ, q, A, w), uses weights); losses sum over positions.
FORMULAS: dict[str, tuple[Formula, bool]] = {
    "cross_entropy": (lambda lp, q, a, w: -w * lp, True),
    "importance_sampling": (lambda lp, q, a, w: -w * np.exp(lp - q) * a, False),
    "ppo": (_ppo, False),
    "cispo": (lambda lp, q, a, w: -w * np.clip(np.exp(lp - q), 0.0, 4.0) * lp * a, False),
    "dro": (lambda lp, q, a, w: -w * (lp * a - 0.5 * 0.05 * (lp - q) ** 2), False),
}


def _ppo_grad(lp: np.ndarray, q: np.ndarray, a: np.ndarray, w: np.ndarray) -> np.ndarray:
    r = np.exp(lp - q)
    clipped = ((a > 0) & (r > 1.2)) | ((a < 0) & (r < 0.8))  # the min takes the constant clipped branch
    out: np.ndarray = np.where(clipped, 0.0, -w * a * r)
    return out


#: RL loss name -> documented gradient g_t = ∂L_t/∂ℓ_t (what forward_backward propagates: the ratio of cispo and
#: the clipped branch of ppo carry none); cross_entropy's is −w.
GRADIENTS: dict[str, Formula] = {
    "importance_sampling": lambda lp, q, a, w: -w * np.exp(lp - q) * a,
    "ppo": _ppo_grad,
    "cispo": lambda lp, q, a, w: -w * np.clip(np.exp(lp - q), 0.0, 4.0) * a,
    "dro": lambda lp, q, a, w: -w * (a - 0.05 * (lp - q)),
}


def _tolerance(terms: np.ndarray, lp: np.ndarray) -> float:
    """float32 bound of a sum of ``n`` terms, each from a float32 ``ℓ`` whose rounding (|ℓ|·eps) passes through
    exp or a product: ``eps · (n + 16) · Σ |L_t| · (1 + |ℓ_t|)``. A mean (÷n) or a lost weight is far outside."""
    return _EPS32 * (len(terms) + 16) * float(np.sum(np.abs(terms) * (1.0 + np.abs(lp)))) + 1e-30


def _run_loss(s: Server, name: str) -> str:
    formula, weighted = FORMULAS[name]
    mid = s.new_model()
    lp0 = logprobs_of(s.result(s.ok("forward", forward_body(mid, 1, [datum(_SEQ)]))))[0].astype(np.float64)
    q = (lp0 + _OFFSETS).astype(np.float32).astype(np.float64)
    w = _WEIGHTS if weighted else np.ones(_N)
    inputs: dict[str, Any] = {"weights": w}
    if name != "cross_entropy":
        inputs.update(logprobs=q, advantages=_ADV)
    r = s.post("forward_backward", fb_body(mid, 2, [datum(_SEQ, **inputs)], name))
    if r.status_code in (400, 422) and name != "cross_entropy":
        raise CheckSkipped(f"the server refuses loss {name!r} (HTTP {r.status_code}): not offered")
    if r.status_code != 200:
        raise CheckFailed(f"forward_backward({name}) -> HTTP {r.status_code}: {r.text[:200]}")
    out = s.result(r.json())
    lp = logprobs_of(out)[0].astype(np.float64)
    terms = formula(lp, q, _ADV, w)
    expected, got = float(np.sum(terms)), float(out["metrics"]["loss:sum"])
    tol = _tolerance(terms, lp)
    if abs(got - expected) > tol:
        hint = ""
        if abs(got - expected / _N) <= tol:
            hint = " — that is the mean over positions, not the sum"
        elif weighted and abs(got - float(np.sum(formula(lp, q, _ADV, np.ones(_N))))) <= tol:
            hint = " — that ignores the weights"
        raise CheckFailed(f"loss:sum {got:.7g}, formula gives {expected:.7g} (tolerance {tol:.2g}){hint}")
    elementwise = out["loss_fn_outputs"][0].get("elementwise_loss")
    if elementwise is not None:
        el = np.asarray(elementwise["data"], dtype=np.float64)
        bad = np.abs(el - terms) > _EPS32 * 16 * np.abs(terms) * (1.0 + np.abs(lp)) + 1e-30
        if el.shape != terms.shape or np.any(bad):
            where = np.flatnonzero(bad)[:3].tolist() if el.shape == terms.shape else "shape"
            raise CheckFailed(f"elementwise_loss differs from the formula at positions {where}")
    return f"loss:sum {got:.7g} = formula {expected:.7g} (±{tol:.1g}) over {_N} positions"


def _register(name: str, text: str) -> None:
    check(f"loss.{name}", text, mutating=True)(lambda s: _run_loss(s, name))


_register("cross_entropy", "cross_entropy: loss:sum = −Σ w·ℓ (summed, not averaged; weights applied).")
_register("importance_sampling", "importance_sampling: loss:sum = −Σ r·A with r = exp(ℓ − q).")
_register("ppo", "ppo: loss:sum = −Σ min(r·A, clip(r, 0.8, 1.2)·A), ratios and advantages on every side.")
_register("cispo", "cispo: loss:sum = −Σ clip(r, 0, 4)·ℓ·A (the ratio clipped, as a constant weight).")
_register("dro", "dro: loss:sum = −Σ (ℓ·A − ½·0.05·(ℓ − q)²).")
