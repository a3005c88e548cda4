"""Who is asking: the owner (a hash of the API key) of the request being handled.

Set by the HTTP layer only when the server runs with ``--api-key`` (isolated mode); the lookups of sessions,
runs, models, checkpoints, samplers and futures then treat another owner's resources as absent (404, so ids
of other tenants are not confirmed either). Unset — any-key mode, or the server's own threads — sees all.
A context variable reaches the worker threads that blocking handlers run on (anyio copies the context).
"""

from __future__ import annotations

import hashlib
import hmac
import time
from contextvars import ContextVar

from ._errors import ApiError
from ._jwt import TokenRejected, TokenSigner

__all__ = ["CURRENT_OWNER", "KeyRing", "owner_of", "visible"]

CURRENT_OWNER: ContextVar[str | None] = ContextVar("tinker_local_owner", default=None)


def owner_of(api_key: str) -> str:
    """A stable, non-reversible owner id for a key (what runs and sessions record; never the key)."""
    return "local:" + hashlib.sha256(api_key.encode("utf-8", "surrogatepass")).hexdigest()[:16]


def visible(resource_owner: str | None) -> bool:
    asking = CURRENT_OWNER.get()
    return asking is None or asking == resource_owner


class KeyRing:
    """The accepted API keys (isolated mode; compared by digest in constant time) and the server's JWTs."""

    def __init__(self, keys: tuple[str, ...]) -> None:
        self._digests = [hashlib.sha256(k.encode("utf-8", "surrogatepass")).digest() for k in keys]
        self.tokens = TokenSigner()

    def authenticate(self, key: str | None) -> str:
        """The owner id of a request's ``X-API-Key``: an accepted key (any non-empty one without --api-key) or
        a JWT this server issued for one. 401 otherwise; for a stale JWT of ours with ``WWW-Authenticate``
        ``error="invalid_token"``, which tells clients to exchange their key for a new one."""
        if key is None or not key.strip():
            hint = (
                "send one of the server's API keys"
                if self
                else "send any non-empty key (this server runs without accounts)"
            )
            raise ApiError(401, f"missing X-API-Key header: {hint}", category="user")
        if self and self.accepts(key):
            return owner_of(key)
        try:
            owner = self.tokens.owner(key, time.time())
        except TokenRejected as e:
            raise ApiError(
                401,
                f"X-API-Key: invalid token ({e}); exchange the API key again (POST /api/v1/auth/token)",
                category="user",
                headers={"WWW-Authenticate": 'Bearer error="invalid_token"'},
            ) from None
        if owner is not None:
            return owner
        if self:
            raise ApiError(
                401, "X-API-Key: this key is not accepted by the server; check TINKER_API_KEY", category="user"
            )
        return owner_of(key)

    def __bool__(self) -> bool:
        return bool(self._digests)

    def accepts(self, key: str) -> bool:
        d = hashlib.sha256(key.encode("utf-8", "surrogatepass")).digest()
        ok = False
        for known in self._digests:  # no early exit: the time taken does not say which key matched
            ok |= hmac.compare_digest(d, known)
        return ok
