"""Result of ``forward`` / ``forward_backward``."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from ._json_wire import JsonWire
from .tensor_data import TensorData

__all__ = ["ForwardBackwardOutput", "LossFnOutput"]

LossFnOutput = dict[str, TensorData]
"""Per-datum outputs of the loss function by name (e.g. ``"logprobs"``, ``"elementwise_loss"``)."""


@dataclass(frozen=True)
class ForwardBackwardOutput(JsonWire):
    """Outputs of a forward(-backward) pass.

    ``loss_fn_outputs[i]`` belongs to input datum ``i``; ``loss_fn_outputs[i]["logprobs"]`` holds the
    model's log-probabilities of that datum's target tokens. ``metrics`` keys have the form
    ``"<name>:<reduction>"`` (e.g. ``"loss:sum"``).
    """

    _required_on_wire = frozenset({"loss_fn_output_type", "loss_fn_outputs", "metrics"})

    loss_fn_output_type: str
    loss_fn_outputs: list[LossFnOutput]
    metrics: dict[str, float] = field(default_factory=dict)

    def __post_init__(self) -> None:
        outputs = [{key: TensorData.coerce(value) for key, value in record.items()} for record in self.loss_fn_outputs]
        object.__setattr__(self, "loss_fn_outputs", outputs)
        object.__setattr__(self, "metrics", {} if self.metrics is None else dict(self.metrics))

    def to_json_dict(self) -> dict[str, Any]:
        """The JSON form ``{"loss_fn_output_type", "loss_fn_outputs": [{name: TensorData}], "metrics"}``."""
        return {
            "loss_fn_output_type": self.loss_fn_output_type,
            "loss_fn_outputs": [
                {key: td.to_json_dict() for key, td in record.items()} for record in self.loss_fn_outputs
            ],
            "metrics": dict(self.metrics),
        }

    @classmethod
    def _from_decoded(
        cls, loss_fn_output_type: str, loss_fn_outputs: list[LossFnOutput], metrics: dict[str, float]
    ) -> ForwardBackwardOutput:
        """Wrap a decoder's result (every output already a ``TensorData``) without coercing it again."""
        obj = object.__new__(cls)
        fields = {"loss_fn_output_type": loss_fn_output_type, "loss_fn_outputs": loss_fn_outputs, "metrics": metrics}
        object.__setattr__(obj, "__dict__", fields)
        return obj

    @classmethod
    def from_json_dict(cls, obj: Mapping[str, Any]) -> ForwardBackwardOutput:
        """Parse the JSON form (``metrics`` may be missing)."""
        return cls(
            loss_fn_output_type=obj["loss_fn_output_type"],
            loss_fn_outputs=list(obj.get("loss_fn_outputs") or []),
            metrics=obj.get("metrics") or {},
        )
