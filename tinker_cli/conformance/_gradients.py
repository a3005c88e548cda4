"""Loss-gradient checks: what ``forward_backward`` accumulates equals the documented gradient, seen through the
logprobs that one plain SGD step changes.

Only logprobs are observable, so a gradient is compared with another one rather than with a number. With ``J``
the Jacobian of the datum's logprobs ``ℓ`` in the trained weights, a batch whose per-position gradient (the
coefficient of ``∂ℓ_t`` in ``∂L/∂θ``) is ``c`` accumulates ``Jᵀc``; one SGD step of rate ``η`` then moves the
logprobs by ``Δℓ = −η·J·Jᵀ·c`` to first order. Each check accumulates, before one step, a *null batch*: calls whose
documented gradients cancel exactly (the loss under test, plus cross-entropy with weights equal to the formula's
gradient, which cancels it; or cross-entropy batches that differ in length, datum count and weight split but not
in gradient). A server that computes the documented gradient leaves only float32 rounding, so the step barely
moves ``ℓ``; a mean instead of a sum, a dropped weight or a wrong clip side leaves a residual of the size of
the gradient itself. The reference for "size" is a step along one half of the null batch alone (cross-entropy
with weights ``−c``), also used to choose ``η`` and to check that a step goes downhill.

The step is Adam with ``β1 = β2 = 0`` and a huge ``eps``: the first moment is then the gradient itself and the
update ``lr·g/(|g| + eps)`` is ``(lr/eps)·g`` within ``|g|/eps`` (Adam's usual sign-like step would turn float32
noise into a full-size step). When a check fails, two probes of the optimizer alone (a step with nothing
accumulated; twice the learning rate and eps) say whether the server ignored those settings, so the evidence
does not blame a gradient for an optimizer's behaviour. Positions past the datum's own (the longer datum
``_EXT``) rely on the model being causal: the first positions of a longer sequence have the same logprobs.

Tolerance on ``ρ = ‖Δℓ_null‖ / ‖Δℓ_ref‖``, the sum of

* the two forwards that measure ``Δℓ_null``: ``16·eps32·(1 + |ℓ_t|)`` per position, over ``‖Δℓ_ref‖``, whose
  largest entry is kept within 2⁻⁸..2⁻⁴ (small enough that second-order terms only rescale the reference, by
  under 0.1 % on the local tiny model; the null step itself is tiny, so its own are negligible);
* the relative rounding of the gradient coefficients, ``eps32·(n + 16)·(1 + max|ℓ|)`` over the ``n`` positions
  of the null batch (the loss checks' bound), times ``2⁸``: room for per-position gradients far from orthogonal,
  as a residual ``r`` moves ``ℓ`` by ``J·Jᵀ·r``, amplified up to the condition number of ``J·Jᵀ`` (about 4 for
  the local tiny model, computed from its exact per-position gradients). That factor is an assumption about
  the model, not float32 alone.

That comes to 0.015–0.04 on the local server's models, where ``ρ`` is 0 to 5e-4; the mistakes above give 0.4 to
3 (a mean over positions leaves ``1 − 10/18`` of the reference, by design of the longer datum). The bound is
float32's: a server that computes gradients in bfloat16 may exceed it (not tried).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import numpy as np

from ._data import SEQS, datum, fb_body, forward_body, logprobs_of
from ._kit import CheckFailed, CheckSkipped, Server, check
from ._losses import _ADV, _EPS32, _N, _OFFSETS, _SEQ, _WEIGHTS, GRADIENTS

__all__ = ["SGD_EPS"]

#: Adam's eps for an SGD step: every gradient entry far below it (the local tiny model's whole gradient norm is
#: a few hundred), lr = η·eps.
SGD_EPS = 2.0**20
_ETA0 = 2.0**-20  # first SGD rate tried; each reference step rescales it towards a 2⁻⁶ move
_LOW, _TARGET, _HIGH = 2.0**-8, 2.0**-6, 2.0**-4
_TRIES = 6
_CONDITION = 2.0**8
#: The datum under test continued: its first ``_N`` positions have the same logprobs (causal model), the rest
#: carry weight 0, so its gradient is the same while its length (18 positions) is not.
_EXT = _SEQ + SEQS[3]
_N_EXT = len(_EXT) - 1
_OTHER = SEQS[1]  # a second datum with weight 0: a mean over datums or over a call's positions shows
_SPLIT = 5  # cross_entropy's weights sent as two calls (positions < 5, >= 5): a mean over weighted positions shows


def _pad(coef: np.ndarray) -> np.ndarray:
    return np.concatenate([coef, np.zeros(_N_EXT - _N)])


class _Trainer:
    """One fresh model of the server under test, its seq_ids, and SGD steps on it."""

    def __init__(self, s: Server) -> None:
        self.s = s
        self.mid = s.new_model()
        self.seq = 0

    def _next(self) -> int:
        self.seq += 1
        return self.seq

    def logprobs(self) -> np.ndarray:
        out = self.s.result(self.s.ok("forward", forward_body(self.mid, self._next(), [datum(_SEQ)])))
        return logprobs_of(out)[0].astype(np.float64)

    def fb(self, data: list[dict[str, Any]], loss: str = "cross_entropy") -> Any:
        r = self.s.post("forward_backward", fb_body(self.mid, self._next(), data, loss))
        if r.status_code in (400, 422) and loss != "cross_entropy":
            raise CheckSkipped(f"the server refuses loss {loss!r} (HTTP {r.status_code}): not offered")
        if r.status_code != 200:
            raise CheckFailed(f"forward_backward({loss}) -> HTTP {r.status_code}: {r.text[:200]}")
        return self.s.result(r.json())

    def step(self, eta: float, eps: float = SGD_EPS) -> None:
        adam = {
            "learning_rate": eta * eps,
            "beta1": 0.0,
            "beta2": 0.0,
            "eps": eps,
            "weight_decay": 0.0,
            "grad_clip_norm": 0.0,
        }
        self.s.result(self.s.ok("optim_step", {"model_id": self.mid, "seq_id": self._next(), "adam_params": adam}))


def _reference(t: _Trainer, coef: np.ndarray) -> tuple[float, np.ndarray, np.ndarray]:
    """SGD steps along cross-entropy with weights ``−coef`` until one moves the logprobs by 2⁻⁸..2⁻⁴ (at most).

    Returns (η, logprobs after that step, their change). The step must go downhill: ``coef·Δℓ = −η‖Jᵀcoef‖² < 0``.
    """
    before, eta = t.logprobs(), _ETA0
    size = 0.0
    for _ in range(_TRIES):
        t.fb([datum(_SEQ, weights=-coef)])
        t.step(eta)
        after = t.logprobs()
        delta = after - before
        if not np.all(np.isfinite(delta)):
            raise CheckFailed(f"an SGD step (lr/eps {eta:.3g}) made the logprobs non-finite")
        size = float(np.max(np.abs(delta)))
        if _LOW <= size <= _HIGH:
            noise = float(np.linalg.norm(16 * _EPS32 * (1.0 + np.abs(after)) * coef))
            if float(coef @ delta) >= -noise:
                raise CheckFailed(
                    "a step along cross_entropy's gradient did not go downhill: with weights v it must raise Σ v·ℓ, "
                    f"it changed it by {-float(coef @ delta):+.3g} (noise {noise:.2g}): a gradient of the wrong sign, "
                    f"or one that ignores the weights{_optimizer_note(t, eta, coef)}"
                )
            return eta, after, delta
        eta *= min(max(_TARGET / size, 2.0**-10), 2.0**10) if size > 0 else 2.0**10
        before = after
    raise CheckFailed(
        f"no SGD step moved the logprobs by 2^-8..2^-4 in {_TRIES} tries (last: {size:.3g} at lr/eps "
        f"{eta:.3g}); does the server apply adam_params eps, beta1 and beta2?"
    )


def _optimizer_note(t: _Trainer, eta: float, coef: np.ndarray) -> str:
    """Whether a failure may be the optimizer's rather than the gradient's: the checks need plain SGD steps, so
    Adam with beta1 = 0 (a step with nothing accumulated stays put) and with eps applied (doubling eps and the
    learning rate keeps an SGD step's size, where Adam without eps would step twice as far). Only the optimizer is
    probed: the same gradient each time, whatever the server makes of it."""
    not_sgd = "so its steps are not the plain SGD steps this check needs"
    try:
        before = t.logprobs()
        t.step(eta)
        after = t.logprobs()
        if np.any(np.abs(after - before) > 16 * _EPS32 * (1.0 + np.abs(after))):
            return (
                f" — but a step with no gradient moved the logprobs: the server keeps momentum at beta1 = 0, {not_sgd}"
            )
        moves = []
        for k in (1.0, 2.0):
            t.fb([datum(_SEQ, weights=-coef)])
            t.step(eta, k * SGD_EPS)
            moved = t.logprobs()
            moves.append(float(np.linalg.norm(moved - after)))
            after = moved
    except (CheckFailed, CheckSkipped, httpx.HTTPError, KeyError, TypeError, ValueError):
        return ""  # the probe itself is not what is being checked
    if moves[1] > 1.5 * moves[0]:
        return (
            f" — but twice the learning rate and eps moved the logprobs {moves[1] / max(moves[0], 1e-30):.2f}× as "
            f"far: the server ignores adam eps, {not_sgd}"
        )
    return ""


def _verdict(
    ref: np.ndarray,
    null: np.ndarray,
    lp: np.ndarray,
    positions: int,
    hints: dict[float, str],
    what: str,
    note: Callable[[], str],
) -> str:
    ref_norm = float(np.linalg.norm(ref))
    floor = float(np.linalg.norm(16 * _EPS32 * (1.0 + np.abs(lp))))
    coef_rounding = _EPS32 * (positions + 16) * (1.0 + float(np.max(np.abs(lp))))
    tol = floor / ref_norm + _CONDITION * coef_rounding
    rho = float(np.linalg.norm(null)) / ref_norm
    along = float(null @ ref) / ref_norm**2  # the part of the residual that is the reference gradient, scaled
    evidence = f"‖Δℓ_null‖/‖Δℓ_ref‖ = {rho:.2g} (tolerance {tol:.2g}; ‖Δℓ_ref‖ = {ref_norm:.3g})"
    if rho > tol:
        cause = note() or next(
            (h for a, h in hints.items() if abs(along - a) <= 0.1 * abs(a) and rho <= 1.1 * abs(a)), ""
        )
        raise CheckFailed(f"{what} does not cancel: {evidence}, {along:+.3g}× the reference{cause}")
    return f"{what} cancels: {evidence}"


_PER_POSITION = 1.0 - _N / _N_EXT  # the residual along the reference when each datum's positions are averaged


def _cross_entropy(s: Server) -> str:
    t = _Trainer(s)
    w = _WEIGHTS
    eta, lp, ref = _reference(t, -w)
    lo, hi = np.where(np.arange(_N) < _SPLIT, w, 0.0), np.where(np.arange(_N) >= _SPLIT, w, 0.0)
    t.fb([datum(_SEQ, weights=w), datum(_OTHER, weights=np.zeros(len(_OTHER) - 1))])
    t.fb([datum(_EXT, weights=_pad(-lo))])
    t.fb([datum(_EXT, weights=_pad(-hi))])
    t.step(eta)
    null = t.logprobs() - lp
    n_other = len(_OTHER) - 1
    hints = {
        _PER_POSITION: " — the gradient is averaged over each datum's positions, not summed",
        -0.5: " — the gradient is averaged over the datums of a call, not summed",
        _N / (_N + n_other) - _N / _N_EXT: " — the gradient is averaged over a call's positions, not summed",
    }
    what = "cross_entropy with weights w on 2 datums, then −w on a longer datum in two calls,"
    return _verdict(ref, null, lp, _N + n_other + 2 * _N_EXT, hints, what, lambda: _optimizer_note(t, eta, -w))


def _rl(s: Server, name: str) -> str:
    grad = GRADIENTS[name]
    t = _Trainer(s)
    w = _WEIGHTS
    first = t.logprobs()
    q0 = (first + _OFFSETS).astype(np.float32).astype(np.float64)
    coef = grad(first, q0, _ADV, w)
    eta, lp, ref = _reference(t, coef)
    # Sampler logprobs from the current model: the ratios are exp(−offset), far from the clip bounds.
    q = (lp + _OFFSETS).astype(np.float32).astype(np.float64)
    out = t.fb([datum(_SEQ, weights=w, logprobs=q, advantages=_ADV)], name)
    at = logprobs_of(out)[0].astype(np.float64)  # the logprobs the server's gradient was taken at
    t.fb([datum(_EXT, weights=_pad(grad(at, q, _ADV, w)))])
    t.step(eta)
    null = t.logprobs() - lp
    hints = {_PER_POSITION: " — the gradient is averaged over the positions, not summed"}
    what = f"{name} plus cross_entropy with weights = its gradient"
    return _verdict(ref, null, lp, _N + _N_EXT, hints, what, lambda: _optimizer_note(t, eta, coef))


def _register(name: str, text: str) -> None:
    run = _cross_entropy if name == "cross_entropy" else (lambda s: _rl(s, name))
    check(f"loss.{name}.gradient", text, mutating=True)(run)


_register(
    "cross_entropy",
    "cross_entropy's gradient is −Σ w·∂ℓ, summed: weights w on a datum and −w on a longer copy (split over two "
    "calls, beside a zero-weight datum) cancel, so one SGD step leaves the logprobs unchanged; w alone raises Σ w·ℓ.",
)
_register(
    "importance_sampling",
    "importance_sampling's gradient is −w·r·A per position: it cancels against cross_entropy with weights −w·r·A.",
)
_register(
    "ppo",
    "ppo's gradient is −w·r·A where the unclipped term is the min, else 0 (ratios on both sides of the clip "
    "range, advantages of both signs): it cancels against cross_entropy with those weights.",
)
_register(
    "cispo", "cispo's gradient is −w·clip(r, 0, 4)·A (no gradient through the ratio): it cancels against cross_entropy."
)
_register("dro", "dro's gradient is −w·(A − 0.05·(ℓ − q)): it cancels against cross_entropy with those weights.")
