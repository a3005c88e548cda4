"""Checkpoints, runs, sessions and account data: files on disk, restarts, TTLs, downloads."""

from __future__ import annotations

import datetime as dt
import io
import json
import struct
import tarfile
import time

import httpx
import numpy as np

from tinker_local import LocalServer

from .conftest import MODEL, PROTOBUF, make_api, text_tokens


def _logprobs(api, mid, seq, text="checkpoint me"):
    out = api.result(api.fb(mid, seq, [text], forward_only=True))
    return np.asarray(out["loss_fn_outputs"][0]["logprobs"]["data"])


def test_save_load_roundtrip_and_paths(api):
    sid = api.session(user_metadata={"renderer_name": "role_colon", "n": 3})
    mid = api.model(sid, rank=4, user_metadata={"recipe": "sft"})
    api.result(api.fb(mid, 1, ["train a bit"]))
    api.result(api.optim(mid, 2, lr=0.05))
    before = _logprobs(api, mid, 3)
    saved = api.result(
        api.ok(
            "save_weights",
            {
                "model_id": mid,
                "seq_id": 4,
                "path": "step1",
                "ttl_seconds": 7200,
                "user_metadata": {"epoch": "1"},
            },
        )
    )
    assert saved == {"path": f"tinker://{mid}/weights/step1", "type": "save_weights"}
    r = api.post("save_weights", {"model_id": mid, "seq_id": 5, "path": "step1"})
    assert r.status_code == 409 and "overwrite" in r.json()["detail"]
    # the refused request used up seq_id 5 (so it cannot stall the model); the retry takes the next id
    api.result(api.ok("save_weights", {"model_id": mid, "seq_id": 6, "path": "step1", "overwrite": True}))
    sampler = api.result(api.ok("save_weights_for_sampler", {"model_id": mid, "seq_id": 7, "path": "s1"}))
    assert sampler["path"] == f"tinker://{mid}/sampler_weights/s1"

    # create-via-load (SDK 0.38): the model id is derived from the session and model_seq_id
    fut = api.ok("load_weights", {"session_id": sid, "model_seq_id": 1, "path": saved["path"], "optimizer": True})
    loaded = api.result(fut)
    assert loaded["model_id"] == f"{sid}:train:1" == fut["model_id"]
    info = api.ok("get_info", {"model_id": loaded["model_id"]})
    assert info["model_data"]["tokenizer_id"] == MODEL and info["lora_rank"] == 4
    np.testing.assert_allclose(_logprobs(api, loaded["model_id"], 1), before, rtol=1e-5)

    # legacy load into an existing model (weights only, from the sampler checkpoint)
    fresh = api.model(sid, seq=2, rank=4)
    api.result(api.ok("load_weights", {"model_id": fresh, "seq_id": 1, "path": sampler["path"], "optimizer": False}))
    np.testing.assert_allclose(_logprobs(api, fresh, 2), before, rtol=1e-5)
    r = api.post("load_weights", {"model_id": fresh, "seq_id": 3, "path": sampler["path"], "optimizer": True})
    assert r.status_code == 400 and "optimizer" in r.json()["detail"]

    run = api.c.get(f"/api/v1/training_runs/{mid}").json()
    assert run["user_metadata"] == {"recipe": "sft"}
    assert run["last_checkpoint"]["tinker_path"] == saved["path"]
    assert run["last_sampler_checkpoint"]["tinker_path"] == sampler["path"]
    cks = api.c.get(f"/api/v1/training_runs/{mid}/checkpoints").json()["checkpoints"]
    by_id = {c["checkpoint_id"]: c for c in cks}
    assert set(by_id) == {"weights/step1", "sampler_weights/s1"}
    assert by_id["weights/step1"]["user_metadata"] is None  # overwrite replaced the metadata
    assert by_id["weights/step1"]["size_bytes"] > 0
    session = api.c.get(f"/api/v1/sessions/{sid}").json()
    assert session["user_metadata"] == {"renderer_name": "role_colon", "n": "3"}
    assert mid in session["training_run_ids"]
    winfo = api.ok("weights_info", {"tinker_path": sampler["path"]})
    assert winfo["base_model"] == MODEL and winfo["lora_rank"] == 4 and winfo["is_lora"]


def test_sampler_checkpoint_is_an_immutable_snapshot(api):
    mid = api.model(rank=4)
    api.result(api.fb(mid, 1, ["snapshot"]))
    path = api.result(api.ok("save_weights_for_sampler", {"model_id": mid, "seq_id": 2, "path": "snap"}))["path"]
    sid = mid.split(":")[0]
    ss = api.ok("create_sampling_session", {"session_id": sid, "sampling_session_seq_id": 9, "model_path": path})
    assert api.c.get(f"/api/v1/samplers/{ss['sampling_session_id']}").json()["model_path"] == path
    req = {
        "sampling_session_id": ss["sampling_session_id"],
        "prompt": {"chunks": [{"tokens": text_tokens("abc")}]},
        "sampling_params": {"max_tokens": 1},
        "prompt_logprobs": True,
    }
    before = api.result(api.ok("asample", {**req, "seq_id": 0}))["prompt_logprobs"]
    for s in range(3, 9, 2):  # keep training the live model
        api.result(api.optim(mid, s, lr=0.2))
        api.result(api.fb(mid, s + 1, ["snapshot"]))
    api.result(api.ok("unload_model", {"model_id": mid}))
    assert api.post("get_info", {"model_id": mid}).status_code == 404
    after = api.result(api.ok("asample", {**req, "seq_id": 1}))["prompt_logprobs"]
    assert after == before


def test_checkpoint_rest_operations(api, server):
    mid = api.model()
    path = api.result(api.ok("save_weights", {"model_id": mid, "seq_id": 1, "path": "keep"}))["path"]
    base = f"/api/v1/training_runs/{mid}/checkpoints/weights/keep"
    assert api.c.post(f"{base}/publish").status_code == 200
    assert api.c.post(f"{base}/publish").status_code == 409
    assert api.c.delete(f"{base}/publish").status_code == 200
    assert api.c.delete(f"{base}/publish").status_code == 409
    assert api.c.put(f"{base}/ttl", json={"ttl_seconds": 3600}).status_code == 200
    ck = api.c.get(f"/api/v1/training_runs/{mid}/checkpoints").json()["checkpoints"][0]
    assert ck["expires_at"] is not None
    assert api.c.put(f"{base}/ttl", json={"ttl_seconds": None}).status_code == 200

    r = api.c.get(f"{base}/archive")
    assert r.status_code == 302 and r.headers["expires"]
    dl = httpx.get(r.headers["location"])  # signed URL: no key needed
    assert dl.status_code == 200 and dl.headers["content-type"] == "application/gzip"
    with tarfile.open(fileobj=io.BytesIO(dl.content)) as tar:
        names = tar.getnames()
    assert any(n.endswith("adapter_config.json") for n in names)
    tampered = r.headers["location"][:-4] + "0000"
    assert httpx.get(tampered).status_code == 404

    # expired checkpoints vanish from lists and cannot be loaded
    rec = server.service.state.store.checkpoints[(mid, "weights", "keep")]
    rec.expires_at = time.time() - 1
    assert api.c.get(f"/api/v1/training_runs/{mid}/checkpoints").json()["checkpoints"] == []
    sid = mid.split(":")[0]
    r = api.post("load_weights", {"session_id": sid, "model_seq_id": 50, "path": path, "optimizer": False})
    assert r.status_code == 404 and "expired" in r.json()["detail"]
    rec.expires_at = None

    assert api.c.delete(base).status_code == 200
    assert api.c.delete(base).status_code == 404
    assert api.c.get(f"{base}/archive").status_code == 404
    audit = api.c.get("/api/v1/audit").json()["entries"]
    events = {e["event"] for e in audit if e.get("model_id") == mid}
    assert {"checkpoint_create", "checkpoint_publish", "checkpoint_unpublish", "checkpoint_delete"} <= events


def test_external_weights_are_a_peft_directory(api):
    mid = api.model(rank=4)
    out = api.result(
        api.ok("save_weights_external", {"model_id": mid, "seq_id": 1, "path": "export", "ttl_seconds": 3600})
    )
    assert out["path"] == f"tinker://{mid}/external_weights/export" and out["size_bytes"] > 0
    urls = api.c.get(f"/api/v1/training_runs/{mid}/checkpoints/external_weights/export/external_weights_urls").json()
    assert {"adapter_config.json", "adapter_model.safetensors"} <= set(urls["urls"])
    cfg = httpx.get(urls["urls"]["adapter_config.json"]).json()
    assert cfg["base_model_name_or_path"] == MODEL and cfg["r"] == 4 and cfg["peft_type"] == "LORA"
    st = httpx.get(urls["urls"]["adapter_model.safetensors"]).content
    (hlen,) = struct.unpack("<Q", st[:8])
    header = json.loads(st[8 : 8 + hlen])
    assert any(k.endswith("lora_A.weight") for k in header)
    r = api.c.get(f"/api/v1/training_runs/{mid}/checkpoints/weights/export/external_weights_urls")
    assert r.status_code == 422  # the contract allows only checkpoint_kind=external_weights here
    ck = [c for c in api.c.get(f"/api/v1/training_runs/{mid}/checkpoints").json()["checkpoints"]]
    assert ck[0]["checkpoint_type"] == "external"
    r = api.post("save_weights_external", {"model_id": mid, "path": "enc", "age_encryption_recipients": ["age1x"]})
    assert r.status_code == 400


def test_copy_weights_is_idempotent(api):
    mid = api.model()
    path = api.result(api.ok("save_weights", {"model_id": mid, "seq_id": 1, "path": "orig"}))["path"]
    h = {"X-Idempotency-Key": "copy-key-1"}
    a = api.ok("copy_weights", {"source_path": path, "destination_project_id": "p1", "ttl_seconds": 3600}, headers=h)
    b = api.ok("copy_weights", {"source_path": path, "destination_project_id": "p1", "ttl_seconds": 3600}, headers=h)
    assert a == b and a["tinker_path"].endswith("/weights/orig") and a["tinker_path"] != path
    copy_run = a["tinker_path"].split("/")[2]
    assert api.c.get(f"/api/v1/training_runs/{copy_run}").status_code == 200
    assert api.post("get_info", {"model_id": copy_run}).status_code == 404  # not trainable / not loaded
    c = api.ok("copy_weights", {"source_path": path, "destination_project_id": "p1"})
    assert c != a


def test_two_runs_back_to_back(server):
    for i in range(2):
        c, api = make_api(server.base_url)
        with c:
            sid = api.session()
            mid = api.model(sid, rank=4)
            api.result(api.fb(mid, 1, [f"run {i}"]))
            api.result(api.optim(mid, 2))
            path = api.result(api.ok("save_weights", {"model_id": mid, "seq_id": 3, "path": "final"}))["path"]
            ss = api.result(
                api.ok("save_weights_for_sampler", {"model_id": mid, "seq_id": 4, "sampling_session_seq_id": 0})
            )
            out = api.result(
                api.ok(
                    "asample",
                    {
                        "sampling_session_id": ss["sampling_session_id"],
                        "seq_id": 0,
                        "prompt": {"chunks": [{"tokens": [1, 2]}]},
                        "sampling_params": {"max_tokens": 3},
                    },
                )
            )
            assert len(out["sequences"]) == 1
            api.ok(f"sessions/{sid}/finish", {"reason": {"type": "success"}})
            assert path.startswith(f"tinker://{sid}:train:0/")
    runs = httpx.get(server.base_url + "/api/v1/training_runs?limit=1000", headers={"X-API-Key": "k"}).json()
    assert runs["cursor"]["total_count"] >= 2


def test_restart_with_state_dir_reloads_runs_and_checkpoints(tmp_path):
    with LocalServer(state_dir=tmp_path) as srv:
        c, api = make_api(srv.base_url)
        with c:
            sid = api.session(display_name="persisted")
            mid = api.model(sid, rank=4)
            api.result(api.fb(mid, 1, ["persist me"]))
            api.result(api.optim(mid, 2, lr=0.05))
            ref = _logprobs(api, mid, 3, "persist me")
            path = api.result(api.ok("save_weights", {"model_id": mid, "seq_id": 4, "path": "p"}))["path"]
            spath = api.result(api.ok("save_weights_for_sampler", {"model_id": mid, "seq_id": 5, "path": "ps"}))["path"]
    assert (tmp_path / "runs").is_dir()
    with LocalServer(state_dir=tmp_path) as srv:
        c, api = make_api(srv.base_url)
        with c:
            runs = api.c.get("/api/v1/training_runs").json()["training_runs"]
            assert [r["training_run_id"] for r in runs] == [mid]
            assert {ck["tinker_path"] for ck in api.c.get("/api/v1/checkpoints").json()["checkpoints"]} == {
                path,
                spath,
            }
            assert api.post("get_info", {"model_id": mid}).status_code == 404  # models are not resurrected
            assert api.c.get(f"/api/v1/sessions/{sid}").json()["display_name"] == "persisted"
            new_sid = api.session()
            loaded = api.result(
                api.ok(
                    "load_weights",
                    {"session_id": new_sid, "model_seq_id": 0, "path": path, "optimizer": True},
                )
            )["model_id"]
            np.testing.assert_allclose(_logprobs(api, loaded, 1, "persist me"), ref, rtol=1e-5)
            ss = api.ok(
                "create_sampling_session",
                {"session_id": new_sid, "sampling_session_seq_id": 0, "model_path": spath},
            )
            fut = api.ok(
                "asample",
                {
                    "sampling_session_id": ss["sampling_session_id"],
                    "seq_id": 0,
                    "prompt": {"chunks": [{"tokens": [1, 2]}]},
                    "sampling_params": {"max_tokens": 2},
                },
            )
            assert api.result(fut, accept=PROTOBUF).status_code == 200


def test_temporary_state_dir_is_removed():
    with LocalServer() as srv:
        root = srv.service.state.store.root
        assert root.is_dir()
    assert not root.exists()


def test_capabilities_tokenizer_and_extra_models():
    with LocalServer(models=("acme/big:vocab=1000,eos=2",)) as srv:
        c, api = make_api(srv.base_url)
        with c:
            models = {
                m["model_name"]: m for m in api.c.get("/api/v1/get_server_capabilities").json()["supported_models"]
            }
            assert set(models) == {MODEL, "acme/big"}
            assert models["acme/big"]["max_context_length"] == 2048 and models[MODEL]["trainable"]
            tok = api.c.get("/api/v1/tokenizer", params={"model_name": MODEL}).json()
            from tokenizers import Tokenizer

            t = Tokenizer.from_str(json.dumps(tok["tokenizer"]))
            assert t.encode("hi", add_special_tokens=False).ids == [104, 105]
            assert tok["eos_token_id"] == 257
            r = api.c.get("/api/v1/tokenizer", params={"model_name": "acme/big"})
            assert r.status_code == 404 and "tokenizer" in r.json()["detail"]
            mid = api.model()
            sid = mid.split(":")[0]
            big = api.result(
                api.ok(
                    "create_model",
                    {
                        "session_id": sid,
                        "model_seq_id": 1,
                        "base_model": "acme/big",
                        "lora_config": {"rank": 2},
                    },
                )
            )["model_id"]
            body = {
                "model_id": big,
                "seq_id": 1,
                "forward_backward_input": {
                    "loss_fn": "cross_entropy",
                    "data": [
                        {
                            "model_input": {"chunks": [{"tokens": [900, 901]}]},
                            "loss_fn_inputs": {"target_tokens": {"data": [901, 999], "dtype": "int64"}},
                        }
                    ],
                },
            }
            assert "loss:sum" in api.result(api.ok("forward_backward", body))["metrics"]


def test_account_endpoints_report_real_usage(api):
    sid = api.session()
    mid = api.model(sid)
    api.result(api.fb(mid, 1, ["count these tokens"]))
    api.result(api.ok("save_weights", {"model_id": mid, "seq_id": 2, "path": "usage"}))
    now = dt.datetime.now(dt.UTC).replace(minute=0, second=0, microsecond=0)
    q = {
        "starting_on": (now - dt.timedelta(hours=1)).isoformat(),
        "ending_before": (now + dt.timedelta(hours=1)).isoformat(),
    }
    usage = api.c.get("/api/v1/billing/usage/events", params=q).json()
    mine = [e for e in usage["data"] if e.get("session_id") == sid]
    training = [e for e in mine if e["event_info"]["type"] == "training"]
    assert training and training[0]["event_info"]["token_count"] == len("count these tokens") - 1
    assert sid in usage["sessions"]
    bad = {**q, "starting_on": (now + dt.timedelta(minutes=30)).isoformat()}
    assert api.c.get("/api/v1/billing/usage/events", params=bad).status_code == 400
    storage = api.c.get("/api/v1/billing/usage/checkpoints/current").json()["data"]
    assert sum(r["checkpoint_count"] for r in storage) >= 1 and sum(r["size_bytes"] for r in storage) > 0
    search = api.ok("sessions/search", {"session_id": sid})
    assert [s["session_id"] for s in search["sessions"]] == [sid]
    assert search["sessions"][0]["checkpoints_count"] == 1
    trace = api.c.get(f"/api/v1/sessions/{sid}/trace_export").json()
    assert trace["status"] == "ready"
    doc = httpx.get(trace["url"]).json()
    names = {e["name"] for e in doc["traceEvents"]}
    assert {"create_model", "forward_backward", "save_weights"} <= names
    assert api.ok(
        "telemetry",
        {"events": [], "platform": "Linux", "sdk_version": "0.38.0", "session_id": sid, "process_uuid": "u"},
    ) == {"status": "accepted"}
