"""Identifier aliases."""

from __future__ import annotations

__all__ = ["ModelID", "RequestID"]

ModelID = str
"""Identifier of a training run (a.k.a. model id), e.g. ``"<session_id>:train:0"``; treat as opaque."""

RequestID = str
"""Opaque identifier of a server-side future."""
