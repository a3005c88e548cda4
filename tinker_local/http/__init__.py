"""The local server's HTTP layer (Starlette): routes from the contract, body negotiation (JSON, protobuf,
zstd/gzip), long-poll, server-sent events and signed file downloads."""

from __future__ import annotations

from .app import create_app

__all__ = ["create_app"]
