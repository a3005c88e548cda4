"""target_prompt_logprobs, prompt_alt_tokens_k and topk_sample_logprobs, checked against brute force.

The oracle is the engine's *training* forward pass (``TrainableModel.forward``, cross-entropy with every
vocabulary id as a soft target): the full log-distribution at every position of a token sequence,
computed by another code path (batched training kernels, float32 log-sum-exp) than the sampler's
prefill and KV-cache decode.  Tolerances come from ``conftest`` (float type and reduction sizes).
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from tinker_local.engine import (
    BUILTIN_MODEL,
    BaseModel,
    Datum,
    EngineInputError,
    LoraConfig,
    ModelRegistry,
    PromptEvent,
    PromptTargets,
    SamplingConfig,
    TokenEvent,
    TrainableModel,
    builtin_encode,
    sample,
    sample_stream,
)

from .conftest import fp_tol, reduction_length

PROMPT = np.array(builtin_encode("The quick brown fox"), dtype=np.int64)


def _trained(base, seed: int = 5) -> TrainableModel:
    m = TrainableModel(base, LoraConfig(rank=4, seed=seed))
    rng = np.random.default_rng(seed)
    for p in m.params.values():
        p[...] = rng.standard_normal(p.shape).astype(base.dtype) * 0.1
    return m


@pytest.fixture(scope="module", params=[np.float32, np.float64], ids=["f32", "f64"])
def model(request):
    return _trained(ModelRegistry().get(BUILTIN_MODEL, request.param))


def oracle(model: TrainableModel, tokens) -> np.ndarray:
    """[len(tokens) - 1, V]: row r = log p(· | tokens[: r + 1]), by the training forward pass."""
    tokens = np.asarray(tokens, dtype=np.int64)
    n, V = len(tokens) - 1, model.base.vocab_size
    d = Datum(
        tokens[:-1],
        {"target_tokens": np.tile(np.arange(V), (n, 1)), "weights": np.zeros((n, V), dtype=np.float32)},
    )
    return np.asarray(model.forward([d], "cross_entropy").outputs[0]["logprobs"], dtype=np.float64)


def tol(model: TrainableModel, n_tokens: int, lp: np.ndarray) -> float:
    return fp_tol(model.base.dtype, reduction_length(model.base, n_tokens), float(np.abs(lp).max()))


# ------------------------------------------------------------------------------ target_prompt_logprobs


def test_target_prompt_logprobs_match_the_forward_pass(model):
    V = model.base.vocab_size
    R = len(PROMPT) - 1
    rng = np.random.default_rng(0)
    ids = rng.integers(-1, V, size=(R, 6))
    ids[:3] = -1  # rows before the first named one are skipped
    ids[5, :] = [0, V - 1, 0, -1, 7, 7]  # repeats, both vocabulary ends
    rows = np.repeat(np.arange(R), 6)
    res = sample(
        model.snapshot(),
        PROMPT,
        SamplingConfig(max_tokens=1, seed=0),
        target_prompt_logprobs=PromptTargets(rows, ids.reshape(-1)),
    )
    got = res.target_prompt_logprobs.reshape(R, 6)
    assert got.dtype == np.float32
    full = oracle(model, PROMPT)
    want = np.where(ids >= 0, np.take_along_axis(full, np.maximum(ids, 0), axis=1), 0.0)
    assert np.all(got[ids < 0] == 0.0)
    # the result is float32 on the wire: its own rounding (eps32 relative) adds to the paths' difference
    t = tol(model, len(PROMPT), full) + 2 * np.finfo(np.float32).eps * float(np.abs(full).max())
    assert float(np.max(np.abs(got - want))) <= t


def test_target_cells_in_any_order_and_layout(model):
    """Cells are independent of each other: a CSR-like subset gives the same values as the dense grid."""
    w = model.snapshot()
    cfg = SamplingConfig(max_tokens=1, seed=0)
    rows = np.array([9, 2, 9, 4])
    ids = np.array([3, 40, 200, -1])
    a = sample(w, PROMPT, cfg, target_prompt_logprobs=PromptTargets(rows, ids)).target_prompt_logprobs
    b = sample(w, PROMPT, cfg, target_prompt_logprobs=PromptTargets(rows[::-1], ids[::-1])).target_prompt_logprobs
    assert a.tolist() == b[::-1].tolist() and a[3] == 0.0


@pytest.mark.parametrize(
    "rows, ids, match",
    [
        ([0], [259], r"token id 259 outside the vocabulary \[0, 259\)"),
        ([0], [-2], "token id -2"),
        ([len(PROMPT) - 1], [5], r"row \d+ outside"),
        ([-1], [5], "row -1 outside"),
        ([0, 1], [-1, -1], "names no token id"),
        ([], [], "names no token id"),
        ([0], [1.5], "integers"),
    ],
)
def test_target_errors_name_the_field(base, rows, ids, match):
    with pytest.raises(EngineInputError, match="target_prompt_logprobs") as e:
        sample(
            base,
            PROMPT,
            SamplingConfig(max_tokens=1),
            target_prompt_logprobs=PromptTargets(np.asarray(rows), np.asarray(ids)),
        )
    assert e.match(match)


def test_one_token_prompt_has_no_rows(base):
    with pytest.raises(EngineInputError, match=r"row 0 outside \[0, 0\)"):
        sample(base, PROMPT[:1], SamplingConfig(max_tokens=1), target_prompt_logprobs=PromptTargets([0], [1]))
    res = sample(base, PROMPT[:1], SamplingConfig(max_tokens=1, seed=1), prompt_alt_tokens_k=3)
    assert res.alt_tokens.shape == (0, 3) and res.alt_logprobs.shape == (0, 3)


# ------------------------------------------------------------------------------ prompt_alt_tokens_k


def test_alt_logprobs_are_the_unscaled_forward_logprobs(model):
    res = sample(model.snapshot(), PROMPT, SamplingConfig(max_tokens=1, temperature=0.7, seed=3), prompt_alt_tokens_k=8)
    full = oracle(model, PROMPT)
    assert res.alt_tokens.shape == (len(PROMPT) - 1, 8) and res.alt_tokens.dtype == np.int64
    want = np.take_along_axis(full, res.alt_tokens, axis=1)
    t = tol(model, len(PROMPT), full) + 2 * np.finfo(np.float32).eps * float(np.abs(full).max())
    assert float(np.max(np.abs(res.alt_logprobs - want))) <= t


@pytest.mark.parametrize("temperature", [1.0, 0.5])
def test_alt_draws_follow_the_tempered_distribution(temperature):
    """1024 draws per row (the contract's largest k): the count of every token that carries at least 2 %
    of a row's mass is within 5 standard deviations of its binomial expectation (a false alarm has
    probability ~6e-7 per check, and the seed is fixed)."""
    model = _trained(ModelRegistry().get(BUILTIN_MODEL), seed=11)
    k = 1024
    res = sample(
        model.snapshot(), PROMPT, SamplingConfig(max_tokens=1, temperature=temperature, seed=42), prompt_alt_tokens_k=k
    )
    full = oracle(model, PROMPT)
    checked = 0
    for r in range(len(PROMPT) - 1):
        z = full[r] / temperature  # log-softmax / T = logits / T up to a constant
        p = np.exp(z - z.max())
        p /= p.sum()
        counts = np.bincount(res.alt_tokens[r], minlength=len(p))
        for tok in np.nonzero(p >= 0.02)[0]:
            sd = math.sqrt(k * p[tok] * (1 - p[tok]))
            assert abs(counts[tok] - k * p[tok]) <= 5 * sd, (r, tok, counts[tok], k * p[tok])
            checked += 1
    assert checked >= 2 * (len(PROMPT) - 1)


def test_alt_at_temperature_zero_is_argmax_and_ignores_top_k_top_p(model):
    w = model.snapshot()
    res = sample(w, PROMPT, SamplingConfig(max_tokens=1, temperature=0.0), prompt_alt_tokens_k=4)
    full = oracle(model, PROMPT)
    for r in range(len(PROMPT) - 1):
        assert len(set(res.alt_tokens[r].tolist())) == 1
        # the argmax, unless the top two are within the two paths' rounding
        assert full[r].max() - full[r, res.alt_tokens[r, 0]] <= 2 * tol(model, len(PROMPT), full)
    # only the temperature shapes the alternatives; top_k / top_p shape the sampled continuation
    cfg = {"max_tokens": 3, "temperature": 1.0, "seed": 9}
    plain = sample(w, PROMPT, SamplingConfig(**cfg), prompt_alt_tokens_k=6)
    cut = sample(w, PROMPT, SamplingConfig(**cfg, top_k=1, top_p=0.1), prompt_alt_tokens_k=6)
    assert np.array_equal(plain.alt_tokens, cut.alt_tokens)


def test_alt_draws_are_seeded_and_never_change_the_samples(base):
    cfg = SamplingConfig(max_tokens=10, temperature=1.0, seed=5, stop=[])
    a = sample(base, PROMPT, cfg, num_samples=2, prompt_alt_tokens_k=5)
    b = sample(base, PROMPT, cfg, num_samples=2, prompt_alt_tokens_k=5)
    c = sample(base, PROMPT, SamplingConfig(max_tokens=10, temperature=1.0, seed=6, stop=[]), prompt_alt_tokens_k=5)
    plain = sample(base, PROMPT, cfg, num_samples=2)
    assert np.array_equal(a.alt_tokens, b.alt_tokens) and not np.array_equal(a.alt_tokens, c.alt_tokens)
    assert [s.tokens for s in a.sequences] == [s.tokens for s in plain.sequences]


def test_alt_never_draws_a_token_of_probability_zero():
    """A tiny temperature leaves one live token per row (the others underflow to probability 0)."""
    base = ModelRegistry().get(BUILTIN_MODEL)
    res = sample(base, PROMPT, SamplingConfig(max_tokens=1, temperature=1e-300, seed=1), prompt_alt_tokens_k=50)
    greedy = sample(base, PROMPT, SamplingConfig(max_tokens=1, temperature=0.0), prompt_alt_tokens_k=50)
    assert np.array_equal(res.alt_tokens, greedy.alt_tokens)


# ------------------------------------------------------------------------------ topk_sample_logprobs


def test_topk_sample_logprobs_match_the_teacher_forced_forward_pass(model):
    k = 5
    res = sample(
        model.snapshot(),
        PROMPT,
        SamplingConfig(max_tokens=12, temperature=1.0, seed=21, stop=[]),
        num_samples=2,
        topk_sample_logprobs=k,
    )
    for s in res.sequences:
        assert len(s.topk_logprobs) == len(s.tokens)
        full = oracle(model, list(PROMPT) + s.tokens)
        n = len(PROMPT) + len(s.tokens)
        for j, (tok, lp, row) in enumerate(zip(s.tokens, s.logprobs, s.topk_logprobs)):
            dist = full[len(PROMPT) - 1 + j]
            t = tol(model, n, dist)
            ids = [a for a, _ in row]
            vals = np.array([b for _, b in row])
            assert len(row) == k and len(set(ids)) == k
            assert np.all(np.diff(vals) <= 0)  # descending
            assert float(np.max(np.abs(vals - dist[ids]))) <= t
            # the k best: nothing outside the list beats its last entry by more than the rounding
            outside = np.delete(dist, ids)
            assert outside.max() <= vals[-1] + 2 * t
            if tok in ids:  # the sampled token's own logprob agrees with its row
                assert row[ids.index(tok)][1] == lp


def test_topk_larger_than_the_vocabulary_lists_every_token(base):
    V = base.vocab_size
    res = sample(
        base,
        PROMPT,
        SamplingConfig(max_tokens=2, seed=0, stop=[]),
        topk_sample_logprobs=10 * V,
        topk_prompt_logprobs=10 * V,
    )
    for row in res.sequences[0].topk_logprobs:
        assert sorted(t for t, _ in row) == list(range(V))
        assert math.isclose(sum(math.exp(v) for _, v in row), 1.0, rel_tol=0, abs_tol=V * 1e-12)
    assert all(len(r) == V for r in res.topk_prompt_logprobs[1:])


def test_topk_ties_list_lower_ids_first(base):
    """A zero unembedding gives every token the same logit: the k listed are the k lowest ids."""
    weights = dict(base.weights)
    weights["lm_head"] = np.zeros_like(weights["lm_head"])
    flat = BaseModel("test/ties", base.vocab_size, _weights=weights)
    res = sample(flat, PROMPT, SamplingConfig(max_tokens=1, seed=0), topk_sample_logprobs=4, topk_prompt_logprobs=3)
    assert [t for t, _ in res.sequences[0].topk_logprobs[0]] == [0, 1, 2, 3]
    assert all([t for t, _ in row] == [0, 1, 2] for row in res.topk_prompt_logprobs[1:])


def test_counts_are_checked(base):
    cfg = SamplingConfig(max_tokens=1)
    for field in ("topk_sample_logprobs", "prompt_alt_tokens_k"):
        with pytest.raises(EngineInputError, match=field):
            sample(base, PROMPT, cfg, **{field: -1})
        with pytest.raises(EngineInputError, match=field):
            sample(base, PROMPT, cfg, **{field: 1.5})


# ------------------------------------------------------------------------------ streaming


def test_stream_carries_the_same_results_as_the_batch(model):
    w = model.snapshot()
    cfg = SamplingConfig(max_tokens=6, temperature=0.8, seed=4, stop=[])
    kw = {
        "num_samples": 2,
        "topk_sample_logprobs": 3,
        "target_prompt_logprobs": PromptTargets(np.array([2, 5]), np.array([10, 11])),
        "prompt_alt_tokens_k": 2,
    }
    batch = sample(w, PROMPT, cfg, **kw)
    events = list(sample_stream(w, PROMPT, cfg, **kw))
    head = events[0]
    assert isinstance(head, PromptEvent)
    assert np.array_equal(head.target_prompt_logprobs, batch.target_prompt_logprobs)
    assert np.array_equal(head.alt_tokens, batch.alt_tokens)
    assert np.array_equal(head.alt_logprobs, batch.alt_logprobs)
    rows = [[], []]
    for ev in events[1:]:
        if isinstance(ev, TokenEvent):
            rows[ev.sample_index].append(ev.topk)
    assert rows == [s.topk_logprobs for s in batch.sequences]
