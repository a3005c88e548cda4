"""Server-side custom losses: real torch.fx graphs (traced by torch, encoded as the SDKs send them) run by the
engine's numpy interpreter, checked against torch autograd (value, gradient, metrics), and the whole chain
through the model checked against finite differences of the loss in float64."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest

from tinker_local.engine import (
    BUILTIN_MODEL,
    Datum,
    EngineInputError,
    LoraConfig,
    ModelRegistry,
    TrainableModel,
    compile_custom_loss,
    prepare_custom_batch,
)

from .conftest import LAMBDA, fp_eps

torch = pytest.importorskip("torch")
F = torch.nn.functional
fx = pytest.importorskip("torch.fx")


def encode(fn: Any, ranks: dict[str, int], official_names: bool = True) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """``(inputs, graph)`` of a ``create_custom_loss`` body for ``fn``, traced by torch.fx.

    ``official_names``: functions named by torch.fx's qualified name, as the official SDK sends them
    (``torch.exp``, ``getattr``); otherwise as our facade spells them (``torch._VariableFunctionsClass.exp``,
    ``builtins.getattr``). ``_operator.`` is written ``operator.`` either way."""
    from tinker._custom_loss import encode_graph, trace_loss

    inputs, gm = trace_loss(fn, ranks)
    graph = encode_graph(fn.__name__, gm)
    if official_names:
        from torch.fx.node import _get_qualified_name

        for node, enc in zip(gm.graph.nodes, graph["nodes"]):
            if node.op == "call_function":
                enc["target"] = _get_qualified_name(node.target).replace("_operator.", "operator.")
    return [{"name": i.name, "rank": i.rank} for i in inputs], graph


def compile_fn(fn: Any, ranks: dict[str, int], official_names: bool = True) -> Any:
    inputs, graph = encode(fn, ranks, official_names)
    return compile_custom_loss(fn.__name__, inputs, graph)


# ------------------------------------------------------------------------------ a zoo of losses


def ppo_like(logprobs, old, adv, mask):
    ratio = torch.exp(logprobs - old)
    obj = torch.minimum(ratio * adv, torch.clamp(ratio, 0.8, 1.2) * adv)
    n = mask.sum().clamp(min=1.0)
    kl = ((ratio - 1) - (logprobs - old)).mean()
    return -(obj * mask).sum() / n, {"custom/kl:mean": kl.detach(), "custom/n:sum": n}


def soft_targets(logprobs, target_distribution):
    t = logprobs.shape[0]
    p = torch.softmax(logprobs, dim=-1)
    ce = -(target_distribution * torch.log_softmax(logprobs, -1)).sum() / t
    ent = -(p * F.log_softmax(logprobs, dim=1)).sum(dim=1).mean()
    return ce + 0.1 * logprobs.logsumexp(dim=-1).square().mean(), {"custom/entropy:mean": ent}


def masked_and_shaped(logprobs, weights, ids):
    keep = (ids > 2).float()
    x = logprobs.masked_fill(ids == 0, 0.0).unsqueeze(0).reshape(-1, 1).squeeze(1).view(-1).flatten()
    scale = math.sqrt(logprobs.shape[0]) + torch.ones_like(x).sum() * 0
    w = torch.where(weights > 0, weights, torch.zeros_like(weights))
    return -(x * w * keep).sum() / scale + F.softplus(logprobs).mean(), {"custom/kept:sum": keep.sum()}


def reductions(logprobs, weights):
    best = logprobs.max(dim=-1)
    worst = torch.min(logprobs, 1, keepdim=True)
    top = logprobs.amax(dim=1) - torch.amin(logprobs)
    joined = torch.cat((torch.stack([best.values, top], dim=0).sum(0), worst.values.squeeze(-1)))
    w = weights[:, 0]
    loss = (joined * torch.cat([w, w])).sum() + logprobs[1:, :2].sum()
    return loss, {"custom/argmax:mean": best.indices.float().mean()}


def smooth_functions(logprobs, scale):
    z = logprobs * scale
    terms = [
        torch.sigmoid(z),
        F.logsigmoid(z),
        torch.tanh(z),
        F.relu(z + 1.0),
        torch.abs(z + 0.5),
        torch.sqrt(-z + 1.0),
        torch.log1p(torch.exp(z)),
        torch.expm1(z),
        (-z + 2.0) ** 1.5,
        torch.reciprocal(z - 3.0),
        torch.rsqrt(-z + 1.0),
        2.0**z,
        torch.maximum(z, torch.zeros_like(z) - 1.0),
        torch.clamp(z, min=-1.5),
    ]
    return sum(t.sum() for t in terms), {"custom/scale:mean": scale * 1.0}


def dro_like(logprobs, old, adv):
    diff = logprobs - old
    return -(logprobs * adv - 0.5 * 0.05 * diff.pow(2)).sum(), {}


def integer_inputs(logprobs, mask):
    m = mask.long().to(torch.float32)
    return -(logprobs * m).sum() / (mask.sum() + 1), {"custom/masked:sum": mask.sum().float()}


ZOO = [
    (ppo_like, {"logprobs": 1, "old": 1, "adv": 1, "mask": 1}),
    (soft_targets, {"logprobs": 2, "target_distribution": 2}),
    (masked_and_shaped, {"logprobs": 1, "weights": 1, "ids": 1}),
    (reductions, {"logprobs": 2, "weights": 2}),
    (smooth_functions, {"logprobs": 1, "scale": 0}),
    (dro_like, {"logprobs": 1, "old": 1, "adv": 1}),
    (integer_inputs, {"logprobs": 1, "mask": 1}),
]


def _inputs(fn: Any, ranks: dict[str, int], rng: np.random.Generator) -> list[np.ndarray]:
    T, K = 7, 4
    out = []
    for name, rank in ranks.items():
        shape = {0: (), 1: (T,), 2: (T, K)}[rank]
        if name == "logprobs":
            out.append(-np.abs(rng.normal(size=shape)) - 0.1)
        elif name in ("ids", "mask"):
            out.append(rng.integers(0, 5 if name == "ids" else 2, size=shape))
        elif name == "target_distribution":
            p = rng.random(shape)
            out.append(p / p.sum(axis=-1, keepdims=True))
        elif name == "scale":
            out.append(np.asarray(0.7))
        else:
            out.append(rng.normal(size=shape))
    return out


@pytest.mark.parametrize("official_names", [True, False], ids=["official-names", "facade-names"])
@pytest.mark.parametrize("fn, ranks", ZOO, ids=[f.__name__ for f, _ in ZOO])
def test_value_gradient_and_metrics_match_torch_autograd(fn, ranks, official_names):
    loss = compile_fn(fn, ranks, official_names)
    vals = _inputs(fn, ranks, np.random.default_rng(3))
    got, grad, metrics = loss.run(vals)
    ts = [torch.tensor(v, dtype=torch.float64 if v.dtype.kind == "f" else torch.int64) for v in vals]
    ts[0].requires_grad_(True)
    want, want_metrics = fn(*ts)
    want.backward()
    # both float64, summing in other orders: |Δ| ~ sqrt(n)·eps64 times the size of the summed terms; plus
    # one float32 rounding where torch casts with .float() / .to(torch.float32) (floats stay float64 here)
    n = vals[0].size * len(loss.nodes)
    scale = max(1.0, abs(float(want.detach())), float(np.abs(ts[0].grad.numpy()).max()))
    tol = 2 * LAMBDA * math.sqrt(n) * fp_eps(np.float64) * scale
    assert abs(got - float(want.detach())) <= tol
    assert float(np.max(np.abs(grad - ts[0].grad.numpy()))) <= tol
    assert metrics.keys() == want_metrics.keys()
    for k, v in want_metrics.items():
        v = float(v.detach())
        assert abs(metrics[k] - v) <= tol + fp_eps(np.float32) * abs(v), k


def test_ties_follow_torch_conventions():
    def ties(logprobs, other):
        return torch.maximum(logprobs, other).sum() + logprobs.amax() + torch.clamp(logprobs, -1.0, -1.0).sum(), {}

    loss = compile_fn(ties, {"logprobs": 1, "other": 1})
    lp = np.array([-1.0, -1.0, -2.0])
    other = np.array([-1.0, -3.0, -2.0])
    _, grad, _ = loss.run([lp, other])
    t = torch.tensor(lp, requires_grad=True)
    v, _ = ties(t, torch.tensor(other))
    v.backward()
    assert grad.tolist() == t.grad.tolist()


# ------------------------------------------------------------------------------ refusals


def _body(graph_nodes: list[dict[str, Any]], inputs: list[dict[str, Any]] | None = None) -> tuple[Any, Any]:
    return inputs or [{"name": "logprobs", "rank": 1}], {"format": 1, "nodes": graph_nodes}


PH = {"op": "placeholder", "name": "logprobs", "target": "logprobs", "args": [], "kwargs": {}}


def _out(ref: str) -> dict[str, Any]:
    return {"op": "output", "name": "output", "target": "output", "args": [{"tuple": [{"ref": ref}, {"dict": {}}]}]}


@pytest.mark.parametrize(
    "nodes, inputs, match",
    [
        (
            [PH, {"op": "call_function", "name": "e", "target": "torch.erf", "args": [{"ref": "logprobs"}]}, _out("e")],
            None,
            r"graph.nodes\[1\] \(e\): the function 'torch.erf' is not supported .*supported in torch: .*torch.exp",
        ),
        (
            [PH, {"op": "call_method", "name": "e", "target": "backward", "args": [{"ref": "logprobs"}]}, _out("e")],
            None,
            r"graph.nodes\[1\] \(e\): the tensor method 'backward' is not supported",
        ),
        (
            [PH, {"op": "call_module", "name": "m", "target": "lin", "args": []}, _out("m")],
            None,
            "call_module nodes are not allowed",
        ),
        ([PH, {"op": "get_attr", "name": "c", "target": "_tensor_constant0"}, _out("c")], None, "get_attr nodes"),
        (
            [PH, {"op": "call_function", "name": "e", "target": "torch.exp", "args": [{"ref": "nope"}]}, _out("e")],
            None,
            "names no earlier node",
        ),
        ([PH], None, "no output node"),
        ([PH, _out("logprobs"), PH | {"name": "x"}], None, "after the output node"),
        ([PH, _out("logprobs")], [{"name": "weights", "rank": 1}], "the first input must be logprobs"),
        ([PH, _out("logprobs")], [{"name": "logprobs", "rank": 0}], "the first input must be logprobs"),
        (
            [PH, _out("logprobs")],
            [{"name": "logprobs", "rank": 1}, {"name": "w", "rank": 1}],
            r"placeholders \['logprobs'\] must be the declared inputs",
        ),
        (
            [
                PH,
                {
                    "op": "output",
                    "name": "o",
                    "target": "output",
                    "args": [{"tuple": [{"ref": "logprobs"}, {"dict": {"loss:sum": {"ref": "logprobs"}}}]}],
                },
            ],
            None,
            "metric 'loss:sum' must be named custom/<name>:sum",
        ),
        (
            [PH, {"op": "call_function", "name": "e", "target": "torch.exp", "args": [{"weird": 1}]}, _out("e")],
            None,
            "unknown argument encoding",
        ),
    ],
)
def test_graphs_outside_the_protocol_or_the_allow_list_are_refused(nodes, inputs, match):
    ins, graph = _body(nodes, inputs)
    with pytest.raises(EngineInputError, match=match):
        compile_custom_loss("bad", ins, graph)


def test_run_time_errors_name_the_loss_and_node():
    def not_scalar(logprobs):
        return logprobs * 2.0, {}

    with pytest.raises(EngineInputError, match="must return a scalar float loss, got \\(3,\\)"):
        compile_fn(not_scalar, {"logprobs": 1}).run([np.zeros(3)])

    def bad_shape(logprobs, w):
        return (logprobs * w).sum(), {}

    with pytest.raises(EngineInputError, match=r"node 'mul' \(operator.mul\) failed: ValueError"):
        compile_fn(bad_shape, {"logprobs": 1, "w": 1}).run([np.zeros(3), np.zeros(4)])


# ------------------------------------------------------------------------------ through the model


def _datums(rng: np.random.Generator) -> list[Datum]:
    out = []
    for n in (6, 9):
        toks = rng.integers(0, 259, size=n + 1)
        out.append(
            Datum(
                toks[:-1],
                {
                    "target_tokens": toks[1:],
                    "old": (rng.normal(size=n) - 5).astype(np.float32),
                    "adv": rng.normal(size=n).astype(np.float32),
                    "mask": (rng.random(n) > 0.2).astype(np.float32),
                },
            )
        )
    return out


def test_accumulated_gradient_matches_finite_differences_of_the_loss():
    """Float64 model: d(Σ custom loss)/dθ by the engine vs central differences at steps h and 2h (their
    gap estimates the truncation error, which sets the tolerance with the rounding term eps·|L|/h)."""
    base = ModelRegistry().get(BUILTIN_MODEL, np.float64)
    model = TrainableModel(base, LoraConfig(rank=2, seed=4))
    rng = np.random.default_rng(0)
    for p in model.params.values():
        p[...] = rng.normal(size=p.shape) * 0.05
    loss = compile_fn(ppo_like, {"logprobs": 1, "old": 1, "adv": 1, "mask": 1})
    datums = _datums(rng)
    batch = prepare_custom_batch(base, datums, loss, where="data")
    res = batch.run(model, backward=True)
    assert [o["logprobs"].shape for o in res.outputs] == [(6,), (9,)]
    assert model.pending_datums == 2

    def total() -> float:
        return batch.run(model, backward=False).metrics["loss:sum"]

    L = total()
    assert res.metrics["loss:sum"] == L and "custom/kl:mean" in res.metrics
    for key in ("lm_head.lora_B", "layers.0.q_proj.lora_A", "layers.1.down_proj.lora_B"):
        p = model.params[key]
        for idx in [tuple(rng.integers(0, s) for s in p.shape) for _ in range(3)]:
            fd = {}
            for h in (1e-5, 2e-5):
                old = p[idx]
                p[idx] = old + h
                up = total()
                p[idx] = old - h
                down = total()
                p[idx] = old
                fd[h] = (up - down) / (2 * h)
            tol = 2 * abs(fd[1e-5] - fd[2e-5]) + 16 * fp_eps(np.float64) * max(1.0, abs(L)) / 1e-5
            assert abs(model.grads[key][idx] - fd[1e-5]) <= tol, (key, idx, model.grads[key][idx], fd)


def test_bad_datums_are_refused_before_anything_runs(base):
    loss = compile_fn(ppo_like, {"logprobs": 1, "old": 1, "adv": 1, "mask": 1})
    d = _datums(np.random.default_rng(1))
    for mutate, match in (
        (lambda x: x.loss_fn_inputs.pop("adv"), r"data\[0\].loss_fn_inputs\['adv'\]: missing"),
        (lambda x: x.loss_fn_inputs.update(adv=np.zeros((6, 2))), r"'adv'\]: rank 2, but .* declared rank 1"),
        (lambda x: x.loss_fn_inputs.update(old=np.full(6, np.nan)), r"'old'\]: expected finite numbers"),
        (lambda x: x.loss_fn_inputs.pop("target_tokens"), r"'target_tokens'\]: missing"),
        (lambda x: x.loss_fn_inputs.update(target_tokens=np.full(6, 999)), "target_tokens.*outside the vocabulary"),
    ):
        bad = [Datum(x.tokens.copy(), dict(x.loss_fn_inputs)) for x in d]
        mutate(bad[0])
        with pytest.raises(EngineInputError, match=match):
            prepare_custom_batch(base, bad, loss, where="data")


def test_a_non_finite_loss_accumulates_nothing(base):
    def explode(logprobs):
        return torch.log(logprobs).sum(), {}  # logprobs < 0: log gives NaN

    model = TrainableModel(base, LoraConfig(rank=2))
    d = _datums(np.random.default_rng(2))
    batch = prepare_custom_batch(base, d, compile_fn(explode, {"logprobs": 1}), where="data")
    with pytest.raises(EngineInputError, match="non-finite"):
        batch.run(model, backward=True)
    assert model.pending_datums == 0 and all(not g.any() for g in model.grads.values())
