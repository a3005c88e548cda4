"""`TensorData`: a numpy-backed tensor with an optional CSR (compressed sparse row) layout.

A ``TensorData`` stores its values in a numpy array of one of the two public dtypes (``int64`` or
``float32``). A dense tensor keeps the whole array; a CSR tensor (2-D only) keeps the listed values plus the
row pointers (``sparse_crow_indices``, ``rows + 1`` entries) and column indices (``sparse_col_indices``,
one per value). Cells a CSR tensor does not list take the ``pad_value`` chosen when densifying.

It is the one tensor type of the SDK and of the wire codec. Every way of making one (the constructor,
:func:`tinker_wire.tensor_from_json`, the protobuf decoders) checks the layout with :func:`check_layout`,
naming the field as that representation spells it.

torch is optional: it is imported only inside :meth:`TensorData.from_torch`,
:meth:`TensorData.from_torch_sparse` and :meth:`TensorData.to_torch`.
"""

from __future__ import annotations

import functools
import math
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal, cast

from ._lazy import deferred_import

if TYPE_CHECKING:
    import numpy as np
    import torch
else:
    np = deferred_import("numpy", globals())

TensorDtype = Literal["int64", "float32"]
"""Element types a tensor may have on the wire."""

__all__ = ["TensorData", "TensorDtype"]

_TORCH_HINT = "torch is required for this operation; install it with: pip install 'tinker-oss[torch]'"
_REPR_ITEMS = 8
_new = object.__new__
_set = object.__setattr__  # the dataclass is frozen


def _require_torch() -> Any:
    try:
        import torch
    except ImportError as exc:  # pragma: no cover - exercised only without torch
        raise ImportError(_TORCH_HINT) from exc
    return torch


def is_torch_tensor(value: object) -> bool:
    """True when ``value`` is a ``torch.Tensor``; never imports torch (no torch loaded means no tensor)."""
    torch = sys.modules.get("torch")
    return torch is not None and isinstance(value, torch.Tensor)


@functools.cache
def numpy_dtype(dtype: TensorDtype) -> np.dtype[Any]:
    """numpy's dtype of a public dtype name (a function: numpy is imported on first use, not with this module)."""
    return np.dtype(dtype)


def _check_pad(pad_value: object) -> int:
    if isinstance(pad_value, (bool, np.bool_)) or not isinstance(pad_value, (int, np.integer)):
        raise TypeError(f"pad_value must be an int, got {type(pad_value).__name__}")
    return int(pad_value)


def _resolve_dtype(dtype: object) -> TensorDtype:
    if isinstance(dtype, str) and dtype in ("int64", "float32"):
        return cast(TensorDtype, dtype)
    try:
        np_dtype = np.dtype(cast(Any, dtype))
    except TypeError:
        np_dtype = None
    if np_dtype == numpy_dtype("int64"):
        return "int64"
    if np_dtype == numpy_dtype("float32"):
        return "float32"
    raise ValueError(f"unsupported TensorData dtype {dtype!r}; expected 'int64' or 'float32'")


def _dtype_for_kind(arr: np.ndarray) -> TensorDtype:
    """The public dtype for a numpy array: float kinds become float32, signed ints int64."""
    kind = arr.dtype.kind
    if kind == "f":
        return "float32"
    if kind == "i":
        return "int64"
    raise ValueError(
        f"cannot convert an array of dtype {arr.dtype} to TensorData: only floating point and signed "
        "integer arrays are supported"
    )


_INT64_BOUND = float(2**63)
_INTEGRAL_FLOATS_NOTE = "integral floats such as 2.0 are accepted; round explicitly (e.g. np.rint) if that is intended"


def float32_overflow(source: Any, arr: np.ndarray) -> tuple[int, float] | None:
    """The first finite value of ``source`` that became infinite in ``arr``, its float32 cast (flat index, value),
    or ``None``: a value too large for float32 must be refused, never sent as an infinity."""
    with np.errstate(over="ignore"):
        wide = np.asarray(source, dtype=np.float64).reshape(-1)
    overflow = np.isinf(arr.reshape(-1)) & np.isfinite(wide)
    if not overflow.any():
        return None
    index = int(np.argmax(overflow))
    return index, float(wide[index])


def _snapshot(array: np.ndarray, dtype: TensorDtype) -> np.ndarray:
    """``array`` copied when the constructor would keep it as is (already in ``dtype``): ``from_numpy`` and
    ``from_torch`` take the values as they are now, as the official SDK's (which makes lists) do. Later writes to
    the caller's buffer, common when RL loops refill one, must not change a tensor already handed over."""
    return array.copy() if array.dtype == numpy_dtype(dtype) else array


def _has_exact_ints(values: Any) -> bool:
    return isinstance(values, list) and any(isinstance(v, int) and abs(v) > 2**53 for v in values)


def _exact_int(value: Any) -> int:
    if isinstance(value, float) and not value.is_integer():
        raise ValueError(f"TensorData(dtype='int64'): expected integer values, got non-integral float {value!r}")
    exact = int(value)
    if not -(2**63) <= exact < 2**63:
        raise ValueError(f"TensorData(dtype='int64'): value {exact} is outside int64's range")
    return exact


def checked_int64(arr: np.ndarray, what: str, expected: str = "integer values") -> np.ndarray:
    """``arr`` as int64; a float array must hold only integral values (casting would silently truncate).

    ``what`` prefixes the error (e.g. ``loss_fn_inputs['target_tokens']``)."""
    if arr.dtype.kind == "u" and arr.size and int(arr.max()) >= 2**63:  # astype would wrap it to a negative id
        raise ValueError(f"{what}: value {int(arr.max())} is outside int64's range")
    if arr.dtype.kind != "f":
        return arr.astype(np.int64, copy=False)
    flat = arr.reshape(-1)
    with np.errstate(invalid="ignore"):
        ok = np.isfinite(flat) & (np.trunc(flat) == flat) & (np.abs(flat) < _INT64_BOUND)
    if not ok.all():
        bad = float(flat[int(np.argmin(ok))])
        if math.isfinite(bad) and bad.is_integer():
            raise ValueError(f"{what}: value {bad!r} is outside int64's range")
        raise ValueError(f"{what}: expected {expected}, got non-integral float {bad!r} ({_INTEGRAL_FLOATS_NOTE})")
    return arr.astype(np.int64)


def torch_to_numpy(tensor: torch.Tensor) -> np.ndarray:
    """Detach ``tensor`` to a CPU numpy array (dense layout; bfloat16/float16 widened to float32)."""
    torch = _require_torch()
    t = tensor.detach()
    if t.layout != torch.strided:
        t = t.to_dense()
    if t.device.type != "cpu":
        t = t.cpu()
    if t.dtype in (torch.bfloat16, torch.float16):
        t = t.to(torch.float32)
    return t.numpy()


JSON_FIELD_NAMES: Mapping[str, str] = {
    "data": "data",
    "shape": "shape",
    "crow": "sparse_crow_indices",
    "col": "sparse_col_indices",
    "values": "data",
}
"""Sub-field names for layout errors in the JSON form (also the constructor's parameter names)."""


def check_layout(
    size: int,
    shape: tuple[int, ...] | None,
    crow: np.ndarray | None,
    col: np.ndarray | None,
    where: str = "TensorData",
    names: Mapping[str, str] = JSON_FIELD_NAMES,
    error: type[ValueError] = ValueError,
) -> None:
    """The one consistency check of a tensor's layout, whatever representation it arrived in.

    ``size`` is the number of stored values (flat); ``crow``/``col`` are 1-D int64 arrays or ``None``.
    Dense: when ``shape`` is given, ``size == prod(shape)``. CSR: 2-D ``shape``; ``crow`` has rows + 1
    entries, starts at 0, never decreases and ends at ``size``; ``col`` has ``size`` entries, each in
    ``[0, cols)``. A failure raises ``error`` naming ``where`` and the sub-field as ``names`` spells it
    (:data:`JSON_FIELD_NAMES`, or the protobuf names of the codec).
    """
    if shape is not None:
        for d in shape:
            if d < 0:
                raise error(f"{where}.{names['shape']}: dimensions must be >= 0, got {list(shape)}")
    if crow is None and col is None:
        if shape is not None and size != math.prod(shape):
            raise error(
                f"{where}.{names['data']}: {size} values do not match shape {list(shape)} ({math.prod(shape)} elements)"
            )
        return
    if crow is None or col is None:
        missing = names["crow"] if crow is None else names["col"]
        raise error(f"{where}.{missing}: CSR tensors need both crow and col indices")
    if shape is None or len(shape) != 2:
        raise error(
            f"{where}.{names['shape']}: a sparse CSR tensor needs a 2-D shape, got {None if shape is None else list(shape)}"
        )
    rows, cols = shape
    if crow.size != rows + 1:
        raise error(f"{where}.{names['crow']}: has {crow.size} entries, expected rows + 1 = {rows + 1}")
    if crow[0] != 0:
        raise error(f"{where}.{names['crow']}: must start at 0, got {int(crow[0])}")
    if rows and bool(np.any(crow[1:] < crow[:-1])):
        raise error(f"{where}.{names['crow']}: must be non-decreasing")
    if crow[-1] != size:
        raise error(
            f"{where}.{names['crow']}: last entry {int(crow[-1])} must equal the number of values "
            f"({size}, {names['values']})"
        )
    if col.size != size:
        raise error(f"{where}.{names['col']}: has {col.size} entries, expected one per value ({size})")
    if size:
        lo, hi = int(col.min()), int(col.max())
        if lo < 0 or hi >= cols:
            raise error(f"{where}.{names['col']}: column index {lo if lo < 0 else hi} is out of range [0, {cols})")


def _index_array(values: object, name: str) -> np.ndarray:
    arr = np.asarray(torch_to_numpy(cast(Any, values)) if is_torch_tensor(values) else values)
    if arr.size and arr.dtype.kind not in "iu":
        raise ValueError(f"{name} must contain integers, got dtype {arr.dtype}")
    return arr.astype(np.int64, copy=False).reshape(-1)


def _arrays_equal(a: np.ndarray, b: np.ndarray) -> bool:
    if a.shape != b.shape:
        return False
    return bool(np.array_equal(a, b, equal_nan=a.dtype.kind == "f"))


@dataclass(frozen=True, eq=False, init=False, repr=False)
class TensorData:
    """A tensor travelling to or from the service: numpy values in ``int64`` or ``float32``.

    Construct it like the official SDK does::

        TensorData(data=[1, 2, 3], dtype="int64", shape=[3])
        TensorData(data=values, dtype="float32", shape=[2, 4],
                   sparse_crow_indices=[0, 1, 3], sparse_col_indices=[2, 0, 3])   # CSR

    ``data`` may be a (nested) list, a numpy array or a torch tensor; it is cast to ``dtype``. Floats cast
    to ``int64`` must be integral (``2.0`` becomes ``2``; ``2.5``, NaN or infinity raise ``ValueError``
    instead of being truncated). A writable numpy array already in that dtype is kept without copying (so
    the tensor shares its memory; ``from_numpy`` and ``from_torch`` copy it); a read-only one is copied. For
    a dense tensor ``shape`` reshapes the values (``None`` keeps a 1-D input flat, as decoded from responses
    without a shape); for a CSR tensor ``data`` holds only the listed values and ``shape`` is required.

    ``.data`` is the flat list of values (only the listed values for CSR), ``.shape`` a list of ints or
    ``None``. Two ``TensorData`` compare equal when they hold the same dtype, shape and values;
    hashing stays by identity, as in the official SDK.
    """

    dtype: TensorDtype
    # The codec reads these directly: a dense tensor's ``_values`` has the shape ``_shape`` (1-D when that is
    # ``None``); a CSR tensor's ``_values`` is flat and its ``_shape`` 2-D.
    _values: np.ndarray
    _shape: tuple[int, ...] | None
    _crow: np.ndarray | None
    _col: np.ndarray | None

    def __init__(
        self,
        data: Any = None,
        dtype: TensorDtype | None = None,
        shape: Sequence[int] | None = None,
        sparse_crow_indices: Sequence[int] | np.ndarray | None = None,
        sparse_col_indices: Sequence[int] | np.ndarray | None = None,
    ) -> None:
        if is_torch_tensor(data):
            data = torch_to_numpy(data)
        if data is None:
            data = []
        if dtype is None:
            probe = data if isinstance(data, np.ndarray) else np.asarray(data)
            resolved = _dtype_for_kind(probe) if probe.size or probe.dtype.kind in "fi" else "float32"
        else:
            resolved = _resolve_dtype(dtype)
        np_dtype = numpy_dtype(resolved)

        if resolved == "int64" and not isinstance(data, np.ndarray):
            # np.asarray(floats, dtype=int64) truncates silently: look at the values' own kind first.
            try:
                natural: np.ndarray | None = np.asarray(data)
            except (TypeError, ValueError):
                natural = None  # ragged or odd input: the generic path below reports it
            if natural is not None and natural.dtype.kind == "f" and _has_exact_ints(data):
                # ints beyond 2**53 mixed with floats: float64 would round them, so convert value by value
                data = np.array([_exact_int(v) for v in data], dtype=np.int64)
            elif natural is not None and (natural.dtype.kind == "f" or natural.dtype == np_dtype):
                data = natural
        if isinstance(data, np.ndarray):
            arr = data
            if arr.dtype != np_dtype:
                if resolved == "int64":
                    arr = checked_int64(arr, "TensorData(dtype='int64')")
                else:
                    with np.errstate(over="ignore"):  # overflow is reported below, naming the value
                        arr = arr.astype(np_dtype)
            elif not arr.flags.writeable:
                arr = arr.copy()
        else:
            try:
                with np.errstate(over="ignore"):  # float32 overflow is reported below, naming the value
                    arr = np.asarray(data, dtype=np_dtype)
            except (ValueError, OverflowError) as exc:  # OverflowError: an int outside int64
                raise ValueError(f"cannot build an {resolved} TensorData from the given data: {exc}") from None
        if resolved == "float32" and arr.size and np.isinf(arr).any():
            overflow = float32_overflow(data, arr)
            if overflow is not None:
                raise ValueError(
                    f"TensorData(dtype='float32'): value {overflow[1]!r} at index {overflow[0]} is outside float32's "
                    f"range (|x| <= {float(np.finfo(np.float32).max)!r})"
                )

        shape_t = None if shape is None else tuple(int(d) for d in shape)
        crow = None if sparse_crow_indices is None else _index_array(sparse_crow_indices, "sparse_crow_indices")
        col = None if sparse_col_indices is None else _index_array(sparse_col_indices, "sparse_col_indices")
        if crow is not None or col is not None:
            arr = arr.reshape(-1)  # CSR stores only the listed values
        check_layout(arr.size, shape_t, crow, col)
        if crow is None:
            if shape_t is None:
                if arr.ndim != 1:
                    shape_t = arr.shape
            elif arr.shape != shape_t:
                arr = arr.reshape(shape_t)

        object.__setattr__(self, "dtype", resolved)
        object.__setattr__(self, "_values", arr)
        object.__setattr__(self, "_shape", shape_t)
        object.__setattr__(self, "_crow", crow)
        object.__setattr__(self, "_col", col)

    # ------------------------------------------------------------------ views

    @property
    def data(self) -> list[Any]:
        """The values as a flat Python list (row-major; for CSR only the listed values). A new list each call."""
        return self._values.reshape(-1).tolist()

    @property
    def shape(self) -> list[int] | None:
        """The dense shape, or ``None`` for a flat tensor whose shape was never given."""
        return None if self._shape is None else list(self._shape)

    @property
    def sparse_crow_indices(self) -> list[int] | None:
        """CSR row pointers (``rows + 1`` entries), or ``None`` for a dense tensor."""
        return None if self._crow is None else cast(list[int], self._crow.tolist())

    @property
    def sparse_col_indices(self) -> list[int] | None:
        """CSR column index of each listed value, or ``None`` for a dense tensor."""
        return None if self._col is None else cast(list[int], self._col.tolist())

    @property
    def is_sparse(self) -> bool:
        """True when the tensor uses the CSR layout."""
        return self._crow is not None

    # ------------------------------------------------------------ constructors

    @classmethod
    def _from_checked(
        cls,
        dtype: TensorDtype,
        values: np.ndarray,
        shape: tuple[int, ...] | None,
        crow: np.ndarray | None = None,
        col: np.ndarray | None = None,
    ) -> TensorData:
        """Wrap arrays a decoder has already converted and checked with :func:`check_layout` (no copy).

        ``values`` is native ``int64``/``float32`` in the layout described on the fields; ``crow``/``col``
        are 1-D ``int64``. Skips the constructor's conversions, which would repeat work on the hot path.
        """
        obj = _new(cls)
        # One __dict__ assignment: decoders make one of these per datum and output (slots would save ~200
        # bytes each but cost five attribute stores, 60% more per object).
        _set(obj, "__dict__", {"dtype": dtype, "_values": values, "_shape": shape, "_crow": crow, "_col": col})
        return obj

    @classmethod
    def _from_checked_rows(cls, dtype: TensorDtype, rows: np.ndarray, shape: tuple[int, ...]) -> list[TensorData]:
        """:meth:`_from_checked` for each row of ``rows`` (``shape`` is a row's shape): a decoder's per-datum cut.

        Copying one template dict per tensor is faster than building a five-key dict each time.
        """
        template = {"dtype": dtype, "_values": None, "_shape": shape, "_crow": None, "_col": None}
        out = []
        for values in rows:
            fields = template.copy()
            fields["_values"] = values
            obj = _new(cls)
            _set(obj, "__dict__", fields)
            out.append(obj)
        return out

    @classmethod
    def from_numpy(cls, array: np.ndarray) -> TensorData:
        """Wrap a numpy array: float kinds become ``float32``, signed integers ``int64``.

        Any other kind (unsigned, bool, complex, object) raises ``ValueError``.
        """
        array = np.asarray(array)
        dtype = _dtype_for_kind(array)
        return cls(data=_snapshot(array, dtype), dtype=dtype, shape=array.shape)

    @classmethod
    def from_numpy_sparse(cls, array: np.ndarray, pad_value: int | np.integer[Any] = 0) -> TensorData:
        """Like :meth:`from_torch_sparse`, for a numpy array (cells equal to ``pad_value`` are left out)."""
        pad = _check_pad(pad_value)
        array = np.asarray(array)
        dtype = _dtype_for_kind(array)
        if array.ndim != 2:
            return cls(data=_snapshot(array, dtype), dtype=dtype, shape=array.shape)
        rows, cols = array.shape
        mask = array != pad
        nnz = int(np.count_nonzero(mask))
        if (rows + 1) + 2 * nnz >= rows * cols:
            return cls(data=_snapshot(array, dtype), dtype=dtype, shape=array.shape)
        crow = np.zeros(rows + 1, dtype=np.int64)
        np.cumsum(np.count_nonzero(mask, axis=1), out=crow[1:])
        return cls(
            data=array[mask],
            dtype=dtype,
            shape=array.shape,
            sparse_crow_indices=crow,
            sparse_col_indices=np.nonzero(mask)[1],
        )

    @classmethod
    def from_torch(cls, tensor: torch.Tensor) -> TensorData:
        """Wrap a torch tensor (detached, moved to CPU; bfloat16/float16 widened to ``float32``)."""
        return cls.from_numpy(torch_to_numpy(tensor))

    @classmethod
    def from_torch_sparse(cls, tensor: torch.Tensor, pad_value: int | np.integer[Any] = 0) -> TensorData:
        """Wrap a 2-D torch tensor in CSR form, leaving out the cells equal to ``pad_value``.

        CSR is used only when it is smaller than the dense form (``rows + 1 + 2 * nnz < rows * cols``);
        otherwise, and for tensors that are not 2-D, the result is dense. Densify it again with the
        same ``pad_value`` (``to_numpy(pad_value=...)``).
        """
        pad = _check_pad(pad_value)
        return cls.from_numpy_sparse(torch_to_numpy(tensor), pad_value=pad)

    # ------------------------------------------------------------- converters

    def to_numpy(self, pad_value: int | np.integer[Any] = 0) -> np.ndarray:
        """The values as a dense numpy array; CSR cells that are not listed hold ``pad_value``.

        For a dense tensor this is the stored array itself (no copy).
        """
        pad = _check_pad(pad_value)
        if self._crow is None:
            return self._values
        assert self._shape is not None and self._col is not None
        out = np.full(self._shape, pad, dtype=self._values.dtype)
        row_of_value = np.repeat(np.arange(self._shape[0]), np.diff(self._crow))
        out[row_of_value, self._col] = self._values
        return out

    def to_torch(self, pad_value: int | np.integer[Any] = 0) -> torch.Tensor:
        """The values as a dense torch tensor (``int64`` or ``float32``); see :meth:`to_numpy`."""
        torch_module = _require_torch()
        return cast("torch.Tensor", torch_module.from_numpy(self.to_numpy(pad_value)))

    def tolist(self, pad_value: int | np.integer[Any] = 0) -> list[Any]:
        """The dense values as (nested) Python lists; see :meth:`to_numpy`."""
        return cast(list[Any], self.to_numpy(pad_value).tolist())

    # ------------------------------------------------------------------ wire

    def to_json_dict(self) -> dict[str, Any]:
        """The JSON wire form: ``{"data": [...flat...], "dtype", "shape"?, "sparse_crow_indices"?, ...}``."""
        out: dict[str, Any] = {"data": self._values.reshape(-1).tolist(), "dtype": self.dtype}
        if self._shape is not None:
            out["shape"] = list(self._shape)
        if self._crow is not None and self._col is not None:
            out["sparse_crow_indices"] = self._crow.tolist()
            out["sparse_col_indices"] = self._col.tolist()
        return out

    @classmethod
    def from_json_dict(cls, obj: Mapping[str, Any]) -> TensorData:
        """Build a ``TensorData`` from its JSON wire form (see :meth:`to_json_dict`)."""
        if not isinstance(obj, Mapping) or "data" not in obj:
            raise ValueError("a TensorData JSON object needs at least a 'data' field")
        return cls(
            data=obj["data"],
            dtype=obj.get("dtype"),
            shape=obj.get("shape"),
            sparse_crow_indices=obj.get("sparse_crow_indices"),
            sparse_col_indices=obj.get("sparse_col_indices"),
        )

    @classmethod
    def coerce(cls, value: Any) -> TensorData:
        """Accept a ``TensorData``, its JSON dict, a numpy array or a torch tensor."""
        if isinstance(value, TensorData):
            return value
        if isinstance(value, Mapping):
            return cls.from_json_dict(value)
        if isinstance(value, np.ndarray):
            return cls.from_numpy(value)
        if is_torch_tensor(value):
            return cls.from_torch(value)
        raise TypeError(f"expected TensorData, got {type(value).__name__}")

    # ------------------------------------------------------- pydantic support

    @classmethod
    def __get_pydantic_core_schema__(cls, source: Any, handler: Any) -> Any:
        from pydantic_core import core_schema

        return core_schema.no_info_plain_validator_function(
            cls.coerce,
            serialization=core_schema.plain_serializer_function_ser_schema(
                lambda value: value.to_json_dict(), when_used="always"
            ),
        )

    @classmethod
    def __get_pydantic_json_schema__(cls, core_schema: Any, handler: Any) -> dict[str, Any]:
        ints = {"type": "array", "items": {"type": "integer"}}
        return {
            "type": "object",
            "title": "TensorData",
            "required": ["data", "dtype"],
            "properties": {
                "data": {"type": "array", "items": {"type": "number"}},
                "dtype": {"type": "string", "enum": ["int64", "float32"]},
                "shape": ints,
                "sparse_crow_indices": ints,
                "sparse_col_indices": ints,
            },
        }

    # ----------------------------------------------------------------- dunder

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, TensorData):
            return NotImplemented
        if self.dtype != other.dtype:
            return False
        if self.is_sparse and other.is_sparse:
            assert self._crow is not None and other._crow is not None
            assert self._col is not None and other._col is not None
            return (
                self._shape == other._shape
                and _arrays_equal(self._crow, other._crow)
                and _arrays_equal(self._col, other._col)
                and _arrays_equal(self._values, other._values)
            )
        return _arrays_equal(self.to_numpy(), other.to_numpy())

    __hash__ = object.__hash__

    def __repr__(self) -> str:
        flat = self._values.reshape(-1)
        shown = ", ".join(repr(v) for v in flat[:_REPR_ITEMS].tolist())
        if flat.size > _REPR_ITEMS:
            shown += f", ... ({flat.size} values)"
        parts = [f"dtype={self.dtype!r}", f"shape={self.shape!r}", f"data=[{shown}]"]
        if self.is_sparse:
            parts.append("layout='csr'")
        return f"TensorData({', '.join(parts)})"
