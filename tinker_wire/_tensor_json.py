"""The JSON ``TensorData`` form, parsed strictly into :class:`~tinker_wire.tensor.TensorData`.

Stricter than :meth:`TensorData.from_json_dict` (which accepts what the constructor accepts): every list must
be flat and hold numbers only, and each problem is reported as a :class:`WireError` naming the field.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from ._errors import WireError
from .tensor import TensorData, TensorDtype, check_layout

__all__ = ["tensor_from_json"]

_INT64_MAX = np.iinfo(np.int64).max


def _json_array(data: Any, dtype: TensorDtype, what: str) -> np.ndarray:
    """Convert a JSON number list into a flat numpy array of ``dtype`` with strict checks.

    A numpy array (as :func:`~tinker_wire.loads_lean` produces) goes through the same checks as the
    ``np.asarray`` of the equivalent list, without a detour through Python objects; an int64 array for
    int64 data is used as is (no copy).
    """
    if isinstance(data, np.ndarray):
        arr = data
    elif isinstance(data, (list, tuple)):
        try:
            arr = np.asarray(data)
        except (ValueError, OverflowError) as e:
            raise WireError(f"{what}: not a flat list of numbers ({e})") from None
    else:
        raise WireError(f"{what}: expected an array of numbers, got {type(data).__name__}")
    if arr.ndim != 1:
        if arr.size == 0:
            arr = arr.reshape(0)
        else:
            raise WireError(f"{what}: expected a flat array of numbers, got nesting depth {arr.ndim}")
    kind = arr.dtype.kind
    if arr.size == 0:
        return np.zeros(0, dtype=np.float32 if dtype == "float32" else np.int64)
    if kind == "b":
        raise WireError(f"{what}: booleans are not numbers")
    if kind == "O" or kind not in "iuf":
        raise WireError(f"{what}: every element must be a number (found null, a string or an out-of-range integer)")
    if dtype == "int64":
        if kind == "u":
            if int(arr.max()) > _INT64_MAX:
                raise WireError(f"{what}: value {int(arr.max())} does not fit int64")
            return arr.astype(np.int64)
        if kind == "f":
            if not bool(np.all(np.isfinite(arr))) or not bool(np.all(arr == np.trunc(arr))):
                raise WireError(f"{what}: int64 tensors need integer values")
            if float(arr.max()) >= 2.0**63 or float(arr.min()) < -(2.0**63):
                raise WireError(f"{what}: a value does not fit int64")
            return arr.astype(np.int64)
        return arr.astype(np.int64, copy=False)
    # float32
    out = arr.astype(np.float32)
    if kind == "f" and not bool(np.all(np.isfinite(out))):
        raise WireError(f"{what}: values must be finite float32 numbers")
    return out


def _json_indices(data: Any, what: str) -> np.ndarray:
    return _json_array(data, "int64", what)


def tensor_from_json(d: Any, where: str = "TensorData") -> TensorData:
    """Parse and validate the JSON ``TensorData`` form.

    Accepts ``{"data": [...], "dtype": "int64"|"float32", "shape": [...]|null,
    "sparse_crow_indices": [...]|null, "sparse_col_indices": [...]|null}``; unknown keys are ignored.
    Each list may also be a 1-D numpy array (e.g. from :func:`~tinker_wire.loads_lean`), with the same
    validation and messages as the list.
    Raises :class:`WireError` naming the offending field (prefixed by ``where``); the layout is checked by
    :func:`~tinker_wire.tensor.check_layout`, as for every other way a tensor is made.
    """
    if not isinstance(d, Mapping):
        raise WireError(f"{where}: expected an object, got {type(d).__name__}")
    dtype = d.get("dtype")
    if dtype not in ("int64", "float32"):
        raise WireError(f"{where}.dtype: must be 'int64' or 'float32', got {dtype!r}")
    if "data" not in d:
        raise WireError(f"{where}.data: required field is missing")
    values = _json_array(d["data"], dtype, f"{where}.data")
    raw_shape = d.get("shape")
    shape: tuple[int, ...] | None
    if raw_shape is None:
        shape = None
    elif isinstance(raw_shape, np.ndarray):  # from loads_lean: same checks and message as for a list
        if raw_shape.ndim != 1 or raw_shape.dtype.kind not in "iu":
            raise WireError(f"{where}.shape: expected a list of integers, got {raw_shape.tolist()!r}")
        shape = tuple(raw_shape.tolist())
    else:
        if not isinstance(raw_shape, (list, tuple)) or not all(
            isinstance(x, int) and not isinstance(x, bool) for x in raw_shape
        ):
            raise WireError(f"{where}.shape: expected a list of integers, got {raw_shape!r}")
        shape = tuple(raw_shape)
    crow_raw = d.get("sparse_crow_indices")
    col_raw = d.get("sparse_col_indices")
    crow = None if crow_raw is None else _json_indices(crow_raw, f"{where}.sparse_crow_indices")
    col = None if col_raw is None else _json_indices(col_raw, f"{where}.sparse_col_indices")
    check_layout(values.size, shape, crow, col, where, error=WireError)
    if crow is None and shape is not None and len(shape) != 1:
        values = values.reshape(shape)
    return TensorData._from_checked(dtype, values, shape, crow, col)
