from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.request_error_category import (
    RequestErrorCategory,
    check_request_error_category,
)
from ..types import UNSET, Unset

T = TypeVar("T", bound="RequestFailedResponse")


@_attrs_define
class RequestFailedResponse:
    """A failed request. Clients treat any 2xx body with an `error` key as a failure (category `unknown` when absent)."""

    error: str
    category: RequestErrorCategory | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        error = self.error

        category: str | Unset = UNSET
        if not isinstance(self.category, Unset):
            category = self.category

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "error": error,
            }
        )
        if category is not UNSET:
            field_dict["category"] = category

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        error = d.pop("error")

        _category = d.pop("category", UNSET)
        category: RequestErrorCategory | Unset
        if isinstance(_category, Unset):
            category = UNSET
        else:
            category = check_request_error_category(_category)

        request_failed_response = cls(
            error=error,
            category=category,
        )

        request_failed_response.additional_properties = d
        return request_failed_response

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
