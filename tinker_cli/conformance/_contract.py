"""Contract fuzzing: schemathesis runs the contract shipped with the SDK (``tinker_api/openapi.json``) against
the server, every schemathesis check on, with the expected statuses of ``schemathesis.toml`` beside this file.

It runs as a subprocess of the schemathesis CLI: its runner, phases and report are used as they are, and its
imports (hypothesis and friends) never enter this process.
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from importlib import resources

from ._kit import CheckFailed, CheckSkipped, Server, check

#: The variable that hands the key to schemathesis (``headers`` in schemathesis.toml): a command line is visible
#: to every local user.
KEY_VARIABLE = "TINKER_CONFORMANCE_API_KEY"
#: Examples per operation and phase; the stateful phase follows the contract's links for as many steps.
EXAMPLES = 5


@check(
    "contract.fuzz",
    "schemathesis against the contract: statuses, media types, headers and schemas of every answer, schema-invalid "
    "requests refused, schema-valid ones accepted, auth enforced. Read-only runs fuzz the GET operations; with "
    "--mutating every operation, and the stateful phase follows the links (session -> model -> futures).",
    mutating=False,
)
def contract_fuzz(s: Server) -> str:
    if importlib.util.find_spec("schemathesis") is None:
        raise CheckSkipped("schemathesis is not installed: pip install 'tinker-oss[conformance]'")
    contract = resources.files("tinker_api") / "openapi.json"
    config = resources.files("tinker_cli.conformance") / "schemathesis.toml"
    with resources.as_file(contract) as contract_path, resources.as_file(config) as config_path:
        cmd = [sys.executable, "-m", "schemathesis.cli", "--config-file", str(config_path), "--no-color", "run"]
        cmd += [str(contract_path), "--url", s.base_url.rstrip("/")]
        cmd += ["--checks", "all", "-n", str(EXAMPLES), "--seed", "20261205", "--workers", "1"]
        cmd += ["--request-timeout", str(s.timeout)]
        if not s.mutating:
            cmd += ["--include-method", "GET", "--phases", "examples,coverage,fuzzing"]
        try:
            run = subprocess.run(
                cmd,
                capture_output=True,
                text=True,
                check=False,
                timeout=max(60.0, 20 * s.timeout),
                env={**os.environ, "NO_COLOR": "1", KEY_VARIABLE: s.api_key},
            )
        except subprocess.TimeoutExpired:
            raise CheckFailed("schemathesis did not finish in time; lower the load or raise --timeout") from None
    summary = [ln for ln in run.stdout.splitlines() if ln.strip()]
    if run.returncode != 0:
        failures = [ln.strip() for ln in summary if ln.lstrip().startswith(("_", "-", "[", "Failed", "FAILURES"))]
        tail = "\n".join((failures or summary)[-25:]) or run.stderr[-2000:]
        if s.api_key:  # its reproduction commands carry the headers (sanitizing would mask ids and tokens too)
            tail = tail.replace(s.api_key, "<redacted>")
        raise CheckFailed(f"schemathesis exit {run.returncode}:\n{tail}")
    scope = "every operation, stateful links" if s.mutating else "GET operations"
    last = next((ln.strip() for ln in reversed(summary) if "passed" in ln or "test cases" in ln), "")
    return f"{scope}: {last}"
