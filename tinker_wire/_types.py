"""Plain, numpy-backed value types that the codec reads and writes.

They mirror the protobuf messages of ``openapi/tinker.proto`` but stay independent of any protobuf
runtime. All of them are frozen dataclasses. Types holding numpy arrays compare by array content
(``NaN == NaN``, dtypes must match) and are unhashable.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np

from ._errors import WireError

__all__ = [
    "DTypeName",
    "Dmel",
    "EncodedText",
    "Image",
    "ImageDimensions",
    "PromptSpan",
    "SampledSpan",
    "StopReasonName",
    "WireChunk",
    "WireDatum",
    "WireForwardBackwardOutput",
    "WireForwardBackwardRequest",
    "WirePromptAltTokens",
    "WireSampleResponse",
    "WireSampledSequence",
    "WireSpan",
    "WireTensor",
    "WireTopk",
]

DTypeName = Literal["float32", "int64"]
StopReasonName = Literal["stop", "length"]

_NP_DTYPES: dict[str, np.dtype[Any]] = {"float32": np.dtype(np.float32), "int64": np.dtype(np.int64)}


def _values_equal(a: object, b: object) -> bool:
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        if not (isinstance(a, np.ndarray) and isinstance(b, np.ndarray)):
            return False
        if a.dtype != b.dtype or a.shape != b.shape:
            return False
        return bool(np.array_equal(a, b, equal_nan=a.dtype.kind in "fc"))
    return a == b


class _ArrayEq:
    """Mixin: dataclass equality that compares numpy fields by content."""

    __slots__ = ()

    def __eq__(self, other: object) -> bool:
        if type(other) is not type(self):
            return NotImplemented
        return all(
            _values_equal(getattr(self, f.name), getattr(other, f.name))
            for f in dataclasses.fields(self)  # type: ignore[arg-type]
        )

    __hash__ = None  # type: ignore[assignment]


def _set(obj: object, name: str, value: object) -> None:
    object.__setattr__(obj, name, value)


def _as_index_array(value: Any, what: str) -> np.ndarray:
    arr = np.asarray(value)
    if arr.size and arr.dtype.kind not in "iu":
        raise WireError(f"{what}: index arrays must hold integers, got dtype {arr.dtype}")
    return arr.astype(np.int64, copy=False).reshape(-1)


@dataclass(frozen=True, eq=False)
class WireTensor(_ArrayEq):
    """A dense or CSR-sparse tensor (``Tensor`` on the wire, ``TensorData`` in JSON).

    ``values`` is always flat: every element row-major for a dense tensor, the non-zero values for a
    sparse one. ``shape`` is ``None`` when unknown (a 1-D tensor of ``len(values)``). A sparse tensor
    has both ``crow_indices`` (rows + 1 entries) and ``col_indices`` (one per value), int64.
    The constructor normalises dtypes and flattens ``values``; use
    :func:`tinker_wire.validate_tensor` for the full consistency checks.
    """

    dtype: DTypeName
    shape: tuple[int, ...] | None
    values: np.ndarray
    crow_indices: np.ndarray | None = None
    col_indices: np.ndarray | None = None

    def __post_init__(self) -> None:
        np_dtype = _NP_DTYPES.get(self.dtype)
        if np_dtype is None:
            raise WireError(f"WireTensor.dtype: must be 'float32' or 'int64', got {self.dtype!r}")
        values = self.values
        if not (isinstance(values, np.ndarray) and values.dtype == np_dtype and values.ndim == 1):
            src = np.asarray(values)
            if src.size and src.dtype.kind not in "iuf":
                raise WireError(f"WireTensor.values: expected numbers, got dtype {src.dtype}")
            if self.dtype == "int64" and src.dtype.kind == "f" and not bool(np.all(src == np.trunc(src))):
                raise WireError("WireTensor.values: an int64 tensor needs integer values")
            _set(self, "values", src.astype(np_dtype, copy=False).reshape(-1))
        if self.shape is not None and type(self.shape) is not tuple:
            _set(self, "shape", tuple(int(d) for d in self.shape))
        if self.crow_indices is not None:
            _set(self, "crow_indices", _as_index_array(self.crow_indices, "WireTensor.crow_indices"))
        if self.col_indices is not None:
            _set(self, "col_indices", _as_index_array(self.col_indices, "WireTensor.col_indices"))

    @property
    def is_sparse(self) -> bool:
        """True for a CSR tensor."""
        return self.crow_indices is not None

    @classmethod
    def from_array(cls, array: Any, dtype: DTypeName | None = None) -> WireTensor:
        """Build a dense tensor from an array-like, keeping its shape.

        Without ``dtype``, integer input becomes ``int64`` and floating input ``float32``.
        """
        arr = np.asarray(array)
        if dtype is None:
            if arr.dtype.kind in "iu":
                dtype = "int64"
            elif arr.dtype.kind == "f":
                dtype = "float32"
            else:
                raise WireError(f"WireTensor.from_array: cannot infer a tensor dtype from {arr.dtype}")
        return cls(dtype, tuple(int(d) for d in arr.shape), arr.astype(_NP_DTYPES[dtype], copy=False).reshape(-1))

    def to_numpy(self, pad_value: float = 0) -> np.ndarray:
        """Dense numpy view/copy of the tensor; see :func:`tinker_wire.tensor_to_dense`."""
        from ._tensor import tensor_to_dense

        return tensor_to_dense(self, pad_value)


# --- model input ----------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class EncodedText(_ArrayEq):
    """Token ids of already-tokenized text (int64 here; int32 on the wire)."""

    tokens: np.ndarray

    def __post_init__(self) -> None:
        t = self.tokens
        if not (isinstance(t, np.ndarray) and t.dtype == np.int64 and t.ndim == 1):
            arr = np.asarray(t)
            if arr.size and arr.dtype.kind not in "iu":
                raise WireError(f"EncodedText.tokens: token ids must be integers, got dtype {arr.dtype}")
            _set(self, "tokens", arr.astype(np.int64).reshape(-1))

    @property
    def length(self) -> int:
        """Number of tokens."""
        return int(self.tokens.shape[0])


@dataclass(frozen=True)
class ImageDimensions:
    """Pixel size of an image (descriptor-only field, never filled by the official client)."""

    width: int
    height: int


@dataclass(frozen=True)
class Image:
    """An inline image: raw file bytes and ``png``/``jpeg`` format."""

    data: bytes
    format: str
    expected_tokens: int | None = None
    override_dimensions: ImageDimensions | None = None


@dataclass(frozen=True)
class Dmel:
    """Audio tokens as an opaque TensorContainer blob."""

    data: bytes


WireChunk = EncodedText | Image | Dmel


@dataclass(frozen=True)
class PromptSpan:
    """Datum positions taken from ``[offset, offset + length)`` of a sequence's prompt."""

    sequence_id: str
    offset: int
    length: int


@dataclass(frozen=True)
class SampledSpan:
    """Datum positions taken from ``[offset, offset + length)`` of a sequence's sampled tokens."""

    sequence_id: str
    offset: int
    length: int


WireSpan = PromptSpan | SampledSpan


@dataclass(frozen=True)
class WireDatum:
    """One training example. Span lists are ``None`` when absent on the wire."""

    chunks: list[WireChunk]
    loss_fn_inputs: dict[str, WireTensor] = field(default_factory=dict)
    model_input_spans: list[WireSpan] | None = None
    loss_fn_input_spans: list[WireSpan] | None = None


@dataclass(frozen=True)
class WireForwardBackwardRequest:
    """Body of ``POST /api/v1/forward_backward``.

    ``seq_id`` 0 means "not set" (the official client sends 0 for ``None``). ``loss_fn_config`` is the
    merged view of both wire maps: ``loss_fn_config_v2`` entries win, legacy numeric entries fill gaps.
    """

    model_id: str
    seq_id: int
    data: list[WireDatum]
    loss_fn: str
    loss_fn_config: dict[str, float | str] = field(default_factory=dict)
    forward_only: bool = False


@dataclass(frozen=True)
class WireForwardBackwardOutput:
    """Result of a forward / forward_backward future: one output map per datum, plus metrics."""

    loss_fn_output_type: str
    loss_fn_outputs: list[dict[str, WireTensor]]
    metrics: dict[str, float] = field(default_factory=dict)


# --- sampling --------------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class WireTopk(_ArrayEq):
    """An ``N x k`` grid of top-k candidates: int64 ``token_ids`` and float32 ``logprobs``.

    Unused cells hold the sentinel ``(0, -99999.0)``. Unpacks like a tuple: ``ids, lps = topk``.
    """

    token_ids: np.ndarray
    logprobs: np.ndarray

    def __post_init__(self) -> None:
        ids = np.asarray(self.token_ids)
        lps = np.asarray(self.logprobs)
        if ids.ndim != 2 or lps.shape != ids.shape:
            raise WireError(
                f"WireTopk: token_ids and logprobs must be 2-D with equal shapes, got {ids.shape} and {lps.shape}"
            )
        if ids.size and ids.dtype.kind not in "iu":
            raise WireError(f"WireTopk.token_ids: must be integers, got dtype {ids.dtype}")
        _set(self, "token_ids", ids.astype(np.int64, copy=False))
        _set(self, "logprobs", lps.astype(np.float32, copy=False))

    def __iter__(self) -> Iterator[np.ndarray]:
        return iter((self.token_ids, self.logprobs))

    @property
    def length(self) -> int:
        """Number of rows (positions)."""
        return int(self.token_ids.shape[0])

    @property
    def k(self) -> int:
        """Number of columns (candidates per position)."""
        return int(self.token_ids.shape[1])


def _as_float32_1d(value: Any) -> np.ndarray:
    return np.asarray(value, dtype=np.float32).reshape(-1)


@dataclass(frozen=True, eq=False)
class WireSampledSequence(_ArrayEq):
    """One generated continuation. ``logprobs`` (float32) and ``topk`` are ``None`` when absent."""

    stop_reason: StopReasonName
    tokens: np.ndarray
    logprobs: np.ndarray | None = None
    topk: WireTopk | None = None

    def __post_init__(self) -> None:
        if self.stop_reason not in ("stop", "length"):
            raise WireError(f"WireSampledSequence.stop_reason: must be 'stop' or 'length', got {self.stop_reason!r}")
        t = self.tokens
        if not (isinstance(t, np.ndarray) and t.dtype == np.int64 and t.ndim == 1):
            arr = np.asarray(t)
            if arr.size and arr.dtype.kind not in "iu":
                raise WireError(f"WireSampledSequence.tokens: must be integers, got dtype {arr.dtype}")
            _set(self, "tokens", arr.astype(np.int64).reshape(-1))
        lp = self.logprobs
        if lp is not None and not (isinstance(lp, np.ndarray) and lp.dtype == np.float32 and lp.ndim == 1):
            _set(self, "logprobs", _as_float32_1d(lp))


@dataclass(frozen=True)
class WirePromptAltTokens:
    """Tokens drawn at every prompt position after the first: ``tokens`` int64 and ``logprobs`` float32,
    both ``[len(prompt) - 1, k]`` (INT32 tokens on the wire)."""

    tokens: WireTensor
    logprobs: WireTensor


@dataclass(frozen=True, eq=False)
class WireSampleResponse(_ArrayEq):
    """Result of a sample future.

    ``prompt_logprobs`` is float32 with NaN where no logprob was computed (``None`` = not requested).
    """

    sequences: list[WireSampledSequence]
    prompt_logprobs: np.ndarray | None = None
    topk_prompt_logprobs: WireTopk | None = None
    prompt_cache_hit_tokens: int = 0
    target_prompt_logprobs: WireTensor | None = None
    prompt_alt_tokens: WirePromptAltTokens | None = None

    def __post_init__(self) -> None:
        lp = self.prompt_logprobs
        if lp is not None and not (isinstance(lp, np.ndarray) and lp.dtype == np.float32 and lp.ndim == 1):
            _set(self, "prompt_logprobs", _as_float32_1d(lp))
