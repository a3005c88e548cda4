"""A contract edit plus the generator reaches the public types and the raw endpoints, with no hand edit."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]


def test_new_field_and_operation_reach_users(tmp_path: Path) -> None:
    spec = yaml.safe_load((ROOT / "openapi" / "tinker.yaml").read_text(encoding="utf-8"))
    spec["components"]["schemas"]["HealthResponse"]["properties"]["build_sha"] = {
        "type": ["string", "null"],
        "description": "Commit the server was built from.",
    }
    spec["components"]["schemas"]["WarmupRequest"] = {
        "type": "object",
        "x-python-base": "strict",
        "required": ["base_model"],
        "properties": {"base_model": {"type": "string"}},
    }
    spec["paths"]["/api/v1/warmup"] = {
        "post": {
            "operationId": "warmup",
            "tags": ["service"],
            "summary": "Load a base model ahead of use.",
            "requestBody": {
                "required": True,
                "content": {"application/json": {"schema": {"$ref": "#/components/schemas/WarmupRequest"}}},
            },
            "responses": {
                "200": {
                    "description": "ok",
                    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/HealthResponse"}}},
                }
            },
        }
    }
    contract = tmp_path / "tinker.yaml"
    contract.write_text(yaml.safe_dump(spec), encoding="utf-8")
    # The two steps of ./codegen.sh, into a copy: the generated package, then the public module paths.
    shutil.copytree(ROOT / "tinker", tmp_path / "out" / "tinker", ignore=shutil.ignore_patterns("__pycache__"))
    subprocess.run(
        [
            sys.executable,
            str(ROOT / "openapi" / "python" / "generate.py"),
            str(contract),
            str(tmp_path / "out" / "tinker_api"),
        ],
        check=True,
        timeout=120,
    )
    subprocess.run(
        [
            sys.executable,
            str(ROOT / "openapi" / "python" / "public_modules.py"),
            str(tmp_path / "out" / "tinker_api" / "models"),
            str(tmp_path / "out" / "tinker" / "types"),
        ],
        check=True,
        timeout=120,
    )

    out_dir = tmp_path / "out"
    probe = (
        f"OUT = {str(out_dir)!r}\n"
        + """
import tinker.types as T
from tinker.types.health_response import HealthResponse
from tinker.types.warmup_request import WarmupRequest
from tinker_api.api.service import warmup
assert T.__file__.startswith(OUT) and warmup.__file__.startswith(OUT), (T.__file__, warmup.__file__)
assert HealthResponse is T.HealthResponse and WarmupRequest is T.WarmupRequest
assert T.HealthResponse(status="ok", build_sha="abc").build_sha == "abc"
req = warmup.build_request(body=T.WarmupRequest(base_model="m"))
assert req["method"] == "POST" and req["url"] == "/api/v1/warmup" and req["json"] == {"base_model": "m"}
assert warmup.parse_response({"status": "ok", "build_sha": "x"}).build_sha == "x"
print("ok")
"""
    )
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(out_dir), str(ROOT)])}
    # cwd outside the checkout: `python -c` puts the working directory first on sys.path.
    out = subprocess.run(
        [sys.executable, "-c", probe], env=env, cwd=tmp_path, capture_output=True, text=True, timeout=120, check=False
    )
    assert out.returncode == 0 and out.stdout.strip() == "ok", out.stderr
