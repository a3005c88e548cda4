"""Fixtures of the CLI tests: a real local server on loopback with a seeded training run, and ``cli(...)``
that runs the ``tinker`` command in-process with the environment a user would set."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

import tinker
from tests.helpers import text_datum
from tinker import types
from tinker_cli import main
from tinker_local import LocalServer

KEY = "tml-cli-test"


@dataclass
class Result:
    code: int
    out: str
    err: str

    def json(self) -> Any:
        return json.loads(self.out)


@dataclass
class Seeded:
    server: LocalServer
    run_id: str
    weights: list[str]  # tinker paths of save_state checkpoints, oldest first
    sampler: str
    session_id: str

    @property
    def url(self) -> str:
        return self.server.base_url


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Seeded]:
    """A server with one LoRA run: three save_state checkpoints and one sampler checkpoint."""
    with LocalServer(state_dir=tmp_path_factory.mktemp("state")) as server:
        service = tinker.ServiceClient(base_url=server.base_url, api_key=KEY)
        training = service.create_lora_training_client(base_model="tinker-local/tiny-byte", rank=4).result()
        training.forward_backward([text_datum("hello world")], "cross_entropy").result()
        training.optim_step(types.AdamParams(learning_rate=1e-3)).result()
        weights = [training.save_state(f"step-{i}").result().path for i in range(3)]
        sampler = training.save_weights_for_sampler("sampler-0").result().path
        run_id = training.model_id
        session_id = service.holder.session_id
        assert session_id is not None
        service.close().result()
        yield Seeded(server, run_id, weights, sampler, session_id)


@pytest.fixture
def cli(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> Callable[..., Result]:
    """``cli(*args, url=..., key=..., stdin=...)``: the exit code and what went to stdout and stderr."""
    monkeypatch.setenv("HOME", str(tmp_path / "home"))  # no developer credentials file; login writes here
    monkeypatch.chdir(tmp_path)

    def run(*args: str, url: str | None = None, key: str | None = KEY, stdin: str | None = None) -> Result:
        for name, value in (("TINKER_BASE_URL", url), ("TINKER_API_KEY", key)):
            if value is None:
                monkeypatch.delenv(name, raising=False)
            else:
                monkeypatch.setenv(name, value)
        if stdin is not None:
            import io

            monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
        capsys.readouterr()
        code = main(list(args))
        out, err = capsys.readouterr()
        return Result(code, out, err)

    return run
