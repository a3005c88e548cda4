"""Who is to blame when the service marks a request as failed."""

from __future__ import annotations

from enum import StrEnum

__all__ = ["RequestErrorCategory"]


class RequestErrorCategory(StrEnum):
    """Category attached to a failed request: the caller's fault, the server's, or unknown.

    Unrecognised values coming from a server are mapped to :attr:`unknown` by :meth:`parse`.
    """

    unknown = "unknown"
    server = "server"
    user = "user"

    @classmethod
    def parse(cls, value: object) -> RequestErrorCategory:
        """Map any wire value (string, enum, ``None``) onto a category; unknown values become ``unknown``."""
        if isinstance(value, cls):
            return value
        if isinstance(value, str):
            try:
                return cls(value.lower())
            except ValueError:
                pass
        return cls.unknown

    @classmethod
    def _missing_(cls, value: object) -> RequestErrorCategory | None:
        if isinstance(value, str):
            lowered = value.lower()
            for member in cls:
                if member.value == lowered:
                    return member
        return None
