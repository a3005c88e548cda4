"""The short-lived JWTs ``POST /api/v1/auth/token`` hands out, and their check on later requests.

Clients told ``pjwt_auth_enabled`` (client config) exchange their API key for such a token and then send it in
``X-API-Key``; ``whoami`` reads the identity from its claims (``sub`` = ``tml:user:<owner>``, ``org_id``,
``iat``, ``exp``). Tokens are HS256-signed with a secret drawn when the server starts, so nobody can mint one,
and a restarted server rejects the old ones as ``invalid_token`` (clients then exchange their key again).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
from typing import Any

__all__ = ["ISSUER", "LIFETIME_S", "ORG_ID", "TokenRejected", "TokenSigner", "looks_like_jwt"]

ISSUER = "tinker-local"
ORG_ID = "local"
LIFETIME_S = 3600
_USER_PREFIX = "tml:user:"
_HEADER = {"alg": "HS256", "typ": "JWT"}


class TokenRejected(Exception):
    """A token this server issued that is no longer valid (expired, or signed before a restart)."""


def looks_like_jwt(key: str) -> bool:
    return key.startswith("eyJ") and key.count(".") == 2


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class TokenSigner:
    def __init__(self, secret: bytes | None = None) -> None:
        self._secret = secret or secrets.token_bytes(32)

    def _sign(self, signing_input: str) -> str:
        data = signing_input.encode("utf-8", "surrogatepass")  # headers may carry any latin-1 text
        return _b64(hmac.new(self._secret, data, hashlib.sha256).digest())

    def issue(self, owner: str, now: float) -> str:
        t = int(now)
        claims = {"sub": _USER_PREFIX + owner, "org_id": ORG_ID, "iss": ISSUER, "iat": t, "exp": t + LIFETIME_S}
        signing_input = _b64(json.dumps(_HEADER).encode()) + "." + _b64(json.dumps(claims).encode())
        return signing_input + "." + self._sign(signing_input)

    def owner(self, token: str, now: float) -> str | None:
        """The owner a valid token of this server was issued to; None for any other string (a foreign JWT
        or a plain key); ``TokenRejected`` for one of ours that expired or was signed before a restart."""
        if not looks_like_jwt(token):
            return None
        header, payload, signature = token.split(".")
        try:
            claims: Any = json.loads(_unb64(payload))
        except ValueError:
            return None
        if not isinstance(claims, dict) or claims.get("iss") != ISSUER:
            return None
        expected = self._sign(header + "." + payload).encode("ascii")
        if not hmac.compare_digest(signature.encode("utf-8", "surrogatepass"), expected):
            raise TokenRejected("the token was not issued by this server process (restarted?)")
        sub, exp = claims.get("sub"), claims.get("exp")
        if not isinstance(sub, str) or not sub.startswith(_USER_PREFIX) or not isinstance(exp, int):
            raise TokenRejected("malformed claims")
        if exp <= now:
            raise TokenRejected("the token expired")
        return sub[len(_USER_PREFIX) :]
