"""tinker: a drop-in, contract-first Python SDK for the Tinker fine-tuning API.

Same public API as the official ``tinker`` package (0.38): ``ServiceClient``, ``TrainingClient``,
``SamplingClient``, ``RestClient``, ``AdminClient``, ``APIFuture`` and the types in :mod:`tinker.types`.
Names are loaded lazily so ``import tinker`` stays fast and never imports torch.

Run against the bundled offline server::

    tinker local serve --port 8000          # pip install 'tinker-oss[local]'
    TINKER_BASE_URL=http://127.0.0.1:8000 TINKER_API_KEY=local python train.py
"""

from __future__ import annotations

import importlib
import logging
import os
from typing import TYPE_CHECKING, Any

from ._version import __title__, __version__

_CLIENTS: dict[str, str] = {
    "ServiceClient": "._service_client",
    "TrainingClient": "._training_client",
    "SamplingClient": "._sampling_client",
    "RestClient": "._rest_client",
    "AdminClient": "._rest_client",
    "APIFuture": "._futures",
    "AwaitableConcurrentFuture": "._futures",
    "BackcompatTrainingClientFuture": "._training_client",
    "BackcompatSamplingClientFuture": "._sampling_client",
    "RetryConfig": "._retry",
    "CircuitBreakerConfig": "._breaker",
    "CircuitOpenError": "._breaker",
    "RecoveryPolicy": "._recovery",
    "RecoveryEvent": "._recovery",
    "RecoveringTrainingClient": "._recovery",
    "TrainingRunRecovered": "._recovery",
    "SampleStream": "._streaming",
    "SampleStreamEvent": "._streaming",
    "RetryableError": "._retry",
    "LossHandle": "._custom_loss",
    "PerDatumLossFn": "._custom_loss",
    "RequestOptions": "._response",
    "APIResponse": "._response",
    "AsyncAPIResponse": "._response",
}
# Observability switches (docs/observability.md): each lives in its concern's module and imports OpenTelemetry or
# prometheus_client only when called.
_OBSERVABILITY: dict[str, str] = {
    "enable_tracing": "._tracing",
    "disable_tracing": "._tracing",
    "enable_metrics": "._metrics",
    "disable_metrics": "._metrics",
    "enable_audit_log": "._audit",
    "disable_audit_log": "._audit",
    "on": "._hooks",
}
# Subpackages reachable as attributes (``tinker.auth.tinker_has_credentials()``), imported on first use.
_SUBMODULES = ("types", "auth", "lib")
_EXCEPTIONS = (
    "TinkerError",
    "APIError",
    "APIStatusError",
    "APIConnectionError",
    "APITimeoutError",
    "APIResponseValidationError",
    "BadRequestError",
    "AuthenticationError",
    "BillingError",
    "PermissionDeniedError",
    "NotFoundError",
    "ConflictError",
    "UnprocessableEntityError",
    "RateLimitError",
    "InternalServerError",
    "RequestFailedError",
    "ExperimentalWarning",
)
# Types re-exported at the top level, as the official package does.
_TYPES = (
    "AdamParams",
    "AdamOptimizerConfig",
    "Checkpoint",
    "CheckpointType",
    "Datum",
    "DimuonOptimizerConfig",
    "DimuonParams",
    "DmelChunk",
    "EncodedTextChunk",
    "ForwardBackwardOutput",
    "ImageAssetPointerChunk",
    "ImageChunk",
    "LoraConfig",
    "LossFnType",
    "ModelID",
    "ModelInput",
    "ModelInputChunk",
    "OptimParams",
    "OptimStepRequest",
    "OptimStepResponse",
    "OptimizerConfig",
    "ParsedCheckpointTinkerPath",
    "PromptProvenanceSpan",
    "SampledProvenanceSpan",
    "SampledSequence",
    "SampleRequest",
    "SampleResponse",
    "SamplingParams",
    "StopReason",
    "TensorData",
    "TensorDtype",
    "TrainingRun",
    "GetServerCapabilitiesResponse",
    "SupportedModel",
    "GetInfoResponse",
    "SaveWeightsResponse",
    "SaveWeightsForSamplerResponse",
    "LoadWeightsResponse",
    "TopkLogprobs",
    "PromptAltTokens",
)

__all__ = ["__version__", "__title__", "types", "auth", "Timeout", *_CLIENTS, *_OBSERVABILITY, *_EXCEPTIONS, *_TYPES]


def __getattr__(name: str) -> Any:
    if name in _CLIENTS:
        value = getattr(importlib.import_module(_CLIENTS[name], __name__), name)
    elif name in _OBSERVABILITY:
        value = getattr(importlib.import_module(_OBSERVABILITY[name], __name__), name)
    elif name in _EXCEPTIONS:
        value = getattr(importlib.import_module("._exceptions", __name__), name)
    elif name in _TYPES:
        value = getattr(importlib.import_module(".types", __name__), name)
    elif name in _SUBMODULES:
        value = importlib.import_module(f".{name}", __name__)
    elif name == "Timeout":
        import httpx

        value = httpx.Timeout
    else:
        raise AttributeError(f"module 'tinker' has no attribute {name!r}")
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*__all__, *_SUBMODULES})


def _configure_logging() -> None:
    level = os.environ.get("TINKER_LOG", "").strip().lower()
    if level in ("debug", "info"):
        logging.basicConfig(format="%(asctime)s %(name)s %(levelname)s %(message)s")
        for name in ("tinker", "httpx"):
            logging.getLogger(name).setLevel(logging.DEBUG if level == "debug" else logging.INFO)


_configure_logging()

if TYPE_CHECKING:
    from httpx import Timeout

    from . import auth, lib, types
    from ._audit import disable_audit_log, enable_audit_log
    from ._breaker import CircuitBreakerConfig, CircuitOpenError
    from ._custom_loss import LossHandle, PerDatumLossFn
    from ._exceptions import (
        APIConnectionError,
        APIError,
        APIResponseValidationError,
        APIStatusError,
        APITimeoutError,
        AuthenticationError,
        BadRequestError,
        BillingError,
        ConflictError,
        ExperimentalWarning,
        InternalServerError,
        NotFoundError,
        PermissionDeniedError,
        RateLimitError,
        RequestFailedError,
        TinkerError,
        UnprocessableEntityError,
    )
    from ._futures import APIFuture, AwaitableConcurrentFuture
    from ._hooks import on
    from ._metrics import disable_metrics, enable_metrics
    from ._recovery import RecoveringTrainingClient, RecoveryEvent, RecoveryPolicy, TrainingRunRecovered
    from ._response import APIResponse, AsyncAPIResponse, RequestOptions
    from ._rest_client import AdminClient, RestClient
    from ._retry import RetryableError, RetryConfig
    from ._sampling_client import BackcompatSamplingClientFuture, SamplingClient
    from ._service_client import ServiceClient
    from ._streaming import SampleStream, SampleStreamEvent
    from ._tracing import disable_tracing, enable_tracing
    from ._training_client import BackcompatTrainingClientFuture, TrainingClient
    from .types import *
