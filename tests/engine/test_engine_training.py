"""Training loop behaviour: SFT convergence, AdamW maths, gradient reset, registry."""

from __future__ import annotations

import math

import numpy as np
import pytest

from tinker_local.engine import (
    BOS_ID,
    BUILTIN_MODEL,
    AdamConfig,
    Datum,
    EngineInputError,
    LoraConfig,
    ModelRegistry,
    TrainableModel,
    builtin_encode,
)

TEXT = "Tinker trains tiny models. The local engine keeps the maths honest; "


def _sft_datum() -> Datum:
    toks = np.array([BOS_ID] + builtin_encode(TEXT), dtype=np.int64)
    return Datum(toks[:-1], {"target_tokens": toks[1:], "weights": np.ones(len(toks) - 1, np.float32)})


def _train(base, steps=50):
    m = TrainableModel(base, LoraConfig(rank=16, seed=0))
    d = _sft_datum()
    losses = []
    for _ in range(steps):
        losses.append(m.forward_backward([d], "cross_entropy").metrics["loss:sum"])
        m.optim_step(AdamConfig(learning_rate=5e-3))
    losses.append(m.forward([d], "cross_entropy").metrics["loss:sum"])
    return losses, m


def test_sft_converges_deterministically(base):
    l1, m1 = _train(base)
    assert l1[-1] < 0.3 * l1[0], (l1[0], l1[-1])
    l2, m2 = _train(base)
    assert l1 == l2
    for k in m1.params:
        np.testing.assert_array_equal(m1.params[k], m2.params[k])
    assert m1.step == 50


def _manual_adamw(p, grads_seq, cfg: AdamConfig):
    p = p.astype(np.float64).copy()
    m = np.zeros_like(p)
    v = np.zeros_like(p)
    for t, g in enumerate(grads_seq, start=1):
        m = cfg.beta1 * m + (1 - cfg.beta1) * g
        v = cfg.beta2 * v + (1 - cfg.beta2) * g * g
        mh = m / (1 - cfg.beta1**t)
        vh = v / (1 - cfg.beta2**t)
        p = p - cfg.learning_rate * cfg.weight_decay * p - cfg.learning_rate * mh / (np.sqrt(vh) + cfg.eps)
    return p


def test_adamw_matches_reference_with_weight_decay(base64):
    m = TrainableModel(base64, LoraConfig(rank=2, train_attn=False, train_mlp=False))
    rng = np.random.default_rng(0)
    cfg = AdamConfig(learning_rate=0.01, beta1=0.8, beta2=0.9, eps=1e-8, weight_decay=0.1)
    start = {k: v.copy() for k, v in m.params.items()}
    seq = {k: [rng.normal(size=v.shape) for _ in range(3)] for k, v in m.params.items()}
    for i in range(3):
        for k in m.params:
            m.grads[k][...] = seq[k][i]
        metrics = m.optim_step(cfg)
        assert metrics["step"] == i + 1
        assert metrics["learning_rate"] == 0.01
        assert all(isinstance(x, float) for x in metrics.values())
        assert all(not g.any() for g in m.grads.values())
    for k in m.params:
        np.testing.assert_allclose(m.params[k], _manual_adamw(start[k], seq[k], cfg), rtol=1e-10, atol=1e-12)


def test_grad_clipping_reports_preclip_norm(base64):
    m = TrainableModel(base64, LoraConfig(rank=2, train_attn=False, train_mlp=False))
    m2 = TrainableModel(base64, LoraConfig(rank=2, train_attn=False, train_mlp=False))
    rng = np.random.default_rng(1)
    g = {k: rng.normal(size=v.shape) for k, v in m.params.items()}
    norm = math.sqrt(sum(float((x * x).sum()) for x in g.values()))
    for k, gk in g.items():
        m.grads[k][...] = gk
        m2.grads[k][...] = gk * (0.5 / norm)
    out = m.optim_step(AdamConfig(learning_rate=0.1, grad_clip_norm=0.5, eps=1e-3))
    assert out["grad_norm"] == pytest.approx(norm)
    m2.optim_step(AdamConfig(learning_rate=0.1, eps=1e-3))
    for k in m.params:
        np.testing.assert_allclose(m.params[k], m2.params[k], rtol=1e-10)


def test_zero_learning_rate_keeps_params_but_resets_grads(base):
    m = TrainableModel(base, LoraConfig(rank=4))
    before = {k: v.copy() for k, v in m.params.items()}
    d = _sft_datum()
    m.forward_backward([d], "cross_entropy")
    assert m.pending_datums == 1
    out = m.optim_step(AdamConfig(learning_rate=0.0))
    assert out["grad_norm"] > 0
    for k, v in before.items():
        np.testing.assert_array_equal(v, m.params[k])
    assert all(not g.any() for g in m.grads.values())
    assert m.pending_datums == 0


@pytest.mark.parametrize(
    "kwargs, field",
    [
        ({"learning_rate": -1e-3}, "learning_rate"),
        ({"beta1": 1.0}, "beta1"),
        ({"beta2": -0.1}, "beta2"),
        ({"eps": 0.0}, "eps"),
        ({"weight_decay": -1.0}, "weight_decay"),
        ({"grad_clip_norm": -1.0}, "grad_clip_norm"),
        ({"learning_rate": float("nan")}, "learning_rate"),
    ],
)
def test_adam_validation(base, kwargs, field):
    m = TrainableModel(base, LoraConfig(rank=2))
    m.forward_backward([_sft_datum()], "cross_entropy")
    before = {k: v.copy() for k, v in m.grads.items()}
    with pytest.raises(EngineInputError, match=field):
        m.optim_step(AdamConfig(**kwargs))
    for k, v in before.items():  # nothing changed
        np.testing.assert_array_equal(v, m.grads[k])
    assert m.step == 0


def test_base_weights_deterministic_and_readonly():
    r1, r2 = ModelRegistry(), ModelRegistry()
    a, b = r1.get(BUILTIN_MODEL), r2.get(BUILTIN_MODEL)
    for k in a.weights:
        np.testing.assert_array_equal(a.weights[k], b.weights[k])
        assert not a.weights[k].flags.writeable
    r1.register("some/other-model", 300)
    c = r1.get("some/other-model")
    assert c.weights["embed"].shape == (300, 64)
    assert not np.array_equal(c.weights["layers.0.q_proj"], a.weights["layers.0.q_proj"])
    assert "some/other-model" in r1.names() and BUILTIN_MODEL in r1.names()
    r1.register("some/other-model", 300)  # idempotent
    with pytest.raises(EngineInputError, match="already registered"):
        r1.register("some/other-model", 301)
    with pytest.raises(EngineInputError, match="unknown model"):
        r1.get("nope/nope")
    with pytest.raises(EngineInputError, match="vocab_size"):
        r1.register("x", 0)


def test_lora_validation(base):
    with pytest.raises(EngineInputError, match="rank"):
        TrainableModel(base, LoraConfig(rank=0))
    with pytest.raises(EngineInputError, match="at least one"):
        TrainableModel(base, LoraConfig(train_attn=False, train_mlp=False, train_unembed=False))


def test_large_vocab_model_trains_and_samples():
    """A registered real-tokenizer-sized vocabulary stays memory-sane (chunked logits)."""
    from tinker_local.engine import SamplingConfig, sample

    reg = ModelRegistry()
    reg.register("Qwen/Qwen3-8B", 151936, eos_token_ids=[151645])
    base = reg.get("Qwen/Qwen3-8B")
    assert base.weights["lm_head"].shape == (64, 151936)
    m = TrainableModel(base, LoraConfig(rank=4))
    rng = np.random.default_rng(0)
    toks = rng.integers(0, 151936, size=40).astype(np.int64)
    d = Datum(toks[:-1], {"target_tokens": toks[1:]})
    r0 = m.forward_backward([d], "cross_entropy").metrics["loss:sum"]
    m.optim_step(AdamConfig(learning_rate=1e-2))
    r1 = m.forward([d], "cross_entropy").metrics["loss:sum"]
    assert r1 < r0
    res = sample(m.snapshot(), toks[:5], SamplingConfig(max_tokens=3, seed=1, top_p=0.9), prompt_logprobs=True)
    assert len(res.sequences[0].tokens) == 3
    assert len(res.prompt_logprobs) == 5
