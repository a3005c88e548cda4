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

from ..types import UNSET, Unset

T = TypeVar("T", bound="EncodedTextChunk")


@_attrs_define
class EncodedTextChunk:
    tokens: list[int]
    type_: Literal["encoded_text"] | Unset = "encoded_text"

    def to_dict(self) -> dict[str, Any]:
        tokens = self.tokens

        type_ = self.type_

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "tokens": tokens,
            }
        )
        if type_ is not UNSET:
            field_dict["type"] = type_

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        tokens = cast(list[int], d.pop("tokens"))

        type_ = cast(Literal["encoded_text"] | Unset, d.pop("type", UNSET))
        if type_ != "encoded_text" and not isinstance(type_, Unset):
            raise ValueError(f"type must match const 'encoded_text', got '{type_}'")

        encoded_text_chunk = cls(
            tokens=tokens,
            type_=type_,
        )

        return encoded_text_chunk
