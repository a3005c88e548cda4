from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.stop_reason import StopReason, check_stop_reason
from ..types import UNSET, Unset

T = TypeVar("T", bound="SampleStreamDone")


@_attrs_define
class SampleStreamDone:
    index: int
    stop_reason: StopReason
    num_tokens: int
    sequence_id: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        index = self.index

        stop_reason: str = self.stop_reason

        num_tokens = self.num_tokens

        sequence_id: None | str | Unset
        if isinstance(self.sequence_id, Unset):
            sequence_id = UNSET
        else:
            sequence_id = self.sequence_id

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "index": index,
                "stop_reason": stop_reason,
                "num_tokens": num_tokens,
            }
        )
        if sequence_id is not UNSET:
            field_dict["sequence_id"] = sequence_id

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        index = d.pop("index")

        stop_reason = check_stop_reason(d.pop("stop_reason"))

        num_tokens = d.pop("num_tokens")

        def _parse_sequence_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        sequence_id = _parse_sequence_id(d.pop("sequence_id", UNSET))

        sample_stream_done = cls(
            index=index,
            stop_reason=stop_reason,
            num_tokens=num_tokens,
            sequence_id=sequence_id,
        )

        sample_stream_done.additional_properties = d
        return sample_stream_done

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
