from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.custom_loss_node_op import CustomLossNodeOp, check_custom_loss_node_op
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.custom_loss_node_kwargs import CustomLossNodeKwargs


T = TypeVar("T", bound="CustomLossNode")


@_attrs_define
class CustomLossNode:
    op: CustomLossNodeOp
    name: str
    target: str
    args: list[Any] | Unset = UNSET
    kwargs: CustomLossNodeKwargs | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        op: str = self.op

        name = self.name

        target = self.target

        args: list[Any] | Unset = UNSET
        if not isinstance(self.args, Unset):
            args = self.args

        kwargs: dict[str, Any] | Unset = UNSET
        if not isinstance(self.kwargs, Unset):
            kwargs = self.kwargs.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "op": op,
                "name": name,
                "target": target,
            }
        )
        if args is not UNSET:
            field_dict["args"] = args
        if kwargs is not UNSET:
            field_dict["kwargs"] = kwargs

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.custom_loss_node_kwargs import CustomLossNodeKwargs

        d = dict(src_dict)
        op = check_custom_loss_node_op(d.pop("op"))

        name = d.pop("name")

        target = d.pop("target")

        args = cast(list[Any], d.pop("args", UNSET))

        _kwargs = d.pop("kwargs", UNSET)
        kwargs: CustomLossNodeKwargs | Unset
        if isinstance(_kwargs, Unset):
            kwargs = UNSET
        else:
            kwargs = CustomLossNodeKwargs.from_dict(_kwargs)

        custom_loss_node = cls(
            op=op,
            name=name,
            target=target,
            args=args,
            kwargs=kwargs,
        )

        custom_loss_node.additional_properties = d
        return custom_loss_node

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
