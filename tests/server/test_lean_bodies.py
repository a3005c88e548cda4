"""Long token lists and tensors in JSON bodies (decoded as numpy arrays) behave exactly like short ones."""

from __future__ import annotations

import numpy as np

from .conftest import Api


def _datum(tokens: list[int]) -> dict:
    n = len(tokens) - 1
    return {
        "model_input": {"chunks": [{"tokens": tokens[:-1], "type": "encoded_text"}]},
        "loss_fn_inputs": {
            "target_tokens": {"data": tokens[1:], "dtype": "int64", "shape": [n]},
            "weights": {"data": [1.0] * n, "dtype": "float32", "shape": [n]},
        },
    }


def test_long_json_arrays_train_and_sample_like_lists(api: Api):
    rng = np.random.default_rng(0)
    tokens = [int(t) for t in rng.integers(1, 250, size=300)]
    mid = api.model()
    body = {
        "model_id": mid,
        "seq_id": 1,
        "forward_backward_input": {"data": [_datum(tokens)], "loss_fn": "cross_entropy"},
    }
    out = api.result(api.ok("forward", {"model_id": mid, "seq_id": 1, "forward_input": body["forward_backward_input"]}))
    lps = out["loss_fn_outputs"][0]["logprobs"]["data"]
    assert len(lps) == 299 and all(np.isfinite(lps))
    # the same request again (a retry) is recognised as the same request
    again = api.ok("forward", {"model_id": mid, "seq_id": 1, "forward_input": body["forward_backward_input"]})
    assert api.result(again)["loss_fn_outputs"][0]["logprobs"]["data"] == lps

    bad = _datum(tokens)
    bad["model_input"]["chunks"][0]["tokens"] = [1.5] + tokens[1:-1]  # a non-integral token among many
    r = api.post(
        "forward", {"model_id": mid, "seq_id": 2, "forward_input": {"data": [bad], "loss_fn": "cross_entropy"}}
    )
    assert r.status_code == 422, r.text
    bad = _datum(tokens)
    bad["model_input"]["chunks"][0]["tokens"][100] = 999_999  # outside the vocabulary
    r = api.post(
        "forward", {"model_id": mid, "seq_id": 3, "forward_input": {"data": [bad], "loss_fn": "cross_entropy"}}
    )
    assert r.status_code == 400 and "999999" in r.text, r.text

    sid = api.session()
    ss = api.ok(
        "create_sampling_session",
        {"session_id": sid, "sampling_session_seq_id": 0, "base_model": "tinker-local/tiny-byte"},
    )["sampling_session_id"]
    res = api.result(
        api.ok(
            "asample",
            {
                "sampling_session_id": ss,
                "seq_id": 0,
                "num_samples": 1,
                "prompt": {"chunks": [{"tokens": tokens}]},
                "sampling_params": {"max_tokens": 3, "temperature": 0.0, "stop": list(range(100, 200))},
                "prompt_logprobs": True,
            },
        )
    )
    assert len(res["prompt_logprobs"]) == len(tokens)
