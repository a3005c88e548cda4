from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.active_session_status import ActiveSessionStatus
    from ..models.cancelled_session_status import CancelledSessionStatus
    from ..models.client_finished_session_status import ClientFinishedSessionStatus
    from ..models.failed_session_status import FailedSessionStatus
    from ..models.user_metadata import UserMetadata


T = TypeVar("T", bound="SessionSummary")


@_attrs_define
class SessionSummary:
    session_id: str
    created_at: datetime.datetime
    owner: str
    project_id: str
    checkpoints_count: int
    status: (
        ActiveSessionStatus
        | CancelledSessionStatus
        | ClientFinishedSessionStatus
        | FailedSessionStatus
        | None
        | Unset
    ) = UNSET
    display_name: None | str | Unset = UNSET
    user_metadata: None | Unset | UserMetadata = UNSET
    checkpoint_storage_bytes: int | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.active_session_status import ActiveSessionStatus
        from ..models.cancelled_session_status import CancelledSessionStatus
        from ..models.client_finished_session_status import ClientFinishedSessionStatus
        from ..models.failed_session_status import FailedSessionStatus
        from ..models.user_metadata import UserMetadata

        session_id = self.session_id

        created_at = self.created_at.isoformat()

        owner = self.owner

        project_id = self.project_id

        checkpoints_count = self.checkpoints_count

        status: dict[str, Any] | None | Unset
        if isinstance(self.status, Unset):
            status = UNSET
        elif (
            isinstance(self.status, ActiveSessionStatus)
            or isinstance(self.status, CancelledSessionStatus)
            or isinstance(self.status, ClientFinishedSessionStatus)
            or isinstance(self.status, FailedSessionStatus)
        ):
            status = self.status.to_dict()
        else:
            status = self.status

        display_name: None | str | Unset
        if isinstance(self.display_name, Unset):
            display_name = UNSET
        else:
            display_name = self.display_name

        user_metadata: dict[str, Any] | None | Unset
        if isinstance(self.user_metadata, Unset):
            user_metadata = UNSET
        elif isinstance(self.user_metadata, UserMetadata):
            user_metadata = self.user_metadata.to_dict()
        else:
            user_metadata = self.user_metadata

        checkpoint_storage_bytes: int | None | Unset
        if isinstance(self.checkpoint_storage_bytes, Unset):
            checkpoint_storage_bytes = UNSET
        else:
            checkpoint_storage_bytes = self.checkpoint_storage_bytes

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "session_id": session_id,
                "created_at": created_at,
                "owner": owner,
                "project_id": project_id,
                "checkpoints_count": checkpoints_count,
            }
        )
        if status is not UNSET:
            field_dict["status"] = status
        if display_name is not UNSET:
            field_dict["display_name"] = display_name
        if user_metadata is not UNSET:
            field_dict["user_metadata"] = user_metadata
        if checkpoint_storage_bytes is not UNSET:
            field_dict["checkpoint_storage_bytes"] = checkpoint_storage_bytes

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.active_session_status import ActiveSessionStatus
        from ..models.cancelled_session_status import CancelledSessionStatus
        from ..models.client_finished_session_status import ClientFinishedSessionStatus
        from ..models.failed_session_status import FailedSessionStatus
        from ..models.user_metadata import UserMetadata

        d = dict(src_dict)
        session_id = d.pop("session_id")

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        owner = d.pop("owner")

        project_id = d.pop("project_id")

        checkpoints_count = d.pop("checkpoints_count")

        def _parse_status(
            data: object,
        ) -> (
            ActiveSessionStatus
            | CancelledSessionStatus
            | ClientFinishedSessionStatus
            | FailedSessionStatus
            | None
            | Unset
        ):
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                componentsschemas_session_status_type_0 = ActiveSessionStatus.from_dict(
                    data
                )

                return componentsschemas_session_status_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                componentsschemas_session_status_type_1 = (
                    CancelledSessionStatus.from_dict(data)
                )

                return componentsschemas_session_status_type_1
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                componentsschemas_session_status_type_2 = (
                    ClientFinishedSessionStatus.from_dict(data)
                )

                return componentsschemas_session_status_type_2
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                componentsschemas_session_status_type_3 = FailedSessionStatus.from_dict(
                    data
                )

                return componentsschemas_session_status_type_3
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(
                ActiveSessionStatus
                | CancelledSessionStatus
                | ClientFinishedSessionStatus
                | FailedSessionStatus
                | None
                | Unset,
                data,
            )

        status = _parse_status(d.pop("status", UNSET))

        def _parse_display_name(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        display_name = _parse_display_name(d.pop("display_name", UNSET))

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

        def _parse_checkpoint_storage_bytes(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        checkpoint_storage_bytes = _parse_checkpoint_storage_bytes(
            d.pop("checkpoint_storage_bytes", UNSET)
        )

        session_summary = cls(
            session_id=session_id,
            created_at=created_at,
            owner=owner,
            project_id=project_id,
            checkpoints_count=checkpoints_count,
            status=status,
            display_name=display_name,
            user_metadata=user_metadata,
            checkpoint_storage_bytes=checkpoint_storage_bytes,
        )

        session_summary.additional_properties = d
        return session_summary

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
