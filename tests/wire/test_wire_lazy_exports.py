"""tinker_wire loads its parts on first use: the generated models import the tensor type only."""

from __future__ import annotations

import subprocess
import sys

import tinker_wire


def test_every_export_resolves() -> None:
    assert sorted(tinker_wire.__all__) == sorted(tinker_wire._EXPORTS)
    for name in tinker_wire.__all__:
        assert getattr(tinker_wire, name) is not None


def test_the_tensor_type_does_not_load_the_codec() -> None:
    probe = "import sys, tinker_wire.tensor; print(sorted(m for m in sys.modules if m.startswith('tinker_wire.')))"
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=60)
    assert out.stdout.strip() == "['tinker_wire._lazy', 'tinker_wire.tensor']"  # _lazy: numpy loads on first use


def test_tensor_values_outside_their_dtype_are_refused_by_name() -> None:
    import pytest

    from tinker_wire.tensor import TensorData

    with pytest.raises(ValueError, match=r"3\.4028235677973366e\+38 at index 1 is outside float32's range"):
        TensorData([0.0, 3.4028235677973366e38], dtype="float32")  # would silently become inf
    with pytest.raises(ValueError, match="int64"):
        TensorData([2**70], dtype="int64")  # was an OverflowError
    assert TensorData([float("inf")], dtype="float32").tolist() == [float("inf")]  # an infinity stays one


def test_a_deferred_import_loads_on_first_use_and_then_steps_aside() -> None:
    probe = """
import sys
from tinker_wire._lazy import deferred_import
ns = {}
ns["colorsys"] = deferred_import("colorsys", ns)
assert "colorsys" not in sys.modules
assert ns["colorsys"].rgb_to_hsv(1.0, 0.0, 0.0) == (0.0, 1.0, 1.0)
assert ns["colorsys"] is sys.modules["colorsys"]  # later reads are plain look-ups
print("ok")
"""
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60, check=False)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "ok"


def test_a_deferred_import_forwards_patches_and_leaves_a_patched_name_alone() -> None:
    import types

    from tinker_wire._lazy import deferred_import

    ns: dict[str, object] = {}
    stand_in = deferred_import("tinker_wire._errors", ns)
    ns["mod"] = stand_in
    ns["mod"] = replacement = types.SimpleNamespace()  # as monkeypatch.setattr(module, "mod", ...) does
    stand_in.extra = 1  # reaches the module
    assert ns["mod"] is replacement
    module = sys.modules["tinker_wire._errors"]
    assert module.extra == 1  # type: ignore[attr-defined]
    del stand_in.extra
    assert not hasattr(module, "extra")
    assert "tinker_wire._errors" in repr(deferred_import("tinker_wire._errors", {}))
