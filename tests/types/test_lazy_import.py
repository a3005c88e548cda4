"""`tinker.types` is lazy, complete and keeps the deep import paths."""

from __future__ import annotations

import importlib
import pkgutil
import subprocess
import sys
import textwrap

import tinker.types as T


def test_import_is_light() -> None:
    code = textwrap.dedent(
        """
        import sys
        import tinker.types
        from tinker.types import TensorData, StopReason
        heavy = [m for m in ("torch", "pydantic", "pydantic_core") if m in sys.modules]
        assert not heavy, heavy
        print("ok")
        """
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=False)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "ok"


def test_torch_never_imported_by_types() -> None:
    code = "import sys, tinker.types as t\n[getattr(t, n) for n in t.__all__]\nassert 'torch' not in sys.modules"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=False)
    assert out.returncode == 0, out.stderr


def test_export_map_matches_modules() -> None:
    import tinker_api.models

    defined: dict[str, str] = {}
    hand_written = {info.name for info in pkgutil.iter_modules(T.__path__) if not info.name.startswith("_")}
    assert set(tinker_api.models._MODULES.values()) <= hand_written, "a generated module has no public path"
    for module_name in sorted(hand_written):
        module = importlib.import_module(f"tinker.types.{module_name}")
        for name in module.__all__:
            obj = getattr(module, name)
            home = getattr(obj, "__module__", None)
            if home == module.__name__ or name not in defined:
                defined.setdefault(name, module_name)
    assert set(defined) == set(T.__all__)
    for name in T.__all__:
        assert getattr(T, name) is getattr(importlib.import_module(f"tinker.types.{defined[name]}"), name)
    assert set(T.__all__) <= set(dir(T))


def test_one_model_set() -> None:
    """A public type is the generated model of its name; nothing re-declares one by hand."""
    import tinker_api.models

    for name, module in tinker_api.models._MODULES.items():
        assert getattr(T, name) is getattr(tinker_api.models, name), f"tinker.types.{name} is not the generated one"
        assert getattr(importlib.import_module(f"tinker.types.{module}"), name) is getattr(tinker_api.models, name)
    assert not set(T._HAND_WRITTEN) & set(tinker_api.models._MODULES), "a hand-written type shadows a generated one"


def test_deep_paths_and_submodule_attributes() -> None:
    from tinker.types.image_chunk import ImageChunk
    from tinker.types.tensor_data import TensorData

    assert TensorData is T.TensorData and ImageChunk is T.ImageChunk
    assert T.sampling_params.SamplingParams is T.SamplingParams
    for path in (
        "optimizer",
        "checkpoint",
        "training_run",
        "lora_config",
        "optim_step_response",
        "sample_response",
        "sampled_sequence",
        "datum",
        "model_input",
        "encoded_text_chunk",
        "loss_fn_type",
        "stop_reason",
        "provenance_spans",
        "topk_logprobs",
        "optimizer",
    ):
        importlib.import_module(f"tinker.types.{path}")
    try:
        T.no_such_thing  # noqa: B018
    except AttributeError as exc:
        assert "no_such_thing" in str(exc)
    else:
        raise AssertionError("expected AttributeError")
