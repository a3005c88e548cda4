"""Run the official tinker SDK against `tinker local serve` (issue: real clients, JSON and protobuf eras).

The official SDK is never a dependency: point TINKER_COMPAT_PYTHONS at the python executables of
virtualenvs that hold it (colon-separated), e.g. one with tinker==0.38.0 and one with tinker==0.16.1 (both
need `pip install torch==2.13.0` first). Without it the test is skipped.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).parent
PYTHONS = [p for p in os.environ.get("TINKER_COMPAT_PYTHONS", "").split(":") if p]


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory):
    """A real `tinker local serve` process on a free port."""
    port_file = tmp_path_factory.mktemp("serve") / "url"
    proc = subprocess.Popen(
        [sys.executable, "-m", "tinker_cli", "local", "serve", "--port", "0", "--port-file", str(port_file)],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        url = proc.stdout.readline().strip()  # the server prints its base URL once healthy
        assert url.startswith("http://127.0.0.1:"), url
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=30)


@pytest.mark.skipif(not PYTHONS, reason="set TINKER_COMPAT_PYTHONS to virtualenv pythons holding the official tinker")
@pytest.mark.parametrize("python", PYTHONS)
def test_official_sdk_trains_and_samples(python: str, served: str) -> None:
    proc = subprocess.run(
        [python, str(HERE / "official_sdk_loop.py"), served], capture_output=True, text=True, timeout=600, check=False
    )
    print(proc.stdout)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert proc.stdout.rstrip().endswith("OK")
