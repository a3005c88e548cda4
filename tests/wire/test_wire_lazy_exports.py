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
    assert out.stdout.strip() == "['tinker_wire.tensor']"


def test_tensor_values_outside_their_dtype_are_refused_by_name() -> None:
    import pytest

    from tinker_wire.tensor import TensorData

    with pytest.raises(ValueError, match=r"3\.4028235677973366e\+38 at index 1 is outside float32's range"):
        TensorData([0.0, 3.4028235677973366e38], dtype="float32")  # would silently become inf
    with pytest.raises(ValueError, match="int64"):
        TensorData([2**70], dtype="int64")  # was an OverflowError
    assert TensorData([float("inf")], dtype="float32").tolist() == [float("inf")]  # an infinity stays one
