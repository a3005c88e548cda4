"""The credential a client sends, where it came from, and how a rotated one is fetched.

Sources, in order: the ``api_key`` argument (a string, or a callable returning one: a credential provider),
``TINKER_API_KEY``, ``TINKER_CREDENTIAL_CMD`` (a shell command printing the key), ``~/.tinker/credentials.json``.
A provider or a command can rotate the key:

* when the server answers 401, the command (or provider) runs again and the request is re-sent once with the
  new key; a second 401, or the same key again, fails with an error naming the source;
* every ``TINKER_CREDENTIAL_REFRESH_SECONDS`` (unset: never), before the next request.

Fetching runs on a worker thread (the command may take a while) and once for all requests that need it.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from tinker_wire._lazy import deferred_import

from . import _hooks
from ._exceptions import TinkerError

if TYPE_CHECKING:
    import asyncio
    import subprocess
else:
    asyncio = deferred_import("asyncio", globals())
    subprocess = deferred_import("subprocess", globals())

__all__ = ["Credential", "Provider", "run_credential_cmd"]

logger = logging.getLogger("tinker.credentials")

Provider = Callable[[], str]


class _Secret(str):
    """A string whose repr never shows its value."""

    def __repr__(self) -> str:
        return "'<redacted>'"


def run_credential_cmd(cmd: str) -> str:
    """Run ``TINKER_CREDENTIAL_CMD`` and return the key it prints (errors never include its output)."""
    try:
        out = subprocess.run(cmd, shell=True, check=True, capture_output=True, text=True, timeout=60)
    except (subprocess.SubprocessError, OSError) as exc:
        raise TinkerError(f"TINKER_CREDENTIAL_CMD failed: {type(exc).__name__}") from None
    key = out.stdout.strip()
    if not key:
        raise TinkerError("TINKER_CREDENTIAL_CMD printed nothing; it must print a credential")
    return key


def _refresh_interval() -> float | None:
    raw = os.environ.get("TINKER_CREDENTIAL_REFRESH_SECONDS", "").strip()
    if not raw:
        return None
    try:
        seconds = float(raw)
    except ValueError:
        raise ValueError(f"TINKER_CREDENTIAL_REFRESH_SECONDS must be a number of seconds, got {raw!r}") from None
    return seconds if seconds > 0 else None


class Credential:
    """The current key of a client (shared by its transports) and, for a command or provider, how to renew it."""

    def __init__(self, value: str, source: str, fetch: Provider | None = None) -> None:
        self._value = _Secret(_header_safe(value, source))
        self.source = source  # said in errors: "TINKER_API_KEY", "TINKER_CREDENTIAL_CMD", ...
        self._fetch = fetch
        self.refresh_every = _refresh_interval() if fetch is not None else None
        self._fetched_at = time.monotonic()
        self._renewing: asyncio.Future[None] | None = None

    @classmethod
    def from_provider(cls, provider: Provider, source: str = "credential provider") -> Credential:
        return cls(_checked(provider(), source), source, provider)

    @property
    def value(self) -> str:
        return self._value

    @property
    def rotatable(self) -> bool:
        return self._fetch is not None

    def due(self) -> bool:
        """Whether the refresh interval has passed (checked before each request)."""
        return self.refresh_every is not None and time.monotonic() - self._fetched_at >= self.refresh_every

    async def renew(self, used: str, reason: str) -> bool:
        """Fetch a new key unless one newer than ``used`` is already there; True when the key now differs from
        ``used``. Concurrent callers share one fetch."""
        if self._fetch is None:
            return False
        if self._value != used:
            return True
        if self._renewing is None or self._renewing.done():
            self._renewing = asyncio.ensure_future(self._renew(reason))
        await asyncio.shield(self._renewing)
        return self._value != used

    async def _renew(self, reason: str) -> None:
        assert self._fetch is not None
        fetch = self._fetch
        try:
            fresh = _checked(await asyncio.get_running_loop().run_in_executor(None, fetch), self.source)
        except Exception as exc:  # noqa: BLE001 - the old key stays; the request fails as it would have
            logger.warning("Could not renew the credential from %s (%s): %s", self.source, reason, _safe(exc))
            return
        try:
            fresh = _header_safe(fresh, self.source)
        except TinkerError as exc:
            logger.warning("Could not renew the credential from %s (%s): %s", self.source, reason, exc)
            return
        changed = fresh != self._value
        self._value = _Secret(fresh)
        self._fetched_at = time.monotonic()
        if changed:
            logger.info("Credential from %s renewed (%s)", self.source, reason)
            _hooks.emit("credential_rotated", source=self.source, reason=reason)

    def __repr__(self) -> str:
        return f"<Credential from {self.source}>"


def _checked(value: object, source: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise TinkerError(f"{source} gave no credential; it must return a non-empty string")
    return value.strip()


def _header_safe(value: str, source: str) -> str:
    """``value`` if it can be sent as a header value (printable ASCII). Otherwise the HTTP stack refuses it with an
    error quoting the whole key, and as a connection error it would be retried: fail now, naming only the source
    (a key read from a file with Windows line endings keeps its carriage return)."""
    for i, ch in enumerate(value):
        if not (" " <= ch <= "~" or ch == "\t"):
            raise TinkerError(
                f"The credential from {source} cannot be sent in an HTTP header: character {i + 1} is "
                f"{'a control character (line break?)' if ch.isascii() else 'not ASCII'}. Check it for a stray "
                "newline or carriage return."
            )
    return value


def _safe(exc: BaseException) -> str:
    """A fetch failure, named by type only for foreign exceptions (their text could quote the key)."""
    return str(exc) if isinstance(exc, TinkerError) else type(exc).__name__
