from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.queue_state import QueueState, check_queue_state
from ..types import UNSET, Unset

T = TypeVar("T", bound="FuturePendingResponse")


@_attrs_define
class FuturePendingResponse:
    detail: str | Unset = UNSET
    request_id: str | Unset = UNSET
    queue_state: QueueState | Unset = UNSET
    queue_state_reason: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        detail = self.detail

        request_id = self.request_id

        queue_state: str | Unset = UNSET
        if not isinstance(self.queue_state, Unset):
            queue_state = self.queue_state

        queue_state_reason: None | str | Unset
        if isinstance(self.queue_state_reason, Unset):
            queue_state_reason = UNSET
        else:
            queue_state_reason = self.queue_state_reason

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if detail is not UNSET:
            field_dict["detail"] = detail
        if request_id is not UNSET:
            field_dict["request_id"] = request_id
        if queue_state is not UNSET:
            field_dict["queue_state"] = queue_state
        if queue_state_reason is not UNSET:
            field_dict["queue_state_reason"] = queue_state_reason

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        detail = d.pop("detail", UNSET)

        request_id = d.pop("request_id", UNSET)

        _queue_state = d.pop("queue_state", UNSET)
        queue_state: QueueState | Unset
        if isinstance(_queue_state, Unset):
            queue_state = UNSET
        else:
            queue_state = check_queue_state(_queue_state)

        def _parse_queue_state_reason(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        queue_state_reason = _parse_queue_state_reason(
            d.pop("queue_state_reason", UNSET)
        )

        future_pending_response = cls(
            detail=detail,
            request_id=request_id,
            queue_state=queue_state,
            queue_state_reason=queue_state_reason,
        )

        future_pending_response.additional_properties = d
        return future_pending_response

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
