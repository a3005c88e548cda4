"""Fixtures for the wire-codec tests.

The protoc-generated module is the independent reference our hand-written codec is checked against.
We compile ``openapi/tinker.proto`` freshly for every session (so the tests always check the current
contract). When ``generated/tinker_proto/tinker_pb2.py`` is identical to the fresh output, that module is
used (avoids registering the same descriptor twice when other test suites import it).
"""

from __future__ import annotations

import importlib
import importlib.util
import subprocess
import sys
import warnings
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[2]
PROTO = ROOT / "openapi" / "tinker.proto"
GENERATED = ROOT / "generated"

for p in (str(ROOT), str(GENERATED)):
    if p not in sys.path:
        sys.path.insert(0, p)


def _compile(out_dir: Path) -> Path | None:
    if importlib.util.find_spec("grpc_tools") is None:
        return None
    out_dir.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [
            sys.executable,
            "-m",
            "grpc_tools.protoc",
            f"-I{PROTO.parent}",
            f"--python_out={out_dir}",
            str(PROTO),
        ],
        check=True,
        capture_output=True,
    )
    return out_dir / "tinker_pb2.py"


@pytest.fixture(scope="session")
def pb2(tmp_path_factory: pytest.TempPathFactory) -> ModuleType:
    """The protoc-generated ``tinker_pb2`` module for the current ``openapi/tinker.proto``."""
    fresh = _compile(tmp_path_factory.mktemp("protoc"))
    installed = GENERATED / "tinker_proto" / "tinker_pb2.py"
    if fresh is None:
        if not installed.exists():
            pytest.skip("grpcio-tools is not installed and generated/tinker_proto is missing")
        return importlib.import_module("tinker_proto.tinker_pb2")
    if installed.exists() and installed.read_bytes() == fresh.read_bytes():
        return importlib.import_module("tinker_proto.tinker_pb2")
    if "tinker_proto.tinker_pb2" in sys.modules:
        warnings.warn("generated/tinker_proto is stale; using it anyway (already imported)", stacklevel=1)
        return sys.modules["tinker_proto.tinker_pb2"]
    spec = importlib.util.spec_from_file_location("_fresh_tinker_pb2", fresh)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
