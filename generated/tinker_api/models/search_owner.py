"""Generated from openapi/tinker.yaml by codegen.sh; do not edit."""

from __future__ import annotations

from typing import Annotated, Literal, TypeAlias

from pydantic import Discriminator, Field, Tag

from ._base import StrictBase, discriminate

__all__ = ["AccessibleSearchOwner", "OwnSearchOwner", "SearchOwner", "UserSearchOwner"]


class OwnSearchOwner(StrictBase):
    type: Literal["own"] = "own"


class AccessibleSearchOwner(StrictBase):
    type: Literal["accessible"] = "accessible"


class UserSearchOwner(StrictBase):
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
