"""The element types a :class:`~tinker.types.TensorData` may carry."""

from __future__ import annotations

from typing import Literal

__all__ = ["TensorDtype"]

TensorDtype = Literal["int64", "float32"]
"""The only two public tensor dtypes."""
