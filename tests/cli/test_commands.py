"""The commands against a real local server: outputs (table and JSON), --limit, filters, exit codes, errors."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import tinker
from tinker_cli.commands import checkpoint as checkpoint_cmd
from tinker_cli.commands import run as run_cmd

from .conftest import KEY, Result, Seeded

CLI = Callable[..., Result]


def _rest(seeded: Seeded) -> tinker.RestClient:
    return tinker.RestClient(base_url=seeded.url, api_key=KEY)


def test_version_and_models(cli: CLI, seeded: Seeded) -> None:
    assert cli("version", url=seeded.url).out.startswith("tinker 0.38")
    models = cli("-f", "json", "model", "list", "BYTE", url=seeded.url)
    assert models.code == 0
    assert [m["model_name"] for m in models.json()["models"]] == ["tinker-local/tiny-byte"]
    assert set(models.json()["models"][0]) == {"model_name", "max_context_length", "trainable", "sampleable"}
    missing = cli("model", "list", "no-such-model", url=seeded.url)
    assert missing.code == 1 and "No model name contains 'no-such-model'" in missing.err


def test_run_list_and_info(cli: CLI, seeded: Seeded) -> None:
    table = cli("run", "list", url=seeded.url)
    assert table.code == 0 and seeded.run_id in table.out and "Rank 4" in table.out
    runs = cli("-f", "json", "run", "list", "--limit", "0", url=seeded.url).json()["runs"]
    assert [r["training_run_id"] for r in runs] == [seeded.run_id]
    info = cli("-f", "json", "run", "info", seeded.run_id, url=seeded.url).json()
    assert info["last_checkpoint"]["tinker_path"] == seeded.weights[-1]
    assert "training_run_id" not in info["last_checkpoint"]  # the official Checkpoint's keys exactly
    columns = cli("run", "list", "-c", "id,checkpoint,owner", url=seeded.url)
    assert "Last Checkpoint" in columns.out and "weights/step-2" in columns.out and "Base Model" not in columns.out


def test_bad_options_are_usage_errors(cli: CLI, seeded: Seeded) -> None:
    negative = cli("run", "list", "--limit", "-1", url=seeded.url)
    assert negative.code == 2 and "use 0 to list everything" in negative.err
    assert cli("checkpoint", "list", "--limit", "-5", url=seeded.url).code == 2
    column = cli("run", "list", "-c", "id,nope", url=seeded.url)
    assert column.code == 2 and "unknown column(s) nope" in column.err
    assert cli("-f", "xml", "run", "list", url=seeded.url).code == 2
    assert cli("checkpoint", "frobnicate", url=seeded.url).code == 2


def test_limit_zero_pages_through_everything(cli: CLI, seeded: Seeded, monkeypatch: pytest.MonkeyPatch) -> None:
    # Small pages, so --limit 0 and --limit N must fetch several of them (the server refuses limit=0: 422).
    monkeypatch.setattr(checkpoint_cmd, "PAGE_SIZE", 2)
    monkeypatch.setattr(run_cmd, "PAGE_SIZE", 1)
    everything = cli("-f", "json", "checkpoint", "list", "--limit", "0", url=seeded.url).json()["checkpoints"]
    assert sorted(c["tinker_path"] for c in everything) == sorted([*seeded.weights, seeded.sampler])
    three = cli("checkpoint", "list", "--limit", "3", url=seeded.url)
    assert three.code == 0 and "3 checkpoints (1 more not shown; --limit 0 lists all)" in three.out
    assert len(cli("-f", "json", "run", "list", "--limit", "0", url=seeded.url).json()["runs"]) == 1


def test_checkpoint_list_and_info(cli: CLI, seeded: Seeded) -> None:
    listed = cli("-f", "json", "checkpoint", "list", "--run-id", seeded.run_id, url=seeded.url).json()
    assert listed["run_id"] == seeded.run_id
    expected_keys = {
        "checkpoint_id",
        "checkpoint_type",
        "time",
        "tinker_path",
        "size_bytes",
        "public",
        "user_metadata",
        "expires_at",
    }
    assert all(set(c) == expected_keys for c in listed["checkpoints"])
    info = cli("-f", "json", "checkpoint", "info", seeded.weights[0], url=seeded.url).json()
    assert info["tinker_path"] == seeded.weights[0] and info["is_lora"] is True and info["lora_rank"] == 4
    table = cli("checkpoint", "info", seeded.sampler, url=seeded.url)
    assert "Yes (Rank 4)" in table.out and "sampler" in table.out
    absent = cli("checkpoint", "info", f"tinker://{seeded.run_id}/weights/absent", url=seeded.url)
    assert absent.code == 1 and "Checkpoint not found" in absent.err
    bad = cli("checkpoint", "info", "weights/step-0", url=seeded.url)
    assert bad.code == 1 and "Invalid checkpoint path" in bad.err and "tinker://RUN_ID" in bad.err


def test_publish_unpublish_and_ttl(cli: CLI, seeded: Seeded) -> None:
    path = seeded.weights[0]

    def current() -> Any:
        return next(
            c for c in _rest(seeded).list_checkpoints(seeded.run_id).result().checkpoints if c.tinker_path == path
        )

    assert cli("checkpoint", "publish", path, url=seeded.url).code == 0
    assert current().public is True
    assert cli("checkpoint", "unpublish", path, url=seeded.url).code == 0
    assert current().public is False
    assert cli("checkpoint", "set-ttl", path, "--ttl", "7200", url=seeded.url).code == 0
    assert current().expires_at is not None
    assert cli("checkpoint", "set-ttl", path, "--remove", url=seeded.url).code == 0
    assert current().expires_at is None
    neither = cli("checkpoint", "set-ttl", path, url=seeded.url)
    both = cli("checkpoint", "set-ttl", path, "--ttl", "7200", "--remove", url=seeded.url)
    assert neither.code == both.code == 1 and "exactly one of --ttl" in both.err


def test_delete_refuses_bad_filters_before_touching_anything(cli: CLI, seeded: Seeded) -> None:
    cases = {
        ("--run-id", seeded.run_id, "--before", "last tuesday"): "Invalid date for --before",
        ("--run-id", seeded.run_id, "--after", "2024-13-01"): "Invalid date for --after",
        ("--run-id", seeded.run_id, "--type", "optimizer"): "Invalid checkpoint type",
        ("--run-id", seeded.run_id, "--after", "2025-01-02", "--before", "2025-01-01"): "--after must be earlier",
        ("--type", "weights"): "need --run-id",
        (): "either checkpoint paths or --run-id",
        (seeded.weights[0], "--run-id", seeded.run_id): "either checkpoint paths or --run-id",
        ("not-a-path",): "Invalid checkpoint path",
    }
    for args, message in cases.items():
        result = cli("checkpoint", "delete", *args, "-y", url=seeded.url)
        assert result.code == 1 and message in result.err, (args, result.err)
    assert len(_rest(seeded).list_checkpoints(seeded.run_id).result().checkpoints) == 4


def _fresh_run(seeded: Seeded, names: list[str]) -> tuple[str, list[str]]:
    from tests.helpers import text_datum

    service = tinker.ServiceClient(base_url=seeded.url, api_key=KEY)
    training = service.create_lora_training_client(base_model="tinker-local/tiny-byte", rank=2).result()
    training.forward_backward([text_datum("abc")], "cross_entropy").result()
    paths = []
    for name in names:
        paths.append(training.save_state(name).result().path)
        time.sleep(0.05)  # distinct creation times for --before/--after
    service.close().result()
    return training.model_id, paths


def test_delete_by_run_with_filters_and_confirmation(cli: CLI, seeded: Seeded) -> None:
    run_id, paths = _fresh_run(seeded, ["a", "b", "c"])
    times = {c.tinker_path: c.time for c in _rest(seeded).list_checkpoints(run_id).result().checkpoints}
    middle = times[paths[1]].isoformat()
    declined = cli("checkpoint", "delete", "--run-id", run_id, "--before", middle, url=seeded.url, stdin="n\n")
    assert declined.code == 0 and paths[0] in declined.err and "Nothing deleted" in declined.err
    eof = cli("checkpoint", "delete", "--run-id", run_id, url=seeded.url, stdin="")
    assert eof.code == 1  # no answer: nothing is deleted
    assert len(_rest(seeded).list_checkpoints(run_id).result().checkpoints) == 3
    deleted = cli(
        "-f", "json", "checkpoint", "delete", "--run-id", run_id, "--before", middle, url=seeded.url, stdin="y\n"
    )
    assert deleted.code == 0 and deleted.json() == {"deleted_count": 1, "failed": []}
    after = cli(
        "checkpoint", "delete", "--run-id", run_id, "--type", "weights", "--after", middle, "-y", url=seeded.url
    )
    assert after.code == 0 and "Deleted 1 checkpoint(s)" in after.out
    assert [c.tinker_path for c in _rest(seeded).list_checkpoints(run_id).result().checkpoints] == [paths[1]]
    none_left = cli("checkpoint", "delete", "--run-id", run_id, "--type", "sampler_weights", "-y", url=seeded.url)
    assert none_left.code == 0 and "match" in none_left.err


def test_delete_paths_reports_each_failure(cli: CLI, seeded: Seeded) -> None:
    run_id, paths = _fresh_run(seeded, ["x"])
    missing = f"tinker://{run_id}/weights/never-saved"
    result = cli("-f", "json", "checkpoint", "delete", paths[0], missing, "-y", url=seeded.url)
    assert result.code == 1 and "1 of 2 deletions failed" in result.err
    report = result.json()
    assert report["deleted_count"] == 1 and [f["tinker_path"] for f in report["failed"]] == [missing]


def test_sessions_and_trace_export(cli: CLI, seeded: Seeded, tmp_path: Path) -> None:
    assert seeded.session_id in cli("-f", "json", "session", "list", "--limit", "0", url=seeded.url).json()["sessions"]
    info = cli("-f", "json", "session", "info", seeded.session_id, url=seeded.url).json()
    assert info["session_id"] == seeded.session_id and seeded.run_id in info["training_run_ids"]
    url = cli("session", "export-trace", seeded.session_id, "--url-only", url=seeded.url).out.strip()
    assert url.startswith(seeded.url) and "\n" not in url
    out = tmp_path / "traces" / "t.pftrace"
    result = cli("-f", "json", "session", "export-trace", seeded.session_id, "-o", str(out), url=seeded.url).json()
    assert result == {"session_id": seeded.session_id, "destination": str(out), "file_size_bytes": out.stat().st_size}
    assert json.loads(out.read_text())["traceEvents"]
    default = cli("session", "export-trace", seeded.session_id, url=seeded.url)
    assert default.code == 0 and (tmp_path / f"{seeded.session_id}.pftrace").is_file()
    unknown = cli("session", "export-trace", "sess-unknown", url=seeded.url)
    assert unknown.code == 1 and "Not found" in unknown.err


def test_billing(cli: CLI, seeded: Seeded, tmp_path: Path) -> None:
    storage = cli("-f", "json", "billing", "checkpoint-storage", url=seeded.url).json()
    assert (
        set(storage) == {"effective_rate_usd_per_gigabyte_month", "data"}
        and storage["data"][0]["checkpoint_count"] >= 4
    )
    hour = time.strftime("%Y-%m-%dT%H:00:00Z", time.gmtime(time.time() - 3600))
    later = time.strftime("%Y-%m-%dT%H:00:00Z", time.gmtime(time.time() + 3600))
    usage = cli("-f", "json", "billing", "usage", hour, later, url=seeded.url).json()
    assert set(usage) == {"data", "sessions", "cost_data_through"}
    assert any(row["event_info"]["type"] == "training" for row in usage["data"])
    csv_path = tmp_path / "usage.csv"
    wrote = cli("billing", "usage", hour, later, "--csv", str(csv_path), url=seeded.url)
    assert wrote.code == 0 and wrote.out == "" and csv_path.read_text().startswith("bucket_start,")
    table = cli("billing", "usage", hour, later, url=seeded.url)
    assert "token_count" in table.out and "null" in table.out  # an applicable cost the server cannot price
    bad = cli("billing", "usage", "yesterday", later, url=seeded.url)
    assert bad.code == 1 and "Invalid STARTING_ON" in bad.err
