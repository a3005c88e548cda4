from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.checkpoint_type import CheckpointType, check_checkpoint_type
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.user_metadata import UserMetadata


T = TypeVar("T", bound="Checkpoint")


@_attrs_define
class Checkpoint:
    checkpoint_id: str
    """ `<kind>/<name>`, e.g. `weights/0001`. """
    checkpoint_type: CheckpointType
    time: datetime.datetime
    tinker_path: str
    size_bytes: int | None | Unset = UNSET
    public: bool | Unset = False
    expires_at: datetime.datetime | None | Unset = UNSET
    training_run_id: None | str | Unset = UNSET
    user_metadata: None | Unset | UserMetadata = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.user_metadata import UserMetadata

        checkpoint_id = self.checkpoint_id

        checkpoint_type: str = self.checkpoint_type

        time = self.time.isoformat()

        tinker_path = self.tinker_path

        size_bytes: int | None | Unset
        if isinstance(self.size_bytes, Unset):
            size_bytes = UNSET
        else:
            size_bytes = self.size_bytes

        public = self.public

        expires_at: None | str | Unset
        if isinstance(self.expires_at, Unset):
            expires_at = UNSET
        elif isinstance(self.expires_at, datetime.datetime):
            expires_at = self.expires_at.isoformat()
        else:
            expires_at = self.expires_at

        training_run_id: None | str | Unset
        if isinstance(self.training_run_id, Unset):
            training_run_id = UNSET
        else:
            training_run_id = self.training_run_id

        user_metadata: dict[str, Any] | None | Unset
        if isinstance(self.user_metadata, Unset):
            user_metadata = UNSET
        elif isinstance(self.user_metadata, UserMetadata):
            user_metadata = self.user_metadata.to_dict()
        else:
            user_metadata = self.user_metadata

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "checkpoint_id": checkpoint_id,
                "checkpoint_type": checkpoint_type,
                "time": time,
                "tinker_path": tinker_path,
            }
        )
        if size_bytes is not UNSET:
            field_dict["size_bytes"] = size_bytes
        if public is not UNSET:
            field_dict["public"] = public
        if expires_at is not UNSET:
            field_dict["expires_at"] = expires_at
        if training_run_id is not UNSET:
            field_dict["training_run_id"] = training_run_id
        if user_metadata is not UNSET:
            field_dict["user_metadata"] = user_metadata

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.user_metadata import UserMetadata

        d = dict(src_dict)
        checkpoint_id = d.pop("checkpoint_id")

        checkpoint_type = check_checkpoint_type(d.pop("checkpoint_type"))

        time = datetime.datetime.fromisoformat(d.pop("time"))

        tinker_path = d.pop("tinker_path")

        def _parse_size_bytes(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        size_bytes = _parse_size_bytes(d.pop("size_bytes", UNSET))

        public = d.pop("public", UNSET)

        def _parse_expires_at(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                expires_at_type_0 = datetime.datetime.fromisoformat(data)

                return expires_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        expires_at = _parse_expires_at(d.pop("expires_at", UNSET))

        def _parse_training_run_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        training_run_id = _parse_training_run_id(d.pop("training_run_id", UNSET))

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

        checkpoint = cls(
            checkpoint_id=checkpoint_id,
            checkpoint_type=checkpoint_type,
            time=time,
            tinker_path=tinker_path,
            size_bytes=size_bytes,
            public=public,
            expires_at=expires_at,
            training_run_id=training_run_id,
            user_metadata=user_metadata,
        )

        checkpoint.additional_properties = d
        return checkpoint

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
