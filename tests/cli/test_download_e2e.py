"""`tinker checkpoint download` against a real `tinker local serve` process that is killed mid-transfer.

The checkpoint is several MB (a base model with a 65,536-token vocabulary and rank-32 LoRA), so the kill
lands inside the transfer. In one run the CLI retries until the restarted server answers and resumes with
Range; across runs, a failed download leaves its partial files and the next run finishes them.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Self

import pytest

import tinker
from tests.helpers import text_datum
from tinker import types
from tinker_cli import _checkpoint_download, _download

from .conftest import KEY, Result

CLI = Callable[..., Result]
pytestmark = pytest.mark.slow


@dataclass
class Served:
    port: int
    state: Path
    proc: subprocess.Popen[bytes] | None = None
    path: str = ""  # the save_state checkpoint

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        port_file = self.state.parent / f"port-{time.monotonic_ns()}"
        cmd = [sys.executable, "-m", "tinker_cli", "local", "serve", "--port", str(self.port)]
        cmd += ["--state-dir", str(self.state), "--model", "big:vocab=65536", "--port-file", str(port_file)]
        cmd += ["--log-level", "warning"]
        self.proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 60
        while not port_file.exists():
            assert self.proc.poll() is None and time.monotonic() < deadline, "the local server did not start"
            time.sleep(0.05)

    def kill(self) -> None:
        assert self.proc is not None
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait()


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    srv = Served(port, tmp_path_factory.mktemp("e2e") / "state")
    srv.start()
    try:
        service = tinker.ServiceClient(base_url=srv.url, api_key=KEY)
        training = service.create_lora_training_client(base_model="big", rank=32).result()
        training.forward_backward([text_datum("interrupt me")], "cross_entropy").result()
        training.optim_step(types.AdamParams(learning_rate=1e-2)).result()  # non-zero moments: not compressible
        srv.path = training.save_state("big").result().path
        service.close().result()
        yield srv
    finally:
        if srv.proc is not None and srv.proc.poll() is None:
            srv.kill()


class KillAt:
    """A stand-in for the progress bars that kills the server once ``at`` bytes of a file have arrived."""

    def __init__(self, at: int, action: Callable[[], None]) -> None:
        self.at, self.action, self.fired = at, action, False

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def add_task(self, *_a: Any, **_k: Any) -> int:
        return 0

    def update(self, _task: int, completed: int = 0, total: int | None = None) -> None:
        if not self.fired and completed >= self.at:
            self.fired = True
            self.action()


def _files(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_archive_download_survives_a_server_killed_mid_transfer(
    cli: CLI, served: Served, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    clean = cli("-f", "json", "checkpoint", "download", served.path, "--archive", "-o", "clean", url=served.url)
    assert clean.code == 0, clean.err
    expected = Path(clean.json()["destination"]).read_bytes()
    assert len(expected) > 4 << 20

    def kill_and_restart() -> None:
        served.kill()
        threading.Thread(target=served.start, daemon=True).start()

    killer = KillAt(1 << 20, kill_and_restart)
    monkeypatch.setattr(_checkpoint_download, "transfer", lambda _enabled: killer)
    result = cli("-f", "json", "checkpoint", "download", served.path, "--archive", "-o", "cut", url=served.url)
    assert killer.fired and result.code == 0, result.err
    assert Path(result.json()["destination"]).read_bytes() == expected
    assert result.json()["file_size_bytes"] == len(expected)


def test_files_download_resumes_in_the_next_run(
    cli: CLI, served: Served, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    if served.proc is None or served.proc.poll() is not None:
        served.start()
    clean = cli("-f", "json", "checkpoint", "download", served.path, "-o", "clean", url=served.url)
    assert clean.code == 0, clean.err
    expected = _files(Path(clean.json()["destination"]))

    attempts, transfer = _download.ATTEMPTS, _checkpoint_download.transfer
    monkeypatch.setattr(_download, "ATTEMPTS", 2)  # give up soon while the server is down
    killer = KillAt(1 << 20, served.kill)
    monkeypatch.setattr(_checkpoint_download, "transfer", lambda _enabled: killer)
    failed = cli("checkpoint", "download", served.path, "-o", "cut", url=served.url)
    assert killer.fired and failed.code == 1 and "run the same command again to resume" in failed.err
    target = tmp_path / "cut" / served.path.removeprefix("tinker://").replace("/", "_")
    assert (target / ".tinker-download.json").is_file() and list(target.glob("*.part"))

    served.start()
    monkeypatch.setattr(_download, "ATTEMPTS", attempts)
    monkeypatch.setattr(_checkpoint_download, "transfer", transfer)
    resumed = cli("-f", "json", "checkpoint", "download", served.path, "-o", "cut", url=served.url)
    assert resumed.code == 0, resumed.err
    assert "Exporting" not in resumed.err  # the first run's export was reused, not made again
    assert _files(target) == expected  # no marker, no .part files: exactly the checkpoint's files
    assert os.listdir(tmp_path / "cut") == [target.name]
    left = tinker.RestClient(base_url=served.url, api_key=KEY).list_user_checkpoints(1000).result().checkpoints
    assert [c.tinker_path for c in left if c.checkpoint_type == "external"] == []  # the temporary exports are gone
