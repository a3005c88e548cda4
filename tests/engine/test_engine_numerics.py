"""Float32 overflow: steps that would make the weights or Adam moments non-finite are refused
with EngineInputError and change nothing; outputs that overflow are refused instead of
returning NaN/inf (which the server cannot encode as JSON)."""

from __future__ import annotations

import re

import numpy as np
import pytest

from tinker_local.engine import (
    BOS_ID,
    AdamConfig,
    Datum,
    EngineInputError,
    LoraConfig,
    SamplingConfig,
    TrainableModel,
    builtin_encode,
    sample,
)

TOKS = np.array([BOS_ID] + builtin_encode("hello world, this is a test"), dtype=np.int64)
F32_MAX = float(np.finfo(np.float32).max)

# the overflows are provoked on purpose and reported as EngineInputError; numpy's warnings are expected
pytestmark = pytest.mark.filterwarnings(
    "ignore:overflow encountered:RuntimeWarning", "ignore:invalid value encountered:RuntimeWarning"
)


def _datum(weight: float = 1.0) -> Datum:
    n = len(TOKS) - 1
    return Datum(TOKS[:-1], {"target_tokens": TOKS[1:], "weights": np.full(n, weight)})


def _copy(d: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    return {k: v.copy() for k, v in d.items()}


def _state(m: TrainableModel):
    return m.step, _copy(m.params), _copy(m.opt.m), _copy(m.opt.v), _copy(m.grads), m.pending_datums


def _assert_same_state(a, b) -> None:
    assert a[0] == b[0] and a[5] == b[5]
    for da, db in zip(a[1:5], b[1:5]):
        for k in da:
            np.testing.assert_array_equal(da[k], db[k])


def _all_finite(arrays) -> bool:
    return all(np.isfinite(a).all() for a in arrays)


@pytest.mark.parametrize(
    "lr, weight",
    [
        (1e30, 1e9),  # (lr / (1 − β1^t)) · m overflows float32: the gradients here reach ~2e10
        (1e38, 1.0),  # lr / (1 − β1^t) itself is beyond float32 (and inf · 0 = NaN where m == 0)
    ],
)
def test_step_making_weights_non_finite_is_refused(base, lr, weight):
    m = TrainableModel(base, LoraConfig(rank=8))
    m.forward_backward([_datum()], "cross_entropy")
    m.optim_step(AdamConfig(learning_rate=1e-3))  # non-zero moments and a step count to preserve
    m.forward_backward([_datum(weight)], "cross_entropy")
    before = _state(m)
    with pytest.raises(EngineInputError, match=re.escape(f"learning_rate {lr:g}")) as exc:
        m.optim_step(AdamConfig(learning_rate=lr))
    msg = str(exc.value)
    assert msg.startswith("optim_step:") and "not applied" in msg and "lower the learning rate" in msg
    assert "gradients are kept" in msg
    _assert_same_state(before, _state(m))  # weights, moments, step, gradients: untouched
    # the kept gradients are applied by a retry with a sane learning rate
    out = m.optim_step(AdamConfig(learning_rate=1e-3, grad_clip_norm=1.0))
    assert out["step"] == 2 and m.pending_datums == 0
    assert _all_finite(m.params.values()) and _all_finite(m.opt.v.values())
    assert np.isfinite(m.forward([_datum()], "cross_entropy").metrics["loss:sum"])


def test_step_overflowing_adam_moments_is_refused(base):
    m = TrainableModel(base, LoraConfig(rank=8))
    m.forward_backward([_datum(1e20)], "cross_entropy")  # gradients ~1e21: finite, their squares are not
    assert _all_finite(m.grads.values())
    before = _state(m)
    with pytest.raises(EngineInputError, match="grad_clip_norm") as exc:
        m.optim_step(AdamConfig(learning_rate=1e-3))
    assert "moment" in str(exc.value) and "not applied" in str(exc.value)
    _assert_same_state(before, _state(m))
    m.optim_step(AdamConfig(learning_rate=1e-3, grad_clip_norm=1.0))  # what the message suggests works
    assert m.step == 1 and _all_finite(m.params.values()) and _all_finite(m.opt.v.values())


@pytest.mark.parametrize("bad", [np.inf, np.nan])
def test_non_finite_gradients_are_refused_and_discarded(base, bad):
    m = TrainableModel(base, LoraConfig(rank=4))
    m.forward_backward([_datum()], "cross_entropy")
    m.grads["lm_head.lora_B"][0, 3] = bad  # e.g. set through the public attribute
    step, params, mom, vel, _, _ = _state(m)
    with pytest.raises(EngineInputError, match="gradients are not finite") as exc:
        m.optim_step(AdamConfig(learning_rate=1e-3))
    assert "discarded" in str(exc.value)
    after = _state(m)
    _assert_same_state((step, params, mom, vel, after[4], after[5]), after)
    assert m.pending_datums == 0 and all(not g.any() for g in m.grads.values())
    m.forward_backward([_datum()], "cross_entropy")  # training can go on
    m.optim_step(AdamConfig(learning_rate=1e-3))
    assert m.step == 1


def test_loss_overflowing_float32_is_refused(base):
    m = TrainableModel(base, LoraConfig(rank=4))
    good = _datum()
    for fn in (m.forward, m.forward_backward):
        with pytest.raises(EngineInputError, match=re.escape("datums[1]: elementwise_loss")) as exc:
            fn([good, _datum(1e39)], "cross_entropy")  # finite float64 weights, |loss| > float32 max
        assert "weights" in str(exc.value)
    assert m.pending_datums == 0 and all(not g.any() for g in m.grads.values())


def test_gradient_accumulation_overflow_is_refused(base):
    m = TrainableModel(base, LoraConfig(rank=4))
    m.forward_backward([_datum()], "cross_entropy")
    direction = {k: np.sign(g) for k, g in m.grads.items()}
    m.zero_grad()
    for k, g in m.grads.items():  # finite accumulated gradients at the float32 limit ...
        g[...] = direction[k] * np.float32(F32_MAX)
    m.pending_datums = 1
    before = _state(m)
    with pytest.raises(EngineInputError, match="gradient") as exc:  # ... that one more datum pushes over it
        m.forward_backward([_datum(1e34)], "cross_entropy")
    assert "nothing was accumulated" in str(exc.value)
    _assert_same_state(before, _state(m))


@pytest.fixture
def blown_up(base):
    """Finite but absurd weights (what a huge learning rate leaves): float32 logits overflow."""
    m = TrainableModel(base, LoraConfig(rank=4))
    for k, p in m.params.items():
        if k.endswith("lora_B"):
            p[...] = 1e30
    return m


def test_finite_but_extreme_weights_give_a_clear_error_not_nan(blown_up):
    m = blown_up
    assert _all_finite(m.params.values())
    for fn in (m.forward, m.forward_backward):
        with pytest.raises(EngineInputError, match="logprobs are not finite") as exc:
            fn([_datum()], "cross_entropy")
        msg = str(exc.value)
        assert "too large" in msg and "1e+30" in msg and "checkpoint" in msg
    assert m.pending_datums == 0 and all(not g.any() for g in m.grads.values())


def test_sampling_extreme_weights_gives_a_clear_error_not_nan(blown_up):
    w = blown_up.snapshot()
    for kwargs in ({}, {"prompt_logprobs": True}):
        with pytest.raises(EngineInputError, match="logits are not finite.*too large"):
            sample(w, TOKS, SamplingConfig(max_tokens=3, seed=0), **kwargs)


def test_non_finite_weights_are_named(base):
    m = TrainableModel(base, LoraConfig(rank=4))
    m.params["layers.1.up_proj.lora_B"][0, 0] = np.nan
    with pytest.raises(EngineInputError, match=re.escape("'layers.1.up_proj.lora_B'")):
        m.forward([_datum()], "cross_entropy")
