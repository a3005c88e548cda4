"""With every switch off, ``import tinker`` and a training step import neither OpenTelemetry nor prometheus_client
and register nothing; the environment switches turn them on when a client is created.

The default network backend (pyqwest) imports the OpenTelemetry *API* when its transport is built, with its
own instrumentation off; that is its dependency, not ours: the SDK still loads no OpenTelemetry SDK, creates no
span and registers no sink."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from typing import Any

from tests.helpers import TINKER_ENV_VARS

from .conftest import API_KEY, WIDE_MODEL

STEP = """
    import sys
    import tinker
    from tinker import types
    loaded = [m for m in sys.modules if m.split(".")[0] in ("opentelemetry", "prometheus_client")]
    assert not loaded, ("import", loaded)
    with tinker.ServiceClient() as service:
        training = service.create_lora_training_client(base_model={model!r}, rank=4).result()
        datum = types.Datum(
            model_input=types.ModelInput.from_ints([1, 2, 3]),
            loss_fn_inputs={{"target_tokens": [2, 3, 4], "weights": [1.0, 1.0, 1.0]}},
        )
        training.forward_backward([datum], "cross_entropy").result()
        training.optim_step(types.AdamParams(learning_rate=1e-3)).result()
    from tinker import _instrument
    loaded = sorted({{m.split(".")[0] for m in sys.modules if m.split(".")[0] in ("opentelemetry", "prometheus_client")}})
    sdk = [m for m in sys.modules if m.startswith("opentelemetry.sdk")]
    print(loaded, [type(s).__name__ for s in _instrument.sinks()], sdk)
"""


def _run(server: Any, **env: str) -> str:
    clean = {k: v for k, v in os.environ.items() if k not in TINKER_ENV_VARS and not k.startswith("TINKER_")}
    clean |= {"TINKER_BASE_URL": server.base_url, "TINKER_API_KEY": API_KEY, **env}
    done = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(STEP.format(model=WIDE_MODEL))],
        env=clean,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def test_everything_off_imports_and_registers_nothing(server: Any) -> None:
    assert _run(server, TINKER_HTTP_BACKEND="httpx") == "[] [] []"


def test_the_default_backend_loads_only_the_opentelemetry_api(server: Any) -> None:
    assert _run(server) == "['opentelemetry'] [] []"


def test_the_environment_switches_turn_each_concern_on(server: Any, tmp_path: Any) -> None:
    audit = tmp_path / "audit.jsonl"
    out = _run(server, TINKER_OTEL="1", TINKER_METRICS="prometheus", TINKER_AUDIT_LOG=str(audit))
    assert out == "['opentelemetry', 'prometheus_client'] ['Tracing', 'Metrics', 'AuditLog'] []"
    assert "ServiceClient.create_lora_training_client" in audit.read_text()
