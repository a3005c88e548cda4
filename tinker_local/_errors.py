"""The error type of the local server's request handlers."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

__all__ = ["ApiError"]


class ApiError(Exception):
    """An HTTP error answered as JSON ``{"detail": ...}`` (plus ``category`` / extra keys).

    ``status`` is the preferred status; the HTTP layer falls back to a status the operation
    documents (``Operation.error_status`` in ``http/contract.py``) when the contract does not list it for that operation.
    ``headers`` are added to the response (e.g. ``WWW-Authenticate`` on a 401).
    """

    def __init__(
        self,
        status: int,
        detail: str,
        *,
        category: str | None = None,
        headers: Mapping[str, str] | None = None,
        **extra: Any,
    ) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.category = category
        self.headers = dict(headers or {})
        self.extra = extra

    def body(self) -> dict[str, Any]:
        out: dict[str, Any] = {"detail": self.detail}
        if self.category:
            out["category"] = self.category
        out.update(self.extra)
        return out


def bad_request(detail: str) -> ApiError:
    return ApiError(400, detail, category="user")


def not_found(detail: str) -> ApiError:
    return ApiError(404, detail, category="user")


def conflict(detail: str) -> ApiError:
    return ApiError(409, detail, category="user")


def gone(detail: str) -> ApiError:
    return ApiError(410, detail, category="user")


def unprocessable(detail: str) -> ApiError:
    return ApiError(422, detail, category="user")
