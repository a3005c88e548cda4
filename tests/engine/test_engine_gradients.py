"""Analytic gradients against central finite differences (float64), for every loss and
every trainable group; custom-loss equivalence; split invariance and summed accumulation."""

from __future__ import annotations

import numpy as np
import pytest

from tinker_local.engine import LOSS_NAMES, Datum, LoraConfig, TrainableModel

from .conftest import assert_fp_close, fp_tol, reduction_length

GROUPS = {
    "attn": ("q_proj", "k_proj", "v_proj", "o_proj"),
    "mlp": ("up_proj", "down_proj"),
    "unembed": ("lm_head",),
}
LENGTHS = (70, 60, 9)  # > one attention block, a padded batch, a separate short batch


def _randomise(model: TrainableModel, seed: int, scale: float = 0.15) -> None:
    rng = np.random.default_rng(seed)
    for p in model.params.values():
        p[...] = rng.standard_normal(p.shape) * scale


def _tokens(rng, n, vocab=256):
    return rng.integers(0, vocab, size=n + 1).astype(np.int64)


def _inputs_for(loss: str, targets: np.ndarray, lp: np.ndarray, rng, variant: int) -> dict:
    n = len(targets)
    w = rng.uniform(0.3, 1.5, n)
    if loss == "cross_entropy":
        return {"target_tokens": targets, "weights": w}
    A = rng.normal(size=n)
    if loss == "gspo":
        mask = np.ones(n)
        mask[:3] = 0.0
        z = rng.normal(scale=0.2, size=n)
        z -= z[mask != 0].mean()
        s = 1e-4 if variant == 0 else 0.05  # inside the clip band / clipped for A > 0
        q = lp - (s + z)
        return {"target_tokens": targets, "logprobs": q, "advantages": A, "weights": w, "sequence_ratio_mask": mask}
    scale = 1.0 if loss == "cispo" else 0.3
    q = lp + rng.normal(scale=scale, size=n)
    return {"target_tokens": targets, "logprobs": q, "advantages": A, "weights": w}


def _datums(model: TrainableModel, loss: str, seed: int) -> list[Datum]:
    rng = np.random.default_rng(seed)
    seqs = [_tokens(rng, n) for n in LENGTHS]
    plain = [Datum(s[:-1], {"target_tokens": s[1:]}) for s in seqs]
    lps = [o["logprobs"].astype(np.float64) for o in model.forward(plain, "cross_entropy").outputs]
    out = []
    for v, (s, lp) in enumerate(zip(seqs, lps)):
        out.append(Datum(s[:-1], _inputs_for(loss, s[1:], lp, rng, v % 2)))
    return out


def _directional_check(model, datums, loss, cfg, keys, seed, eps=1e-6):
    model.zero_grad()
    model.forward_backward(datums, loss, cfg)
    grads = {k: model.grads[k].copy() for k in keys}
    model.zero_grad()
    rng = np.random.default_rng(seed)
    v = {k: rng.standard_normal(model.params[k].shape) for k in keys}
    norm = np.sqrt(sum(float((x * x).sum()) for x in v.values()))
    v = {k: x / norm for k, x in v.items()}
    analytic = sum(float((grads[k] * v[k]).sum()) for k in keys)

    def loss_at(e):
        for k in keys:
            model.params[k] += e * v[k]
        try:
            return model.forward(datums, loss, cfg).metrics["loss:sum"]
        finally:
            for k in keys:
                model.params[k] -= e * v[k]

    fd = (loss_at(eps) - loss_at(-eps)) / (2 * eps)
    # Not a summation-order tolerance: in float64 the rounding noise of fd is ~1e-10 relative;
    # the central-difference truncation error (eps² / 6 times the third derivative) dominates,
    # measured <= 1.4e-8 relative.  1e-5 is far above both, and 100x below the error of a
    # gradient scaled by 1.001.
    assert abs(fd - analytic) <= 1e-5 * max(1.0, abs(analytic)), (loss, keys[:2], fd, analytic)
    return analytic


@pytest.fixture(scope="module")
def model64(base64):
    m = TrainableModel(base64, LoraConfig(rank=4, seed=3))
    _randomise(m, 11)
    return m


STOP_GRAD_LOSSES = ("cispo", "gspo")  # their loss *value* is not the function being differentiated


def _implied_neg_grad(loss: str, d: Datum, lp: np.ndarray) -> np.ndarray:
    """-dL/dlogprobs of the stop-gradient losses, written independently of the engine."""
    inp = d.loss_fn_inputs
    w, A, q = inp["weights"], inp["advantages"], inp["logprobs"]
    if loss == "cispo":
        return w * np.clip(np.exp(lp - q), 0.0, 4.0) * A
    m = inp["sequence_ratio_mask"] != 0
    rho = np.exp(np.mean((lp - q)[m]))
    active = ((A > 0) & (rho > 1 + 4e-4)) | ((A < 0) & (rho < 1 - 3e-4))
    return np.where(active, 0.0, w * A * rho)


@pytest.mark.parametrize("loss", LOSS_NAMES)
def test_finite_differences_every_loss_every_group(model64, loss):
    datums = _datums(model64, loss, seed=sum(map(ord, loss)))
    if loss in STOP_GRAD_LOSSES:
        # the gradient must equal that of cross_entropy weighted by the detached coefficient,
        # whose own gradient is finite-difference checked below
        lps = [o["logprobs"] for o in model64.forward(datums, loss).outputs]
        model64.zero_grad()
        model64.forward_backward(datums, loss)
        got = {k: v.copy() for k, v in model64.grads.items()}
        model64.zero_grad()
        ce = [
            Datum(
                d.tokens,
                {"target_tokens": d.loss_fn_inputs["target_tokens"], "weights": _implied_neg_grad(loss, d, lp)},
            )
            for d, lp in zip(datums, lps)
        ]
        if loss == "gspo":  # variant 1 is clipped for A > 0 tokens only
            assert (ce[1].loss_fn_inputs["weights"] == 0).any() and (ce[1].loss_fn_inputs["weights"] != 0).any()
            assert (ce[0].loss_fn_inputs["weights"] != 0).all()
        model64.forward_backward(ce, "cross_entropy")
        # same kernels and shapes; only the per-token coefficients differ in the last bits
        n = reduction_length(model64.base, max(LENGTHS), rows=sum(LENGTHS))
        for k, v in got.items():
            assert_fp_close(v, model64.grads[k], np.float64, n, what=k)
        model64.zero_grad()
        datums = ce
        loss = "cross_entropy"
    for gi, (group, mods) in enumerate(GROUPS.items()):
        keys = [k for k in model64.params if k.rsplit(".", 1)[0].rsplit(".", 1)[-1] in mods]
        assert keys, group
        analytic = _directional_check(model64, datums, loss, None, keys, seed=gi)
        assert analytic != 0.0, (loss, group)


def test_finite_differences_ppo_per_token_clip_and_config(model64):
    datums = _datums(model64, "ppo", seed=5)
    rng = np.random.default_rng(0)
    for d in datums:
        n = len(d.tokens)
        d.loss_fn_inputs["clip_low_threshold"] = rng.uniform(0.7, 0.95, n)
        d.loss_fn_inputs["clip_high_threshold"] = rng.uniform(1.05, 1.3, n)
    keys = list(model64.params)
    _directional_check(model64, datums, "ppo", None, keys, seed=1)
    _directional_check(model64, datums, "dro", {"beta": 0.3}, keys, seed=2)
    _directional_check(model64, datums, "stable_reinforce", {"kl_coeff": 0.5}, keys, seed=3)


@pytest.mark.parametrize(
    "flags",
    [
        {"train_attn": True, "train_mlp": False, "train_unembed": False},
        {"train_attn": False, "train_mlp": True, "train_unembed": False},
        {"train_attn": False, "train_mlp": False, "train_unembed": True},
    ],
    ids=["attn_only", "mlp_only", "unembed_only"],
)
def test_finite_differences_single_group_models(base64, flags):
    m = TrainableModel(base64, LoraConfig(rank=3, seed=1, **flags))
    _randomise(m, 2)
    datums = _datums(m, "cross_entropy", seed=9)
    _directional_check(m, datums, "cross_entropy", None, list(m.params), seed=4)


def test_soft_target_cross_entropy_gradients(model64):
    rng = np.random.default_rng(21)
    datums = []
    for n in (66, 12):
        toks = rng.integers(0, 259, size=n).astype(np.int64)
        tgt = rng.integers(0, 259, size=(n, 3)).astype(np.int64)
        tgt[0, 1] = tgt[0, 0]  # a duplicated candidate in one row
        datums.append(Datum(toks, {"target_tokens": tgt, "weights": rng.uniform(0, 1, (n, 3))}))
    out = model64.forward(datums, "cross_entropy").outputs
    assert out[0]["logprobs"].shape == (66, 3)
    assert out[0]["elementwise_loss"].shape == (66,)
    _directional_check(model64, datums, "cross_entropy", None, list(model64.params), seed=8)


def test_custom_loss_equivalence_via_cross_entropy_weights(model64):
    """cross_entropy with weights = -dL/dlogprobs reproduces the gradient of any L(logprobs)."""
    rng = np.random.default_rng(3)
    seqs = [_tokens(rng, n) for n in (40, 17)]
    datums = [Datum(s[:-1], {"target_tokens": s[1:]}) for s in seqs]
    coefs = [rng.normal(size=len(s) - 1) for s in seqs]

    def custom(lps):  # an arbitrary non-linear loss coupling all tokens
        tot = sum(float(np.sum(np.exp(lp) * c)) for lp, c in zip(lps, coefs))
        s = sum(float(lp.sum()) for lp in lps)
        return tot + 0.01 * s * s

    def custom_grad(lps):
        s = sum(float(lp.sum()) for lp in lps)
        return [np.exp(lp) * c + 0.02 * s for lp, c in zip(lps, coefs)]

    model64.zero_grad()
    lps = [o["logprobs"] for o in model64.forward(datums, "cross_entropy").outputs]
    assert lps[0].dtype == np.float64  # float64 check mode returns exact outputs
    g = custom_grad(lps)
    surrogate = [
        Datum(d.tokens, {"target_tokens": d.loss_fn_inputs["target_tokens"], "weights": -gi})
        for d, gi in zip(datums, g)
    ]
    model64.forward_backward(surrogate, "cross_entropy")
    grads = {k: v.copy() for k, v in model64.grads.items()}
    model64.zero_grad()

    keys = list(model64.params)
    v = {k: np.random.default_rng(1).standard_normal(model64.params[k].shape) for k in keys}
    eps = 1e-6

    def custom_at(e):
        for k in keys:
            model64.params[k] += e * v[k]
        try:
            return custom([o["logprobs"] for o in model64.forward(datums, "cross_entropy").outputs])
        finally:
            for k in keys:
                model64.params[k] -= e * v[k]

    fd = (custom_at(eps) - custom_at(-eps)) / (2 * eps)
    analytic = sum(float((grads[k] * v[k]).sum()) for k in keys)
    assert abs(fd - analytic) <= 1e-5 * max(1.0, abs(analytic)), (fd, analytic)


def test_importance_sampling_equals_weighted_cross_entropy(model64):
    """Exact gradient identity: IS with advantages A == CE with weights r·A (since dL/dl = -rA)."""
    rng = np.random.default_rng(4)
    seqs = [_tokens(rng, n) for n in (33, 70)]
    plain = [Datum(s[:-1], {"target_tokens": s[1:]}) for s in seqs]
    model64.zero_grad()
    lps = [o["logprobs"].astype(np.float64) for o in model64.forward(plain, "cross_entropy").outputs]
    q = [lp + rng.normal(scale=0.2, size=lp.shape) for lp in lps]
    A = [rng.normal(size=lp.shape) for lp in lps]
    rl = [Datum(s[:-1], {"target_tokens": s[1:], "logprobs": qi, "advantages": a}) for s, qi, a in zip(seqs, q, A)]
    res = model64.forward_backward(rl, "importance_sampling")
    g_is = {k: v.copy() for k, v in model64.grads.items()}
    model64.zero_grad()
    # recover r from elementwise loss: L = -r A
    r = [-o["elementwise_loss"].astype(np.float64) / a for o, a in zip(res.outputs, A)]
    ce = [Datum(s[:-1], {"target_tokens": s[1:], "weights": ri * a}) for s, ri, a in zip(seqs, r, A)]
    model64.forward_backward(ce, "cross_entropy")
    n = reduction_length(model64.base, 70, rows=33 + 70)
    for k, v in g_is.items():
        assert_fp_close(model64.grads[k], v, np.float64, n, what=k)
    model64.zero_grad()


def test_split_invariance_float32(base):
    rng = np.random.default_rng(7)
    lens = [80, 65, 30, 12, 70, 5, 33, 64]
    seqs = [_tokens(rng, n) for n in lens]
    datums = [Datum(s[:-1], {"target_tokens": s[1:], "weights": rng.uniform(0, 1, len(s) - 1)}) for s in seqs]
    a = TrainableModel(base, LoraConfig(rank=8, seed=1))
    _randomise(a, 5, scale=0.05)
    b = TrainableModel(base, LoraConfig(rank=8, seed=1))
    for k in a.params:
        b.params[k][...] = a.params[k]
    ra = a.forward_backward(datums, "cross_entropy")
    rb1 = b.forward_backward(datums[:4], "cross_entropy")
    rb2 = b.forward_backward(datums[4:], "cross_entropy")
    # other batch compositions -> other BLAS shapes and summation orders: float32 tolerances
    n_lp = reduction_length(base, max(lens))
    tol_loss = 0.0
    for d, o, p in zip(datums, ra.outputs, rb1.outputs + rb2.outputs):
        assert_fp_close(o["logprobs"], p["logprobs"], np.float32, n_lp, what="logprobs")
        tol_loss += float(np.sum(d.loss_fn_inputs["weights"])) * fp_tol(np.float32, n_lp, np.abs(p["logprobs"]).max())
    assert abs(ra.metrics["loss:sum"] - (rb1.metrics["loss:sum"] + rb2.metrics["loss:sum"])) <= tol_loss
    n = reduction_length(base, max(lens), rows=sum(lens))
    for k in a.grads:
        assert_fp_close(a.grads[k], b.grads[k], np.float32, n, what=k)
    assert a.pending_datums == b.pending_datums == 8


def test_gradients_are_summed_not_averaged(base64):
    m = TrainableModel(base64, LoraConfig(rank=4))
    _randomise(m, 1)
    rng = np.random.default_rng(2)
    s = _tokens(rng, 20)
    d = Datum(s[:-1], {"target_tokens": s[1:]})
    m.forward_backward([d], "cross_entropy")
    once = {k: v.copy() for k, v in m.grads.items()}
    m.forward_backward([d], "cross_entropy")
    for k, v in once.items():  # the same computation twice, then g + g: exact
        np.testing.assert_array_equal(m.grads[k], 2 * v)
    m.zero_grad()
    m.forward_backward([d, d, d], "cross_entropy")  # one batch of 3: other shapes, other summation order
    n = reduction_length(base64, 20, rows=3 * 20)
    for k, v in once.items():
        assert_fp_close(m.grads[k], 3 * v, np.float64, n, what=k)


def test_forward_does_not_touch_grads(base):
    m = TrainableModel(base, LoraConfig(rank=4))
    s = _tokens(np.random.default_rng(0), 10)
    r = m.forward([Datum(s[:-1], {"target_tokens": s[1:]})], "cross_entropy")
    assert all(not g.any() for g in m.grads.values())
    assert m.pending_datums == 0
    assert r.outputs[0]["logprobs"].dtype == np.float32
    assert r.outputs[0]["elementwise_loss"].dtype == np.float32
    assert isinstance(r.metrics["loss:sum"], float)
    lp = r.outputs[0]["logprobs"].astype(np.float64)  # the same float64 numbers, summed in another order
    assert abs(r.metrics["loss:sum"] + lp.sum()) <= fp_tol(np.float64, len(lp), float(np.abs(lp).sum()))


def test_initial_adapter_output_equals_base(base):
    from tinker_local.engine import SamplingConfig, sample

    m = TrainableModel(base, LoraConfig(rank=8, seed=42))
    s = _tokens(np.random.default_rng(0), 30)
    lp_lora = m.forward([Datum(s[:-1], {"target_tokens": s[1:]})], "cross_entropy").outputs[0]["logprobs"]
    res = sample(base, s, SamplingConfig(max_tokens=1, temperature=0.0), prompt_logprobs=True)
    # the sampler's prefill (other row count, float64 log-softmax) is another float path
    assert_fp_close(lp_lora, res.prompt_logprobs[1:], np.float32, reduction_length(base, len(s)))


def test_two_thread_path_matches_serial_and_is_deterministic(base, base64, monkeypatch):
    """Large calls run as two halves on the engine's threads: bitwise reproducible run to run, and
    within float32 rounding of the one-thread path and of a float64 reference (the halves are other
    BLAS shapes and the gradient is summed in another order, so bitwise equality across paths
    would depend on the BLAS kernels)."""
    import tinker_local.engine._trainable as tr

    rng = np.random.default_rng(8)
    seqs = [_tokens(rng, 150) for _ in range(12)]
    datums = [Datum(s[:-1], {"target_tokens": s[1:]}) for s in seqs]
    assert sum(150**2 for _ in seqs) * 4 >= tr._PARALLEL_MIN  # really takes the threaded path

    def run(b=base, params=None):
        m = TrainableModel(b, LoraConfig(rank=8, seed=1))
        _randomise(m, 5, scale=0.05)
        for k, v in (params or {}).items():
            m.params[k][...] = v
        r = m.forward_backward(datums, "cross_entropy")
        return r, m.grads, m.params

    r1, g1, p32 = run()
    r2, g2, _ = run()
    assert r1.metrics == r2.metrics  # same process, same path and thread count: bitwise
    for o, p in zip(r1.outputs, r2.outputs):
        np.testing.assert_array_equal(o["logprobs"], p["logprobs"])
    for k in g1:
        np.testing.assert_array_equal(g1[k], g2[k])
    r64, g64, _ = run(base64, p32)  # the same float32 parameters, exact maths
    monkeypatch.setattr(tr, "_PARALLEL_MIN", 1 << 62)
    r3, g3, _ = run()

    n_lp = reduction_length(base, 150)
    n_g = reduction_length(base, 150, rows=12 * 150)
    lp64 = np.concatenate([o["logprobs"] for o in r64.outputs])
    tol_loss = lp64.size * fp_tol(np.float32, n_lp, np.abs(lp64).max(), sides=1)
    for r in (r1, r3):
        lp = np.concatenate([o["logprobs"] for o in r.outputs])
        assert_fp_close(lp, lp64, np.float32, n_lp, sides=1)
        assert abs(r.metrics["loss:sum"] - r64.metrics["loss:sum"]) <= tol_loss
        with pytest.raises(AssertionError):  # logprobs 0.1 % off fail
            assert_fp_close(lp * 1.001, lp64, np.float32, n_lp, sides=1)
    assert abs(r64.metrics["loss:sum"] * 1.001 - r64.metrics["loss:sum"]) > tol_loss
    for k in g1:
        assert_fp_close(g1[k], g64[k], np.float32, n_g, sides=1, what=f"threaded {k}")
        assert_fp_close(g3[k], g64[k], np.float32, n_g, sides=1, what=f"serial {k}")
        assert_fp_close(g1[k], g3[k], np.float32, n_g, what=f"threaded vs serial {k}")
        # the tolerance still catches a gradient 0.1 % off, or with a flipped sign
        for wrong in (g3[k] * 1.001, -g3[k]):
            with pytest.raises(AssertionError):
                assert_fp_close(g1[k], wrong, np.float32, n_g)
            with pytest.raises(AssertionError):
                assert_fp_close(wrong, g64[k], np.float32, n_g, sides=1)
