"""Behaviour of `FinishSessionRequest`."""

from __future__ import annotations

from typing import Any


class FinishSessionRequestMixin:
    def to_json_dict(self) -> dict[str, Any]:
        """The JSON body, always with a ``detail`` key (``null`` when there is none)."""
        reason = getattr(self, "reason")
        return {"reason": reason.model_dump(mode="json"), "detail": getattr(self, "detail")}
