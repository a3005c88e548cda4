"""Raw-HTTP protocol tests against a real LocalServer: wire formats, futures, ordering, auth, SSE."""

from __future__ import annotations

import threading
import time

import httpx
import numpy as np
import pytest

import tinker_wire as tw
from tinker_local import LocalServer

from .conftest import HEADERS, MODEL, PROTOBUF, ce_datum, make_api, text_tokens


def proto_fb(mid: str, seq: int, texts: list[str], forward_only: bool = False) -> bytes:
    data = []
    for t in texts:
        toks = np.asarray(text_tokens(t), dtype=np.int64)
        data.append(
            tw.WireDatum(
                chunks=[tw.EncodedText(toks[:-1])],
                loss_fn_inputs={
                    "target_tokens": tw.TensorData.from_numpy(toks[1:]),
                    "weights": tw.TensorData.from_numpy(np.ones(len(toks) - 1, dtype=np.float32)),
                },
            )
        )
    return tw.encode_forward_backward_request(
        tw.WireForwardBackwardRequest(mid, seq, data, "cross_entropy", {}, forward_only)
    )


# ---------------------------------------------------------------- auth


def test_missing_or_empty_key_is_401(server):
    for headers in ({}, {"X-API-Key": ""}):
        r = httpx.get(server.base_url + "/api/v1/get_server_capabilities", headers=headers)
        assert r.status_code == 401
        assert "X-API-Key" in r.json()["detail"]
    r = httpx.post(server.base_url + "/api/v1/create_session", json={"tags": [], "sdk_version": "x"})
    assert r.status_code == 401
    assert httpx.get(server.base_url + "/api/v1/healthz").json() == {"status": "ok"}


def test_key_is_never_echoed(api):
    info = api.c.get("/api/v1/auth/apikey/me").json()
    assert HEADERS["X-API-Key"] not in str(info)
    jwt = api.ok("auth/token", {})["jwt"]
    assert HEADERS["X-API-Key"] not in jwt
    import base64
    import json

    claims = json.loads(base64.urlsafe_b64decode(jwt.split(".")[1] + "=="))
    assert {"iat", "exp", "sub", "org_id"} <= set(claims)


# ---------------------------------------------------------------- JSON and protobuf


def test_json_and_protobuf_forward_backward_agree(api):
    mid = api.model()
    texts = ["hello world", "tinker"]
    fwd_json = api.result(api.fb(mid, 1, texts, forward_only=True))
    assert fwd_json["loss_fn_output_type"]
    assert len(fwd_json["loss_fn_outputs"]) == 2
    assert "loss:sum" in fwd_json["metrics"]
    lp_json = [np.asarray(o["logprobs"]["data"], dtype=np.float32) for o in fwd_json["loss_fn_outputs"]]
    assert [len(x) for x in lp_json] == [len(t) - 1 for t in texts]

    fut = api.post(
        "forward_backward",
        content=proto_fb(mid, 2, texts, forward_only=True),
        headers={"Content-Type": PROTOBUF},
    ).json()
    r = api.result(fut, accept=PROTOBUF)
    assert r.headers["content-type"].startswith(PROTOBUF)
    out = tw.decode_forward_backward_output(r.content)
    for d, ref in zip(out.loss_fn_outputs, lp_json):
        np.testing.assert_allclose(d["logprobs"].to_numpy(), ref, rtol=1e-6)
        assert "elementwise_loss" in d
    assert out.metrics["loss:sum"] == pytest.approx(fwd_json["metrics"]["loss:sum"], rel=1e-5)

    # the same protobuf future, polled without protobuf in Accept, comes back as JSON
    again = api.retrieve(fut["request_id"])
    assert again.headers["content-type"].startswith("application/json")
    assert again.json()["metrics"]["loss:sum"] == pytest.approx(out.metrics["loss:sum"], rel=1e-6)


def test_training_reduces_loss_and_sampling_returns_proto(api):
    mid = api.model(rank=8)
    first = api.result(api.fb(mid, 1, ["abababab"]))["metrics"]["loss:sum"]
    seq = 2
    for _ in range(8):
        api.result(api.optim(mid, seq, lr=5e-2))
        api.result(api.fb(mid, seq + 1, ["abababab"]))
        seq += 2
    last = api.result(api.fb(mid, seq, ["abababab"], forward_only=True))["metrics"]["loss:sum"]
    assert last < first * 0.7
    save = api.result(
        api.ok("save_weights_for_sampler", {"model_id": mid, "seq_id": seq + 1, "sampling_session_seq_id": 0})
    )
    assert save["path"] is None
    ssid = save["sampling_session_id"]
    fut = api.ok(
        "asample",
        {
            "sampling_session_id": ssid,
            "seq_id": 0,
            "num_samples": 3,
            "prompt": {"chunks": [{"tokens": text_tokens("abab")}]},
            "sampling_params": {"max_tokens": 6, "seed": 7, "temperature": 0.0},
        },
    )
    assert len(fut["sample_sequence_ids"]) == 3
    resp = tw.decode_sample_response(api.result(fut, accept=PROTOBUF).content)
    assert len(resp.sequences) == 3
    for s in resp.sequences:
        assert len(s.tokens) == len(s.logprobs) <= 6


def test_validation_errors_name_the_field(api):
    sid = api.session()
    ss = api.ok("create_sampling_session", {"session_id": sid, "sampling_session_seq_id": 0, "base_model": MODEL})
    base = {"sampling_session_id": ss["sampling_session_id"], "prompt": {"chunks": [{"tokens": [1, 2]}]}}
    r = api.post("asample", {**base, "sampling_params": {"max_tokens": -1}})
    assert r.status_code == 422
    assert r.json()["detail"] == "body.sampling_params.max_tokens: -1 is less than the minimum of 1"
    r = api.post("asample", {**base, "sampling_params": {}})
    assert r.status_code == 400 and r.json()["detail"] == "sampling_params.max_tokens is required"
    r = api.post(
        "asample",
        {**base, "prompt": {"chunks": [{"tokens": [1, 999]}]}, "sampling_params": {"max_tokens": 2}},
    )
    assert r.status_code == 400 and "prompt" in r.json()["detail"] and "999" in r.json()["detail"]
    r = api.post("asample", {**base, "sampling_params": {"max_tokens": 4000}})
    assert r.status_code == 400 and "context" in r.json()["detail"]
    # JSON Schema integers may arrive as 1.0
    fut = api.ok("asample", {**base, "sampling_params": {"max_tokens": 2.0, "seed": 1.0}, "num_samples": 1.0})
    assert len(api.result(fut)["sequences"]) == 1
    r = api.post("create_model", {"session_id": sid, "model_seq_id": 0, "base_model": "nope/nope"})
    assert r.status_code == 400 and MODEL in r.json()["detail"]
    mid = api.model(sid, seq=1)
    bad = ce_datum("hello")
    bad["loss_fn_inputs"]["weights"]["data"] = [1.0, 1.0]
    bad["loss_fn_inputs"]["weights"]["shape"] = [2]
    r = api.post(
        "forward_backward",
        {"model_id": mid, "seq_id": 1, "forward_backward_input": {"data": [bad], "loss_fn": "cross_entropy"}},
    )
    assert r.status_code == 400 and "weights" in r.json()["detail"]
    r = api.post("optim_step", {"model_id": mid, "optimizer_params": {"type": "dimuon", "learning_rate": 0.02}})
    assert r.status_code == 400 and "adam" in r.json()["detail"]
    r = api.post("forward_backward", content=b"\xff\xff\xff", headers={"Content-Type": PROTOBUF})
    assert r.status_code == 400 and "protobuf" in r.json()["detail"]
    r = api.post("retrieve_future", {"request_id": "never-issued"})
    assert r.status_code == 404


# ---------------------------------------------------------------- futures


def test_long_poll_408_then_result():
    with LocalServer(retrieve_timeout_s=0.2, train_delay_s=1.0) as srv:
        c, api = make_api(srv.base_url)
        with c:
            mid = api.model()
            fut = api.fb(mid, 1, ["slow"])
            r = api.post("retrieve_future", {"request_id": fut["request_id"]})
            assert r.status_code == 408
            body = r.json()
            assert body["queue_state"] == "active" and body["request_id"] == fut["request_id"] and body["detail"]
            assert "loss:sum" in api.result(fut)["metrics"]


def test_idempotent_resubmission_and_conflict(api):
    mid = api.model()
    body = {
        "model_id": mid,
        "seq_id": 1,
        "forward_backward_input": {"data": [ce_datum("same")], "loss_fn": "cross_entropy"},
    }
    f1 = api.ok("forward_backward", body)
    f2 = api.ok("forward_backward", body)  # a retry after a lost response
    assert f1["request_id"] == f2["request_id"]
    a = api.result(f1)
    b = api.result(f2)  # delivered twice
    assert a == b
    other = {**body, "forward_backward_input": {"data": [ce_datum("different")], "loss_fn": "cross_entropy"}}
    r = api.post("forward_backward", other)
    assert r.status_code == 409 and "seq_id" in r.json()["detail"]
    # samples are idempotent per (sampling session, seq_id) too
    save = api.result(api.ok("save_weights_for_sampler", {"model_id": mid, "seq_id": 2, "sampling_session_seq_id": 5}))
    sb = {
        "sampling_session_id": save["sampling_session_id"],
        "seq_id": 0,
        "prompt": {"chunks": [{"tokens": [1, 2, 3]}]},
        "sampling_params": {"max_tokens": 3},
    }
    s1, s2 = api.ok("asample", sb), api.ok("asample", sb)
    assert s1 == s2
    assert api.post("asample", {**sb, "num_samples": 2}).status_code == 409


def test_out_of_order_chunks_run_in_seq_order():
    with LocalServer(retrieve_timeout_s=2.0, train_delay_s=0.05) as srv:
        c, api = make_api(srv.base_url)
        with c:
            mid = api.model(rank=8)
            # seq 3 (forward), then seq 2 (optim), then seq 1 (forward_backward)
            f3 = api.fb(mid, 3, ["order matters"], forward_only=True)
            f2 = api.optim(mid, 2, lr=0.1)
            f1 = api.fb(mid, 1, ["order matters"])
            r3, r2, r1 = api.result(f3), api.result(f2), api.result(f1)
            assert r2["metrics"]["step"] == 1.0
            # the forward ran after the optimizer step, so it sees updated weights
            assert r3["metrics"]["loss:sum"] < r1["metrics"]["loss:sum"]
            recs = [srv.service.state.futures.get(f["request_id"]) for f in (f1, f2, f3)]
            starts = [r.started_at for r in recs]
            assert starts == sorted(starts)

            # the same three steps in order on a twin model give the same numbers
            twin = api.model(rank=8, seq=1, sid=mid.split(":")[0])
            t1 = api.result(api.fb(twin, 1, ["order matters"]))
            api.result(api.optim(twin, 2, lr=0.1))
            t3 = api.result(api.fb(twin, 3, ["order matters"], forward_only=True))
            assert t1["metrics"]["loss:sum"] == pytest.approx(r1["metrics"]["loss:sum"], rel=1e-6)
            assert t3["metrics"]["loss:sum"] == pytest.approx(r3["metrics"]["loss:sum"], rel=1e-6)


def test_seq_gap_times_out_loudly():
    with LocalServer(retrieve_timeout_s=5.0, seq_gap_timeout_s=0.5) as srv:
        c, api = make_api(srv.base_url)
        with c:
            mid = api.model()
            f = api.fb(mid, 2, ["gap"])  # seq 1 never comes
            r = api.retrieve(f["request_id"])
            assert r.status_code == 200
            body = r.json()
            assert body["category"] == "user"
            assert "seq_id 1" in body["error"]
            # the model keeps working afterwards
            assert "loss:sum" in api.result(api.fb(mid, 3, ["after"]))["metrics"]
            r = api.post(
                "forward_backward",
                {
                    "model_id": mid,
                    "seq_id": 1,
                    "forward_backward_input": {"data": [ce_datum("late")], "loss_fn": "cross_entropy"},
                },
            )
            assert r.status_code == 400 and "behind" in r.json()["detail"]
            # a save that fails (here: behind a gap) releases the checkpoint name it reserved
            f = api.ok("save_weights", {"model_id": mid, "seq_id": 10, "path": "n"})
            assert "seq_id 4" in api.retrieve(f["request_id"]).json()["error"]
            ok = api.result(api.ok("save_weights", {"model_id": mid, "seq_id": 11, "path": "n"}))
            assert ok["path"].endswith("/weights/n")


def test_metadata_only_and_expiry():
    with LocalServer(
        retrieve_timeout_s=2.0, metadata_only_threshold_bytes=10, future_ttl_s=0.2, janitor_interval_s=0.0
    ) as srv:
        c, api = make_api(srv.base_url)
        with c:
            mid = api.model()
            f = api.fb(mid, 1, ["metadata only please"])
            r = api.retrieve(f["request_id"], allow_metadata_only=True)
            body = r.json()
            assert body["status"] == "complete_metadata" and body["response_payload_size"] > 10
            full = api.retrieve(f["request_id"], allow_metadata_only=False)
            assert "loss_fn_outputs" in full.json()
            time.sleep(0.4)
            api.c.get("/api/v1/healthz")  # housekeeping runs on requests
            assert api.post("retrieve_future", {"request_id": f["request_id"]}).status_code == 410
            assert api.post("retrieve_future", {"request_id": "zz-1"}).status_code == 404


def test_failure_category_user_at_execution(api):
    mid = api.model()
    # unknown loss_fn_config key is a user error caught at submission (400) ...
    r = api.post(
        "forward_backward",
        {
            "model_id": mid,
            "seq_id": 1,
            "forward_backward_input": {
                "data": [ce_datum("abc")],
                "loss_fn": "ppo",
                "loss_fn_config": {"nope": 1.0},
            },
        },
    )
    assert r.status_code == 400 and "nope" in r.json()["detail"]
    # ... a checkpoint incompatible with the model only fails when the load runs in order
    other = api.model(rank=2, seq=7)
    path = api.result(api.ok("save_weights", {"model_id": other, "seq_id": 1, "path": "r2"}))["path"]
    r = api.post("load_weights", {"model_id": mid, "seq_id": 1, "path": path, "optimizer": True})
    assert r.status_code == 400 and "rank" in r.json()["detail"]


# ---------------------------------------------------------------- bodies


def test_zstd_bodies_and_size_cap():
    with LocalServer(retrieve_timeout_s=2.0, max_body_bytes=4096) as srv:
        c, api = make_api(srv.base_url)
        with c:
            mid = api.model()
            raw = proto_fb(mid, 1, ["compressed body"])
            fut = api.post(
                "forward_backward",
                content=tw.compress_zstd(raw),
                headers={"Content-Type": PROTOBUF, "Content-Encoding": "zstd"},
            ).json()
            assert "loss:sum" in api.result(fut)["metrics"]
            big = proto_fb(mid, 2, ["x" * 3000, "y" * 3000])
            r = api.post(
                "forward_backward",
                content=tw.compress_zstd(big),
                headers={"Content-Type": PROTOBUF, "Content-Encoding": "zstd"},
            )
            assert r.status_code == 413 and "limit" in r.json()["detail"]
            r = api.post("forward_backward", content=big, headers={"Content-Type": PROTOBUF})
            assert r.status_code == 413
            r = api.post(
                "forward_backward",
                content=b"not zstd",
                headers={"Content-Type": PROTOBUF, "Content-Encoding": "zstd"},
            )
            assert r.status_code == 422
            # JSON bodies may be compressed as well
            body = tw.dumps({"tags": [], "sdk_version": "0.38.0"})
            r = api.post(
                "create_session",
                content=tw.compress_zstd(body),
                headers={"Content-Type": "application/json", "Content-Encoding": "zstd"},
            )
            assert r.status_code == 200 and r.json()["session_id"]


# ---------------------------------------------------------------- SSE


def _sse(lines):
    event = None
    for line in lines:
        if line.startswith("event: "):
            event = line[7:]
        elif line.startswith("data: "):
            yield event, tw.loads(line[6:]), time.monotonic()


def test_stream_sample_is_incremental_and_cancellable():
    with LocalServer(stream_token_delay_s=0.15) as srv:
        c, api = make_api(srv.base_url)
        with c:
            sid = api.session()
            ss = api.ok(
                "create_sampling_session",
                {"session_id": sid, "sampling_session_seq_id": 0, "base_model": MODEL},
            )
            body = {
                "sampling_session_id": ss["sampling_session_id"],
                "prompt": {"chunks": [{"tokens": text_tokens("Hi")}]},
                "sampling_params": {"max_tokens": 8, "seed": 3, "stop": []},
                "num_samples": 1,
            }
            t0 = time.monotonic()
            with c.stream("POST", "/api/v1/stream_sample", json=body) as r:
                assert r.status_code == 200 and r.headers["content-type"].startswith("text/event-stream")
                events = list(_sse(r.iter_lines()))
            kinds = [e for e, _, _ in events]
            assert kinds == ["token"] * 8 + ["done"]
            first, last = events[0][2] - t0, events[-1][2] - t0
            assert first < last - 0.5, (first, last)  # tokens arrive while generation goes on
            done = events[-1][1]
            assert done["num_tokens"] == 8 and done["stop_reason"] == "length" and done["sequence_id"]
            assert all("text" in d for e, d, _ in events if e == "token")

            # disconnecting early stops the generation thread
            body["sampling_params"]["max_tokens"] = 200
            with c.stream("POST", "/api/v1/stream_sample", json=body) as r:
                for line in r.iter_lines():
                    if line.startswith("data: "):
                        break
            deadline = time.monotonic() + 5
            while srv.service.state.stream_threads and time.monotonic() < deadline:
                time.sleep(0.05)
            assert not srv.service.state.stream_threads


def test_stream_sample_errors_before_streaming(api):
    r = api.post(
        "stream_sample",
        {
            "sampling_session_id": "missing",
            "prompt": {"chunks": [{"tokens": [1]}]},
            "sampling_params": {"max_tokens": 1},
        },
    )
    assert r.status_code == 404


# ---------------------------------------------------------------- session poller, cancel, join


def test_retrieve_futures_cancel_and_join(api):
    sid = api.session()
    ssid = api.ok("create_sampling_session", {"session_id": sid, "sampling_session_seq_id": 3, "base_model": MODEL})[
        "sampling_session_id"
    ]
    assert api.ok("join_sampling_session", {"sampling_session_id": ssid})["client_counter"] == 1
    assert api.ok("join_sampling_session", {"sampling_session_id": ssid})["client_counter"] == 2
    fut = api.ok(
        "asample",
        {
            "sampling_session_id": ssid,
            "seq_id": 0,
            "prompt": {"chunks": [{"tokens": [1, 2]}]},
            "sampling_params": {"max_tokens": 2},
        },
    )
    got = api.ok(
        "retrieve_futures",
        {"target": {"type": "sampling_session", "sampling_session_id": ssid}, "prev_cursor": 0},
    )
    assert [x["request_id"] for x in got["completions"]] == [fut["request_id"]]
    assert got["completions"][0]["state"] == "finished" and got["cursor"] == 1
    again = api.ok(
        "retrieve_futures",
        {
            "target": {"type": "sampling_session", "sampling_session_id": ssid},
            "prev_cursor": 1,
            "timeout": 0.1,
            "retrieved_request_ids": [fut["request_id"]],
        },
    )
    assert again["completions"] == [] and again["cursor"] == 1
    assert api.ok("cancel_future", {"request_id": fut["request_id"]}) == {"cancelled": False}
    assert api.post("cancel_future", {"request_id": "unknown"}).status_code == 404


def test_finished_session_refuses_work(api):
    sid = api.session()
    mid = api.model(sid)
    assert api.ok("session_heartbeat", {"session_id": sid}) == {"type": "session_heartbeat"}
    out = api.ok(f"sessions/{sid}/finish", {"reason": {"type": "success"}, "detail": None})
    assert out["reason"] == {"type": "success"}
    # the first reason wins
    assert api.ok(f"sessions/{sid}/finish", {"reason": {"type": "errored"}})["reason"] == {"type": "success"}
    assert api.post("session_heartbeat", {"session_id": sid}).status_code == 410
    # schema-valid requests on a finished session: 404 (410 is not documented here), never a 400
    r = api.post("create_model", {"session_id": sid, "model_seq_id": 5, "base_model": MODEL})
    assert r.status_code == 404 and "finished" in r.json()["detail"]
    r = api.post("optim_step", {"model_id": mid, "adam_params": {}})
    assert r.status_code == 404 and "finished" in r.json()["detail"]
    r = api.post("save_weights", {"model_id": mid, "path": "after-finish"})
    assert r.status_code == 404 and "finished" in r.json()["detail"]
    assert api.post("sessions/nope/finish", {"reason": {"type": "success"}}).status_code == 404


def test_concurrent_models_do_not_interfere(server):
    results: dict[str, float] = {}

    def train(name: str) -> None:
        c, a = make_api(server.base_url)
        with c:
            mid = a.model(rank=4, seed=1)
            for i in range(3):
                a.result(a.fb(mid, 2 * i + 1, ["parallel"]))
                a.result(a.optim(mid, 2 * i + 2))
            results[name] = a.result(a.fb(mid, 7, ["parallel"], forward_only=True))["metrics"]["loss:sum"]

    threads = [threading.Thread(target=train, args=(f"t{i}",)) for i in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    vals = list(results.values())
    assert len(vals) == 3 and max(vals) - min(vals) < 1e-4 * abs(vals[0])
