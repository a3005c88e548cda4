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

T = TypeVar("T", bound="SaveWeightsForSamplerResponseInternal")


@_attrs_define
class SaveWeightsForSamplerResponseInternal:
    type_: Literal["save_weights_for_sampler"]
    path: None | str | Unset = UNSET
    sampling_session_id: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        type_ = self.type_

        path: None | str | Unset
        if isinstance(self.path, Unset):
            path = UNSET
        else:
            path = self.path

        sampling_session_id: None | str | Unset
        if isinstance(self.sampling_session_id, Unset):
            sampling_session_id = UNSET
        else:
            sampling_session_id = self.sampling_session_id

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "type": type_,
            }
        )
        if path is not UNSET:
            field_dict["path"] = path
        if sampling_session_id is not UNSET:
            field_dict["sampling_session_id"] = sampling_session_id

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        type_ = cast(Literal["save_weights_for_sampler"], d.pop("type"))
        if type_ != "save_weights_for_sampler":
            raise ValueError(
                f"type must match const 'save_weights_for_sampler', got '{type_}'"
            )

        def _parse_path(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        path = _parse_path(d.pop("path", UNSET))

        def _parse_sampling_session_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        sampling_session_id = _parse_sampling_session_id(
            d.pop("sampling_session_id", UNSET)
        )

        save_weights_for_sampler_response_internal = cls(
            type_=type_,
            path=path,
            sampling_session_id=sampling_session_id,
        )

        save_weights_for_sampler_response_internal.additional_properties = d
        return save_weights_for_sampler_response_internal

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
