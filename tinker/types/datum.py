"""`Datum`: one training example (a model input plus the loss function's per-position inputs)."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Union

from tinker_api.models import ModelInput

from tinker_wire._lazy import deferred_import
from tinker_wire.tensor import (
    TensorData,
    checked_int64,
    float32_overflow,
    is_torch_tensor,
    numpy_dtype,
    torch_to_numpy,
)

from .provenance_spans import (
    PromptProvenanceSpan,
    ProvenanceSpan,
    ProvenanceSpans,
    SampledProvenanceSpan,
    span_from_json_dict,
)
from .tensor_dtype import TensorDtype

if TYPE_CHECKING:
    import numpy as np
    import torch
else:
    np = deferred_import("numpy", globals())

__all__ = ["Datum", "LossFnInputs"]

LossFnInputs = dict[str, TensorData]
"""Loss-function inputs of one datum, by name (``target_tokens``, ``weights``, ``advantages``, ...)."""

LossFnInputValue = Union[TensorData, "np.ndarray", "torch.Tensor", Sequence[Any], Mapping[str, Any]]
"""What :class:`Datum` accepts for a ``loss_fn_inputs`` value (converted to :class:`TensorData`)."""

KEY_TO_DTYPE: Mapping[str, TensorDtype] = {
    "target_tokens": "int64",
    "weights": "float32",
    "advantages": "float32",
    "logprobs": "float32",
    "clip_low_threshold": "float32",
    "clip_high_threshold": "float32",
    "sequence_ratio_mask": "float32",
}
"""``loss_fn_inputs`` keys whose dtype is known, so that plain lists can be given for them."""

# 2-D torch tensors under these keys are sent in CSR form when that is smaller.
_SPARSE_TORCH_KEYS = frozenset({"target_tokens", "weights"})


def _cast_for_key(key: str, arr: np.ndarray, dtype: TensorDtype) -> np.ndarray:
    """Cast to the key's dtype; floats given for an integer key must be integral (never truncated), and a
    finite value beyond float32's range is refused (never turned into an infinity)."""
    where = f"loss_fn_inputs[{key!r}]"
    if dtype == "int64":
        return checked_int64(arr, where, "integer token ids" if key == "target_tokens" else "integer values")
    with np.errstate(over="ignore"):  # reported below, naming the value
        out = arr.astype(numpy_dtype(dtype), copy=False)
    overflow = float32_overflow(arr, out) if out is not arr and np.isinf(out).any() else None
    if overflow is not None:
        raise ValueError(f"{where}: value {overflow[1]!r} is outside float32's range (|x| <= 3.4e38)")
    return out


def _convert_input(key: str, value: Any) -> TensorData:
    if isinstance(value, TensorData):
        return value
    dtype = KEY_TO_DTYPE.get(key)
    from_torch = is_torch_tensor(value)
    if from_torch or isinstance(value, np.ndarray):
        arr = torch_to_numpy(value) if from_torch else value
        if dtype is not None and arr.dtype.kind in "biuf":
            arr = _cast_for_key(key, arr, dtype)
        if from_torch and key in _SPARSE_TORCH_KEYS and arr.ndim == 2:
            return TensorData.from_numpy_sparse(arr)
        return TensorData.from_numpy(arr)
    if isinstance(value, (list, tuple)):
        try:
            arr = np.asarray(value)
        except ValueError:
            raise ValueError(
                f"loss_fn_inputs[{key!r}] is a ragged nested list; every row must have the same length"
            ) from None
        if dtype is None:
            raise KeyError(
                f"loss_fn_inputs[{key!r}]: no known dtype for this key, so a plain list cannot be "
                f"converted; pass a TensorData or an array instead (keys with a known dtype: "
                f"{', '.join(sorted(KEY_TO_DTYPE))})"
            )
        np_dtype = numpy_dtype(dtype)
        if arr.dtype.kind in "biuf":
            return TensorData(data=_cast_for_key(key, arr, dtype), dtype=dtype, shape=arr.shape)
        if arr.dtype == object and any(v is None for v in arr.reshape(-1)):  # numpy would make it NaN
            raise ValueError(f"loss_fn_inputs[{key!r}] holds None; every value must be a number")
        try:
            flat = np.asarray(value, dtype=np_dtype).reshape(-1)
        except (TypeError, ValueError, OverflowError) as exc:  # OverflowError: an int outside int64
            raise ValueError(f"loss_fn_inputs[{key!r}] cannot be converted to {dtype}: {exc}") from None
        return TensorData(data=flat, dtype=dtype, shape=flat.shape)
    if isinstance(value, Mapping):
        return TensorData.from_json_dict(value)
    raise TypeError(
        f"loss_fn_inputs[{key!r}] must be a TensorData, numpy array, torch tensor or list, got {type(value).__name__}"
    )


def _as_spans(spans: Sequence[ProvenanceSpan] | None, what: str) -> ProvenanceSpans | None:
    if spans is None:
        return None
    out: ProvenanceSpans = []
    for span in spans:
        if isinstance(span, Mapping):
            span = span_from_json_dict(span)
        if not isinstance(span, (PromptProvenanceSpan, SampledProvenanceSpan)):
            raise TypeError(f"{what} must hold PromptProvenanceSpan/SampledProvenanceSpan, got {span!r}")
        out.append(span)
    return out


def _check_tiling(spans: ProvenanceSpans, expected: int, what: str) -> None:
    total = sum(span.length for span in spans)
    if total != expected:
        raise ValueError(f"{what} must tile exactly {expected} positions, but the span lengths add up to {total}")


@dataclass(frozen=True, init=False)
class Datum:
    """One training example: ``model_input`` plus the loss function's inputs.

    ``loss_fn_inputs`` values are converted on construction: a ``TensorData`` is kept; a numpy array or
    torch tensor is wrapped (cast to the key's dtype for the keys in :data:`KEY_TO_DTYPE`, where float
    ``target_tokens`` must be integral -- ``2.0`` is accepted, ``2.5`` raises ``ValueError``; a 2-D torch
    ``target_tokens``/``weights`` becomes CSR when that is smaller); a plain (nested) list is accepted
    for the keys of :data:`KEY_TO_DTYPE` only (``KeyError`` otherwise; ragged lists raise
    ``ValueError``). Anything else is a ``TypeError``.

    The optional provenance spans (see :mod:`tinker.types.provenance_spans`) come as a pair: both or
    neither. They must tile the input length and, when ``target_tokens`` is 1-D with a known shape, its
    length; use :meth:`with_provenance` to attach them.
    """

    model_input: ModelInput
    loss_fn_inputs: LossFnInputs
    model_input_spans: ProvenanceSpans | None
    loss_fn_input_spans: ProvenanceSpans | None

    def __init__(
        self,
        model_input: ModelInput,
        loss_fn_inputs: Mapping[str, LossFnInputValue] | None = None,
        model_input_spans: Sequence[ProvenanceSpan] | None = None,
        loss_fn_input_spans: Sequence[ProvenanceSpan] | None = None,
    ) -> None:
        if isinstance(model_input, Mapping):
            model_input = ModelInput.model_validate(model_input)
        elif not isinstance(model_input, ModelInput):
            raise TypeError(f"Datum.model_input must be a ModelInput, got {type(model_input).__name__}")
        if loss_fn_inputs is None:
            loss_fn_inputs = {}
        elif not isinstance(loss_fn_inputs, Mapping):
            raise TypeError(f"Datum.loss_fn_inputs must be a dict, got {type(loss_fn_inputs).__name__}")
        input_spans = _as_spans(model_input_spans, "model_input_spans")
        target_spans = _as_spans(loss_fn_input_spans, "loss_fn_input_spans")
        if (input_spans is None) != (target_spans is None):
            raise ValueError("model_input_spans and loss_fn_input_spans must be given together, or neither")
        setattr_ = object.__setattr__
        setattr_(self, "model_input", model_input)
        setattr_(self, "loss_fn_inputs", {key: _convert_input(key, value) for key, value in loss_fn_inputs.items()})
        setattr_(self, "model_input_spans", input_spans)
        setattr_(self, "loss_fn_input_spans", target_spans)
        if input_spans is not None and target_spans is not None:
            self._check_provenance(input_spans, target_spans)

    def _check_provenance(self, input_spans: ProvenanceSpans, target_spans: ProvenanceSpans) -> None:
        try:
            input_length = self.model_input.length
        except ValueError:  # e.g. an image chunk without expected_tokens: length unknown, cannot check
            input_length = None
        if input_length is not None:
            _check_tiling(input_spans, input_length, "model_input_spans")
        targets = self.loss_fn_inputs.get("target_tokens")
        if targets is not None and not targets.is_sparse:
            shape = targets.shape
            if shape is not None and len(shape) == 1:
                _check_tiling(target_spans, shape[0], "loss_fn_input_spans")

    def with_provenance(
        self,
        model_input: Sequence[ProvenanceSpan],
        loss_fn_inputs: Sequence[ProvenanceSpan],
    ) -> Datum:
        """A copy of this datum carrying the given provenance spans (tiling is checked)."""
        return dataclasses.replace(self, model_input_spans=list(model_input), loss_fn_input_spans=list(loss_fn_inputs))

    # ------------------------------------------------------------------ wire

    def to_json_dict(self) -> dict[str, Any]:
        """The JSON form ``{"model_input", "loss_fn_inputs", "model_input_spans"?, "loss_fn_input_spans"?}``."""
        out: dict[str, Any] = {
            "model_input": self.model_input.to_json_dict(),
            "loss_fn_inputs": {key: td.to_json_dict() for key, td in self.loss_fn_inputs.items()},
        }
        if self.model_input_spans is not None and self.loss_fn_input_spans is not None:
            out["model_input_spans"] = [span.to_json_dict() for span in self.model_input_spans]
            out["loss_fn_input_spans"] = [span.to_json_dict() for span in self.loss_fn_input_spans]
        return out

    @classmethod
    def from_json_dict(cls, obj: Mapping[str, Any]) -> Datum:
        """Build a datum from its JSON form (see :meth:`to_json_dict`)."""
        return cls(
            model_input=ModelInput.model_validate(obj["model_input"]),
            loss_fn_inputs={
                key: TensorData.from_json_dict(value) for key, value in (obj.get("loss_fn_inputs") or {}).items()
            },
            model_input_spans=obj.get("model_input_spans"),
            loss_fn_input_spans=obj.get("loss_fn_input_spans"),
        )
