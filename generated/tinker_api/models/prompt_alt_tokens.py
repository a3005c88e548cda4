from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.tensor_data import TensorData


T = TypeVar("T", bound="PromptAltTokens")


@_attrs_define
class PromptAltTokens:
    tokens: TensorData
    """ A tensor, flattened row-major. With `sparse_crow_indices`/`sparse_col_indices` it is CSR: `data` holds
    the stored values only and `shape` is required. The two index arrays come together or not at all.
     """
    logprobs: TensorData
    """ A tensor, flattened row-major. With `sparse_crow_indices`/`sparse_col_indices` it is CSR: `data` holds
    the stored values only and `shape` is required. The two index arrays come together or not at all.
     """
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        tokens = self.tokens.to_dict()

        logprobs = self.logprobs.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "tokens": tokens,
                "logprobs": logprobs,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.tensor_data import TensorData

        d = dict(src_dict)
        tokens = TensorData.from_dict(d.pop("tokens"))

        logprobs = TensorData.from_dict(d.pop("logprobs"))

        prompt_alt_tokens = cls(
            tokens=tokens,
            logprobs=logprobs,
        )

        prompt_alt_tokens.additional_properties = d
        return prompt_alt_tokens

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
