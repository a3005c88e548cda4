"""Behaviour of `FinishSessionRequest`."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any


class FinishSessionRequestMixin:
    if TYPE_CHECKING:  # fields of the generated model this is mixed into
        reason: Any
        detail: str | None

    def to_json_dict(self) -> dict[str, Any]:
        """The JSON body, always with a ``detail`` key (``null`` when there is none)."""
        reason = self.reason
        return {"reason": reason.model_dump(mode="json"), "detail": self.detail}
