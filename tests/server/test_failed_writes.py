"""A state write that fails (a full disk) fails its request and leaves nothing half-registered behind, so the
client's retry works; and deleting a checkpoint, the way to free space, works on a full disk."""

from __future__ import annotations

import errno
from typing import Any

import pytest

from .conftest import MODEL, Api


def _full_disk_once(monkeypatch: pytest.MonkeyPatch, obj: Any, method: str) -> None:
    """``obj.method`` raises ENOSPC on its next call, then works again (space was freed)."""
    real = getattr(obj, method)
    calls = [0]

    def fail_once(*args: Any, **kw: Any) -> Any:
        calls[0] += 1
        if calls[0] == 1:
            raise OSError(errno.ENOSPC, "No space left on device")
        return real(*args, **kw)

    monkeypatch.setattr(obj, method, fail_once)


def test_create_model_retried_after_a_failed_write_creates_the_model(
    server: Any, api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    sid = api.session()
    body = {"session_id": sid, "model_seq_id": 0, "base_model": MODEL, "lora_config": {"rank": 4}}
    _full_disk_once(monkeypatch, server.service.state.store, "save_run")
    assert api.post("create_model", body).status_code == 500
    out = api.result(api.ok("create_model", body))  # the SDK's retry of the same request
    assert out["model_id"] == f"{sid}:train:0"
    api.result(api.fb(out["model_id"], 1, ["it trains"]))


def test_create_session_that_failed_to_persist_is_not_listed(
    server: Any, api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = set(api.c.get("/api/v1/sessions").json()["sessions"])
    _full_disk_once(monkeypatch, server.service.state.store, "save_session")
    assert api.post("create_session", {"tags": [], "sdk_version": "0.38.0"}).status_code == 500
    assert set(api.c.get("/api/v1/sessions").json()["sessions"]) == before


def test_delete_frees_the_space_before_it_writes_the_index(
    server: Any, api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    mid = api.model()
    path = api.result(api.ok("save_weights", {"model_id": mid, "path": "big"}))["path"]
    run, kind, name = path[len("tinker://") :].split("/")
    store = server.service.state.store
    ck_dir = store.checkpoint_dir(run, kind, name)
    real = store.save_checkpoint_index

    def index_needs_space(run_id: str) -> None:  # the disk stays full until the checkpoint's files are gone
        if ck_dir.parent.exists() and any(ck_dir.parent.iterdir()):
            raise OSError(errno.ENOSPC, "No space left on device")
        real(run_id)

    monkeypatch.setattr(store, "save_checkpoint_index", index_needs_space)
    r = api.c.delete(f"/api/v1/training_runs/{run}/checkpoints/{kind}/{name}")
    assert r.status_code == 200, r.text
    assert not any(ck_dir.parent.iterdir())
    assert api.c.get(f"/api/v1/training_runs/{run}/checkpoints").json()["checkpoints"] == []


def test_publish_retried_after_a_failed_write_publishes(server: Any, api: Api, monkeypatch: pytest.MonkeyPatch) -> None:
    mid = api.model()
    path = api.result(api.ok("save_weights", {"model_id": mid, "path": "to-publish"}))["path"]
    run, kind, name = path[len("tinker://") :].split("/")
    url = f"/api/v1/training_runs/{run}/checkpoints/{kind}/{name}/publish"
    _full_disk_once(monkeypatch, server.service.state.store, "save_checkpoint_index")
    assert api.c.post(url).status_code == 500
    assert not api.c.get(f"/api/v1/training_runs/{run}/checkpoints").json()["checkpoints"][0]["public"]
    assert api.c.post(url).status_code == 200, "the retry publishes (not a 409 'already public')"
    assert api.c.get(f"/api/v1/training_runs/{run}/checkpoints").json()["checkpoints"][0]["public"]


@pytest.mark.parametrize("failing", ["copy", "index"])
def test_copy_weights_retried_after_a_full_disk_copies(
    server: Any, api: Api, monkeypatch: pytest.MonkeyPatch, failing: str
) -> None:
    from tinker_local.service import runs

    sid = api.session()
    mid = api.model(sid)
    src = api.result(api.ok("save_weights", {"model_id": mid, "path": "to-copy"}))["path"]
    body = {"source_path": src, "session_id": sid, "model_seq_id": 7}
    if failing == "copy":
        _full_disk_once(monkeypatch, runs, "write_dir_atomically")
    else:
        _full_disk_once(monkeypatch, server.service.state.store, "save_checkpoint_index")
    assert api.post("copy_weights", body).status_code == 500
    assert f"{sid}:train:7" not in api.c.get("/api/v1/training_runs").text  # no run without its checkpoint
    out = api.ok("copy_weights", body)  # the retry once space is free
    assert out["tinker_path"] == f"tinker://{sid}:train:7/weights/to-copy"
    assert api.c.get(f"/api/v1/training_runs/{sid}:train:7/checkpoints").json()["checkpoints"]


def test_save_whose_index_write_failed_can_be_retried(server: Any, api: Api, monkeypatch: pytest.MonkeyPatch) -> None:
    mid = api.model()
    body = {"model_id": mid, "path": "index-full"}
    _full_disk_once(monkeypatch, server.service.state.store, "save_checkpoint_index")
    failed = api.retrieve(api.ok("save_weights", body)["request_id"]).json()
    assert "No space left" in failed["error"]
    assert api.c.get(f"/api/v1/training_runs/{mid}/checkpoints").json()["checkpoints"] == []
    path = api.result(api.ok("save_weights", body))["path"]  # the retry saves (no 409 "already exists")
    api.result(api.ok("load_weights", {"model_id": mid, "path": path, "optimizer": True}))
