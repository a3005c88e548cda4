"""TensorData: validation, JSON form and densification."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import numpy as np

from ._errors import WireError
from ._types import DTypeName, WireTensor

__all__ = ["tensor_from_json", "tensor_to_dense", "tensor_to_json", "validate_tensor"]

_INT64_MAX = np.iinfo(np.int64).max
_INT64_MIN = np.iinfo(np.int64).min

# Sub-field names used in error messages, per representation.
_JSON_NAMES = {
    "data": "data",
    "shape": "shape",
    "crow": "sparse_crow_indices",
    "col": "sparse_col_indices",
    "values": "data",
}
_PROTO_NAMES = {
    "data": "dense",
    "shape": "shape",
    "crow": "sparse_csr.crow_indices",
    "col": "sparse_csr.col_indices",
    "values": "sparse_csr.values",
}


def validate_tensor(t: WireTensor, where: str = "TensorData") -> None:
    """Check that a tensor is internally consistent; raise :class:`WireError` naming the field if not.

    Dense: when ``shape`` is given, ``len(values) == prod(shape)``. Sparse CSR: 2-D ``shape``;
    ``crow_indices`` has rows + 1 entries, starts at 0, never decreases and ends at nnz;
    ``col_indices`` has nnz entries, each in ``[0, cols)``; ``values`` has nnz entries.
    ``where`` prefixes every message (e.g. ``"loss_fn_inputs['weights']"``); sub-fields use the JSON
    names (``data``, ``shape``, ``sparse_crow_indices``, ``sparse_col_indices``).
    """
    _validate(t, where, _JSON_NAMES)


def _validate(t: WireTensor, where: str, _names: Mapping[str, str]) -> None:
    """:func:`validate_tensor` with a choice of sub-field names (JSON or protobuf)."""
    shape = t.shape
    if shape is not None:
        for d in shape:
            if d < 0:
                raise WireError(f"{where}.{_names['shape']}: dimensions must be >= 0, got {list(shape)}")
    crow, col = t.crow_indices, t.col_indices
    if crow is None and col is None:
        if shape is not None:
            numel = math.prod(shape)
            if t.values.size != numel:
                raise WireError(
                    f"{where}.{_names['data']}: {t.values.size} values do not match shape {list(shape)} "
                    f"({numel} elements)"
                )
        return
    if crow is None or col is None:
        missing = _names["crow"] if crow is None else _names["col"]
        raise WireError(f"{where}.{missing}: CSR tensors need both crow and col indices")
    if shape is None or len(shape) != 2:
        raise WireError(
            f"{where}.{_names['shape']}: a sparse CSR tensor needs a 2-D shape, got "
            f"{None if shape is None else list(shape)}"
        )
    rows, cols = shape
    nnz = t.values.size
    if crow.size != rows + 1:
        raise WireError(f"{where}.{_names['crow']}: has {crow.size} entries, expected rows + 1 = {rows + 1}")
    if crow[0] != 0:
        raise WireError(f"{where}.{_names['crow']}: must start at 0, got {int(crow[0])}")
    if rows and bool(np.any(crow[1:] < crow[:-1])):
        raise WireError(f"{where}.{_names['crow']}: must be non-decreasing")
    if crow[-1] != nnz:
        raise WireError(
            f"{where}.{_names['crow']}: last entry {int(crow[-1])} must equal the number of values "
            f"({nnz}, {_names['values']})"
        )
    if col.size != nnz:
        raise WireError(f"{where}.{_names['col']}: has {col.size} entries, expected one per value ({nnz})")
    if nnz:
        lo, hi = int(col.min()), int(col.max())
        if lo < 0 or hi >= cols:
            bad = lo if lo < 0 else hi
            raise WireError(f"{where}.{_names['col']}: column index {bad} is out of range [0, {cols})")


def _json_array(data: Any, dtype: DTypeName, what: str) -> np.ndarray:
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


def tensor_from_json(d: Any, where: str = "TensorData") -> WireTensor:
    """Parse and validate the JSON ``TensorData`` form.

    Accepts ``{"data": [...], "dtype": "int64"|"float32", "shape": [...]|null,
    "sparse_crow_indices": [...]|null, "sparse_col_indices": [...]|null}``; unknown keys are ignored.
    Each list may also be a 1-D numpy array (e.g. from :func:`~tinker_wire.loads_lean`), with the same
    validation and messages as the list.
    Raises :class:`WireError` naming the offending field (prefixed by ``where``).
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
    t = WireTensor(dtype, shape, values, crow, col)
    validate_tensor(t, where)
    return t


def tensor_to_json(t: WireTensor) -> dict[str, Any]:
    """The JSON ``TensorData`` form of a tensor (``shape`` omitted when unknown, never ``null``)."""
    out: dict[str, Any] = {"data": t.values.tolist(), "dtype": t.dtype}
    if t.shape is not None:
        out["shape"] = list(t.shape)
    if t.crow_indices is not None and t.col_indices is not None:
        out["sparse_crow_indices"] = t.crow_indices.tolist()
        out["sparse_col_indices"] = t.col_indices.tolist()
    return out


def tensor_to_dense(t: WireTensor, pad_value: float = 0) -> np.ndarray:
    """Return the tensor as a dense numpy array of its shape (1-D when the shape is unknown).

    Sparse cells not stored in the CSR layout are filled with ``pad_value``. A dense tensor returns
    a reshaped view of ``values`` (no copy) when possible.
    """
    if t.crow_indices is None or t.col_indices is None:
        return t.values if t.shape is None else t.values.reshape(t.shape)
    validate_tensor(t)
    assert t.shape is not None
    rows, cols = t.shape
    out = np.full((rows, cols), pad_value, dtype=t.values.dtype)
    counts = np.diff(t.crow_indices)
    row_idx = np.repeat(np.arange(rows, dtype=np.int64), counts)
    out[row_idx, t.col_indices] = t.values
    return out
