"""Behaviour of `RequestErrorCategory`."""

from __future__ import annotations

from typing import Any


class RequestErrorCategoryMixin:
    @classmethod
    def parse(cls, value: object) -> Any:
        """Map any wire value (string, enum, ``None``) onto a category; unknown values become ``unknown``."""
        if isinstance(value, cls):
            return value
        if isinstance(value, str):
            try:
                return cls(value.lower())  # type: ignore[call-arg]
            except ValueError:
                pass
        return cls("unknown")  # type: ignore[call-arg]

    @classmethod
    def _missing_(cls, value: object) -> Any:
        """Values are matched case-insensitively."""
        if isinstance(value, str):
            for member in cls:  # type: ignore[attr-defined]
                if member.value == value.lower():
                    return member
        return None
