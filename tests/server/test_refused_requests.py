"""A training request refused on arrival must not stall the next one (its seq_id counts as used).

The server runs a model's requests strictly by seq_id. These tests give the model a long gap timeout, so a
refused request whose seq_id never entered the queue would hold back the next request for minutes; every
check here waits at most a few seconds.
"""

from __future__ import annotations

import concurrent.futures as cf
import time

import httpx
import pytest

from tests.helpers import local_server_fixture

from .conftest import Api, ce_datum

STALL_S = 300.0  # the gap timeout: a stall would show as a future that is still pending after seconds

server = local_server_fixture(scope="module", retrieve_timeout_s=1.0, seq_gap_timeout_s=STALL_S)


def done_within(api: Api, fut: dict, seconds: float = 10.0) -> dict:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        r = api.post("retrieve_future", {"request_id": fut["request_id"]})
        if r.status_code != 408:
            assert r.status_code == 200, r.text
            body = r.json()
            assert "error" not in body, body
            return body
    raise AssertionError(f"request {fut['request_id']} still pending after {seconds} s: it is stalled")


@pytest.mark.parametrize(
    "bad",
    [
        pytest.param({"adam_params": {"learning_rate": -1.0}}, id="negative-lr"),
        pytest.param({"adam_params": {"learning_rate": 1e-3, "beta1": 2.0}}, id="beta1>1"),
        pytest.param({"adam_params": {"learning_rate": "fast"}}, id="schema-invalid"),
    ],
)
def test_refused_optim_step_does_not_stall_the_next_request(api, bad):
    mid = api.model()
    r = api.post("optim_step", {"model_id": mid, "seq_id": 1, **bad})
    assert 400 <= r.status_code < 500, r.text
    done_within(api, api.fb(mid, 2, ["hello world"]))
    done_within(api, api.optim(mid, 3))


def test_refused_forward_backward_json_and_protobuf(api):
    import numpy as np

    from tinker_wire import (
        EncodedText,
        TensorData,
        WireDatum,
        WireForwardBackwardRequest,
        encode_forward_backward_request,
    )

    mid = api.model()
    bad = ce_datum("abc")
    bad["model_input"]["chunks"][0]["tokens"] = [999_999, 1]  # outside the vocabulary
    r = api.post(
        "forward_backward",
        {"model_id": mid, "seq_id": 1, "forward_backward_input": {"data": [bad], "loss_fn": "cross_entropy"}},
    )
    assert r.status_code == 400, r.text
    # the same refused request sent again (a client retry) gets the same answer, not a seq_id error
    r2 = api.post(
        "forward_backward",
        {"model_id": mid, "seq_id": 1, "forward_backward_input": {"data": [bad], "loss_fn": "cross_entropy"}},
    )
    assert r2.status_code == 400 and r2.json()["detail"] == r.json()["detail"]
    # a different request reusing the refused id is a conflict, as for any used id
    assert (
        api.post("optim_step", {"model_id": mid, "seq_id": 1, "adam_params": {"learning_rate": 1e-3}}).status_code
        == 409
    )

    datum = WireDatum(
        [EncodedText(np.array([5, 999_999], dtype=np.int64))],
        {"target_tokens": TensorData.from_numpy(np.array([1, 2], dtype=np.int64))},
    )
    raw = encode_forward_backward_request(WireForwardBackwardRequest(mid, 2, [datum], "cross_entropy"))
    rp = api.c.post("/api/v1/forward_backward", content=raw, headers={"Content-Type": "application/x-protobuf"})
    assert rp.status_code == 400, rp.text
    done_within(api, api.fb(mid, 3, ["hello"]))


def test_refusal_sent_with_another_key_or_model_id_does_not_use_up_the_id(server, api):
    mid = api.model()
    with httpx.Client(base_url=server.base_url, headers={"X-API-Key": "someone-else"}, timeout=30) as c:
        for model_id in (mid, "no-such-model"):
            r = c.post(
                "/api/v1/optim_step", json={"model_id": model_id, "seq_id": 1, "adam_params": {"learning_rate": -1.0}}
            )
            assert 400 <= r.status_code < 500, r.text
    done_within(api, api.fb(mid, 1, ["abc"]))  # seq_id 1 is still the owner's to use


def test_twenty_concurrent_saves_under_one_name_then_training_continues(api):
    mid = api.model()
    done_within(api, api.fb(mid, 1, ["abc"]))

    def save(seq: int) -> int:
        return api.post("save_weights", {"model_id": mid, "path": "same", "seq_id": seq}).status_code

    with cf.ThreadPoolExecutor(20) as pool:
        statuses = list(pool.map(save, range(2, 22)))
    # one save is accepted, the others are refused as conflicts (the name is taken or being saved)
    assert sorted(statuses) == [200] + [409] * 19, statuses
    fut = api.ok("save_weights", {"model_id": mid, "path": "other", "seq_id": 22})
    assert done_within(api, fut)["path"].endswith("/weights/other")
    done_within(api, api.fb(mid, 23, ["abc"]))


def test_back_to_back_overwrite_saves_of_a_new_name_both_succeed(api):
    mid = api.model()
    a = api.ok("save_weights", {"model_id": mid, "path": "ckpt", "seq_id": 1, "overwrite": True})
    b = api.ok("save_weights", {"model_id": mid, "path": "ckpt", "seq_id": 2, "overwrite": True})
    assert done_within(api, a)["path"] == done_within(api, b)["path"]
    listed = api.c.get(f"/api/v1/training_runs/{mid}/checkpoints").json()["checkpoints"]
    assert [c["checkpoint_id"] for c in listed] == ["weights/ckpt"]
    # without overwrite a save behind a pending one is still a conflict
    api.ok("save_weights", {"model_id": mid, "path": "x", "seq_id": 3})
    assert api.post("save_weights", {"model_id": mid, "path": "x", "seq_id": 4}).status_code == 409
    done_within(api, api.fb(mid, 5, ["abc"]))
