"""Behaviour of `RequestFailedResponse`."""

from __future__ import annotations

from pydantic import field_validator

_CATEGORIES = frozenset({"unknown", "server", "user"})


class RequestFailedResponseMixin:
    @field_validator("category", mode="before")
    @classmethod
    def _lenient_category(cls, value: object) -> object:
        """A category this SDK does not know yet (a newer server) reads as ``unknown``, never as an error."""
        if value is None:
            return None
        text = str(getattr(value, "value", value)).lower()
        return text if text in _CATEGORIES else "unknown"
