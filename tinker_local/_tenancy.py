"""Who is asking: the owner (a hash of the API key) of the request being handled.

Set by the HTTP layer only when the server runs with ``--api-key`` (isolated mode); the lookups of sessions,
runs, models, checkpoints, samplers and futures then treat another owner's resources as absent (404, so ids
of other tenants are not confirmed either). Unset — any-key mode, or the server's own threads — sees all.
A context variable reaches the worker threads that blocking handlers run on (anyio copies the context).
"""

from __future__ import annotations

import hashlib
import hmac
from contextvars import ContextVar

__all__ = ["CURRENT_OWNER", "KeyRing", "owner_of", "visible"]

CURRENT_OWNER: ContextVar[str | None] = ContextVar("tinker_local_owner", default=None)


def owner_of(api_key: str) -> str:
    """A stable, non-reversible owner id for a key (what runs and sessions record; never the key)."""
    return "local:" + hashlib.sha256(api_key.encode("utf-8", "surrogatepass")).hexdigest()[:16]


def visible(resource_owner: str | None) -> bool:
    asking = CURRENT_OWNER.get()
    return asking is None or asking == resource_owner


class KeyRing:
    """The accepted API keys (isolated mode); compared by digest in constant time."""

    def __init__(self, keys: tuple[str, ...]) -> None:
        self._digests = [hashlib.sha256(k.encode("utf-8", "surrogatepass")).digest() for k in keys]

    def __bool__(self) -> bool:
        return bool(self._digests)

    def accepts(self, key: str) -> bool:
        d = hashlib.sha256(key.encode("utf-8", "surrogatepass")).digest()
        ok = False
        for known in self._digests:  # no early exit: the time taken does not say which key matched
            ok |= hmac.compare_digest(d, known)
        return ok
