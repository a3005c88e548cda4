"""Call-time checks of request arguments, run before a training ``seq_id`` is reserved.

A request the server refuses on arrival never enters the model's queue, so its reserved ``seq_id`` would
leave a gap that holds every later request of the client. Whatever the SDK can judge for certain is
therefore refused here, synchronously, with an error naming the field and the fix. The checks are never
stricter than the documented API: anything a server might accept is left for the server to judge.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Mapping, Sequence
from typing import Any

import pydantic

import tinker_wire as wire

__all__ = [
    "check_checkpoint_name",
    "check_finite_fields",
    "check_loss_fn_config",
    "check_model",
    "check_path",
    "check_string_list",
    "check_ttl_seconds",
    "check_user_metadata",
]


def _is_number(value: Any) -> bool:
    return isinstance(value, numbers.Real) and not isinstance(value, bool)


def check_finite_fields(values: Mapping[str, Any], where: str) -> None:
    """Every float in ``values`` (a JSON-ready dict, nested or not) must be finite.

    JSON has no NaN or Infinity, so such a value would travel as ``null`` (or not at all) and the server's
    error would name the wrong problem."""
    hit = wire.find_non_finite(values, where)
    if hit is not None:
        raise ValueError(f"{hit}: expected a finite number, got NaN or Infinity")


def check_model(params: Any, where: str) -> None:
    """Hold a request model to its contract rules again, for objects built without validation.

    ``model_copy(update=...)`` and ``model_construct`` skip pydantic's checks; the rules themselves come from
    the contract (the generated model's constraints), so there is one place that states them."""
    try:
        type(params).model_validate(params.model_dump())
    except pydantic.ValidationError as exc:
        error = exc.errors()[0]
        field = ".".join(str(part) for part in error["loc"])
        raise ValueError(f"{where}.{field}: {error['msg']}, got {error.get('input')!r}") from None


def check_loss_fn_config(config: Any) -> dict[str, float | str] | None:
    """``loss_fn_config`` as a plain dict of names to numbers or strings (what the wire can carry)."""
    if config is None:
        return None
    if not isinstance(config, Mapping):
        raise TypeError(f"loss_fn_config must be a mapping of names to numbers or strings, got {type(config).__name__}")
    out: dict[str, float | str] = {}
    for key, value in config.items():
        if not isinstance(key, str):
            raise TypeError(f"loss_fn_config keys must be strings, got {key!r}")
        if not isinstance(value, (str, numbers.Real)):  # bool included: the wire sends it as 1.0 / 0.0
            raise TypeError(f"loss_fn_config[{key!r}] must be a number or a string, got {type(value).__name__}")
        if isinstance(value, str):
            out[key] = value
            continue
        # float() as the wire encoder does: int, bool and numpy scalars reach the wire unchanged.
        number = float(value)
        if not math.isfinite(number):  # JSON has no NaN or Infinity, and servers refuse them
            raise ValueError(f"loss_fn_config[{key!r}] must be a finite number, got {value!r}")
        out[key] = number
    return out or None


def check_checkpoint_name(name: Any, what: str = "name") -> str:
    """A checkpoint name becomes one segment of ``tinker://<run>/<kind>/<name>``.

    Refused: non-strings, the empty name, ``.``/``..``, slashes and control characters — no server can
    store those as one path segment. Servers may restrict names further (the local server allows
    ``[A-Za-z0-9_][A-Za-z0-9._:+=@-]*``, up to 200 characters); that is left to them."""
    if not isinstance(name, str):
        raise TypeError(f"{what} must be a checkpoint name (str), got {type(name).__name__}")
    if name in ("", ".", ".."):
        raise ValueError(f"{what}: {name!r} is not a valid checkpoint name; use e.g. 'step-000100'")
    if "/" in name:
        raise ValueError(
            f"{what}: checkpoint names cannot contain '/', got {name!r} (it becomes the last segment "
            "of the tinker:// path); use '-' or '_' instead"
        )
    bad = next((c for c in name if ord(c) < 0x20 or ord(c) == 0x7F), None)
    if bad is not None:
        raise ValueError(f"{what}: checkpoint names cannot contain control characters, found {bad!r} in {name!r}")
    return name


def check_ttl_seconds(ttl: Any) -> int | None:
    """``ttl_seconds``: None (never expires) or a positive whole number of seconds, returned as an int."""
    if ttl is None:
        return None
    if not _is_number(ttl):
        raise TypeError(f"ttl_seconds must be a whole number of seconds or None, got {type(ttl).__name__}")
    if not math.isfinite(ttl) or ttl != int(ttl):
        raise ValueError(f"ttl_seconds must be a whole number of seconds, got {ttl!r}")
    if ttl <= 0:
        raise ValueError(f"ttl_seconds must be > 0 (None keeps the checkpoint forever), got {ttl!r}")
    return int(ttl)


def check_user_metadata(metadata: Any) -> dict[str, str] | None:
    """``user_metadata``: None or a mapping of strings to strings."""
    if metadata is None:
        return None
    if not isinstance(metadata, Mapping):
        raise TypeError(f"user_metadata must be a dict of str to str, got {type(metadata).__name__}")
    for key, value in metadata.items():
        if not isinstance(key, str) or not isinstance(value, str):
            raise TypeError(
                f"user_metadata must map str to str, got {key!r}: {value!r} (convert values with str() first)"
            )
    return dict(metadata)


def check_path(path: Any, what: str = "path") -> str:
    """A non-empty checkpoint path string (e.g. ``tinker://<run>/weights/<name>``)."""
    if not isinstance(path, str):
        raise TypeError(f"{what} must be a tinker:// checkpoint path (str), got {type(path).__name__}")
    if not path:
        raise ValueError(f"{what} must be a tinker:// checkpoint path, got an empty string")
    return path


def check_string_list(values: Any, what: str) -> list[str] | None:
    """None or a sequence of strings (a lone string is refused: it is almost always a missing list)."""
    if values is None:
        return None
    if isinstance(values, (str, bytes)) or not isinstance(values, Sequence):
        raise TypeError(f"{what} must be a list of strings, got {type(values).__name__}")
    for value in values:
        if not isinstance(value, str):
            raise TypeError(f"{what} must be a list of strings, got an item {value!r}")
    return list(values)
