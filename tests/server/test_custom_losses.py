"""Server-side custom losses over HTTP: create_custom_loss (a future answering the loss_id), then
forward_backward / forward with loss_fn "custom" and loss_fn_config {"loss_id": ...}, in JSON and protobuf.

The gradient a server-side loss accumulates is compared with the SDK's client-side path for the same loss
(torch autograd in float32, then a cross-entropy surrogate), read from the in-process server's model."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import tinker
from tinker import types

from ..engine.conftest import fp_tol, reduction_length
from ..engine.test_engine_custom_loss import encode, ppo_like
from .conftest import KEY, MODEL

torch = pytest.importorskip("torch")

RANKS = {"logprobs": 1, "old": 1, "adv": 1, "mask": 1}


def create(api: Any, sid: str, fn: Any = ppo_like, ranks: dict[str, int] = RANKS, seq: int = 0) -> Any:
    inputs, graph = encode(fn, ranks)
    body = {"session_id": sid, "custom_loss_seq_id": seq, "name": fn.__name__, "inputs": inputs, "graph": graph}
    return api.post("create_custom_loss", body)


def loss_id(api: Any, sid: str, **kw: Any) -> str:
    r = create(api, sid, **kw)
    assert r.status_code == 200, r.text
    out = api.result(r.json())
    assert out["type"] == "create_custom_loss"
    return str(out["loss_id"])


def data(seed: int = 0) -> list[types.Datum]:
    rng = np.random.default_rng(seed)
    out = []
    for text in ("server-side losses", "run in numpy"):
        toks = list(text.encode())
        n = len(toks) - 1
        out.append(
            types.Datum(
                model_input=types.ModelInput.from_ints(toks[:-1]),
                loss_fn_inputs={
                    "target_tokens": toks[1:],
                    "old": types.TensorData.from_numpy((rng.normal(size=n) - 5).astype(np.float32)),
                    "adv": types.TensorData.from_numpy(rng.normal(size=n).astype(np.float32)),
                    "mask": types.TensorData.from_numpy((rng.random(n) > 0.2).astype(np.float32)),
                },
            )
        )
    return out


def json_datum(d: types.Datum) -> dict[str, Any]:
    return {
        "model_input": {"chunks": [{"tokens": d.model_input.to_ints()}]},
        "loss_fn_inputs": {
            k: (v.to_json_dict() if isinstance(v, tinker.TensorData) else types.TensorData(v).to_json_dict())
            for k, v in d.loss_fn_inputs.items()
        },
    }


def grads(server: Any, model_id: str) -> dict[str, np.ndarray]:
    """The accumulated gradients of a live model, read from the in-process server."""
    model = server.service.state.models[model_id].model
    return {k: v.copy() for k, v in model.grads.items()}


def test_create_is_a_future_idempotent_per_seq_id(api):
    sid = api.session()
    first = loss_id(api, sid)
    assert first == loss_id(api, sid)  # a retry of the same body
    r = create(api, sid, fn=lambda logprobs: (logprobs.sum(), {}), ranks={"logprobs": 1})
    # a conflict; the contract lists no 409 for this operation, so it is answered as a 400
    assert r.status_code == 400 and "custom_loss_seq_id: 0 was already used" in r.json()["detail"], r.text
    assert loss_id(api, sid, seq=1, fn=lambda logprobs: (logprobs.sum(), {}), ranks={"logprobs": 1}) != first
    r = create(api, "sess-nope")
    assert r.status_code == 404 and "session_id" in r.json()["detail"], r.text


def test_an_operation_outside_the_allow_list_is_a_400_naming_the_node(api):
    def uses_erf(logprobs):
        return torch.special.erf(logprobs).sum(), {}

    r = create(api, api.session(), fn=uses_erf, ranks={"logprobs": 1})
    assert r.status_code == 400, r.text
    detail = r.json()["detail"]
    assert detail.startswith("graph.nodes[1] (special_erf): the function") and "is not supported" in detail, detail


def test_server_side_gradient_equals_the_client_side_path(server, api):
    sc = tinker.ServiceClient(base_url=server.base_url, api_key=KEY)
    try:
        handle = sc.create_custom_loss(ppo_like, RANKS).result()  # runs client-side: the flag is off
        lid = loss_id(api, handle.session_id)
        server_side = sc.create_lora_training_client(base_model=MODEL, rank=4, seed=1).result()
        client_side = sc.create_lora_training_client(base_model=MODEL, rank=4, seed=1).result()
        batch = data()
        out = server_side.forward_backward(batch, "custom", {"loss_id": lid}).result()  # protobuf

        def closure(_data: Any, logprobs: list[Any]) -> Any:  # the same loss, reading the inputs it closes over
            total = 0
            for d, lp in zip(batch, logprobs):
                inputs = [torch.tensor(d.loss_fn_inputs[k].to_numpy()) for k in ("old", "adv", "mask")]
                total = total + ppo_like(lp, *inputs)[0]
            return total, {}

        ref = client_side.forward_backward_custom(batch, closure).result()
    finally:
        sc.close().result()
    assert [o["logprobs"].shape for o in out.loss_fn_outputs] == [[17], [11]]
    assert set(out.metrics) == {"loss:sum", "custom/kl:mean", "custom/n:sum"}
    assert out.metrics["custom/n:sum"] == sum(max(1.0, float(d.loss_fn_inputs["mask"].to_numpy().sum())) for d in batch)
    # float64 here, float32 in torch: the two paths agree to float32 rounding, through the same backward kernel
    base = server.service.state.registry.get(MODEL)
    n = reduction_length(base, 17, rows=28)
    assert abs(out.metrics["loss:sum"] - ref.metrics["loss:sum"]) <= fp_tol(np.float32, n, abs(ref.metrics["loss:sum"]))
    ga, gb = grads(server, server_side.model_id), grads(server, client_side.model_id)
    scale = max(float(np.abs(g).max()) for g in gb.values())
    assert any(np.abs(g).max() > 0 for g in ga.values())
    for k in ga:
        assert float(np.abs(ga[k] - gb[k]).max()) <= fp_tol(np.float32, n, scale), k


def test_json_forward_backward_and_forward(server, api):
    sid = api.session()
    lid = loss_id(api, sid)
    mid = api.model(sid, rank=4)
    batch = [json_datum(d) for d in data(1)]
    fwd = api.result(
        api.ok(
            "forward",
            {
                "model_id": mid,
                "forward_input": {"data": batch, "loss_fn": "custom", "loss_fn_config": {"loss_id": lid}},
            },
        )
    )
    assert not any(g.any() for g in grads(server, mid).values())  # forward only: nothing accumulated
    fb = api.result(
        api.ok(
            "forward_backward",
            {
                "model_id": mid,
                "forward_backward_input": {"data": batch, "loss_fn": "custom", "loss_fn_config": {"loss_id": lid}},
            },
        )
    )
    assert fwd["metrics"] == fb["metrics"] and fb["metrics"]["loss:sum"] != 0
    assert [o["logprobs"]["shape"] for o in fb["loss_fn_outputs"]] == [[17], [11]]
    assert any(g.any() for g in grads(server, mid).values())


def test_a_rank_0_input(api):
    def scaled(logprobs, scale):
        return -(logprobs * scale).sum(), {"custom/scale:mean": scale * 1.0}

    sid = api.session()
    lid = loss_id(api, sid, fn=scaled, ranks={"logprobs": 1, "scale": 0})
    mid = api.model(sid, rank=4)
    d = json_datum(data()[0])
    d["loss_fn_inputs"] = {
        "target_tokens": d["loss_fn_inputs"]["target_tokens"],
        "scale": {"data": [0.5], "dtype": "float32", "shape": []},
    }
    out = api.result(
        api.ok(
            "forward",
            {"model_id": mid, "forward_input": {"data": [d], "loss_fn": "custom", "loss_fn_config": {"loss_id": lid}}},
        )
    )
    assert out["metrics"]["custom/scale:mean"] == 0.5


def _fb(api: Any, mid: str, batch: list[dict[str, Any]], config: dict[str, Any]) -> Any:
    return api.post(
        "forward_backward",
        {"model_id": mid, "forward_backward_input": {"data": batch, "loss_fn": "custom", "loss_fn_config": config}},
    )


def test_refusals_name_the_field(api):
    sid = api.session()
    lid = loss_id(api, sid)
    mid = api.model(sid, rank=4)
    other = loss_id(api, api.session())
    good = [json_datum(d) for d in data()]
    no_adv = [json_datum(d) for d in data()]
    del no_adv[1]["loss_fn_inputs"]["adv"]
    two_d = [json_datum(d) for d in data()]
    two_d[0]["loss_fn_inputs"]["old"] = {"data": [0.0] * 34, "dtype": "float32", "shape": [17, 2]}
    for batch, config, match in (
        (good, {}, "loss_fn_config.loss_id: required"),
        (good, {"loss_id": "sess-x:loss:9"}, "loss_fn_config.loss_id: no custom loss"),
        (good, {"loss_id": other}, "belongs to session"),
        (good, {"loss_id": lid, "beta": 1.0}, "loss_fn_config: unknown keys ['beta']"),
        (no_adv, {"loss_id": lid}, r"forward_backward_input.data[1].loss_fn_inputs['adv']: missing"),
        (two_d, {"loss_id": lid}, r"forward_backward_input.data[0].loss_fn_inputs['old']: rank 2"),
    ):
        r = _fb(api, mid, batch, config)
        assert r.status_code == 400, r.text
        assert match in r.json()["detail"], r.json()["detail"]


def test_a_non_finite_loss_fails_the_future_and_accumulates_nothing(server, api):
    def log_of_negative(logprobs):
        return torch.log(logprobs).sum(), {}

    sid = api.session()
    lid = loss_id(api, sid, fn=log_of_negative, ranks={"logprobs": 1})
    mid = api.model(sid, rank=4)
    batch = [json_datum(d) for d in data()]
    for d in batch:
        d["loss_fn_inputs"] = {"target_tokens": d["loss_fn_inputs"]["target_tokens"]}
    r = api.retrieve(_fb(api, mid, batch, {"loss_id": lid}).json()["request_id"])
    body = r.json()
    assert "non-finite" in str(body) and body.get("category") == "user", body
    assert not any(g.any() for g in grads(server, mid).values())
