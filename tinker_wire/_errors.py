"""The single exception type of :mod:`tinker_wire`."""

from __future__ import annotations

__all__ = ["WireError"]


class WireError(ValueError):
    """Malformed, truncated or unrepresentable wire data.

    Subclasses :class:`ValueError`, so callers that already catch ``ValueError`` keep working.
    The message always names the message/field (or JSON path) that was at fault.
    """
