"""``tinker.lib.public_interfaces`` (official deep import path)."""

from ..._custom_loss import LossHandle, PerDatumLossFn
from ..._futures import APIFuture, AwaitableConcurrentFuture
from ..._rest_client import AdminClient, RestClient
from ..._sampling_client import BackcompatSamplingClientFuture, SamplingClient
from ..._service_client import ServiceClient
from ..._training_client import BackcompatTrainingClientFuture, TrainingClient

__all__ = [
    "APIFuture",
    "AdminClient",
    "AwaitableConcurrentFuture",
    "BackcompatSamplingClientFuture",
    "BackcompatTrainingClientFuture",
    "LossHandle",
    "PerDatumLossFn",
    "RestClient",
    "SamplingClient",
    "ServiceClient",
    "TrainingClient",
]
