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

from ..models.failed_session_status_category import (
    FailedSessionStatusCategory,
    check_failed_session_status_category,
)

if TYPE_CHECKING:
    from ..models.failed_session_status_reason import FailedSessionStatusReason


T = TypeVar("T", bound="FailedSessionStatus")


@_attrs_define
class FailedSessionStatus:
    type_: Literal["failed"]
    category: FailedSessionStatusCategory
    reason: FailedSessionStatusReason
    message: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        type_ = self.type_

        category: str = self.category

        reason = self.reason.to_dict()

        message = self.message

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "type": type_,
                "category": category,
                "reason": reason,
                "message": message,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.failed_session_status_reason import FailedSessionStatusReason

        d = dict(src_dict)
        type_ = cast(Literal["failed"], d.pop("type"))
        if type_ != "failed":
            raise ValueError(f"type must match const 'failed', got '{type_}'")

        category = check_failed_session_status_category(d.pop("category"))

        reason = FailedSessionStatusReason.from_dict(d.pop("reason"))

        message = d.pop("message")

        failed_session_status = cls(
            type_=type_,
            category=category,
            reason=reason,
            message=message,
        )

        failed_session_status.additional_properties = d
        return failed_session_status

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
