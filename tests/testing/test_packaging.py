"""tinker.testing costs nothing until used: ``import tinker`` never imports it, a pytest run that loads the
plugin but uses no fixture imports nothing heavy, and the local server loads only when a server is built. The
example test file passes, offline."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# Modules a test that uses no tinker fixture must not pay for.
HEAVY = ("tinker_local", "tinker_api", "tinker_wire", "numpy", "httpx", "pydantic", "starlette", "uvicorn")


def _python(code: str, **env: str) -> str:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("TINKER_")}
    proc = subprocess.run(
        [sys.executable, "-c", code],
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    return proc.stdout


def test_the_sdk_never_imports_the_test_toolkit() -> None:
    out = _python(
        "import sys, tinker\n"
        "c = tinker.ServiceClient(base_url='http://127.0.0.1:9', api_key='k')\n"
        "tinker.types.Datum\n"
        "print([m for m in sys.modules if m.startswith('tinker.testing')])"
    )
    assert out.strip() == "[]"


def test_the_toolkit_imports_the_server_only_for_a_server() -> None:
    out = _python(
        "import sys\n"
        "from tinker.testing import Fault, FaultProxy, record, replay, service_client\n"
        "before = 'tinker_local' in sys.modules\n"
        "from tinker.testing import TinkerServer\n"
        "TinkerServer().close()\n"
        "print(before, 'tinker_local' in sys.modules)"
    )
    assert out.split() == ["False", "True"]


def test_a_pytest_run_that_uses_no_fixture_imports_nothing_heavy(tmp_path: Path) -> None:
    (tmp_path / "test_plain.py").write_text(
        "import json, sys\n"
        "def test_plain():\n"
        "    with open('modules.json', 'w') as f:\n"
        "        json.dump(sorted(sys.modules), f)\n"
    )

    def run(*plugin: str) -> list[str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("TINKER_")}
        env["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] = "1"  # only the plugin under test, no other installed one
        args = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *plugin, "test_plain.py"]
        proc = subprocess.run(args, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120, check=False)
        assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
        modules: list[str] = json.loads((tmp_path / "modules.json").read_text())
        return modules

    without, with_plugin = run(), run("-p", "tinker")  # "tinker": the pytest11 entry point's name
    assert "tinker.testing.plugin" in with_plugin
    added = set(with_plugin) - set(without)
    heavy = sorted(m for m in added if m.split(".")[0] in HEAVY)
    assert not heavy, heavy
    ours = sorted(m for m in added if m.startswith("tinker"))
    assert ours == ["tinker", "tinker._version", "tinker.testing", "tinker.testing.plugin"]


def test_pyproject_registers_the_plugin_and_the_extra() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert project["entry-points"]["pytest11"] == {"tinker": "tinker.testing.plugin"}
    testing = project["optional-dependencies"]["testing"]
    assert "tinker-oss[local]" in testing and any(d.startswith("pytest") for d in testing)


def test_the_example_passes_offline() -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TINKER_")}
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", "examples/test_my_loop.py"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    assert "3 passed" in proc.stdout
