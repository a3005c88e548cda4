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

from ..models.save_weights_for_sampler_request_kind import (
    SaveWeightsForSamplerRequestKind,
    check_save_weights_for_sampler_request_kind,
)
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.user_metadata import UserMetadata


T = TypeVar("T", bound="SaveWeightsForSamplerRequest")


@_attrs_define
class SaveWeightsForSamplerRequest:
    """Named (`path`) saves are persistent; ephemeral saves send `sampling_session_seq_id` instead."""

    model_id: str
    path: None | str | Unset = UNSET
    sampling_session_seq_id: int | None | Unset = UNSET
    seq_id: int | None | Unset = UNSET
    ttl_seconds: int | None | Unset = UNSET
    kind: SaveWeightsForSamplerRequestKind | Unset = "snapshot"
    user_metadata: None | Unset | UserMetadata = UNSET
    type_: Literal["save_weights_for_sampler"] | Unset = "save_weights_for_sampler"
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.user_metadata import UserMetadata

        model_id = self.model_id

        path: None | str | Unset
        if isinstance(self.path, Unset):
            path = UNSET
        else:
            path = self.path

        sampling_session_seq_id: int | None | Unset
        if isinstance(self.sampling_session_seq_id, Unset):
            sampling_session_seq_id = UNSET
        else:
            sampling_session_seq_id = self.sampling_session_seq_id

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

        kind: str | Unset = UNSET
        if not isinstance(self.kind, Unset):
            kind = self.kind

        user_metadata: dict[str, Any] | None | Unset
        if isinstance(self.user_metadata, Unset):
            user_metadata = UNSET
        elif isinstance(self.user_metadata, UserMetadata):
            user_metadata = self.user_metadata.to_dict()
        else:
            user_metadata = self.user_metadata

        type_ = self.type_

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "model_id": model_id,
            }
        )
        if path is not UNSET:
            field_dict["path"] = path
        if sampling_session_seq_id is not UNSET:
            field_dict["sampling_session_seq_id"] = sampling_session_seq_id
        if seq_id is not UNSET:
            field_dict["seq_id"] = seq_id
        if ttl_seconds is not UNSET:
            field_dict["ttl_seconds"] = ttl_seconds
        if kind is not UNSET:
            field_dict["kind"] = kind
        if user_metadata is not UNSET:
            field_dict["user_metadata"] = user_metadata
        if type_ is not UNSET:
            field_dict["type"] = type_

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.user_metadata import UserMetadata

        d = dict(src_dict)
        model_id = d.pop("model_id")

        def _parse_path(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        path = _parse_path(d.pop("path", UNSET))

        def _parse_sampling_session_seq_id(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        sampling_session_seq_id = _parse_sampling_session_seq_id(
            d.pop("sampling_session_seq_id", UNSET)
        )

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

        _kind = d.pop("kind", UNSET)
        kind: SaveWeightsForSamplerRequestKind | Unset
        if isinstance(_kind, Unset):
            kind = UNSET
        else:
            kind = check_save_weights_for_sampler_request_kind(_kind)

        def _parse_user_metadata(data: object) -> None | Unset | UserMetadata:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                user_metadata_type_0 = UserMetadata.from_dict(data)

                return user_metadata_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | Unset | UserMetadata, data)

        user_metadata = _parse_user_metadata(d.pop("user_metadata", UNSET))

        type_ = cast(Literal["save_weights_for_sampler"] | Unset, d.pop("type", UNSET))
        if type_ != "save_weights_for_sampler" and not isinstance(type_, Unset):
            raise ValueError(
                f"type must match const 'save_weights_for_sampler', got '{type_}'"
            )

        save_weights_for_sampler_request = cls(
            model_id=model_id,
            path=path,
            sampling_session_seq_id=sampling_session_seq_id,
            seq_id=seq_id,
            ttl_seconds=ttl_seconds,
            kind=kind,
            user_metadata=user_metadata,
            type_=type_,
        )

        save_weights_for_sampler_request.additional_properties = d
        return save_weights_for_sampler_request

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
