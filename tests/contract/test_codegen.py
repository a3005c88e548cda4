"""Freshness check: generated/ is exactly what ./codegen.sh produces from the contract.

This is the check `.ci/run` also performs; keeping it in the test suite means a plain `pytest` catches a
contract edit that was not followed by `./codegen.sh`. Outside CI it skips when the pinned generator tools
are missing; in CI (env `CI` set) a missing tool is a failure, never a skip.
"""

from __future__ import annotations

import importlib.metadata
import os
import re
import shutil
import subprocess

import pytest

from .conftest import ROOT

# The generator itself is openapi/python/generate.py (run by codegen.sh); these are the tools it pins.
PINS = {"ruff": "0.17.6", "grpcio-tools": "1.80.0"}


def _missing_tools() -> list[str]:
    missing = []
    for tool in ("ruff",):
        if shutil.which(tool) is None:
            missing.append(f"{tool} not on PATH")
    for dist, want in PINS.items():
        try:
            have = importlib.metadata.version(dist)
        except importlib.metadata.PackageNotFoundError:
            have = None
        if have != want:
            missing.append(f"{dist}=={want} needed (found {have})")
    return missing


def test_pins_match_codegen_sh():
    text = (ROOT / "codegen.sh").read_text(encoding="utf-8")
    wanted = dict(re.findall(r'\bwant_(\w+)="([^"]+)"', text))
    assert wanted == {"ruff": PINS["ruff"], "grpc": PINS["grpcio-tools"]}, wanted


@pytest.mark.ci
@pytest.mark.timeout(300)
def test_codegen_check_is_clean():
    missing = _missing_tools()
    if missing:
        message = "pinned codegen tools unavailable: " + "; ".join(missing) + " (run: pip install -e '.[dev]')"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    proc = subprocess.run(
        ["bash", str(ROOT / "codegen.sh"), "--check"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=280,
        check=False,
    )
    assert proc.returncode == 0, (
        f"./codegen.sh --check exited {proc.returncode}: generated/ is stale or codegen failed.\n"
        f"stdout:\n{proc.stdout}\nstderr:\n{proc.stderr[-6000:]}"
    )
