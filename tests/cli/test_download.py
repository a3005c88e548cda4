"""Streamed downloads (tinker_cli._download.fetch_file) against a real HTTP server that misbehaves on demand."""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
import tracemalloc
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from tinker_cli import _download
from tinker_cli._download import fetch_file
from tinker_cli._errors import CliError
from tinker_cli._progress import transfer

from .faultserver import Faults, fault_server


@pytest.fixture(autouse=True)
def _no_backoff(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_download.time, "sleep", lambda _s: None)


@pytest.fixture
def payload(tmp_path: Path) -> Path:
    path = tmp_path / "served.bin"
    path.write_bytes(os.urandom(3 * 1024 * 1024 + 12345))
    return path


def _fetch(url: str, dest: Path, **kwargs: Any) -> int:
    with transfer(False) as progress:
        return fetch_file(url, dest, label=dest.name, progress=progress, **kwargs)


def _ranges(faults: Faults) -> list[str | None]:
    return [r.get("range") for r in faults.requests]


def test_plain_download(payload: Path, tmp_path: Path) -> None:
    faults = Faults(payload)
    with fault_server(faults) as url:
        assert _fetch(url, tmp_path / "out.bin") == payload.stat().st_size
    assert (tmp_path / "out.bin").read_bytes() == payload.read_bytes()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.bin", "served.bin"]  # no .part left behind


def test_cut_connections_resume_where_the_data_stopped(payload: Path, tmp_path: Path) -> None:
    faults = Faults(payload, cut_after=[1_000_000, 700_000])
    with fault_server(faults) as url:
        _fetch(url, tmp_path / "out.bin")
    assert (tmp_path / "out.bin").read_bytes() == payload.read_bytes()
    assert _ranges(faults) == [None, "bytes=1000000-", "bytes=1700000-"]
    assert all(r.get("if-range") == '"v1"' for r in faults.requests[1:])
    assert all(r.get("accept-encoding") == "identity" for r in faults.requests)


def test_a_server_that_ignores_range_is_fetched_whole_again(payload: Path, tmp_path: Path) -> None:
    faults = Faults(payload, cut_after=[500_000], ignore_range=True)
    with fault_server(faults) as url:
        _fetch(url, tmp_path / "out.bin")
    assert (tmp_path / "out.bin").read_bytes() == payload.read_bytes()  # not the first 500 kB twice


def test_a_file_changed_between_attempts_is_never_spliced(payload: Path, tmp_path: Path) -> None:
    faults = Faults(payload, cut_after=[800_000])
    original = payload.read_bytes()
    with fault_server(faults) as url:
        with pytest.raises(CliError):
            _fetch(url, tmp_path / "out.bin", attempts=1)
        changed = os.urandom(len(original))
        payload.write_bytes(changed)
        faults.etag = '"v2"'
        _fetch(url, tmp_path / "out.bin")
    assert (tmp_path / "out.bin").read_bytes() == changed
    assert faults.requests[-1]["if-range"] == '"v1"'  # asked for the rest of v1, got the whole of v2


def test_interrupted_download_is_kept_and_resumed_by_a_later_run(payload: Path, tmp_path: Path) -> None:
    dest = tmp_path / "out.bin"
    faults = Faults(payload, cut_after=[300_000, 200_000, 100_000])
    with fault_server(faults) as url:
        with pytest.raises(CliError) as err:
            _fetch(url, dest, attempts=3)
        assert "run the same command again to resume" in (err.value.details or "")
        assert (tmp_path / "out.bin.part").stat().st_size == 600_000 and not dest.exists()
        _fetch(url, dest)  # "the next run"
    assert dest.read_bytes() == payload.read_bytes()
    assert _ranges(faults)[-1] == "bytes=600000-"
    assert not (tmp_path / "out.bin.part").exists() and not (tmp_path / "out.bin.part.validator").exists()


def test_a_complete_part_gets_416_and_is_accepted(payload: Path, tmp_path: Path) -> None:
    dest = tmp_path / "out.bin"
    shutil.copy(payload, tmp_path / "out.bin.part")
    (tmp_path / "out.bin.part.validator").write_text('"v1"')
    faults = Faults(payload)
    with fault_server(faults) as url:
        assert _fetch(url, dest) == payload.stat().st_size
    assert dest.read_bytes() == payload.read_bytes() and len(faults.requests) == 1


def test_expired_link_is_signed_again_and_server_errors_are_retried(payload: Path, tmp_path: Path) -> None:
    faults = Faults(payload, statuses=[403, 503])
    signed: list[str] = []
    with fault_server(faults) as url:

        def resign() -> str:
            signed.append(url)
            return url

        _fetch(url + "?expired", tmp_path / "out.bin", resign=resign)
    assert signed == [url] and (tmp_path / "out.bin").read_bytes() == payload.read_bytes()


def test_other_errors_fail_at_once_with_the_status(payload: Path, tmp_path: Path) -> None:
    faults = Faults(payload, statuses=[400])
    with fault_server(faults) as url, pytest.raises(CliError) as err:
        _fetch(url, tmp_path / "out.bin")
    assert "HTTP 400" in err.value.message and len(faults.requests) == 1


@contextmanager
def _read_only(path: Path) -> Iterator[None]:
    # root ignores permission bits: make the directory immutable instead (chattr), where that works.
    if os.geteuid() == 0:
        if shutil.which("chattr") is None or subprocess.run(["chattr", "+i", str(path)], check=False).returncode != 0:
            pytest.skip("cannot make a directory read-only for root here")
        try:
            yield
        finally:
            subprocess.run(["chattr", "-i", str(path)], check=True)
    else:
        path.chmod(0o500)
        try:
            yield
        finally:
            path.chmod(0o700)


def test_read_only_target_is_a_clear_error(payload: Path, tmp_path: Path) -> None:
    target = tmp_path / "ro"
    target.mkdir()
    with fault_server(Faults(payload)) as url, _read_only(target), pytest.raises(CliError) as err:
        _fetch(url, target / "out.bin")
    assert err.value.message.startswith(f"Cannot write {target / 'out.bin.part'}")
    assert "--output" in (err.value.details or "")


def test_ctrl_c_keeps_the_partial_data(payload: Path, tmp_path: Path) -> None:
    class Interrupting:
        def add_task(self, *_a: Any, **_k: Any) -> int:
            return 0

        def update(self, _task: int, completed: int = 0, total: int | None = None) -> None:
            if completed > 1_000_000:
                raise KeyboardInterrupt

    with fault_server(Faults(payload)) as url, pytest.raises(CliError) as err:
        fetch_file(url, tmp_path / "out.bin", label="out.bin", progress=Interrupting())  # type: ignore[arg-type]
    assert err.value.exit_code == 130 and (tmp_path / "out.bin.part").stat().st_size > 1_000_000


def test_memory_stays_flat_on_a_large_file(tmp_path: Path) -> None:
    big = tmp_path / "big.bin"
    with big.open("wb") as f:
        for _ in range(48):
            f.write(os.urandom(1 << 20))
    with fault_server(Faults(big)) as url:
        tracemalloc.start()
        try:
            _fetch(url, tmp_path / "out.bin")
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
    assert (tmp_path / "out.bin").stat().st_size == 48 << 20
    assert peak < 8 << 20, f"peak {peak / 2**20:.1f} MiB for a 48 MiB download"


def test_the_signed_link_stays_out_of_the_http_log(
    payload: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    # TINKER_LOG=info/debug turns on httpx's log, which names every request's URL: a signed link is a bearer
    # capability, so only its host may show.
    token = "SIGNED-link-token-8f2k"
    faults = Faults(payload)
    with fault_server(faults) as url, caplog.at_level(logging.DEBUG):
        _fetch(f"{url}/local/files/{token}?sig={token}", tmp_path / "out.bin")
    assert any(r.name == "httpx" for r in caplog.records)  # the log was on
    logged = "\n".join(f"{r.name} {r.getMessage()}" for r in caplog.records)
    assert token not in logged, logged
