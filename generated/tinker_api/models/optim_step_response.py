from __future__ import annotations

from collections.abc import Mapping
from typing import (
    TYPE_CHECKING,
    Any,
    Literal,
    Self,
    TypeVar,
    cast,
)

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.optim_step_response_metrics_type_0 import (
        OptimStepResponseMetricsType0,
    )


T = TypeVar("T", bound="OptimStepResponse")


@_attrs_define
class OptimStepResponse:
    metrics: None | OptimStepResponseMetricsType0 | Unset = UNSET
    type_: Literal["optim_step"] | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.optim_step_response_metrics_type_0 import (
            OptimStepResponseMetricsType0,
        )

        metrics: dict[str, Any] | None | Unset
        if isinstance(self.metrics, Unset):
            metrics = UNSET
        elif isinstance(self.metrics, OptimStepResponseMetricsType0):
            metrics = self.metrics.to_dict()
        else:
            metrics = self.metrics

        type_ = self.type_

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if metrics is not UNSET:
            field_dict["metrics"] = metrics
        if type_ is not UNSET:
            field_dict["type"] = type_

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.optim_step_response_metrics_type_0 import (
            OptimStepResponseMetricsType0,
        )

        d = dict(src_dict)

        def _parse_metrics(
            data: object,
        ) -> None | OptimStepResponseMetricsType0 | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                metrics_type_0 = OptimStepResponseMetricsType0.from_dict(data)

                return metrics_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | OptimStepResponseMetricsType0 | Unset, data)

        metrics = _parse_metrics(d.pop("metrics", UNSET))

        type_ = cast(Literal["optim_step"] | Unset, d.pop("type", UNSET))
        if type_ != "optim_step" and not isinstance(type_, Unset):
            raise ValueError(f"type must match const 'optim_step', got '{type_}'")

        optim_step_response = cls(
            metrics=metrics,
            type_=type_,
        )

        optim_step_response.additional_properties = d
        return optim_step_response

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
