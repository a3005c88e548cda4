"""Sampling semantics: seeds, greedy, top-k/top-p, stops, prompt logprobs, streaming, threads."""

from __future__ import annotations

import math
import threading

import numpy as np
import pytest

from tinker_local.engine import (
    EOS_ID,
    DoneEvent,
    EngineInputError,
    LoraConfig,
    ModelRegistry,
    PromptEvent,
    SamplingConfig,
    TokenEvent,
    TrainableModel,
    builtin_decode,
    builtin_encode,
    sample,
    sample_stream,
)

from .conftest import assert_fp_close, fp_tol, reduction_length

PROMPT = np.array(builtin_encode("Once upon a time"), dtype=np.int64)


@pytest.fixture(scope="module")
def weights(base):
    m = TrainableModel(base, LoraConfig(rank=4, seed=5))
    rng = np.random.default_rng(0)
    for p in m.params.values():
        p[...] = rng.standard_normal(p.shape).astype(np.float32) * 0.1
    return m.snapshot()


def _pair_tol(weights, n_tokens: int, lp: np.ndarray) -> float:
    """|Δ logprob| allowed between the decode path (KV cache, one row per sample) and the prefill
    path that scores a whole sequence: same maths, other shapes and BLAS kernels (see conftest).
    ``lp``: the position's full distribution, whose spread sets the size of the logits."""
    return fp_tol(np.float32, reduction_length(weights.base, n_tokens), float(np.abs(lp).max()))


def _score(weights, tokens, k=0):
    """Teacher-forced prompt logprobs (and top-k) of a full token sequence."""
    return sample(
        weights,
        np.asarray(tokens, dtype=np.int64),
        SamplingConfig(max_tokens=1, temperature=0.0, stop=[]),
        prompt_logprobs=True,
        topk_prompt_logprobs=k,
    )


def test_same_seed_same_tokens_and_per_index_streams(weights):
    cfg = SamplingConfig(max_tokens=20, temperature=1.0, seed=123, stop=[])
    a = sample(weights, PROMPT, cfg, num_samples=3)
    b = sample(weights, PROMPT, cfg, num_samples=3)
    assert [s.tokens for s in a.sequences] == [s.tokens for s in b.sequences]
    assert [s.logprobs for s in a.sequences] == [s.logprobs for s in b.sequences]
    assert len({tuple(s.tokens) for s in a.sequences}) == 3  # distinct per sample index
    c = sample(weights, PROMPT, cfg, num_samples=2)
    for sc, sa in zip(c.sequences, a.sequences[:2]):
        _assert_same_draws(weights, sc.tokens, sa.tokens)
    d = sample(weights, PROMPT, SamplingConfig(max_tokens=20, temperature=1.0, seed=124, stop=[]), num_samples=1)
    assert d.sequences[0].tokens != a.sequences[0].tokens
    for s in a.sequences:
        assert s.stop_reason == "length" and len(s.tokens) == 20 == len(s.logprobs)


def _assert_same_draws(weights, a: list[int], b: list[int]) -> None:
    """Same seed and sample index, other num_samples: the same tokens.  The decode batch then has
    another row count, and BLAS kernels may differ by row count in the last bits, which moves a
    draw across a CDF boundary with probability ~1e-6 per token.  So a divergence is accepted only
    where rounding explains it: the CDF runs over token ids in order, and the ids strictly between
    the two tokens must carry no more than rounding-level probability."""
    j = next((i for i, (x, y) in enumerate(zip(a, b)) if x != y), None)
    if j is None:
        assert len(a) == len(b)
        return
    lp = _position_logprobs(weights, a[: j + 1])[j]
    lo, hi = sorted((a[j], b[j]))
    assert np.exp(lp[lo + 1 : hi]).sum() <= 2 * _pair_tol(weights, len(PROMPT) + j + 1, lp), (j, a[j], b[j])


def test_unseeded_sampling_varies(weights):
    cfg = SamplingConfig(max_tokens=30, temperature=1.0, stop=[])
    outs = {tuple(sample(weights, PROMPT, cfg).sequences[0].tokens) for _ in range(3)}
    assert len(outs) > 1


def test_greedy_is_argmax_and_logprobs_unscaled(weights):
    res = sample(weights, PROMPT, SamplingConfig(max_tokens=15, temperature=0.0, stop=[]))
    seq = res.sequences[0]
    n = len(PROMPT) + len(seq.tokens)
    for j, (tok, lp) in enumerate(zip(seq.tokens, _position_logprobs(weights, seq.tokens))):
        tol = _pair_tol(weights, n, lp)
        # the argmax of the (re-scored) logits, unless the top two are within the rounding of the two paths
        assert lp.max() - lp[tok] <= 2 * tol, (j, tok, int(np.argmax(lp)))
        assert abs(seq.logprobs[j] - lp[tok]) <= tol
    # logprobs are the unscaled ones even when a temperature is applied
    hot = sample(weights, PROMPT, SamplingConfig(max_tokens=15, temperature=0.3, seed=3, stop=[])).sequences[0]
    dists = _position_logprobs(weights, hot.tokens)
    scale = max(float(np.abs(lp).max()) for lp in dists)
    n = len(PROMPT) + len(hot.tokens)
    assert_fp_close(hot.logprobs, [lp[t] for t, lp in zip(hot.tokens, dists)], np.float32, n, scale=scale)


def _position_logprobs(weights, seq_tokens):
    full = list(PROMPT) + list(seq_tokens)
    sc = _score(weights, full, k=weights.base.vocab_size)
    out = []
    for j in range(len(seq_tokens)):
        pairs = sc.topk_prompt_logprobs[len(PROMPT) + j]
        lp = np.full(weights.base.vocab_size, -np.inf)
        for t, v in pairs:
            lp[t] = v
        out.append(lp)
    return out


def test_top_k_never_emits_excluded_tokens(weights):
    cfg = SamplingConfig(max_tokens=12, temperature=2.0, top_k=3, seed=9, stop=[])
    res = sample(weights, PROMPT, cfg, num_samples=4)
    for s in res.sequences:
        for tok, lp in zip(s.tokens, _position_logprobs(weights, s.tokens)):
            # among the 3 most likely, up to the rounding of the two paths (see _pair_tol)
            tol = _pair_tol(weights, len(PROMPT) + len(s.tokens), lp)
            assert np.sum(lp > lp[tok] + 2 * tol) < 3


def test_top_p_never_emits_excluded_tokens(weights):
    cfg = SamplingConfig(max_tokens=12, temperature=1.0, top_p=0.3, seed=4, stop=[])
    res = sample(weights, PROMPT, cfg, num_samples=4)
    for s in res.sequences:
        for tok, lp in zip(s.tokens, _position_logprobs(weights, s.tokens)):
            # kept => the tokens ranked above it hold < top_p.  With the sampler's logprobs within tol
            # of these, every token more likely here by > 2·tol ranks above it there, with >= p·e^-tol.
            tol = _pair_tol(weights, len(PROMPT) + len(s.tokens), lp)
            above = float(np.exp(lp[lp > lp[tok] + 2 * tol]).sum())
            assert above * math.exp(-tol) < 0.3


def test_token_stop_first_match_included(weights):
    free = sample(weights, PROMPT, SamplingConfig(max_tokens=30, temperature=0.0, stop=[])).sequences[0]
    first_a, second = free.tokens[4], free.tokens[7]
    cut = min(free.tokens.index(first_a), free.tokens.index(second))
    res = sample(weights, PROMPT, SamplingConfig(max_tokens=30, temperature=0.0, stop=[second, first_a]))
    s = res.sequences[0]
    assert s.stop_reason == "stop"
    assert s.tokens == free.tokens[: cut + 1]
    assert s.logprobs == free.logprobs[: cut + 1]


def test_string_stop_first_match_included(weights):
    free = sample(weights, PROMPT, SamplingConfig(max_tokens=40, temperature=0.0, stop=[])).sequences[0]
    text = builtin_decode(free.tokens)
    needle = text[10:13]
    res = sample(
        weights,
        PROMPT,
        SamplingConfig(max_tokens=40, temperature=0.0, stop=["\x00never", needle]),
        decode=builtin_decode,
    )
    s = res.sequences[0]
    assert s.stop_reason == "stop"
    out = builtin_decode(s.tokens)
    assert needle in out and needle not in builtin_decode(s.tokens[:-1])
    assert s.tokens == free.tokens[: len(s.tokens)]
    # a bare string is accepted too
    res2 = sample(weights, PROMPT, SamplingConfig(max_tokens=40, temperature=0.0, stop=needle), decode=builtin_decode)
    assert res2.sequences[0].tokens == s.tokens
    with pytest.raises(EngineInputError, match="decode"):
        sample(weights, PROMPT, SamplingConfig(max_tokens=5, stop=["x"]))


def test_eos_default_and_empty_stop_list():
    reg = ModelRegistry()
    reg.register("test/eos-model", 50)
    base = reg.get("test/eos-model")
    prompt = np.array([1, 2, 3], dtype=np.int64)
    free = sample(base, prompt, SamplingConfig(max_tokens=10, temperature=0.0, stop=None)).sequences[0]
    assert free.stop_reason == "length"  # no EOS registered: no implicit stop
    eos = free.tokens[3]
    cut = free.tokens.index(eos)
    reg2 = ModelRegistry()
    reg2.register("test/eos-model", 50, eos_token_ids=[eos])
    base2 = reg2.get("test/eos-model")  # same name -> same weights
    s = sample(base2, prompt, SamplingConfig(max_tokens=10, temperature=0.0)).sequences[0]
    assert s.stop_reason == "stop" and s.tokens == free.tokens[: cut + 1] and s.tokens[-1] == eos
    s = sample(base2, prompt, SamplingConfig(max_tokens=10, temperature=0.0, stop=[])).sequences[0]
    assert s.stop_reason == "length" and s.tokens == free.tokens


def test_builtin_model_stops_at_eos(base):
    assert base.eos_token_ids == (EOS_ID,)


def test_prompt_logprobs_shape(weights):
    res = sample(weights, PROMPT, SamplingConfig(max_tokens=2, seed=0), prompt_logprobs=True, topk_prompt_logprobs=4)
    assert len(res.prompt_logprobs) == len(PROMPT) and res.prompt_logprobs[0] is None
    assert all(isinstance(x, float) and x <= 0 for x in res.prompt_logprobs[1:])
    tk = res.topk_prompt_logprobs
    assert len(tk) == len(PROMPT) and tk[0] is None
    for i, row in enumerate(tk[1:], start=1):
        assert len(row) == 4
        vals = [v for _, v in row]
        assert vals == sorted(vals, reverse=True)
        # the actual prompt token's logprob is consistent with the top-k list
        assert res.prompt_logprobs[i] <= vals[0] + 1e-6
    none = sample(weights, PROMPT, SamplingConfig(max_tokens=2, seed=0))
    assert none.prompt_logprobs is None and none.topk_prompt_logprobs is None
    one = sample(weights, PROMPT[:1], SamplingConfig(max_tokens=2, seed=0), prompt_logprobs=True)
    assert one.prompt_logprobs == [None]


def test_streaming_matches_batch_and_can_be_closed(weights):
    cfg = SamplingConfig(max_tokens=25, temperature=0.9, seed=77, stop=[int(PROMPT[0]), int(PROMPT[1])])
    batch = sample(weights, PROMPT, cfg, num_samples=3, prompt_logprobs=True)
    events = list(sample_stream(weights, PROMPT, cfg, num_samples=3, prompt_logprobs=True))
    assert isinstance(events[0], PromptEvent) and events[0].prompt_logprobs == batch.prompt_logprobs
    toks = [[], [], []]
    done = {}
    for ev in events[1:]:
        if isinstance(ev, TokenEvent):
            assert ev.sample_index not in done
            toks[ev.sample_index].append(ev.token)
        else:
            assert isinstance(ev, DoneEvent)
            done[ev.sample_index] = ev.stop_reason
    assert toks == [s.tokens for s in batch.sequences]
    assert [done[i] for i in range(3)] == [s.stop_reason for s in batch.sequences]
    gen = sample_stream(weights, PROMPT, SamplingConfig(max_tokens=1000, seed=1, stop=[]))
    first = [next(gen) for _ in range(4)]
    gen.close()
    assert isinstance(first[1], TokenEvent)
    with pytest.raises(StopIteration):
        next(gen)


def test_stream_validates_eagerly(weights):
    with pytest.raises(EngineInputError, match="max_tokens"):
        sample_stream(weights, PROMPT, SamplingConfig(max_tokens=None))


@pytest.mark.parametrize(
    "cfg, match",
    [
        (SamplingConfig(max_tokens=0), "max_tokens"),
        (SamplingConfig(max_tokens=None), "max_tokens"),
        (SamplingConfig(max_tokens=2048), "context length"),
        (SamplingConfig(max_tokens=2, temperature=-1.0), "temperature"),
        (SamplingConfig(max_tokens=2, top_k=-2), "top_k"),
        (SamplingConfig(max_tokens=2, top_p=0.0), "top_p"),
        (SamplingConfig(max_tokens=2, top_p=1.5), "top_p"),
        (SamplingConfig(max_tokens=2, stop=[1, "a"]), "stop"),
        (SamplingConfig(max_tokens=2, stop=[999]), "stop"),
        (SamplingConfig(max_tokens=2, seed=1.5), "seed"),
    ],
)
def test_sampling_errors(weights, cfg, match):
    with pytest.raises(EngineInputError, match=match):
        sample(weights, PROMPT, cfg, decode=builtin_decode)


def test_prompt_errors(weights):
    cfg = SamplingConfig(max_tokens=2)
    with pytest.raises(EngineInputError, match="prompt"):
        sample(weights, np.array([], dtype=np.int64), cfg)
    with pytest.raises(EngineInputError, match="prompt.*300"):
        sample(weights, np.array([1, 300]), cfg)
    with pytest.raises(EngineInputError, match="num_samples"):
        sample(weights, PROMPT, cfg, num_samples=0)


def test_concurrent_sampling_is_safe(weights):
    cfgs = [SamplingConfig(max_tokens=20, temperature=1.0, seed=s, stop=[]) for s in range(4)]
    expected = [sample(weights, PROMPT, c, num_samples=2) for c in cfgs]
    results = [None] * 4

    def run(i):
        results[i] = sample(weights, PROMPT, cfgs[i], num_samples=2)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for e, r in zip(expected, results):
        assert [s.tokens for s in e.sequences] == [s.tokens for s in r.sequences]


@pytest.mark.parametrize("temperature", [5e-324, 1e-45, 1e-300, 1e-308])
@pytest.mark.parametrize("top_k, top_p", [(-1, 1.0), (5, 1.0), (-1, 0.5)])
def test_tiny_positive_temperature_is_greedy(weights, temperature, top_k, top_p):
    """logits / T overflows for a tiny T (5e-324 is a float64 denormal; 1e-308 overflows for |logit| > 1.8):
    it must still pick the argmax."""
    # same num_samples: the decode batch has the same shape, so the logits are bitwise the same
    greedy = sample(weights, PROMPT, SamplingConfig(max_tokens=12, temperature=0.0, stop=[]), num_samples=2)
    cfg = SamplingConfig(max_tokens=12, temperature=temperature, top_k=top_k, top_p=top_p, seed=7, stop=[])
    res = sample(weights, PROMPT, cfg, num_samples=2)
    assert res.sequences == greedy.sequences


def test_sampled_snapshots_keep_only_the_last_few_merged_networks(base):
    # A server keeps every sampler it made: a merged network kept per snapshot grew the process by about a
    # model per sampler of a long run. Only the most recent ones keep theirs; an evicted one rebuilds it.
    from tinker_local.engine import _trainable

    model = TrainableModel(base, LoraConfig(rank=4, seed=5))
    cfg = SamplingConfig(max_tokens=3, temperature=1.0, seed=9, stop=[])
    snapshots = [model.snapshot() for _ in range(3 * _trainable._NETS_KEPT)]
    first = [s.tokens for s in sample(snapshots[0], PROMPT, cfg).sequences]
    for snap in snapshots:
        sample(snap, PROMPT, cfg)
    assert sum(s._net is not None for s in snapshots) <= _trainable._NETS_KEPT
    assert snapshots[0]._net is None
    assert [s.tokens for s in sample(snapshots[0], PROMPT, cfg).sequences] == first


def test_the_shared_plain_snapshot_lets_its_base_model_go(registry):
    import gc
    import weakref

    from tinker_local.engine import BUILTIN_MODEL, BaseModel, _trainable

    source = registry.get(BUILTIN_MODEL)
    model = BaseModel(source.name, source.vocab_size, config=source.config, _weights=source.weights)
    cfg = SamplingConfig(max_tokens=2, temperature=0.0, stop=[])
    sample(model, PROMPT, cfg)
    sample(model, PROMPT, cfg)  # the same snapshot: built once per base model
    gone = weakref.ref(model)
    del model
    for _ in range(_trainable._NETS_KEPT):  # newer networks push its network out of the few kept
        sample(_trainable.SamplerWeights(source, None, {}), PROMPT, cfg)
    gc.collect()
    assert gone() is None


def test_threads_sampling_one_new_snapshot_build_one_network(weights):
    from tinker_local.engine import _trainable

    fresh = _trainable.SamplerWeights(weights.base, weights.lora, weights.adapter)
    cfg = SamplingConfig(max_tokens=4, temperature=1.0, seed=3, stop=[])
    results: list[list[list[int]]] = []
    barrier = threading.Barrier(8)

    def run() -> None:
        barrier.wait()
        results.append([s.tokens for s in sample(fresh, PROMPT, cfg, num_samples=2).sequences])

    threads = [threading.Thread(target=run) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(results) == 8 and all(r == results[0] for r in results)
    assert sum(h is fresh for h in _trainable._net_holders) == 1
