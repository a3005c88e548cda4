"""Every fenced Python block of the documents runs, against an in-process local server.

Each chain of blocks (a block plus the ``continue`` blocks after it, see ``tests/docs/markdown.py``) runs as a
fresh program in its own interpreter and working directory, so what a snippet switches on (tracing, metrics,
hooks, files) never leaks into another snippet or another test. The environment points the SDK at the server:
``TINKER_BASE_URL`` and ``TINKER_API_KEY``; every other ``TINKER_*`` variable is removed. Tracebacks name the
document and line. The chains run a few at a time, in parallel, as soon as the module's first test starts.
"""

from __future__ import annotations

import concurrent.futures
import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.helpers import start_local_server

from .markdown import ROOT, Chain, chains, doc_files, rel

CHAINS = chains(doc_files())
API_KEY = "tml-docs"
TIMEOUT_S = 120.0

# Runs the blocks of one chain in one namespace; each block is compiled under its document's name and line, so a
# traceback points into the Markdown file. The process exits normally, as a user's script would: a crash at
# interpreter exit fails the snippet too (tests/resilience/test_exit_in_flight.py holds that case).
RUNNER = r"""
import json, sys
blocks = json.load(open(sys.argv[1], encoding="utf-8"))
namespace = {"__name__": "__main__"}
for block in blocks:
    code = compile("\n" * (block["line"] - 1) + block["code"], block["path"], "exec")
    exec(code, namespace)
"""


@dataclass
class Outcome:
    returncode: int
    stdout: str
    stderr: str
    seconds: float


def _environment(base_url: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TINKER_")}
    env["TINKER_BASE_URL"] = base_url
    env["TINKER_API_KEY"] = API_KEY
    paths = [str(ROOT), str(ROOT / "generated")]
    if env.get("PYTHONPATH"):
        paths.append(env["PYTHONPATH"])
    env["PYTHONPATH"] = os.pathsep.join(paths)
    env["PYTHONUNBUFFERED"] = "1"
    return env


def _run(chain: Chain, base_url: str, workdir: Path) -> Outcome:
    workdir.mkdir(parents=True, exist_ok=True)
    (workdir / "runner.py").write_text(RUNNER, encoding="utf-8")
    blocks = [{"path": rel(b.path), "line": b.line, "code": b.code} for b in chain.blocks]
    (workdir / "blocks.json").write_text(json.dumps(blocks), encoding="utf-8")
    started = time.monotonic()
    try:
        proc = subprocess.run(
            [sys.executable, "runner.py", "blocks.json"],
            cwd=workdir,
            env=_environment(base_url),
            capture_output=True,
            text=True,
            timeout=TIMEOUT_S,
            check=False,
        )
    except subprocess.TimeoutExpired as exc:
        out = exc.stdout.decode() if isinstance(exc.stdout, bytes) else exc.stdout or ""
        err = exc.stderr.decode() if isinstance(exc.stderr, bytes) else exc.stderr or ""
        return Outcome(-1, out, err + f"\n(timed out after {TIMEOUT_S:.0f} s)", time.monotonic() - started)
    return Outcome(proc.returncode, proc.stdout, proc.stderr, time.monotonic() - started)


@pytest.fixture(scope="module")
def outcomes(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[dict[str, concurrent.futures.Future[Outcome]]]:
    """One local server for the module, and every selected runnable chain started on it, a few at a time."""
    selected: list[Chain] = []
    for item in request.session.items:
        callspec: Any = getattr(item, "callspec", None)
        chain = callspec.params.get("chain") if callspec is not None else None
        if isinstance(chain, Chain) and chain.skip_reason is None and chain not in selected:
            selected.append(chain)
    server = start_local_server()
    workers = max(2, min(4, os.cpu_count() or 2))
    pool = concurrent.futures.ThreadPoolExecutor(max_workers=workers, thread_name_prefix="docs-snippet")
    root = tmp_path_factory.mktemp("snippets")
    started = {
        chain.where: pool.submit(_run, chain, server.base_url, root / f"{index:03d}")
        for index, chain in enumerate(selected)
    }
    try:
        yield started
    finally:
        for future in started.values():
            future.cancel()
        pool.shutdown(wait=True)
        server.stop()


@pytest.mark.parametrize("chain", CHAINS, ids=[c.where for c in CHAINS])
def test_snippet_runs(chain: Chain, outcomes: dict[str, concurrent.futures.Future[Outcome]]) -> None:
    reason = chain.skip_reason
    if reason is not None:
        pytest.skip(f"marked no-run: {reason}")
    outcome = outcomes[chain.where].result()
    if outcome.returncode != 0:
        lines = " + ".join(b.where for b in chain.blocks)
        pytest.fail(
            f"the snippet at {lines} failed (exit {outcome.returncode}, {outcome.seconds:.1f} s)\n"
            f"--- stdout\n{outcome.stdout[-4000:]}\n--- stderr\n{outcome.stderr[-6000:]}",
            pytrace=False,
        )


def test_the_documents_have_snippets() -> None:
    """The collector finds the blocks (a broken parser would make every document "pass" with no snippet)."""
    where = {rel(c.blocks[0].path) for c in CHAINS}
    assert "README.md" in where
    assert len([c for c in CHAINS if c.skip_reason is None]) >= 10
