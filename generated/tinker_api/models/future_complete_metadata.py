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

T = TypeVar("T", bound="FutureCompleteMetadata")


@_attrs_define
class FutureCompleteMetadata:
    status: Literal["complete_metadata"]
    response_payload_size: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        status = self.status

        response_payload_size = self.response_payload_size

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "status": status,
                "response_payload_size": response_payload_size,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        status = cast(Literal["complete_metadata"], d.pop("status"))
        if status != "complete_metadata":
            raise ValueError(
                f"status must match const 'complete_metadata', got '{status}'"
            )

        response_payload_size = d.pop("response_payload_size")

        future_complete_metadata = cls(
            status=status,
            response_payload_size=response_payload_size,
        )

        future_complete_metadata.additional_properties = d
        return future_complete_metadata

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
