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

T = TypeVar("T", bound="SaveWeightsExternalRequest")


@_attrs_define
class SaveWeightsExternalRequest:
    model_id: str
    path: str
    """ A checkpoint name; no slashes. """
    seq_id: int | None | Unset = UNSET
    ttl_seconds: int | None | Unset = UNSET
    age_encryption_recipients: list[str] | None | Unset = UNSET
    type_: Literal["save_weights_external"] | Unset = "save_weights_external"
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        model_id = self.model_id

        path = self.path

        seq_id: int | None | Unset
        if isinstance(self.seq_id, Unset):
            seq_id = UNSET
        else:
            seq_id = self.seq_id

        ttl_seconds: int | None | Unset
        if isinstance(self.ttl_seconds, Unset):
            ttl_seconds = UNSET
        else:
            ttl_seconds = self.ttl_seconds

        age_encryption_recipients: list[str] | None | Unset
        if isinstance(self.age_encryption_recipients, Unset):
            age_encryption_recipients = UNSET
        elif isinstance(self.age_encryption_recipients, list):
            age_encryption_recipients = self.age_encryption_recipients

        else:
            age_encryption_recipients = self.age_encryption_recipients

        type_ = self.type_

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "model_id": model_id,
                "path": path,
            }
        )
        if seq_id is not UNSET:
            field_dict["seq_id"] = seq_id
        if ttl_seconds is not UNSET:
            field_dict["ttl_seconds"] = ttl_seconds
        if age_encryption_recipients is not UNSET:
            field_dict["age_encryption_recipients"] = age_encryption_recipients
        if type_ is not UNSET:
            field_dict["type"] = type_

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        model_id = d.pop("model_id")

        path = d.pop("path")

        def _parse_seq_id(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        seq_id = _parse_seq_id(d.pop("seq_id", UNSET))

        def _parse_ttl_seconds(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        ttl_seconds = _parse_ttl_seconds(d.pop("ttl_seconds", UNSET))

        def _parse_age_encryption_recipients(data: object) -> list[str] | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                age_encryption_recipients_type_0 = cast(list[str], data)

                return age_encryption_recipients_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[str] | None | Unset, data)

        age_encryption_recipients = _parse_age_encryption_recipients(
            d.pop("age_encryption_recipients", UNSET)
        )

        type_ = cast(Literal["save_weights_external"] | Unset, d.pop("type", UNSET))
        if type_ != "save_weights_external" and not isinstance(type_, Unset):
            raise ValueError(
                f"type must match const 'save_weights_external', got '{type_}'"
            )

        save_weights_external_request = cls(
            model_id=model_id,
            path=path,
            seq_id=seq_id,
            ttl_seconds=ttl_seconds,
            age_encryption_recipients=age_encryption_recipients,
            type_=type_,
        )

        save_weights_external_request.additional_properties = d
        return save_weights_external_request

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
