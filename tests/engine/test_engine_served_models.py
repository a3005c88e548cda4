"""Per-model shapes (layers, width, context length), long-context training and sampling, tokenizer files and
the synthetic vocabulary's decoding."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from tokenizers import Tokenizer, models, pre_tokenizers

from tinker_local.engine import (
    AdamConfig,
    Datum,
    EngineInputError,
    LoraConfig,
    ModelConfig,
    ModelRegistry,
    SamplingConfig,
    TrainableModel,
    load_tokenizer_file,
    sample,
    synthetic_decode,
)
from tinker_local.engine import _model as engine_model


def write_tokenizer(folder: Path, words: list[str], **sidecars: dict) -> Path:
    """A word-level tokenizer.json (id = position in ``words``) plus optional JSON files beside it."""
    folder.mkdir(parents=True, exist_ok=True)
    tok = Tokenizer(models.WordLevel({w: i for i, w in enumerate(words)}, unk_token=words[0]))
    tok.pre_tokenizer = pre_tokenizers.WhitespaceSplit()
    path = folder / "tokenizer.json"
    tok.save(str(path))
    for name, data in sidecars.items():
        (folder / f"{name}.json").write_text(json.dumps(data))
    return path


WORDS = ["<unk>", "<s>", "</s>", "hello", "world", "<|im_end|>"]


# ---------------------------------------------------------------- the synthetic vocabulary


def test_synthetic_decoding_is_bytes_then_placeholders():
    assert synthetic_decode([]) == ""
    assert synthetic_decode(list(b"\n\nUser:")) == "\n\nUser:"
    assert synthetic_decode([104, 105, 1000, 33]) == "hi<|1000|>!"
    assert synthetic_decode(list("é".encode())) == "é"  # a byte run decodes as UTF-8
    assert synthetic_decode([0xC3, 300]) == "\ufffd<|300|>"  # a cut sequence is replaced, deterministically
    reg = ModelRegistry()
    reg.register("x/syn", 2000)
    assert reg.served("x/syn").tokenizer is None
    assert reg.served("x/syn").decode([72, 1999]) == "H<|1999|>"


def test_string_stops_work_without_a_tokenizer():
    reg = ModelRegistry()
    reg.register("x/syn", 512)
    served = reg.served("x/syn")
    base = reg.get("x/syn")
    prompt = [1, 2, 3]
    free = sample(base, prompt, SamplingConfig(max_tokens=12, temperature=0.0, stop=[])).sequences[0]
    needle = served.decode(free.tokens[3:5])
    res = sample(base, prompt, SamplingConfig(max_tokens=12, temperature=0.0, stop=[needle]), decode=served.decode)
    seq = res.sequences[0]
    assert seq.stop_reason == "stop" and needle in served.decode(seq.tokens)
    assert seq.tokens == free.tokens[: len(seq.tokens)] and len(seq.tokens) <= 5


# ---------------------------------------------------------------- tokenizer files


def test_tokenizer_file_special_ids_from_its_configs(tmp_path):
    bare = load_tokenizer_file(write_tokenizer(tmp_path / "bare", WORDS))
    # no config beside it: common special-token names
    assert (bare.vocab_size, bare.bos_token_id, bare.eos_token_ids) == (6, 1, (2,))
    assert bare.decode([3, 4, 5]) == "hello world <|im_end|>"
    assert bare.decode([3, 99]) == "hello"  # ids past the tokenizer (a padded vocabulary) decode to nothing

    folder = tmp_path / "cfg"
    write_tokenizer(folder, WORDS, tokenizer_config={"bos_token": None, "eos_token": {"content": "<|im_end|>"}})
    cfg = load_tokenizer_file(folder)  # a directory holding tokenizer.json
    assert (cfg.bos_token_id, cfg.eos_token_ids) == (1, (5,))

    gen = tmp_path / "gen"
    write_tokenizer(
        gen,
        WORDS,
        generation_config={"bos_token_id": 3, "eos_token_id": [5, 2, 4000]},
        tokenizer_config={"eos_token": "</s>"},
    )
    g = load_tokenizer_file(gen / "tokenizer.json")
    assert (g.bos_token_id, g.eos_token_ids) == (3, (5, 2))  # generation_config wins; ids outside are dropped
    assert g.json_form["model"]["type"] == "WordLevel"


def test_bad_tokenizer_files_are_named(tmp_path):
    with pytest.raises(EngineInputError, match="no such file"):
        load_tokenizer_file(tmp_path / "missing.json")
    with pytest.raises(EngineInputError, match="no such file"):
        load_tokenizer_file(tmp_path)  # a directory without tokenizer.json
    junk = tmp_path / "junk.json"
    junk.write_text('{"not": "a tokenizer"}')
    with pytest.raises(EngineInputError, match="cannot load it as a tokenizer.json"):
        load_tokenizer_file(junk)
    folder = tmp_path / "badcfg"
    write_tokenizer(folder, WORDS)
    (folder / "tokenizer_config.json").write_text("{oops")
    with pytest.raises(EngineInputError, match="tokenizer_config.json: unreadable JSON"):
        load_tokenizer_file(folder)


def test_registry_refuses_a_vocabulary_smaller_than_its_tokenizer(tmp_path):
    tok = load_tokenizer_file(write_tokenizer(tmp_path, WORDS))
    reg = ModelRegistry()
    with pytest.raises(EngineInputError, match="smaller than the tokenizer's 6 tokens"):
        reg.register("x/tok", 5, tokenizer=tok)
    reg.register("x/tok", 64, tokenizer=tok)  # padded beyond the tokenizer, as real checkpoints are
    assert reg.served("x/tok").decode([3, 4]) == "hello world"


# ---------------------------------------------------------------- shapes


def test_model_config_is_checked():
    with pytest.raises(EngineInputError, match="multiple of 2 x n_heads"):
        ModelConfig.sized(d_model=12)
    with pytest.raises(EngineInputError, match="context_length must be a positive integer"):
        ModelConfig.sized(context_length=0)
    cfg = ModelConfig.sized(n_layers=3, d_model=32, context_length=100)
    assert (cfg.d_ff, cfg.n_heads, cfg.head_dim) == (128, 4, 8)
    assert cfg.base_parameters(10) == 10 * 32 * 2 + 3 * (4 * 32 * 32 + 2 * 32 * 128)


def test_shape_options_reach_the_weights_and_adapters():
    reg = ModelRegistry()
    reg.register("x/deep", 300, config=ModelConfig.sized(n_layers=3, d_model=32))
    base = reg.get("x/deep")
    assert base.weights["embed"].shape == (300, 32)
    assert base.weights["layers.2.up_proj"].shape == (32, 128) and "layers.3.q_proj" not in base.weights
    model = TrainableModel(base, LoraConfig(rank=2))
    assert model.params["layers.2.q_proj.lora_A"].shape == (32, 2)
    assert ModelRegistry().get("tinker-local/tiny-byte").config == ModelConfig()  # defaults unchanged


def test_long_sequences_recompute_attention_bitwise(monkeypatch):
    """Beyond the kept-probabilities budget the backward pass recomputes them: same losses and gradients."""
    reg = ModelRegistry()
    base = reg.get("tinker-local/tiny-byte")
    rng = np.random.default_rng(3)
    datums = []
    for n in (150, 97):
        toks = rng.integers(0, 256, n + 1)
        datums.append(Datum(toks[:-1], {"target_tokens": toks[1:], "weights": np.ones(n, np.float32)}))

    def run() -> tuple[float, dict[str, np.ndarray]]:
        model = TrainableModel(base, LoraConfig(rank=4, seed=1))
        model.params["lm_head.lora_B"][:] = 0.01  # non-zero B: gradients reach every adapter
        out = model.forward_backward(datums, "cross_entropy")
        return out.metrics["loss:sum"], {k: v.copy() for k, v in model.grads.items()}

    kept = run()
    monkeypatch.setattr(engine_model, "_KEEP_ATTN_ELEMENTS", 0)
    recomputed = run()
    assert kept[0] == recomputed[0]
    for k, g in kept[1].items():
        assert np.array_equal(g, recomputed[1][k]), k


def test_long_context_model_trains_and_samples_past_2048():
    reg = ModelRegistry()
    reg.register("x/long", 300, config=ModelConfig.sized(context_length=4096))
    base = reg.get("x/long")
    rng = np.random.default_rng(0)
    pattern = rng.integers(0, 300, 64)
    toks = np.tile(pattern, 3000 // 64 + 2)[:3001]  # periodic: learnable from context
    datum = Datum(toks[:-1], {"target_tokens": toks[1:], "weights": np.ones(3000, np.float32)})
    model = TrainableModel(base, LoraConfig(rank=8))
    losses = []
    for _ in range(3):
        losses.append(model.forward_backward([datum], "cross_entropy").metrics["loss:sum"])
        model.optim_step(AdamConfig(learning_rate=1e-2))
    assert all(np.isfinite(losses)) and losses[-1] < losses[0]
    res = sample(model.snapshot(), toks[:2500], SamplingConfig(max_tokens=40, temperature=0.0, stop=[]))
    assert len(res.sequences[0].tokens) == 40 and np.isfinite(res.sequences[0].logprobs).all()
    with pytest.raises(EngineInputError, match="exceed the context length 4096"):
        sample(base, np.ones(4090, np.int64), SamplingConfig(max_tokens=10))
    default = TrainableModel(reg.get("tinker-local/tiny-byte"))
    with pytest.raises(EngineInputError, match="exceed the context length 2048"):
        default.forward([Datum(toks[:2049] % 256, {"target_tokens": toks[1:2050] % 256})], "cross_entropy")


def test_a_checkpoint_needs_the_shape_it_was_trained_with(tmp_path):
    narrow, wide = ModelRegistry(), ModelRegistry()
    narrow.register("x/m", 300, config=ModelConfig.sized(d_model=32, context_length=512))
    wide.register("x/m", 300, config=ModelConfig.sized(d_model=64, context_length=512))
    TrainableModel(narrow.get("x/m"), LoraConfig(rank=2)).save(tmp_path / "ck")
    with pytest.raises(EngineInputError, match=r"model_config.d_model: checkpoint has 32, model 'x/m' has 64"):
        TrainableModel(wide.get("x/m"), LoraConfig(rank=2)).load(tmp_path / "ck")
    longer = ModelRegistry()
    longer.register("x/m", 300, config=ModelConfig.sized(d_model=32, context_length=4096))
    TrainableModel(longer.get("x/m"), LoraConfig(rank=2)).load(tmp_path / "ck")  # a longer context is fine
