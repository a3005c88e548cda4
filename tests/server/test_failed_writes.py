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
