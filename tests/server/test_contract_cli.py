"""The schemathesis CLI, all checks included (authentication too), against ``tinker local serve --api-key``.

The server runs as a real subprocess with two API keys; the CLI sends one of them and reads
``schemathesis.toml`` from the repository root (the same narrowed expectations as the in-process run).
"""

from __future__ import annotations

import os
import pathlib
import shutil
import signal
import subprocess
import sys
import time

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
KEY = "tml-cli-schemathesis"
OTHER_KEY = "tml-cli-other"


@pytest.mark.slow
@pytest.mark.timeout(150)
def test_schemathesis_cli_all_checks(tmp_path):
    cli = shutil.which("schemathesis") or shutil.which("st")
    if cli is None:
        pytest.skip("the schemathesis CLI is not installed")
    port_file = tmp_path / "url"
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "tinker_local",
            "serve",
            "--port",
            "0",
            "--port-file",
            str(port_file),
            "--api-key",
            KEY,
            "--api-key",
            OTHER_KEY,
            "--retrieve-timeout",
            "0.5",
            "--seq-gap-timeout",
            "2",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 30
        while not (port_file.exists() and port_file.read_text().strip()):
            if server.poll() is not None:
                pytest.fail(f"server exited early: {server.stderr.read().decode(errors='replace')}")
            if time.monotonic() > deadline:
                pytest.fail("server did not come up within 30 s")
            time.sleep(0.1)
        url = port_file.read_text().strip()
        run = subprocess.run(
            [
                cli,
                "run",
                str(ROOT / "openapi" / "tinker.yaml"),
                "--url",
                url,
                "-H",
                f"X-API-Key: {KEY}",
                "--checks",
                "all",
                "--max-examples",
                "8",
                "--seed",
                "20261205",
                "--workers",
                "1",
                "--generation-database",
                "none",
                "--no-color",
            ],
            check=False,
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=120,
            env={**os.environ, "NO_COLOR": "1"},
        )
        assert run.returncode == 0, run.stdout[-20000:] + run.stderr[-4000:]
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()
