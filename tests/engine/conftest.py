"""Shared fixtures for the engine tests."""

from __future__ import annotations

import math
import os
import sys

import numpy as np
import pytest

_ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
if _ROOT not in sys.path:
    sys.path.insert(0, _ROOT)

from tinker_local.engine import BUILTIN_MODEL, ModelRegistry


@pytest.fixture(scope="session")
def registry() -> ModelRegistry:
    return ModelRegistry()


@pytest.fixture(scope="session")
def base(registry):
    return registry.get(BUILTIN_MODEL)


@pytest.fixture(scope="session")
def base64(registry):
    return registry.get(BUILTIN_MODEL, np.float64)


# ------------------------------------------------------------------------------------------------
# Float tolerances.  The same computation summed in another order (another BLAS kernel or CPU,
# another batch shape or row count, the two-thread split) does not agree bitwise, so comparisons
# across such paths need a tolerance, derived here from the float type and the sizes involved
# rather than tuned to one machine's BLAS.
#
# Model: rounding errors being independent and unbiased, a length-m reduction has a relative error
# ~ sqrt(m)·eps, not the worst case m·eps (Higham & Mary, SIAM J. Sci. Comput. 2019, "A new
# approach to probabilistic rounding error analysis"); the reductions along a computation add up
# in quadrature: ~ sqrt(n)·eps with n = reduction_length(...).  The magnitude is the max-norm of
# the whole compared array (an element with cancellation has an error set by partial sums of that
# size).  LAMBDA is the confidence multiple (exceedance probability ~ exp(−λ²/2)).  Measured over
# OpenBLAS 0.3.31's Prescott, Nehalem, SandyBridge, Haswell, Zen and SkylakeX kernels
# (OPENBLAS_CORETYPE), the largest error is 0.07 of the tolerance, while a gradient 0.1 % off
# (scaled by 1.001) exceeds it 15x (test_two_thread_path_matches_serial_and_is_deterministic
# checks both).  Comparisons of a path with itself (same process, thread count, shapes) stay bitwise.
# ------------------------------------------------------------------------------------------------

LAMBDA = 4.0


def fp_eps(dtype) -> float:
    return float(np.finfo(np.dtype(dtype)).eps)


def reduction_length(base, T: int, rows: int = 0) -> int:
    """Summed length of the reductions behind a logprob (``rows=0``) or a LoRA weight gradient.

    Forward, per layer: the q/k/v (d), score (head_dim), attention-average (T), o_proj (d),
    up (d) and down (d_ff) dot products; then the logits (d) and the log-sum-exp over the
    vocabulary.  A gradient runs the chain back and finally sums over ``rows`` token rows.
    """
    c = base.config
    fwd = c.n_layers * (3 * c.d_model + c.head_dim + T + c.d_ff) + c.d_model + base.vocab_size
    return fwd if rows == 0 else 2 * fwd + rows


def fp_tol(dtype, n: int, scale: float, sides: int = 2) -> float:
    """Allowed |a − b| for results of magnitude ``scale`` after reductions of total length ``n``.

    ``sides=2`` when both operands are rounded evaluations (errors add), 1 against an exact
    (e.g. float64 for float32) reference.
    """
    return sides * LAMBDA * math.sqrt(n) * fp_eps(dtype) * scale


def assert_fp_close(actual, desired, dtype, n: int, sides: int = 2, scale: float | None = None, what: str = ""):
    """max|actual − desired| <= fp_tol(dtype, n, max|desired|): a max-norm comparison of whole arrays."""
    a = np.asarray(actual, dtype=np.float64)
    d = np.asarray(desired, dtype=np.float64)
    assert a.shape == d.shape, (what, a.shape, d.shape)
    s = float(np.max(np.abs(d))) if scale is None else scale
    tol = fp_tol(dtype, n, s, sides)
    err = float(np.max(np.abs(a - d))) if a.size else 0.0
    assert err <= tol, f"{what}: max|diff| {err:.3g} > tol {tol:.3g} (= {sides}·{LAMBDA}·sqrt({n})·eps·{s:.3g})"
