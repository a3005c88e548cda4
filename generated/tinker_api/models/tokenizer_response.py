from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.tokenizer_response_tokenizer import TokenizerResponseTokenizer


T = TypeVar("T", bound="TokenizerResponse")


@_attrs_define
class TokenizerResponse:
    model_name: str
    tokenizer: TokenizerResponseTokenizer
    """ The `tokenizers` library's JSON serialisation. """
    bos_token_id: int | None | Unset = UNSET
    eos_token_id: int | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        model_name = self.model_name

        tokenizer = self.tokenizer.to_dict()

        bos_token_id: int | None | Unset
        if isinstance(self.bos_token_id, Unset):
            bos_token_id = UNSET
        else:
            bos_token_id = self.bos_token_id

        eos_token_id: int | None | Unset
        if isinstance(self.eos_token_id, Unset):
            eos_token_id = UNSET
        else:
            eos_token_id = self.eos_token_id

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "model_name": model_name,
                "tokenizer": tokenizer,
            }
        )
        if bos_token_id is not UNSET:
            field_dict["bos_token_id"] = bos_token_id
        if eos_token_id is not UNSET:
            field_dict["eos_token_id"] = eos_token_id

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.tokenizer_response_tokenizer import TokenizerResponseTokenizer

        d = dict(src_dict)
        model_name = d.pop("model_name")

        tokenizer = TokenizerResponseTokenizer.from_dict(d.pop("tokenizer"))

        def _parse_bos_token_id(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        bos_token_id = _parse_bos_token_id(d.pop("bos_token_id", UNSET))

        def _parse_eos_token_id(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        eos_token_id = _parse_eos_token_id(d.pop("eos_token_id", UNSET))

        tokenizer_response = cls(
            model_name=model_name,
            tokenizer=tokenizer,
            bos_token_id=bos_token_id,
            eos_token_id=eos_token_id,
        )

        tokenizer_response.additional_properties = d
        return tokenizer_response

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
