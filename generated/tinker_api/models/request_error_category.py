"""Generated from openapi/tinker.yaml by codegen.sh; do not edit."""

from __future__ import annotations

from enum import StrEnum

from ._mixins.request_error_category import RequestErrorCategoryMixin

__all__ = ["RequestErrorCategory"]


class RequestErrorCategory(RequestErrorCategoryMixin, StrEnum):
    unknown = "unknown"
    server = "server"
    user = "user"
