"""Plain, numpy-backed value types that the codec reads and writes.

They mirror the protobuf messages of ``openapi/tinker.proto`` but stay independent of any protobuf
runtime. All of them are frozen dataclasses. Tensors are :class:`~tinker_wire.tensor.TensorData`, the
one tensor type of the SDK. Types holding numpy arrays compare by array content (``NaN == NaN``, dtypes
must match) and are unhashable.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np

from ._errors import WireError
from .tensor import TensorData, TensorDtype

__all__ = [
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
    "WireForwardBackwardRecords",
    "WireForwardBackwardRequest",
    "WireOutputField",
    "WireOutputRecord",
    "WirePromptAltTokens",
    "WireSampleResponse",
    "WireSampledSequence",
    "WireSpan",
    "WireTopk",
]

StopReasonName = Literal["stop", "length"]


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
    loss_fn_inputs: dict[str, TensorData] = field(default_factory=dict)
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
    loss_fn_outputs: list[dict[str, TensorData]]
    metrics: dict[str, float] = field(default_factory=dict)


@dataclass(frozen=True, eq=False)
class WireOutputField:
    """One output key of a decoded ``ArrayRecord``, checked but not yet cut into per-datum tensors.

    ``values`` is the flat array of every datum's values in ``dtype``; datum ``i`` holds elements
    ``bounds[i]:bounds[i + 1]``, shaped ``[numel / prod(trailing), *trailing]``. ``shape`` is that per-datum
    shape when every datum has the same one, else ``None``.
    """

    key: str
    dtype: TensorDtype
    values: np.ndarray
    bounds: np.ndarray
    trailing: tuple[int, ...]
    shape: tuple[int, ...] | None


@dataclass(frozen=True, eq=False)
class WireOutputRecord:
    """A decoded ``ArrayRecord``: ``num_datums`` datums sharing one :class:`WireOutputField` per output key."""

    num_datums: int
    fields: list[WireOutputField]


@dataclass(frozen=True, eq=False)
class WireForwardBackwardRecords:
    """A ``ForwardBackwardOutput`` decoded as records (see ``decode_forward_backward_records``)."""

    loss_fn_output_type: str
    records: list[WireOutputRecord]
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

    tokens: TensorData
    logprobs: TensorData


@dataclass(frozen=True, eq=False)
class WireSampleResponse(_ArrayEq):
    """Result of a sample future.

    ``prompt_logprobs`` is float32 with NaN where no logprob was computed (``None`` = not requested).
    """

    sequences: list[WireSampledSequence]
    prompt_logprobs: np.ndarray | None = None
    topk_prompt_logprobs: WireTopk | None = None
    prompt_cache_hit_tokens: int = 0
    target_prompt_logprobs: TensorData | None = None
    prompt_alt_tokens: WirePromptAltTokens | None = None

    def __post_init__(self) -> None:
        lp = self.prompt_logprobs
        if lp is not None and not (isinstance(lp, np.ndarray) and lp.dtype == np.float32 and lp.ndim == 1):
            _set(self, "prompt_logprobs", _as_float32_1d(lp))
