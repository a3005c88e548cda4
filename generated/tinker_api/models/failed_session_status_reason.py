from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.failed_session_status_reason_type import (
    FailedSessionStatusReasonType,
    check_failed_session_status_reason_type,
)
from ..types import UNSET, Unset

T = TypeVar("T", bound="FailedSessionStatusReason")


@_attrs_define
class FailedSessionStatusReason:
    type_: FailedSessionStatusReasonType
    request_id: str | Unset = UNSET
    request_type: str | Unset = UNSET
    training_run_id: str | Unset = UNSET
    sampling_session_id: str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        type_: str = self.type_

        request_id = self.request_id

        request_type = self.request_type

        training_run_id = self.training_run_id

        sampling_session_id = self.sampling_session_id

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "type": type_,
            }
        )
        if request_id is not UNSET:
            field_dict["request_id"] = request_id
        if request_type is not UNSET:
            field_dict["request_type"] = request_type
        if training_run_id is not UNSET:
            field_dict["training_run_id"] = training_run_id
        if sampling_session_id is not UNSET:
            field_dict["sampling_session_id"] = sampling_session_id

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        type_ = check_failed_session_status_reason_type(d.pop("type"))

        request_id = d.pop("request_id", UNSET)

        request_type = d.pop("request_type", UNSET)

        training_run_id = d.pop("training_run_id", UNSET)

        sampling_session_id = d.pop("sampling_session_id", UNSET)

        failed_session_status_reason = cls(
            type_=type_,
            request_id=request_id,
            request_type=request_type,
            training_run_id=training_run_id,
            sampling_session_id=sampling_session_id,
        )

        failed_session_status_reason.additional_properties = d
        return failed_session_status_reason

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
