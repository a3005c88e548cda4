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

from ..models.image_asset_pointer_chunk_format import (
    ImageAssetPointerChunkFormat,
    check_image_asset_pointer_chunk_format,
)
from ..types import UNSET, Unset

T = TypeVar("T", bound="ImageAssetPointerChunk")


@_attrs_define
class ImageAssetPointerChunk:
    format_: ImageAssetPointerChunkFormat
    location: str
    expected_tokens: int | None | Unset = UNSET
    type_: Literal["image_asset_pointer"] | Unset = "image_asset_pointer"

    def to_dict(self) -> dict[str, Any]:
        format_: str = self.format_

        location = self.location

        expected_tokens: int | None | Unset
        if isinstance(self.expected_tokens, Unset):
            expected_tokens = UNSET
        else:
            expected_tokens = self.expected_tokens

        type_ = self.type_

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "format": format_,
                "location": location,
            }
        )
        if expected_tokens is not UNSET:
            field_dict["expected_tokens"] = expected_tokens
        if type_ is not UNSET:
            field_dict["type"] = type_

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        format_ = check_image_asset_pointer_chunk_format(d.pop("format"))

        location = d.pop("location")

        def _parse_expected_tokens(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        expected_tokens = _parse_expected_tokens(d.pop("expected_tokens", UNSET))

        type_ = cast(Literal["image_asset_pointer"] | Unset, d.pop("type", UNSET))
        if type_ != "image_asset_pointer" and not isinstance(type_, Unset):
            raise ValueError(
                f"type must match const 'image_asset_pointer', got '{type_}'"
            )

        image_asset_pointer_chunk = cls(
            format_=format_,
            location=location,
            expected_tokens=expected_tokens,
            type_=type_,
        )

        return image_asset_pointer_chunk
