"""Loss values (elementwise_loss, loss:sum) against independent formulas, defaults and overrides."""

from __future__ import annotations

import numpy as np
import pytest

from tinker_local.engine import LOSS_NAMES, LOSSES, Datum, LoraConfig, TrainableModel

N = 24


@pytest.fixture(scope="module")
def setup(base64):
    m = TrainableModel(base64, LoraConfig(rank=2))
    rng = np.random.default_rng(0)
    s = rng.integers(0, 256, size=N + 1).astype(np.int64)
    lp = m.forward([Datum(s[:-1], {"target_tokens": s[1:]})], "cross_entropy").outputs[0]["logprobs"]
    q = lp + rng.normal(scale=0.4, size=N)
    A = rng.normal(size=N)
    w = rng.uniform(0, 2, size=N)
    mask = (np.arange(N) >= 4).astype(np.float64)
    return m, s, lp, q, A, w, mask


def _run(m, s, loss, cfg=None, **inputs):
    d = Datum(s[:-1], {"target_tokens": s[1:], **inputs})
    r = m.forward([d], loss, cfg)
    out = r.outputs[0]
    assert out["elementwise_loss"].shape == (N,)
    assert r.metrics["loss:sum"] == pytest.approx(float(out["elementwise_loss"].sum()), rel=1e-9, abs=1e-9)
    return out["elementwise_loss"]


def _ppo_expected(r, A, w, lo, hi):
    return -w * np.minimum(r * A, np.clip(r, lo, hi) * A)


def test_defaults_documented():
    assert LOSSES["ppo"].defaults == {"clip_low_threshold": 0.8, "clip_high_threshold": 1.2}
    assert LOSSES["cispo"].defaults == {"clip_low_threshold": 0.0, "clip_high_threshold": 4.0}
    assert LOSSES["dro"].defaults == {"beta": 0.05}
    assert LOSSES["stable_reinforce"].defaults == {"kl_coeff": 0.01}
    assert LOSSES["gspo"].defaults["clip_low_threshold"] == pytest.approx(1 - 3e-4)
    assert LOSSES["gspo"].defaults["clip_high_threshold"] == pytest.approx(1 + 4e-4)
    assert set(LOSS_NAMES) == {
        "cross_entropy",
        "importance_sampling",
        "ppo",
        "cispo",
        "dro",
        "gspo",
        "stable_reinforce",
    }


def test_cross_entropy_values(setup):
    m, s, lp, _q, _A, w, _mask = setup
    np.testing.assert_allclose(_run(m, s, "cross_entropy", weights=w), -w * lp, rtol=1e-12)
    np.testing.assert_allclose(_run(m, s, "cross_entropy"), -lp, rtol=1e-12)  # weights default to ones


def test_rl_loss_values(setup):
    m, s, lp, q, A, w, _mask = setup
    r = np.exp(lp - q)
    base = {"logprobs": q, "advantages": A}
    np.testing.assert_allclose(_run(m, s, "importance_sampling", **base), -r * A, rtol=1e-10)
    np.testing.assert_allclose(_run(m, s, "importance_sampling", weights=w, **base), -w * r * A, rtol=1e-10)
    np.testing.assert_allclose(_run(m, s, "ppo", **base), _ppo_expected(r, A, 1, 0.8, 1.2), rtol=1e-10)
    np.testing.assert_allclose(
        _run(m, s, "ppo", {"clip_low_threshold": 0.5, "clip_high_threshold": 1.5}, **base),
        _ppo_expected(r, A, 1, 0.5, 1.5),
        rtol=1e-10,
    )
    np.testing.assert_allclose(_run(m, s, "cispo", **base), -np.clip(r, 0, 4) * lp * A, rtol=1e-10)
    np.testing.assert_allclose(_run(m, s, "dro", **base), -(lp * A - 0.5 * 0.05 * (lp - q) ** 2), rtol=1e-10)
    np.testing.assert_allclose(_run(m, s, "dro", {"beta": 1.0}, **base), -(lp * A - 0.5 * (lp - q) ** 2), rtol=1e-10)
    np.testing.assert_allclose(_run(m, s, "stable_reinforce", **base), -r * A + 0.01 * (r - 1 - np.log(r)), rtol=1e-10)
    np.testing.assert_allclose(_run(m, s, "stable_reinforce", {"kl_coeff": 0.0}, **base), -r * A, rtol=1e-10)
    # config values may arrive as strings (loss_fn_config_v2)
    np.testing.assert_allclose(_run(m, s, "dro", {"beta": "1.0"}, **base), _run(m, s, "dro", {"beta": 1.0}, **base))


def test_per_token_clip_overrides(setup):
    m, s, lp, q, A, _w, _mask = setup
    r = np.exp(lp - q)
    lo = np.linspace(0.5, 0.95, N)
    hi = np.linspace(1.05, 2.0, N)
    base = {"logprobs": q, "advantages": A}
    np.testing.assert_allclose(
        _run(m, s, "ppo", clip_low_threshold=lo, clip_high_threshold=hi, **base),
        _ppo_expected(r, A, 1, lo, hi),
        rtol=1e-10,
    )
    # one side overridden, the other from config / default
    np.testing.assert_allclose(
        _run(m, s, "cispo", clip_high_threshold=hi, **base), -np.clip(r, 0.0, hi) * lp * A, rtol=1e-10
    )


def test_gspo_values(setup):
    m, s, lp, q, A, w, mask = setup
    sr = np.exp(np.mean((lp - q)[mask != 0]))
    got = _run(m, s, "gspo", logprobs=q, advantages=A, sequence_ratio_mask=mask)
    np.testing.assert_allclose(got, _ppo_expected(np.full(N, sr), A, 1, 1 - 3e-4, 1 + 4e-4), rtol=1e-10)
    got = _run(
        m,
        s,
        "gspo",
        {"clip_low_threshold": 0.1, "clip_high_threshold": 10.0},
        logprobs=q,
        advantages=A,
        sequence_ratio_mask=mask,
        weights=w,
    )
    np.testing.assert_allclose(got, -w * sr * A, rtol=1e-10)
    # an empty mask gives a sequence ratio of 1
    got = _run(m, s, "gspo", logprobs=q, advantages=A, sequence_ratio_mask=np.zeros(N))
    np.testing.assert_allclose(got, -A, rtol=1e-10)
