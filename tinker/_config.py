"""Client settings resolved once from arguments and the environment, with credentials kept out of reprs."""

from __future__ import annotations

import functools
import os
import platform
import re
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import TYPE_CHECKING

from tinker_wire._lazy import deferred_import

from ._credentials import Credential, Provider, _Secret, run_credential_cmd
from ._exceptions import TinkerError
from ._version import __version__

if TYPE_CHECKING:
    import json

    import httpx
else:
    httpx = deferred_import("httpx", globals())
    json = deferred_import("json", globals())

__all__ = ["DEFAULT_BASE_URL", "SECRET_HEADERS", "ClientSettings", "redact_headers", "redact_urls"]

DEFAULT_BASE_URL = "https://tinker.thinkingmachines.dev/services/tinker-prod"
SECRET_HEADERS = frozenset(
    {"x-api-key", "authorization", "x-tinker-weights-access-token", "cf-access-client-secret", "cookie"}
)


def redact_headers(headers: Mapping[str, str]) -> dict[str, str]:
    """A copy of ``headers`` safe to log: credential values replaced by ``<redacted>``."""
    return {k: ("<redacted>" if k.lower() in SECRET_HEADERS else v) for k, v in headers.items()}


# The user:password@ of any URL in a text (a base URL may carry them; reqwest quotes the whole URL in errors).
# A pattern, not a compiled regex: ``re`` compiles it on the first text with an "@" in it, which most runs never see.
_USERINFO = r"(?i)\b([a-z][a-z0-9+.-]*://)[^/?#\s@]+@"


def redact_urls(text: str) -> str:
    """``text`` with the credentials of the URLs in it (``scheme://user:password@``) replaced by ``<redacted>``."""
    return re.sub(_USERINFO, r"\1<redacted>@", text) if "@" in text else text


def _stored_api_key() -> str | None:
    path = Path.home() / ".tinker" / "credentials.json"
    try:
        data = json.loads(path.read_text())
        default = data.get("default")
        record = data.get("keys", {}).get(default) if default else None
        key = record.get("key") if isinstance(record, dict) else None
        return key if isinstance(key, str) and key else None
    except (OSError, ValueError, AttributeError):
        return None


def _resolve_credential(explicit: str | Provider | None) -> Credential:
    if callable(explicit):
        return Credential.from_provider(explicit)
    if explicit:
        return Credential(explicit, "the api_key argument")
    env = os.environ.get("TINKER_API_KEY")
    if env:
        return Credential(env, "TINKER_API_KEY")
    cmd = os.environ.get("TINKER_CREDENTIAL_CMD")
    if cmd:
        return Credential.from_provider(lambda: run_credential_cmd(cmd), "TINKER_CREDENTIAL_CMD")
    stored = _stored_api_key()
    if stored:
        return Credential(stored, "~/.tinker/credentials.json")
    raise TinkerError(
        "No Tinker credential found. Pass api_key=..., or set TINKER_API_KEY (any non-empty value works "
        "against a local server started with `tinker local serve`)."
    )


def _cassette_setting() -> tuple[str, str] | None:
    record, replay = os.environ.get("TINKER_RECORD"), os.environ.get("TINKER_REPLAY")
    if record and replay:
        raise ValueError("TINKER_RECORD and TINKER_REPLAY are both set; a run either records or replays: unset one")
    if record:
        return ("record", record)
    return ("replay", replay) if replay else None


def _platform_headers() -> dict[str, str]:
    return {
        "User-Agent": f"tinker-oss/Python {__version__}",
        "X-Stainless-Package-Version": __version__,
        "X-Stainless-OS": platform.system() or "Unknown",
        "X-Stainless-Arch": platform.machine() or "unknown",
        "X-Stainless-Runtime": platform.python_implementation(),
        "X-Stainless-Runtime-Version": platform.python_version(),
        "X-Stainless-Async": "async:asyncio",
    }


HTTP_BACKENDS = ("pyqwest", "httpx")
#: httpx request extension marking a request whose response body is streamed, not buffered, by the backend.
STREAM_EXTENSION = "tinker.stream"


def http_backend_from_env() -> str:
    """``TINKER_HTTP_BACKEND``: the library that carries requests (see :func:`tinker._transport.network_transport`)."""
    backend = os.environ.get("TINKER_HTTP_BACKEND", "pyqwest").strip().lower() or "pyqwest"
    if backend not in HTTP_BACKENDS:
        raise ValueError(f"TINKER_HTTP_BACKEND must be one of {', '.join(HTTP_BACKENDS)}, got {backend!r}")
    return backend


# The timeouts are functions so that httpx is imported by the first client, not by `import tinker`.
@functools.cache
def default_timeout() -> httpx.Timeout:
    return httpx.Timeout(60.0, connect=5.0)


@functools.cache
def poll_timeout() -> httpx.Timeout:
    """Long-poll requests: the server holds retrieve_future for up to ~30 s."""
    return httpx.Timeout(45.0, connect=5.0)


@dataclass(frozen=True, repr=False)  # its own __repr__ below redacts the base URL
class ClientSettings:
    """Where and how to reach the server. Build it with :meth:`resolve`."""

    base_url: str
    api_key: str = field(repr=False)
    default_headers: Mapping[str, str] = field(default_factory=dict, repr=False)
    timeout: httpx.Timeout = field(default_factory=default_timeout)
    project_id: str | None = None
    tags: tuple[str, ...] = ()
    telemetry_enabled: bool = True
    #: ("record" | "replay", cassette path) from TINKER_RECORD / TINKER_REPLAY (see tinker.testing).
    cassette: tuple[str, str] | None = None
    #: "pyqwest" or "httpx" (TINKER_HTTP_BACKEND).
    http_backend: str = "pyqwest"
    #: See :attr:`credential` (built from ``api_key`` when not given).
    _credential: Credential | None = field(default=None, repr=False, compare=False)

    def __post_init__(self) -> None:
        if self._credential is None:
            object.__setattr__(self, "_credential", Credential(str(self.api_key), "the api_key argument"))

    @property
    def credential(self) -> Credential:
        """The key sent now (``api_key`` is the one resolved first), its source, and how to renew it."""
        assert self._credential is not None
        return self._credential

    @classmethod
    def resolve(
        cls,
        *,
        base_url: str | None = None,
        api_key: str | Provider | None = None,
        project_id: str | None = None,
        default_headers: Mapping[str, str] | None = None,
        timeout: float | httpx.Timeout | None = None,
    ) -> ClientSettings:
        """Combine explicit arguments with ``TINKER_*`` environment variables (arguments win)."""
        url = base_url or os.environ.get("TINKER_BASE_URL") or DEFAULT_BASE_URL
        source = "base_url" if base_url else "TINKER_BASE_URL"
        if not url.startswith(("http://", "https://")):
            raise ValueError(f"{source} must start with http:// or https://, got {redact_urls(url)!r}")
        if "?" in url or "#" in url:  # request paths would be appended after it; not echoed: it may hold a key
            raise ValueError(
                f"{source} must not carry a query string or fragment ('?' or '#'): give the server's address only, "
                "such as http://localhost:8000 or https://host/prefix, and the API key as api_key or TINKER_API_KEY"
            )
        headers: dict[str, str] = {}
        cf_id, cf_secret = (
            os.environ.get("CLOUDFLARE_ACCESS_CLIENT_ID"),
            os.environ.get("CLOUDFLARE_ACCESS_CLIENT_SECRET"),
        )
        if cf_id:
            headers["CF-Access-Client-Id"] = cf_id
        if cf_secret:
            headers["CF-Access-Client-Secret"] = cf_secret
        headers.update(default_headers or {})
        tags = tuple(dict.fromkeys(t.strip() for t in os.environ.get("TINKER_TAGS", "").split(",") if t.strip()))
        telemetry = os.environ.get("TINKER_TELEMETRY", "1").strip().lower() in ("1", "true", "yes", "on")
        cassette = _cassette_setting()
        # A replayed run sends nothing anywhere, so it needs no credential (CI without secrets).
        if cassette and cassette[0] == "replay":
            credential = Credential(api_key if isinstance(api_key, str) and api_key else "replay", "replay")
        else:
            credential = _resolve_credential(api_key)
        if timeout is None:
            to = default_timeout()
        elif isinstance(timeout, httpx.Timeout):
            to = timeout
        else:
            to = httpx.Timeout(float(timeout), connect=min(5.0, float(timeout)))
        return cls(
            base_url=url.rstrip("/"),
            api_key=_Secret(credential.value),
            default_headers=headers,
            timeout=to,
            project_id=project_id or os.environ.get("TINKER_PROJECT_ID") or None,
            tags=tags,
            telemetry_enabled=telemetry,
            cassette=cassette,
            http_backend=http_backend_from_env(),
            _credential=credential,
        )

    def request_headers(self) -> dict[str, str]:
        """Headers sent with every request (the current credential included; never log these unredacted)."""
        return {**_platform_headers(), **self.default_headers, "X-API-Key": self.credential.value}

    def __repr__(self) -> str:  # the dataclass repr, with the base URL's password redacted
        shown = (
            f"{f.name}={redact_urls(self.base_url) if f.name == 'base_url' else getattr(self, f.name)!r}"
            for f in fields(self)
            if f.repr
        )
        return f"ClientSettings({', '.join(shown)})"

    @property
    def python(self) -> str:
        return sys.version.split()[0]
