from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="CheckpointStorageUsageRow")


@_attrs_define
class CheckpointStorageUsageRow:
    checkpoint_count: int
    size_bytes: int
    size_gigabytes: float
    project_id: None | str | Unset = UNSET
    org_user_urn: None | str | Unset = UNSET
    user_email: None | str | Unset = UNSET
    user_name: None | str | Unset = UNSET
    estimated_monthly_cost_usd: float | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        checkpoint_count = self.checkpoint_count

        size_bytes = self.size_bytes

        size_gigabytes = self.size_gigabytes

        project_id: None | str | Unset
        if isinstance(self.project_id, Unset):
            project_id = UNSET
        else:
            project_id = self.project_id

        org_user_urn: None | str | Unset
        if isinstance(self.org_user_urn, Unset):
            org_user_urn = UNSET
        else:
            org_user_urn = self.org_user_urn

        user_email: None | str | Unset
        if isinstance(self.user_email, Unset):
            user_email = UNSET
        else:
            user_email = self.user_email

        user_name: None | str | Unset
        if isinstance(self.user_name, Unset):
            user_name = UNSET
        else:
            user_name = self.user_name

        estimated_monthly_cost_usd: float | None | Unset
        if isinstance(self.estimated_monthly_cost_usd, Unset):
            estimated_monthly_cost_usd = UNSET
        else:
            estimated_monthly_cost_usd = self.estimated_monthly_cost_usd

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "checkpoint_count": checkpoint_count,
                "size_bytes": size_bytes,
                "size_gigabytes": size_gigabytes,
            }
        )
        if project_id is not UNSET:
            field_dict["project_id"] = project_id
        if org_user_urn is not UNSET:
            field_dict["org_user_urn"] = org_user_urn
        if user_email is not UNSET:
            field_dict["user_email"] = user_email
        if user_name is not UNSET:
            field_dict["user_name"] = user_name
        if estimated_monthly_cost_usd is not UNSET:
            field_dict["estimated_monthly_cost_usd"] = estimated_monthly_cost_usd

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        checkpoint_count = d.pop("checkpoint_count")

        size_bytes = d.pop("size_bytes")

        size_gigabytes = d.pop("size_gigabytes")

        def _parse_project_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        project_id = _parse_project_id(d.pop("project_id", UNSET))

        def _parse_org_user_urn(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        org_user_urn = _parse_org_user_urn(d.pop("org_user_urn", UNSET))

        def _parse_user_email(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        user_email = _parse_user_email(d.pop("user_email", UNSET))

        def _parse_user_name(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        user_name = _parse_user_name(d.pop("user_name", UNSET))

        def _parse_estimated_monthly_cost_usd(data: object) -> float | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(float | None | Unset, data)

        estimated_monthly_cost_usd = _parse_estimated_monthly_cost_usd(
            d.pop("estimated_monthly_cost_usd", UNSET)
        )

        checkpoint_storage_usage_row = cls(
            checkpoint_count=checkpoint_count,
            size_bytes=size_bytes,
            size_gigabytes=size_gigabytes,
            project_id=project_id,
            org_user_urn=org_user_urn,
            user_email=user_email,
            user_name=user_name,
            estimated_monthly_cost_usd=estimated_monthly_cost_usd,
        )

        checkpoint_storage_usage_row.additional_properties = d
        return checkpoint_storage_usage_row

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
