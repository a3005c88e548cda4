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

T = TypeVar("T", bound="SamplingSessionFuturesTarget")


@_attrs_define
class SamplingSessionFuturesTarget:
    type_: Literal["sampling_session"]
    sampling_session_id: str
    cloned_sampler_id: int | Unset = 0
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        type_ = self.type_

        sampling_session_id = self.sampling_session_id

        cloned_sampler_id = self.cloned_sampler_id

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "type": type_,
                "sampling_session_id": sampling_session_id,
            }
        )
        if cloned_sampler_id is not UNSET:
            field_dict["cloned_sampler_id"] = cloned_sampler_id

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        type_ = cast(Literal["sampling_session"], d.pop("type"))
        if type_ != "sampling_session":
            raise ValueError(f"type must match const 'sampling_session', got '{type_}'")

        sampling_session_id = d.pop("sampling_session_id")

        cloned_sampler_id = d.pop("cloned_sampler_id", UNSET)

        sampling_session_futures_target = cls(
            type_=type_,
            sampling_session_id=sampling_session_id,
            cloned_sampler_id=cloned_sampler_id,
        )

        sampling_session_futures_target.additional_properties = d
        return sampling_session_futures_target

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
