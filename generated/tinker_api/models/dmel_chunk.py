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

T = TypeVar("T", bound="DmelChunk")


@_attrs_define
class DmelChunk:
    dmel: str
    """ A serialized TensorContainer of DMel audio tokens """
    type_: Literal["dmel"] | Unset = "dmel"

    def to_dict(self) -> dict[str, Any]:
        dmel = self.dmel

        type_ = self.type_

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "dmel": dmel,
            }
        )
        if type_ is not UNSET:
            field_dict["type"] = type_

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        dmel = d.pop("dmel")

        type_ = cast(Literal["dmel"] | Unset, d.pop("type", UNSET))
        if type_ != "dmel" and not isinstance(type_, Unset):
            raise ValueError(f"type must match const 'dmel', got '{type_}'")

        dmel_chunk = cls(
            dmel=dmel,
            type_=type_,
        )

        return dmel_chunk
