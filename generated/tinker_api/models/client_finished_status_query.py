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

from ..models.client_finished_status_query_reasons_item import (
    ClientFinishedStatusQueryReasonsItem,
    check_client_finished_status_query_reasons_item,
)
from ..types import UNSET, Unset

T = TypeVar("T", bound="ClientFinishedStatusQuery")


@_attrs_define
class ClientFinishedStatusQuery:
    type_: Literal["client_finished"]
    reasons: list[ClientFinishedStatusQueryReasonsItem] | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        type_ = self.type_

        reasons: list[str] | Unset = UNSET
        if not isinstance(self.reasons, Unset):
            reasons = []
            for reasons_item_data in self.reasons:
                reasons_item: str = reasons_item_data
                reasons.append(reasons_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "type": type_,
            }
        )
        if reasons is not UNSET:
            field_dict["reasons"] = reasons

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        type_ = cast(Literal["client_finished"], d.pop("type"))
        if type_ != "client_finished":
            raise ValueError(f"type must match const 'client_finished', got '{type_}'")

        _reasons = d.pop("reasons", UNSET)
        reasons: list[ClientFinishedStatusQueryReasonsItem] | Unset = UNSET
        if _reasons is not UNSET:
            reasons = []
            for reasons_item_data in _reasons:
                reasons_item = check_client_finished_status_query_reasons_item(
                    reasons_item_data
                )

                reasons.append(reasons_item)

        client_finished_status_query = cls(
            type_=type_,
            reasons=reasons,
        )

        client_finished_status_query.additional_properties = d
        return client_finished_status_query

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
