from __future__ import annotations

from collections.abc import Mapping
from typing import (
    Any,
    Literal,
    Self,
    TypeVar,
    cast,
)

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="SamplingPrefillBillingEvent")


@_attrs_define
class SamplingPrefillBillingEvent:
    type_: Literal["sampling_prefill"]
    cached: bool
    token_count: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        type_ = self.type_

        cached = self.cached

        token_count = self.token_count

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "type": type_,
                "cached": cached,
                "token_count": token_count,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        type_ = cast(Literal["sampling_prefill"], d.pop("type"))
        if type_ != "sampling_prefill":
            raise ValueError(f"type must match const 'sampling_prefill', got '{type_}'")

        cached = d.pop("cached")

        token_count = d.pop("token_count")

        sampling_prefill_billing_event = cls(
            type_=type_,
            cached=cached,
            token_count=token_count,
        )

        sampling_prefill_billing_event.additional_properties = d
        return sampling_prefill_billing_event

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
