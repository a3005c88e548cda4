"""JSON encoding for every non-protobuf body: orjson, numpy-aware, NaN/Infinity refused."""

from __future__ import annotations

import dataclasses
import math
from typing import Any

import numpy as np
import orjson

from ._errors import WireError

__all__ = ["dumps", "find_non_finite", "loads"]

_OPTIONS = orjson.OPT_SERIALIZE_NUMPY


def _default(obj: Any) -> Any:
    if isinstance(obj, np.ndarray):
        # orjson handles C-contiguous arrays of common dtypes natively; everything else goes via lists.
        return obj.tolist()
    if isinstance(obj, np.generic):
        return obj.item()
    raise TypeError(f"type {type(obj).__name__} is not JSON serialisable")


def find_non_finite(obj: Any, path: str = "$") -> str | None:
    """Path of the first NaN/Infinity inside ``obj`` (JSON-path style), or ``None``."""
    if isinstance(obj, float):
        return None if math.isfinite(obj) else path
    if isinstance(obj, dict):
        for k, v in obj.items():
            hit = find_non_finite(v, f"{path}.{k}")
            if hit:
                return hit
        return None
    if isinstance(obj, (list, tuple)):
        for i, v in enumerate(obj):
            hit = find_non_finite(v, f"{path}[{i}]")
            if hit:
                return hit
        return None
    if isinstance(obj, np.ndarray):
        if obj.dtype.kind in "fc":
            bad = np.argwhere(~np.isfinite(obj))
            if bad.size:
                return path + "".join(f"[{int(i)}]" for i in bad[0])
        elif obj.dtype.kind == "O":
            return find_non_finite(obj.tolist(), path)
        return None
    if isinstance(obj, np.floating):
        return None if math.isfinite(float(obj)) else path
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        for f in dataclasses.fields(obj):
            hit = find_non_finite(getattr(obj, f.name), f"{path}.{f.name}")
            if hit:
                return hit
    return None


def _find_wide_int(obj: Any, path: str = "$") -> tuple[str, int] | None:
    """The first int inside ``obj`` beyond what orjson writes (-2**63 .. 2**64 - 1), with its path; for error messages
    only (:func:`find_non_finite` stays the lean one, as it runs on every sampling call)."""
    if isinstance(obj, int):
        return None if -(2**63) <= obj < 2**64 else (path, obj)
    if isinstance(obj, np.ndarray) and obj.dtype.kind == "O":
        obj = obj.tolist()
    elif dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        obj = {f.name: getattr(obj, f.name) for f in dataclasses.fields(obj)}
    children = obj.items() if isinstance(obj, dict) else enumerate(obj) if isinstance(obj, (list, tuple)) else ()
    for key, value in children:
        hit = _find_wide_int(value, f"{path}.{key}" if isinstance(obj, dict) else f"{path}[{key}]")
        if hit:
            return hit
    return None


def dumps(obj: Any) -> bytes:
    """Serialise ``obj`` to compact UTF-8 JSON bytes.

    numpy arrays and scalars are serialised as JSON numbers/lists. NaN and +/-Infinity are
    **rejected** with a :class:`WireError` naming their location (JSON has no such literals, and silently
    writing ``null`` would change meaning); convert missing values to ``None`` first.
    Unserialisable objects also raise :class:`WireError`.
    """
    try:
        out = orjson.dumps(obj, default=_default, option=_OPTIONS)
    except orjson.JSONEncodeError as e:
        wide = _find_wide_int(obj) if "64-bit" in str(e) else None
        if wide is not None:
            raise WireError(
                f"{wide[0]} is {wide[1]}, beyond the 64-bit integers JSON carries here: token ids, seeds and other "
                "integers must lie in -2**63 .. 2**64 - 1"
            ) from None
        raise WireError(f"cannot serialise to JSON: {e}") from None
    # orjson writes non-finite floats as null; only look for them when a null was written.
    if b"null" in out:
        where = find_non_finite(obj, "$")
        if where is not None:
            raise WireError(
                f"JSON cannot represent NaN or Infinity (found at {where}); use null (None) for missing values"
            )
    return out


def loads(data: bytes | bytearray | memoryview | str) -> Any:
    """Parse JSON text; malformed input raises :class:`WireError` (``NaN``/``Infinity`` literals are invalid)."""
    try:
        return orjson.loads(data)
    except orjson.JSONDecodeError as e:
        raise WireError(f"invalid JSON: {e}") from None
