from __future__ import annotations

from collections.abc import Mapping
from typing import (
    TYPE_CHECKING,
    Any,
    Literal,
    Self,
    TypeVar,
    cast,
)

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.custom_loss_graph import CustomLossGraph
    from ..models.custom_loss_input import CustomLossInput


T = TypeVar("T", bound="CreateCustomLossRequest")


@_attrs_define
class CreateCustomLossRequest:
    session_id: str
    custom_loss_seq_id: int
    name: str
    inputs: list[CustomLossInput]
    graph: CustomLossGraph
    type_: Literal["create_custom_loss"] | Unset = "create_custom_loss"
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        session_id = self.session_id

        custom_loss_seq_id = self.custom_loss_seq_id

        name = self.name

        inputs = []
        for inputs_item_data in self.inputs:
            inputs_item = inputs_item_data.to_dict()
            inputs.append(inputs_item)

        graph = self.graph.to_dict()

        type_ = self.type_

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "session_id": session_id,
                "custom_loss_seq_id": custom_loss_seq_id,
                "name": name,
                "inputs": inputs,
                "graph": graph,
            }
        )
        if type_ is not UNSET:
            field_dict["type"] = type_

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.custom_loss_graph import CustomLossGraph
        from ..models.custom_loss_input import CustomLossInput

        d = dict(src_dict)
        session_id = d.pop("session_id")

        custom_loss_seq_id = d.pop("custom_loss_seq_id")

        name = d.pop("name")

        inputs = []
        _inputs = d.pop("inputs")
        for inputs_item_data in _inputs:
            inputs_item = CustomLossInput.from_dict(inputs_item_data)

            inputs.append(inputs_item)

        graph = CustomLossGraph.from_dict(d.pop("graph"))

        type_ = cast(Literal["create_custom_loss"] | Unset, d.pop("type", UNSET))
        if type_ != "create_custom_loss" and not isinstance(type_, Unset):
            raise ValueError(
                f"type must match const 'create_custom_loss', got '{type_}'"
            )

        create_custom_loss_request = cls(
            session_id=session_id,
            custom_loss_seq_id=custom_loss_seq_id,
            name=name,
            inputs=inputs,
            graph=graph,
            type_=type_,
        )

        create_custom_loss_request.additional_properties = d
        return create_custom_loss_request

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
