"""Inputs and request bodies of ``forward`` / ``forward_backward``."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .datum import Datum
from .loss_fn_type import LossFnType
from .model_id import ModelID

__all__ = ["ForwardBackwardInput", "ForwardBackwardRequest", "ForwardRequest"]

LossFnConfig = dict[str, float | str]


def _as_datums(data: Any) -> list[Datum]:
    return [d if isinstance(d, Datum) else Datum.from_json_dict(d) for d in data]


@dataclass(frozen=True)
class ForwardBackwardInput:
    """A batch of datums with the loss function to apply and its optional configuration.

    ``loss_fn_config`` maps option names to numbers or (since 0.38) strings, e.g. PPO clip thresholds,
    the DRO ``beta`` or ``{"loss_id": ...}`` for a ``custom`` loss.
    """

    data: list[Datum]
    loss_fn: LossFnType
    loss_fn_config: LossFnConfig | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "data", _as_datums(self.data))
        if self.loss_fn_config is not None:
            object.__setattr__(self, "loss_fn_config", dict(self.loss_fn_config))

    def to_json_dict(self) -> dict[str, Any]:
        """The JSON form (``loss_fn_config`` omitted when ``None``)."""
        out: dict[str, Any] = {"data": [d.to_json_dict() for d in self.data], "loss_fn": self.loss_fn}
        if self.loss_fn_config is not None:
            out["loss_fn_config"] = dict(self.loss_fn_config)
        return out

    @classmethod
    def from_json_dict(cls, obj: Mapping[str, Any]) -> ForwardBackwardInput:
        """Parse the JSON form."""
        return cls(data=_as_datums(obj["data"]), loss_fn=obj["loss_fn"], loss_fn_config=obj.get("loss_fn_config"))


def _as_input(value: Any) -> ForwardBackwardInput:
    return value if isinstance(value, ForwardBackwardInput) else ForwardBackwardInput.from_json_dict(value)


@dataclass(frozen=True)
class ForwardBackwardRequest:
    """JSON body of ``POST /api/v1/forward_backward`` (the 0.7-era JSON form; 0.25+ clients send protobuf)."""

    forward_backward_input: ForwardBackwardInput
    model_id: ModelID
    seq_id: int | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "forward_backward_input", _as_input(self.forward_backward_input))

    def to_json_dict(self) -> dict[str, Any]:
        """The JSON body (``seq_id`` omitted when ``None``)."""
        out: dict[str, Any] = {
            "forward_backward_input": self.forward_backward_input.to_json_dict(),
            "model_id": self.model_id,
        }
        if self.seq_id is not None:
            out["seq_id"] = self.seq_id
        return out

    @classmethod
    def from_json_dict(cls, obj: Mapping[str, Any]) -> ForwardBackwardRequest:
        """Parse the JSON body."""
        return cls(
            forward_backward_input=_as_input(obj["forward_backward_input"]),
            model_id=obj["model_id"],
            seq_id=obj.get("seq_id"),
        )


@dataclass(frozen=True)
class ForwardRequest:
    """JSON body of the 0.7-era ``POST /api/v1/forward`` (forward pass only, no gradients)."""

    forward_input: ForwardBackwardInput
    model_id: ModelID
    seq_id: int | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "forward_input", _as_input(self.forward_input))

    def to_json_dict(self) -> dict[str, Any]:
        """The JSON body (``seq_id`` omitted when ``None``)."""
        out: dict[str, Any] = {"forward_input": self.forward_input.to_json_dict(), "model_id": self.model_id}
        if self.seq_id is not None:
            out["seq_id"] = self.seq_id
        return out

    @classmethod
    def from_json_dict(cls, obj: Mapping[str, Any]) -> ForwardRequest:
        """Parse the JSON body."""
        return cls(forward_input=_as_input(obj["forward_input"]), model_id=obj["model_id"], seq_id=obj.get("seq_id"))
