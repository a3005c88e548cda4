"""Result of ``forward`` / ``forward_backward``."""

from __future__ import annotations

import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ._json_wire import JsonWire
from .tensor_data import TensorData

if TYPE_CHECKING:
    from tinker_wire import WireOutputRecord

__all__ = ["ForwardBackwardOutput", "LossFnOutput"]

LossFnOutput = dict[str, TensorData]
"""Per-datum outputs of the loss function by name (e.g. ``"logprobs"``, ``"elementwise_loss"``)."""

_split_lock = threading.Lock()


@dataclass(frozen=True)
class ForwardBackwardOutput(JsonWire):
    """Outputs of a forward(-backward) pass.

    ``loss_fn_outputs[i]`` belongs to input datum ``i``; ``loss_fn_outputs[i]["logprobs"]`` holds the
    model's log-probabilities of that datum's target tokens. ``metrics`` keys have the form
    ``"<name>:<reduction>"`` (e.g. ``"loss:sum"``).

    A result decoded from protobuf builds ``loss_fn_outputs`` on first access (see :meth:`_from_records`).
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
    def _from_records(
        cls, loss_fn_output_type: str, records: list[WireOutputRecord], metrics: dict[str, float]
    ) -> ForwardBackwardOutput:
        """Wrap decoded, checked records whose per-datum tensors are made on first access of ``loss_fn_outputs``.

        Until then the result holds the response bodies (about 4 bytes per logprob) instead of a dict, a
        ``TensorData`` and an array view per datum and output (~1 KB per datum): a caller that reads only
        ``metrics`` never pays for them.
        """
        obj = object.__new__(cls)
        fields = {"loss_fn_output_type": loss_fn_output_type, "metrics": metrics, "_records": records}
        object.__setattr__(obj, "__dict__", fields)
        return obj

    def __getattr__(self, name: str) -> Any:
        # Reached only for attributes not in __dict__: ``loss_fn_outputs`` of a result still in record form.
        if name == "loss_fn_outputs" and "_records" in self.__dict__:
            return self._split_records()
        raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}", name=name, obj=self)

    def _pending_records(self) -> list[WireOutputRecord] | None:
        """The records not yet cut into ``loss_fn_outputs``, or ``None`` once they are (or never were)."""
        return self.__dict__.get("_records")

    def _split_records(self) -> list[LossFnOutput]:
        from tinker_wire import split_output_records

        with _split_lock:  # two threads reading at once must get the same list
            fields = self.__dict__
            if "_records" in fields:
                outputs = split_output_records(fields["_records"])
                # The eager layout (same keys and order), so vars(), pickle and copies look as they always did.
                fields = {
                    "loss_fn_output_type": fields["loss_fn_output_type"],
                    "loss_fn_outputs": outputs,
                    "metrics": fields["metrics"],
                }
                object.__setattr__(self, "__dict__", fields)
            return fields["loss_fn_outputs"]  # type: ignore[no-any-return]

    def __getstate__(self) -> dict[str, Any]:
        self.loss_fn_outputs  # noqa: B018 - pickled and copied in the eager layout
        return self.__dict__

    @classmethod
    def from_json_dict(cls, obj: Mapping[str, Any]) -> ForwardBackwardOutput:
        """Parse the JSON form (``metrics`` may be missing)."""
        return cls(
            loss_fn_output_type=obj["loss_fn_output_type"],
            loss_fn_outputs=list(obj.get("loss_fn_outputs") or []),
            metrics=obj.get("metrics") or {},
        )
