"""`import tinker` stays light: no torch, no pydantic, no local server."""

from __future__ import annotations

import subprocess
import sys
import textwrap

HEAVY = ("torch", "pydantic", "pydantic_core", "tinker_local", "starlette", "uvicorn")


def _run(code: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True, timeout=60, check=False
    )


def test_import_tinker_is_light() -> None:
    out = _run(f"""
        import sys
        import tinker
        loaded = [m for m in {HEAVY!r} if m in sys.modules]
        assert not loaded, loaded
        assert tinker.__version__
        print("ok")
    """)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "ok"


def test_client_classes_never_pull_in_torch_or_the_local_server() -> None:
    out = _run("""
        import sys
        import tinker
        tinker.ServiceClient, tinker.TrainingClient, tinker.SamplingClient, tinker.RestClient, tinker.AdminClient
        tinker.APIFuture, tinker.RetryConfig, tinker.Datum, tinker.TensorData
        loaded = [m for m in ("torch", "tinker_local") if m in sys.modules]
        assert not loaded, loaded
        print("ok")
    """)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "ok"


def test_first_touch_loads_neither_numpy_nor_httpx_nor_the_endpoints() -> None:
    # The "import + first touch" of benchmarks/bench_vs_official.py: numpy, httpx, asyncio and the generated
    # endpoint modules load with the first request or tensor, not with the names.
    out = _run("""
        import sys
        import tinker
        for name in ("ServiceClient", "TrainingClient", "SamplingClient", "Datum", "ModelInput", "SamplingParams"):
            getattr(tinker, name)
        tinker.ModelInput.from_ints([1, 2, 3])
        tinker.SamplingParams(max_tokens=1)
        roots = ("numpy", "httpx", "asyncio", "ssl")
        heavy = [m for m in sys.modules if m.split(".")[0] in roots or m.startswith("tinker_api.api.")]
        assert not heavy, heavy
        # Nor what the first touch once paid for without using it (docs/performance.md): the optimizer models
        # behind TrainingClient.get_info's annotation, pydantic's functional_serializers behind Base64Bytes.
        unused = [m for m in ("tinker_api.models.optimizer", "pydantic.functional_serializers") if m in sys.modules]
        assert not unused, unused
        print("ok")
    """)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "ok"


def test_public_annotations_still_resolve() -> None:
    # Names of public annotations stay importable at run time (typing.get_type_hints), lazy imports or not.
    import typing

    import tinker

    for fn in (
        tinker.TrainingClient.__init__,
        tinker.TrainingClient.get_info,
        tinker.SamplingClient.compute_logprobs,
        tinker.ServiceClient.create_sampling_client,
        tinker.ServiceClient.create_lora_training_client,
    ):
        assert typing.get_type_hints(fn), fn
    # Written as ``models.GetInfoResponse`` so that touching TrainingClient does not build the optimizer models.
    assert typing.get_type_hints(tinker.TrainingClient.get_info)["return"] is tinker.GetInfoResponse
