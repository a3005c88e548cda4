"""The generated models' base classes, for the few hand-written models that are not HTTP bodies."""

from __future__ import annotations

from tinker_api.models._base import Base64Bytes, BaseModel, RequestModel, ResponseModel, StrictBase

__all__ = ["Base64Bytes", "BaseModel", "RequestModel", "ResponseModel", "StrictBase"]
