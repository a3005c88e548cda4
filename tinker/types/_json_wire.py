"""Pydantic support for the hand-written (numpy-backed) wire types: validated from their JSON form, dumped to it."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

from tinker_api.models._base import fits_on_wire


class JsonWire:
    """For classes with ``from_json_dict``/``to_json_dict``: usable as pydantic fields and in ``TypeAdapter``.

    ``_required_on_wire`` / ``_tags_on_wire`` say what the contract requires of a body (as on the generated
    models): a body without them is another union arm, not this one (``from_json_dict`` itself stays lenient).
    """

    _required_on_wire: ClassVar[frozenset[str]] = frozenset()
    _tags_on_wire: ClassVar[dict[str, Any]] = {}

    @classmethod
    def __get_pydantic_core_schema__(cls, source: Any, handler: Any) -> Any:
        from pydantic_core import core_schema

        def validate(value: Any) -> Any:
            if isinstance(value, cls):
                return value
            if not isinstance(value, Mapping):
                # ValueError, not TypeError: pydantic turns it into a ValidationError (a TypeError would escape).
                raise ValueError(f"expected a {cls.__name__} JSON object, got {type(value).__name__}")  # noqa: TRY004
            if not fits_on_wire(cls, value):
                raise ValueError(f"not a {cls.__name__} body: it needs {sorted(cls._required_on_wire)}")
            return cls.from_json_dict(value)  # type: ignore[attr-defined]

        return core_schema.no_info_plain_validator_function(
            validate,
            serialization=core_schema.plain_serializer_function_ser_schema(
                lambda value: value.to_json_dict(), when_used="always"
            ),
        )
