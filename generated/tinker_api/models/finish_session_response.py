from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.session_finish_reason import SessionFinishReason


T = TypeVar("T", bound="FinishSessionResponse")


@_attrs_define
class FinishSessionResponse:
    session_id: str | Unset = UNSET
    reason: SessionFinishReason | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        session_id = self.session_id

        reason: dict[str, Any] | Unset = UNSET
        if not isinstance(self.reason, Unset):
            reason = self.reason.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if session_id is not UNSET:
            field_dict["session_id"] = session_id
        if reason is not UNSET:
            field_dict["reason"] = reason

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.session_finish_reason import SessionFinishReason

        d = dict(src_dict)
        session_id = d.pop("session_id", UNSET)

        _reason = d.pop("reason", UNSET)
        reason: SessionFinishReason | Unset
        if isinstance(_reason, Unset):
            reason = UNSET
        else:
            reason = SessionFinishReason.from_dict(_reason)

        finish_session_response = cls(
            session_id=session_id,
            reason=reason,
        )

        finish_session_response.additional_properties = d
        return finish_session_response

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
