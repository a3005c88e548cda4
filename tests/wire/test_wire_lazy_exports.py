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
