from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.external_weights_urls_response_urls import (
        ExternalWeightsUrlsResponseUrls,
    )


T = TypeVar("T", bound="ExternalWeightsUrlsResponse")


@_attrs_define
class ExternalWeightsUrlsResponse:
    urls: ExternalWeightsUrlsResponseUrls
    """ Signed URL of each file, keyed by its path relative to the checkpoint root. """
    expires: datetime.datetime
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        urls = self.urls.to_dict()

        expires = self.expires.isoformat()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "urls": urls,
                "expires": expires,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.external_weights_urls_response_urls import (
            ExternalWeightsUrlsResponseUrls,
        )

        d = dict(src_dict)
        urls = ExternalWeightsUrlsResponseUrls.from_dict(d.pop("urls"))

        expires = datetime.datetime.fromisoformat(d.pop("expires"))

        external_weights_urls_response = cls(
            urls=urls,
            expires=expires,
        )

        external_weights_urls_response.additional_properties = d
        return external_weights_urls_response

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
