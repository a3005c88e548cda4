"""Start-up: `import tinker` never loads the CLI's libraries, `tinker --help` loads nothing heavy, and a
missing `cli` extra gives a one-line install hint (each in a fresh interpreter)."""

from __future__ import annotations

import json
import subprocess
import sys


def _python(code: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", code], check=False, capture_output=True, text=True, timeout=120)


def test_import_tinker_loads_no_cli_library() -> None:
    proc = _python(
        "import sys, json, tinker; tinker.RestClient; "
        "print(json.dumps(sorted({m.split('.')[0] for m in sys.modules} & {'click', 'rich', 'tinker_cli', 'httpx'})))"
        "; print('httpx._main' in sys.modules)"
    )
    assert proc.returncode == 0, proc.stderr
    names, httpx_cli = proc.stdout.splitlines()
    # httpx imports click and rich for its own command line (httpx._main) whenever both are installed, with or
    # without us; nothing of ours imports them, and tinker_cli is never loaded.
    assert set(json.loads(names)) - {"httpx"} <= ({"click", "rich"} if httpx_cli == "True" else set())


def test_help_loads_neither_the_sdk_nor_rich() -> None:
    proc = _python(
        "import sys, json, io, contextlib\n"
        "from tinker_cli import main\n"
        "out = io.StringIO()\n"
        "with contextlib.redirect_stdout(out):\n"
        "    code = main(['--help'])\n"
        "heavy = sorted({m.split('.')[0] for m in sys.modules} & {'tinker', 'rich', 'httpx', 'numpy', 'pydantic'})\n"
        "print(json.dumps({'code': code, 'heavy': heavy, 'help': out.getvalue()}))"
    )
    assert proc.returncode == 0, proc.stderr
    result = json.loads(proc.stdout)
    assert result["code"] == 0
    assert result["heavy"] == []
    for group in ("auth", "billing", "checkpoint", "model", "run", "session", "version", "local"):
        assert f"  {group} " in result["help"]


def test_missing_cli_extra_gives_one_install_line() -> None:
    # sys.modules[name] = None makes `import name` raise ImportError, as when the package is not installed.
    proc = _python(
        "import sys; sys.modules['click'] = None; from tinker_cli import main; sys.exit(main(['run', 'list']))"
    )
    assert proc.returncode == 1
    assert proc.stdout == ""
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and "pip install 'tinker-oss[cli]'" in lines[0], proc.stderr


def test_missing_rich_gives_the_same_hint() -> None:
    proc = _python("import sys; sys.modules['rich'] = None; from tinker_cli import main; sys.exit(main(['version']))")
    assert proc.returncode == 1 and "pip install 'tinker-oss[cli]'" in proc.stderr


def test_local_server_command_needs_no_cli_extra() -> None:
    proc = _python(
        "import sys; sys.modules['click'] = None; sys.modules['rich'] = None; "
        "from tinker_cli import main; sys.exit(main(['local', 'serve', '--help']))"
    )
    assert proc.returncode == 0, proc.stderr
    assert "--state-dir" in proc.stdout


def test_console_script_runs_as_a_module() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "tinker_cli", "version"], check=False, capture_output=True, text=True, timeout=120
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("tinker 0.38")
