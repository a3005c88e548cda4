"""Base classes and helpers of the generated models (copied into tinker_api/models by codegen.sh).

Two flavours exist, mirroring how the service treats each direction:

* :class:`RequestModel` -- bodies the client sends. Frozen, and unknown keyword arguments are rejected so
  that a typo in a field name fails loudly at construction time.
* :class:`ResponseModel` -- bodies the server returns. Frozen, and unknown fields are silently dropped so
  that a newer server can add fields without breaking older clients.

Both share the wire helpers :meth:`to_json_dict` / :meth:`from_json_dict`. The wire rule of SDK 0.38 is
"every field, defaults included, but no field whose value is ``null``" (:func:`wire_json`); a field the contract
requires and allows to be null keeps its ``null``.
"""

# No `from __future__ import annotations` (as in the generated modules): evaluating string annotations is the
# larger part of creating these base classes on first touch.
import base64
import binascii
from collections.abc import Callable, Mapping
from typing import Annotated, Any, ClassVar, Self
from urllib.parse import quote

import pydantic
from pydantic import ConfigDict, GetCoreSchemaHandler
from pydantic_core import core_schema

__all__ = [
    "Base64Bytes",
    "BaseModel",
    "RequestModel",
    "ResponseModel",
    "StrictBase",
    "decode_base64",
    "discriminate",
    "encode_base64",
    "fits_on_wire",
    "path_segment",
    "wire_json",
]


class _WireModel(pydantic.BaseModel):
    """Common wire helpers for every pydantic-backed type."""

    # NaN/Infinity stay floats in the JSON-mode dump, so the wire encoder refuses them (pydantic would write null).
    model_config = ConfigDict(
        frozen=True,
        populate_by_name=True,
        protected_namespaces=(),
        ser_json_inf_nan="constants",
    )

    # From the contract: the keys a body must carry, the tag values it fixes, and the required fields whose
    # ``None`` is sent as ``null`` (e.g. "never expire"). Python construction defaults the tags.
    _required_on_wire: ClassVar[frozenset[str]] = frozenset()
    _tags_on_wire: ClassVar[dict[str, Any]] = {}
    _required_nullable: ClassVar[frozenset[str]] = frozenset()

    def __str__(self) -> str:
        # As the official SDK's models: str() is the repr, ``ClassName(field=value, ...)``.
        return repr(self)

    def to_json_dict(self) -> dict[str, Any]:
        """Return the JSON-ready dict sent on the wire (defaults included, ``None`` fields dropped)."""
        return wire_json(self)

    @classmethod
    def from_json_dict(cls, data: Any) -> Self:
        """Build an instance from a decoded JSON object (the inverse of :meth:`to_json_dict`)."""
        return cls.model_validate(data)


class RequestModel(_WireModel):
    """Base class of request bodies: frozen, unknown fields forbidden, floats finite (JSON has no NaN)."""

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)


class ResponseModel(_WireModel):
    """Base class of response bodies: frozen, unknown fields ignored."""

    model_config = ConfigDict(extra="ignore")


# Names used by the official package for the same two roles.
StrictBase = RequestModel
BaseModel = ResponseModel


def decode_base64(value: Any) -> Any:
    if isinstance(value, str):
        try:
            return base64.b64decode(value.encode("ascii"), validate=True)
        except (binascii.Error, UnicodeEncodeError) as exc:
            raise ValueError(f"expected standard base64 text: {exc}") from None
    if isinstance(value, (bytearray, memoryview)):
        return bytes(value)
    return value


def encode_base64(value: bytes) -> str:
    return base64.b64encode(value).decode("ascii")


class _StandardBase64:
    """Annotation marker of :data:`Base64Bytes`. Written as a core schema rather than with ``BeforeValidator`` and
    ``PlainSerializer``: the first touch of ``tinker.ModelInput`` then does not import pydantic's
    ``functional_serializers`` (~3 ms of dataclass creation)."""

    @classmethod
    def __get_pydantic_core_schema__(
        cls, source: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        return core_schema.no_info_before_validator_function(
            decode_base64,
            handler(source),
            serialization=core_schema.plain_serializer_function_ser_schema(
                encode_base64, return_schema=core_schema.str_schema(), when_used="json"
            ),
        )


Base64Bytes = Annotated[bytes, _StandardBase64]
"""``bytes`` that travel as standard base64 text in JSON (a ``str`` input is decoded as base64)."""


def discriminate(
    prop: str, arms: tuple[tuple[str, tuple[str, ...]], ...], other: str | None = None
) -> Callable[[Any], str | None]:
    """A union discriminator: the arm named by ``prop``, else the first arm whose required fields are present.

    Older clients omit the tag property on some unions; their bodies are still unambiguous by fields. With
    ``other``, a value of ``prop`` that names no arm selects that arm (an open union, e.g. optimizer families).
    """
    known = {name for name, _ in arms}

    def tag(value: Any) -> str | None:
        found = (
            value.get(prop)
            if isinstance(value, Mapping)
            else getattr(value, prop, None)
        )
        if found is not None:
            found = str(found)
            return other if other is not None and found not in known else found
        if isinstance(value, Mapping):
            for name, required in arms:
                if required and all(key in value for key in required):
                    return name
        return other

    return tag


def wire_json(model: pydantic.BaseModel) -> dict[str, Any]:
    """The JSON body of a model by the 0.38 wire rule: every field, defaults included, no ``null`` -- except the
    fields the contract requires and allows to be null, which are sent as ``null``."""
    data: dict[str, Any] = model.model_dump(
        mode="json", exclude_none=True, by_alias=True
    )
    for name in getattr(type(model), "_required_nullable", ()):
        data.setdefault(name, None)
    return data


def path_segment(value: object) -> str:
    """A path parameter as one URL segment: ``/ ? # %``, spaces and controls are percent-encoded (the server
    decodes them), the characters a path segment may carry as they are (e.g. ``:`` ``@`` ``+`` ``=``).

    ``.`` and ``..`` are encoded too: as literal segments, URL normalisation would remove them or climb a level.
    """
    text = str(value)
    if text in (".", ".."):
        return text.replace(".", "%2E")
    return quote(text, safe="!$&'()*+,;=:@")


def fits_on_wire(cls: type, body: Mapping[str, Any]) -> bool:
    """Whether a JSON body has the keys and tag values the contract requires of ``cls`` (first-fit unions)."""
    required: frozenset[str] = getattr(cls, "_required_on_wire", frozenset())
    tags: dict[str, Any] = getattr(cls, "_tags_on_wire", {})
    return required <= body.keys() and all(
        body.get(key, value) == value for key, value in tags.items()
    )
