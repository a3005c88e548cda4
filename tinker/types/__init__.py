"""Public data types of the Tinker SDK (``tinker.types``).

Almost every type is generated from the contract (``tinker_api.models``; docs/contract.md#regenerating-after-an-api-change): a name not
listed in ``_HAND_WRITTEN`` is the generated class itself, and ``tinker.types.<module>`` re-exports the generated
module of that name (those files are written by ``codegen.sh``). The modules written by hand hold what the
generator cannot express: numpy-backed tensor types (``TensorData``, ``Datum``, ``SampleResponse``, ...),
``OptimStepRequest`` (one Python field, two wire keys) and SDK-side helpers that are not HTTP bodies.

Every name is imported lazily on first access (PEP 562), so ``import tinker.types`` stays cheap.

JSON: every type has ``to_json_dict()`` / ``from_json_dict()``: the wire form of SDK 0.38 (defaults included,
``null`` dropped unless the contract requires the field) and its inverse.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

# name -> hand-written submodule
_HAND_WRITTEN: dict[str, str] = {
    "Datum": "datum",
    "DimuonParams": "optimizer",
    "ForwardBackwardInput": "forward_backward_input",
    "ForwardBackwardOutput": "forward_backward_output",
    "ForwardBackwardRequest": "forward_backward_input",
    "ForwardRequest": "forward_backward_input",
    "FutureRetrieveResponse": "future_retrieve_response",
    "GetBillingUsageRequest": "billing_usage_request",
    "GetCurrentCheckpointStorageUsageRequest": "current_checkpoint_storage_usage_request",
    "LossFnInputs": "datum",
    "LossFnOutput": "forward_backward_output",
    "OptimParams": "optimizer",
    "OptimStepRequest": "optimizer",
    "PromptAltTokens": "sample_response",
    "PromptProvenanceSpan": "provenance_spans",
    "ProvenanceSpan": "provenance_spans",
    "ProvenanceSpans": "provenance_spans",
    "SampleResponse": "sample_response",
    "SampledProvenanceSpan": "provenance_spans",
    "SampledSequence": "sampled_sequence",
    "TelemetryBatch": "telemetry_batch",
    "TensorData": "tensor_data",
    "TensorDtype": "tensor_dtype",
    "TopkLogprobs": "topk_logprobs",
    "TopkPromptLogprobs": "topk_logprobs",
    "WhoamiResponse": "whoami_response",
}


def _public_names() -> list[str]:
    from tinker_api.models import _MODULES

    return sorted(set(_HAND_WRITTEN) | {name for name in _MODULES if name[:1].isupper()})


__all__ = _public_names()


def __getattr__(name: str) -> Any:
    value: Any = None
    module_name = _HAND_WRITTEN.get(name)
    if module_name is not None:
        value = getattr(importlib.import_module(f".{module_name}", __name__), name)
    elif name[:1].isupper():
        import tinker_api.models

        if name in tinker_api.models._MODULES:  # straight from the generated package: no re-export module to load
            value = getattr(tinker_api.models, name)
    if value is not None:
        globals()[name] = value
        return value
    if not name.startswith("_"):
        # `tinker.types.<submodule>` as an attribute, without a prior explicit import.
        try:
            return importlib.import_module(f"{__name__}.{name}")
        except ModuleNotFoundError as exc:
            if exc.name != f"{__name__}.{name}":
                raise
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))


if TYPE_CHECKING:
    from tinker_api.models import *  # every generated model

    from .billing_usage_request import GetBillingUsageRequest as GetBillingUsageRequest
    from .current_checkpoint_storage_usage_request import (
        GetCurrentCheckpointStorageUsageRequest as GetCurrentCheckpointStorageUsageRequest,
    )
    from .datum import Datum as Datum
    from .datum import LossFnInputs as LossFnInputs
    from .forward_backward_input import ForwardBackwardInput as ForwardBackwardInput
    from .forward_backward_input import ForwardBackwardRequest as ForwardBackwardRequest
    from .forward_backward_input import ForwardRequest as ForwardRequest
    from .forward_backward_output import ForwardBackwardOutput as ForwardBackwardOutput
    from .forward_backward_output import LossFnOutput as LossFnOutput
    from .future_retrieve_response import FutureRetrieveResponse as FutureRetrieveResponse
    from .optimizer import DimuonParams as DimuonParams
    from .optimizer import OptimParams as OptimParams
    from .optimizer import OptimStepRequest as OptimStepRequest
    from .provenance_spans import PromptProvenanceSpan as PromptProvenanceSpan
    from .provenance_spans import ProvenanceSpan as ProvenanceSpan
    from .provenance_spans import ProvenanceSpans as ProvenanceSpans
    from .provenance_spans import SampledProvenanceSpan as SampledProvenanceSpan
    from .sample_response import PromptAltTokens as PromptAltTokens
    from .sample_response import SampleResponse as SampleResponse
    from .sampled_sequence import SampledSequence as SampledSequence
    from .telemetry_batch import TelemetryBatch as TelemetryBatch
    from .tensor_data import TensorData as TensorData
    from .tensor_dtype import TensorDtype as TensorDtype
    from .topk_logprobs import TopkLogprobs as TopkLogprobs
    from .topk_logprobs import TopkPromptLogprobs as TopkPromptLogprobs
    from .whoami_response import WhoamiResponse as WhoamiResponse
