"""Generated from openapi/tinker.yaml by codegen.sh; do not edit."""

from typing import Annotated, Any, ClassVar, Literal, TypeAlias

from pydantic import Discriminator, Field, Tag

from ._base import StrictBase, discriminate

__all__ = ["AccessibleSearchOwner", "OwnSearchOwner", "SearchOwner", "UserSearchOwner"]


class OwnSearchOwner(StrictBase):
    _required_on_wire: ClassVar[frozenset[str]] = frozenset(["type"])
    _tags_on_wire: ClassVar[dict[str, Any]] = {"type": "own"}

    type: Literal["own"] = "own"


class AccessibleSearchOwner(StrictBase):
    _required_on_wire: ClassVar[frozenset[str]] = frozenset(["type"])
    _tags_on_wire: ClassVar[dict[str, Any]] = {"type": "accessible"}

    type: Literal["accessible"] = "accessible"


class UserSearchOwner(StrictBase):
    _required_on_wire: ClassVar[frozenset[str]] = frozenset(["owner_urns", "type"])
    _tags_on_wire: ClassVar[dict[str, Any]] = {"type": "user"}

    type: Literal["user"] = "user"
    owner_urns: list[str] = Field(min_length=1, max_length=10)


SearchOwner: TypeAlias = Annotated[
    Annotated[OwnSearchOwner, Tag("own")]
    | Annotated[AccessibleSearchOwner, Tag("accessible")]
    | Annotated[UserSearchOwner, Tag("user")],
    Discriminator(
        discriminate(
            "type",
            (
                ("own", ()),
                ("accessible", ()),
                ("user", ("owner_urns",)),
            ),
        )
    ),
]
