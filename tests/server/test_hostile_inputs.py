"""Hostile or damaged inputs: odd future ids, checkpoint files damaged on disk, a delete racing a save of the same
name, clients hanging up mid-body, sparse tensors declaring huge shapes, and the memory that session traces keep."""

from __future__ import annotations

import json
import logging
import socket
import struct
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import numpy as np
import pytest

import tinker_wire as tw
from tinker_local import LocalServer

from .conftest import MODEL, PROTOBUF, Api, make_api


@pytest.mark.parametrize("op", ["retrieve_future", "cancel_future"])
def test_future_ids_with_non_ascii_digits_are_not_found(api: Api, op: str) -> None:
    rid = api.fb(api.model(), 1, ["hello"])["request_id"]
    nonce = rid.split("-")[0]
    for bad in (f"{nonce}-²", f"{nonce}-٣", f"{nonce}-1²"):  # str.isdigit() accepts these, int() not all of them
        r = api.post(op, {"request_id": bad})
        assert r.status_code == 404, (bad, r.status_code, r.text)


def _header_only(header: Any) -> bytes:
    """A safetensors file with this (JSON) header and no data."""
    h = json.dumps(header).encode()
    return struct.pack("<Q", len(h)) + h


def _edit_config(**fields: Any) -> Callable[[Path], None]:
    def edit(d: Path) -> None:
        p = d / "adapter_config.json"
        p.write_text(json.dumps(json.loads(p.read_text()) | fields))

    return edit


def _write(name: str, data: bytes) -> Callable[[Path], None]:
    def write(d: Path) -> None:
        (d / name).write_bytes(data)

    return write


DAMAGE = {
    "r_not_a_number": _edit_config(r="x"),
    "r_zero": _edit_config(r=0),
    "tinker_local_a_list": _edit_config(tinker_local=[1]),
    "model_config_a_list": _edit_config(tinker_local={"model_config": [1]}),
    "vocab_size_not_a_number": _edit_config(tinker_local={"vocab_size": "x"}),
    "target_modules_a_number": _edit_config(target_modules=5, tinker_local={}),
    "base_model_a_list": _edit_config(base_model_name_or_path=["x"]),
    "weights_header_a_number": _write("adapter_model.safetensors", _header_only(5)),
    "weights_header_a_string": _write("adapter_model.safetensors", _header_only("x")),
}


@pytest.mark.parametrize("damage", DAMAGE)
def test_a_checkpoint_damaged_on_disk_is_refused_as_unreadable(server: Any, api: Api, damage: str) -> None:
    sid = api.session()
    mid = api.model(sid)
    path = api.result(api.ok("save_weights", {"model_id": mid, "path": damage}))["path"]
    run, kind, name = path[len("tinker://") :].split("/")
    DAMAGE[damage](server.service.state.store.checkpoint_dir(run, kind, name))

    def refused(r: httpx.Response) -> None:
        assert r.status_code < 500, r.text
        if r.status_code == 200 and "request_id" in r.json():
            out = api.retrieve(r.json()["request_id"]).json()
            assert out.get("category") == "user" and "internal" not in out["error"], out

    refused(api.post("load_weights", {"model_id": mid, "path": path, "optimizer": False}))
    refused(api.post("load_weights", {"session_id": sid, "model_seq_id": 1, "path": path, "optimizer": False}))
    refused(api.post("weights_info", {"tinker_path": path}))
    refused(api.post("create_sampling_session", {"session_id": sid, "sampling_session_seq_id": 0, "model_path": path}))
    refused(api.post("copy_weights", {"source_path": path, "session_id": sid, "model_seq_id": 2}))
    api.result(api.fb(mid, None, ["the model still trains"]))


def test_a_save_right_after_a_delete_of_the_same_name_keeps_its_files(
    server: Any, api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    mid = api.model()
    path = api.result(api.ok("save_weights", {"model_id": mid, "path": "reused"}))["path"]
    run, kind, name = path[len("tinker://") :].split("/")
    store = server.service.state.store
    deleting, saved = threading.Event(), threading.Event()
    save_index = store.save_checkpoint_index

    def slow_index(run_id: str) -> None:  # the delete pauses between forgetting the name and finishing up
        if not deleting.is_set():  # the first call after arming is the delete's
            deleting.set()
            saved.wait(30)
        save_index(run_id)

    monkeypatch.setattr(store, "save_checkpoint_index", slow_index)
    codes: list[int] = []
    t = threading.Thread(
        target=lambda: codes.append(api.c.delete(f"/api/v1/training_runs/{run}/checkpoints/{kind}/{name}").status_code),
    )
    c2, api2 = make_api(server.base_url)  # the save runs on its own client while the delete is held
    with c2:
        t.start()
        assert deleting.wait(30)
        api2.result(api2.fb(mid, None, ["new weights"]))
        assert api2.result(api2.ok("save_weights", {"model_id": mid, "path": "reused"}))["path"] == path
        saved.set()
        t.join(30)
        assert codes == [200]
        api2.result(api2.ok("load_weights", {"model_id": mid, "path": path, "optimizer": True}))
        assert [
            c["tinker_path"] for c in api2.c.get(f"/api/v1/training_runs/{run}/checkpoints").json()["checkpoints"]
        ] == [path]


def test_session_traces_are_bounded_in_all(server: Any, api: Api, monkeypatch: pytest.MonkeyPatch) -> None:
    from tinker_local.service import state as state_module

    monkeypatch.setattr(state_module, "SPANS_PER_SESSION", 40)
    monkeypatch.setattr(state_module, "SPANS_TOTAL", 50)
    state = server.service.state
    sids = [api.session() for _ in range(3)]
    for sid in sids:
        for _ in range(10):
            api.post("session_heartbeat", {"session_id": sid})  # each request is a trace event of its session
    for _ in range(60):
        api.post("session_heartbeat", {"session_id": sids[-1]})
    assert sum(len(v) for v in state.spans.values()) <= 50
    assert sids[0] not in state.spans and len(state.spans[sids[-1]]) == 40  # the oldest session's trace went first
    assert api.c.post(f"/api/v1/sessions/{sids[0]}/trace_export").status_code < 500


def test_a_client_hanging_up_mid_body_is_not_a_server_error(server: Any, caplog: pytest.LogCaptureFixture) -> None:
    host, port = server.base_url.split("//")[1].rstrip("/").rsplit(":", 1)
    head = (
        b"POST /api/v1/create_session HTTP/1.1\r\nHost: x\r\nX-API-Key: k\r\n"
        b"Content-Type: application/json\r\nContent-Length: 100\r\n\r\n"
    )
    with caplog.at_level(logging.DEBUG, logger="tinker_local"):
        with socket.create_connection((host, int(port))) as sock:
            sock.sendall(head + b'{"tags": [')  # then hang up
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and not any("create_session" in r.getMessage() for r in caplog.records):
            time.sleep(0.05)
    logged = [r for r in caplog.records if "create_session" in r.getMessage()]
    assert logged, "the request was never finished"
    assert all(r.levelno < logging.WARNING and r.exc_info is None for r in logged), [r.getMessage() for r in logged]


def _csr_datum(k: int) -> dict[str, Any]:
    """A datum whose sparse [3, k] targets and weights list one cell (a few bytes that are 3*k cells once dense)."""

    def csr(data: list[Any], dtype: str) -> dict[str, Any]:
        return {
            "data": data,
            "dtype": dtype,
            "shape": [3, k],
            "sparse_crow_indices": [0, 1, 1, 1],
            "sparse_col_indices": [0],
        }

    return {
        "model_input": {"chunks": [{"tokens": [1, 2, 3]}]},
        "loss_fn_inputs": {"target_tokens": csr([5], "int64"), "weights": csr([1.0], "float32")},
    }


def test_a_sparse_tensor_may_not_expand_past_the_body_limit() -> None:
    with LocalServer(max_body_bytes=2**20, retrieve_timeout_s=5.0) as srv:
        c, api = make_api(srv.base_url)
        with c:
            mid = api.model()
            api.result(
                api.ok(
                    "forward", {"model_id": mid, "forward_input": {"data": [_csr_datum(4)], "loss_fn": "cross_entropy"}}
                )
            )
            for op, key in (("forward", "forward_input"), ("forward_backward", "forward_backward_input")):
                body = {"model_id": mid, key: {"data": [_csr_datum(2**17)], "loss_fn": "cross_entropy"}}
                r = api.post(op, body)  # 3 MiB of int64 targets once dense, from a 400-byte body
                assert r.status_code == 413, (op, r.status_code, r.text)
                assert "loss_fn_inputs.target_tokens" in r.json()["detail"]
            d = _csr_datum(2**17)
            datum = tw.WireDatum(
                chunks=[tw.EncodedText(np.asarray([1, 2, 3], dtype=np.int64))],
                loss_fn_inputs={k: tw.TensorData.from_json_dict(v) for k, v in d["loss_fn_inputs"].items()},
            )
            req = tw.WireForwardBackwardRequest(mid, 0, [datum], "cross_entropy", {}, False)
            r = c.post(
                "/api/v1/forward_backward",
                content=tw.encode_forward_backward_request(req),
                headers={"Content-Type": PROTOBUF},
            )
            assert r.status_code == 413, r.text


def test_models_and_sampling_sessions_remember_a_bounded_number_of_seq_ids(
    server: Any, api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tinker_local.service import state as state_module

    monkeypatch.setattr(state_module, "SEQS_KEPT", 4)
    sid = api.session()
    mid = api.model(sid)
    futures = [api.fb(mid, seq, ["a long-lived model"], forward_only=True) for seq in range(1, 11)]
    api.result(futures[-1])
    assert sorted(server.service.state.models[mid].seqs) == [7, 8, 9, 10]
    # a recent seq_id resent is still the same request; one forgotten long ago is refused, not run twice
    again = api.fb(mid, 10, ["a long-lived model"], forward_only=True)
    assert again["request_id"] == futures[-1]["request_id"]
    old = api.post("forward", {"model_id": mid, "seq_id": 1, "forward_input": {"data": [], "loss_fn": "cross_entropy"}})
    assert old.status_code == 400 and "too long ago to be recognised" in old.text, old.text

    ssid = api.ok("create_sampling_session", {"session_id": sid, "sampling_session_seq_id": 0, "base_model": MODEL})[
        "sampling_session_id"
    ]
    body = {"prompt": {"chunks": [{"tokens": [1, 2]}]}, "sampling_params": {"max_tokens": 1}, "num_samples": 1}
    for seq in range(10):
        api.result(api.ok("asample", {**body, "sampling_session_id": ssid, "seq_id": seq}))
    assert sorted(server.service.state.samplers[ssid].seqs) == [6, 7, 8, 9]
