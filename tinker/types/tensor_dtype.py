"""`TensorDtype`: the element types a tensor may have on the wire."""

from __future__ import annotations

from tinker_wire.tensor import TensorDtype

__all__ = ["TensorDtype"]
