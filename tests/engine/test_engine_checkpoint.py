"""Save / load round trips, PEFT layout, atomic writes and immutable sampler snapshots."""

from __future__ import annotations

import json
import os

import numpy as np
import pytest

from tinker_local.engine import (
    AdamConfig,
    Datum,
    EngineInputError,
    LoraConfig,
    ModelRegistry,
    SamplerWeights,
    SamplingConfig,
    TrainableModel,
    read_adapter_config,
    sample,
)
from tinker_local.engine._checkpoint import read_safetensors

RNG = np.random.default_rng(0)
SEQS = [RNG.integers(0, 256, size=n + 1).astype(np.int64) for n in (30, 12)]
DATUMS = [Datum(s[:-1], {"target_tokens": s[1:]}) for s in SEQS]
PROMPT = SEQS[0][:8]


def _trained(base, steps=3, lora=None):
    m = TrainableModel(base, lora or LoraConfig(rank=4, seed=1))
    for _ in range(steps):
        m.forward_backward(DATUMS, "cross_entropy")
        m.optim_step(AdamConfig(learning_rate=1e-2))
    return m


def _lps(m):
    return [o["logprobs"] for o in m.forward(DATUMS, "cross_entropy").outputs]


def test_save_load_reproduces_outputs_and_training(base, tmp_path):
    m = _trained(base)
    path = m.save(tmp_path / "ckpt", include_optimizer=True)
    assert sorted(os.listdir(path)) == [
        "adapter_config.json",
        "adapter_model.safetensors",
        "optimizer_state.safetensors",
    ]
    m2 = TrainableModel(base, LoraConfig(rank=4, seed=99))
    m2.load(path, with_optimizer=True)
    for a, b in zip(_lps(m), _lps(m2)):
        np.testing.assert_array_equal(a, b)
    assert m2.step == m.step == 3
    # continuing training gives identical parameters (optimizer state restored exactly)
    for mm in (m, m2):
        mm.forward_backward(DATUMS, "cross_entropy")
        mm.optim_step(AdamConfig(learning_rate=1e-2))
    for k in m.params:
        np.testing.assert_array_equal(m.params[k], m2.params[k])


def test_load_without_optimizer_resets_it(base, tmp_path):
    m = _trained(base)
    m.save(tmp_path / "w", include_optimizer=False)
    assert not (tmp_path / "w" / "optimizer_state.safetensors").exists()
    m2 = TrainableModel(base, LoraConfig(rank=4, seed=1))
    m2.load(tmp_path / "w", with_optimizer=False)
    assert m2.step == 0 and all(not x.any() for x in m2.opt.m.values())
    for a, b in zip(_lps(m), _lps(m2)):
        np.testing.assert_array_equal(a, b)
    with pytest.raises(EngineInputError, match="optimizer"):
        m2.load(tmp_path / "w", with_optimizer=True)


def test_peft_layout(base, tmp_path):
    m = _trained(base, steps=1)
    m.save(tmp_path / "p", include_optimizer=False)
    cfg = read_adapter_config(tmp_path / "p")
    assert cfg["base_model_name_or_path"] == base.name
    assert cfg["r"] == 4 and cfg["lora_alpha"] == 32.0 and cfg["peft_type"] == "LORA"
    assert cfg["target_modules"] == ["down_proj", "k_proj", "lm_head", "o_proj", "q_proj", "up_proj", "v_proj"]
    tensors, _ = read_safetensors(tmp_path / "p" / "adapter_model.safetensors")
    a = tensors["base_model.model.model.layers.0.self_attn.q_proj.lora_A.weight"]
    b = tensors["base_model.model.model.layers.1.mlp.up_proj.lora_B.weight"]
    assert a.shape == (4, 64) and b.shape == (256, 4)
    np.testing.assert_array_equal(a, m.params["layers.0.q_proj.lora_A"].T)
    assert tensors["base_model.model.lm_head.lora_B.weight"].shape == (259, 4)
    json.dumps(cfg)


def test_mismatches_raise_and_leave_model_untouched(base, registry, tmp_path):
    m = _trained(base, steps=1)
    m.save(tmp_path / "c", include_optimizer=True)
    other = TrainableModel(base, LoraConfig(rank=8))
    before = {k: v.copy() for k, v in other.params.items()}
    with pytest.raises(EngineInputError, match="rank"):
        other.load(tmp_path / "c")
    for k, v in before.items():
        np.testing.assert_array_equal(v, other.params[k])
    with pytest.raises(EngineInputError, match="target_modules"):
        TrainableModel(base, LoraConfig(rank=4, train_mlp=False)).load(tmp_path / "c")
    reg = ModelRegistry()
    reg.register("some/model", 259)
    with pytest.raises(EngineInputError, match="base_model"):
        TrainableModel(reg.get("some/model"), LoraConfig(rank=4)).load(tmp_path / "c")
    with pytest.raises(EngineInputError, match="path"):
        TrainableModel(base, LoraConfig(rank=4)).load(tmp_path / "missing")


def test_atomic_write_and_overwrite(base, tmp_path):
    m = _trained(base, steps=1)
    m.save(tmp_path / "x", include_optimizer=True)
    m.forward_backward(DATUMS, "cross_entropy")
    m.optim_step(AdamConfig(learning_rate=1e-2))
    m.save(tmp_path / "x", include_optimizer=False)  # replaces the directory as a whole
    assert sorted(os.listdir(tmp_path)) == ["x"]  # no temporary or old directories left
    assert not (tmp_path / "x" / "optimizer_state.safetensors").exists()
    m2 = TrainableModel(base, LoraConfig(rank=4, seed=1))
    m2.load(tmp_path / "x", with_optimizer=False)
    for a, b in zip(_lps(m), _lps(m2)):
        np.testing.assert_array_equal(a, b)

    class Boom(RuntimeError):
        pass

    import tinker_local.engine._checkpoint as ck

    orig = ck.write_safetensors

    def failing(*a, **k):
        raise Boom()

    ck.write_safetensors = failing
    try:
        with pytest.raises(Boom):
            m.save(tmp_path / "y")
    finally:
        ck.write_safetensors = orig
    assert sorted(os.listdir(tmp_path)) == ["x"]


def test_snapshot_is_immutable_and_independent(base, tmp_path):
    m = _trained(base, steps=2)
    snap = m.snapshot()
    for arr in snap.adapter.values():
        assert not arr.flags.writeable
        with pytest.raises(ValueError):
            arr[...] = 0
    cfg = SamplingConfig(max_tokens=10, temperature=1.0, seed=5, stop=[])
    before = sample(snap, PROMPT, cfg, prompt_logprobs=True)
    m.forward_backward(DATUMS, "cross_entropy")
    m.optim_step(AdamConfig(learning_rate=5e-2))
    del m
    after = sample(snap, PROMPT, cfg, prompt_logprobs=True)
    assert before == after
    snap.save(tmp_path / "s")
    loaded = SamplerWeights.load(tmp_path / "s", ModelRegistry())
    assert sample(loaded, PROMPT, cfg, prompt_logprobs=True) == before
    assert sample(SamplerWeights.load(tmp_path / "s", base), PROMPT, cfg).sequences == before.sequences


def test_training_checkpoint_loads_as_sampler(base, tmp_path):
    m = _trained(base, steps=2)
    m.save(tmp_path / "t", include_optimizer=True)
    cfg = SamplingConfig(max_tokens=6, temperature=0.0, stop=[])
    assert sample(SamplerWeights.load(tmp_path / "t", ModelRegistry()), PROMPT, cfg) == sample(
        m.snapshot(), PROMPT, cfg
    )


def test_float64_roundtrip(base64, tmp_path):
    m = _trained(base64, steps=1)
    m.save(tmp_path / "d")
    m2 = TrainableModel(base64, LoraConfig(rank=4, seed=1))
    m2.load(tmp_path / "d")
    for k in m.params:
        np.testing.assert_array_equal(m.params[k], m2.params[k])
