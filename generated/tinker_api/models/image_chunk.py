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

from ..models.image_chunk_format import ImageChunkFormat, check_image_chunk_format
from ..types import UNSET, Unset

T = TypeVar("T", bound="ImageChunk")


@_attrs_define
class ImageChunk:
    data: str
    """ Raw PNG or JPEG bytes """
    format_: ImageChunkFormat
    expected_tokens: int | None | Unset = UNSET
    type_: Literal["image"] | Unset = "image"

    def to_dict(self) -> dict[str, Any]:
        data = self.data

        format_: str = self.format_

        expected_tokens: int | None | Unset
        if isinstance(self.expected_tokens, Unset):
            expected_tokens = UNSET
        else:
            expected_tokens = self.expected_tokens

        type_ = self.type_

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "data": data,
                "format": format_,
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
        data = d.pop("data")

        format_ = check_image_chunk_format(d.pop("format"))

        def _parse_expected_tokens(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        expected_tokens = _parse_expected_tokens(d.pop("expected_tokens", UNSET))

        type_ = cast(Literal["image"] | Unset, d.pop("type", UNSET))
        if type_ != "image" and not isinstance(type_, Unset):
            raise ValueError(f"type must match const 'image', got '{type_}'")

        image_chunk = cls(
            data=data,
            format_=format_,
            expected_tokens=expected_tokens,
            type_=type_,
        )

        return image_chunk
