"""`TensorData`: the one tensor type, shared with the wire codec (``tinker_wire.tensor``)."""

from __future__ import annotations

from tinker_wire.tensor import TensorData

__all__ = ["TensorData"]
