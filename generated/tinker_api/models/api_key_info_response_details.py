from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.api_key_info_response_details_org_details import (
        ApiKeyInfoResponseDetailsOrgDetails,
    )
    from ..models.api_key_info_response_details_user_details import (
        ApiKeyInfoResponseDetailsUserDetails,
    )


T = TypeVar("T", bound="ApiKeyInfoResponseDetails")


@_attrs_define
class ApiKeyInfoResponseDetails:
    org_details: ApiKeyInfoResponseDetailsOrgDetails | Unset = UNSET
    user_details: ApiKeyInfoResponseDetailsUserDetails | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        org_details: dict[str, Any] | Unset = UNSET
        if not isinstance(self.org_details, Unset):
            org_details = self.org_details.to_dict()

        user_details: dict[str, Any] | Unset = UNSET
        if not isinstance(self.user_details, Unset):
            user_details = self.user_details.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if org_details is not UNSET:
            field_dict["org_details"] = org_details
        if user_details is not UNSET:
            field_dict["user_details"] = user_details

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.api_key_info_response_details_org_details import (
            ApiKeyInfoResponseDetailsOrgDetails,
        )
        from ..models.api_key_info_response_details_user_details import (
            ApiKeyInfoResponseDetailsUserDetails,
        )

        d = dict(src_dict)
        _org_details = d.pop("org_details", UNSET)
        org_details: ApiKeyInfoResponseDetailsOrgDetails | Unset
        if isinstance(_org_details, Unset):
            org_details = UNSET
        else:
            org_details = ApiKeyInfoResponseDetailsOrgDetails.from_dict(_org_details)

        _user_details = d.pop("user_details", UNSET)
        user_details: ApiKeyInfoResponseDetailsUserDetails | Unset
        if isinstance(_user_details, Unset):
            user_details = UNSET
        else:
            user_details = ApiKeyInfoResponseDetailsUserDetails.from_dict(_user_details)

        api_key_info_response_details = cls(
            org_details=org_details,
            user_details=user_details,
        )

        api_key_info_response_details.additional_properties = d
        return api_key_info_response_details

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
