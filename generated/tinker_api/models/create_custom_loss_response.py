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

T = TypeVar("T", bound="CreateCustomLossResponse")


@_attrs_define
class CreateCustomLossResponse:
    loss_id: str
    type_: Literal["create_custom_loss"]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        loss_id = self.loss_id

        type_ = self.type_

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "loss_id": loss_id,
                "type": type_,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        loss_id = d.pop("loss_id")

        type_ = cast(Literal["create_custom_loss"], d.pop("type"))
        if type_ != "create_custom_loss":
            raise ValueError(
                f"type must match const 'create_custom_loss', got '{type_}'"
            )

        create_custom_loss_response = cls(
            loss_id=loss_id,
            type_=type_,
        )

        create_custom_loss_response.additional_properties = d
        return create_custom_loss_response

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
