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

from ..types import UNSET, Unset

T = TypeVar("T", bound="StorageBillingEvent")


@_attrs_define
class StorageBillingEvent:
    type_: Literal["storage"]
    gigabyte_hours: float
    free: bool | Unset = False
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        type_ = self.type_

        gigabyte_hours = self.gigabyte_hours

        free = self.free

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "type": type_,
                "gigabyte_hours": gigabyte_hours,
            }
        )
        if free is not UNSET:
            field_dict["free"] = free

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        type_ = cast(Literal["storage"], d.pop("type"))
        if type_ != "storage":
            raise ValueError(f"type must match const 'storage', got '{type_}'")

        gigabyte_hours = d.pop("gigabyte_hours")

        free = d.pop("free", UNSET)

        storage_billing_event = cls(
            type_=type_,
            gigabyte_hours=gigabyte_hours,
            free=free,
        )

        storage_billing_event.additional_properties = d
        return storage_billing_event

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
