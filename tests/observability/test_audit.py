"""Audit logs: the SDK's (opt-in, one line per mutating call) and the local server's (every mutating request,
with the key's fingerprint)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

import tinker
from tinker import types
from tinker_local._tenancy import owner_of

from .conftest import API_KEY, WIDE_MODEL, wide_datum


def _lines(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text().splitlines()]


def test_one_line_per_mutating_call_with_ids_and_outcome(
    server: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "audit.jsonl"
    monkeypatch.setenv("TINKER_AUDIT_LOG", str(path))  # read when the client is created
    with tinker.ServiceClient(base_url=server.base_url, api_key=API_KEY) as service:
        training = service.create_lora_training_client(base_model=WIDE_MODEL, rank=4).result()
        training.forward_backward([wide_datum()], "cross_entropy").result()  # training steps are not audited
        training.optim_step(types.AdamParams(learning_rate=1e-3)).result()
        saved = training.save_state("audited", ttl_seconds=3600).result()
        rest = service.create_rest_client()
        rest.list_checkpoints(training.model_id).result()  # reads are not audited
        rest.publish_checkpoint_from_tinker_path(saved.path).result()
        with pytest.raises(tinker.NotFoundError):
            rest.delete_checkpoint_from_tinker_path(saved.path + "-missing").result()
    lines = _lines(path)
    assert [(e["call"], e["outcome"]) for e in lines] == [
        ("ServiceClient.create_lora_training_client", "ok"),
        ("TrainingClient.save_state", "ok"),
        ("RestClient.publish_checkpoint_from_tinker_path", "ok"),
        ("RestClient.delete_checkpoint_from_tinker_path", "error"),
    ]
    created, save, publish, delete = lines
    assert created["ids"] == {
        "base_model": WIDE_MODEL,
        "model_id": training.model_id,
        "session_id": service.holder.session_id,
    }
    assert save["ids"]["name"] == "audited" and save["ids"]["ttl_seconds"] == 3600
    assert save["ids"]["result_path"] == saved.path and save["ids"]["model_id"] == training.model_id
    assert publish["ids"] == {"tinker_path": saved.path}
    assert delete["error"] == "NotFoundError (HTTP 404)" and "seconds" in delete
    assert all(e["time"].endswith("Z") for e in lines)
    assert oct(path.stat().st_mode & 0o777) == "0o600"


def test_audit_log_is_off_unless_asked(server: Any, service: tinker.ServiceClient, tmp_path: Path) -> None:
    from tinker import _instrument

    service.create_lora_training_client(base_model=WIDE_MODEL, rank=4).result()
    assert not _instrument.sinks()
    assert not list(tmp_path.iterdir())


def test_the_server_audits_every_mutating_request_with_the_key_fingerprint(
    server: Any, service: tinker.ServiceClient
) -> None:
    log = server.service.state.store.root / "request-audit.jsonl"
    before = len(_lines(log)) if log.exists() else 0
    training = service.create_lora_training_client(base_model=WIDE_MODEL, rank=4).result()
    training.forward_backward([wide_datum()], "cross_entropy").result()
    training.save_state("server-audited").result()
    with pytest.raises(tinker.AuthenticationError):
        tinker.RestClient(base_url=server.base_url, api_key="tml-not-a-key").publish_checkpoint_from_tinker_path(
            f"tinker://{training.model_id}/weights/server-audited"
        ).result()
    lines = _lines(log)[before:]
    ops = [e["operation"] for e in lines]
    for op in ("create_session", "create_model", "forward_backward", "save_weights", "publish_checkpoint"):
        assert op in ops
    assert "retrieve_future" not in ops and "get_info" not in ops  # reads are not audited
    fingerprint = owner_of(API_KEY)
    ours = [e for e in lines if e["operation"] != "publish_checkpoint"]
    assert {e["key_fingerprint"] for e in ours} == {fingerprint}
    (refused,) = [e for e in lines if e["operation"] == "publish_checkpoint"]
    assert refused["status"] == 401 and refused["key_fingerprint"] == owner_of("tml-not-a-key")
    (fb,) = [e for e in lines if e["operation"] == "forward_backward"]
    assert fb["status"] == 200 and fb["ids"]["model_id"] == training.model_id and fb["ids"]["seq_id"] == 1
    assert len(fb["request_id"]) == 16
    text = log.read_text()
    assert API_KEY not in text and "tml-not-a-key" not in text
