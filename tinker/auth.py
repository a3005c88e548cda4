"""Check the credential this process would use (``tinker.auth``).

* :func:`get_tinker_token` — the static credential (``TINKER_API_KEY`` or ``~/.tinker/credentials.json``),
  found without running ``TINKER_CREDENTIAL_CMD``;
* :func:`tinker_has_credentials` — whether any credential source is configured (a credential command
  counts without being run);
* :func:`raise_if_tinker_not_accessible` — one request to the server, raising the matching
  :class:`~tinker.TinkerError` when the service cannot be used.
"""

from __future__ import annotations

import os

__all__ = ["get_tinker_token", "raise_if_tinker_not_accessible", "tinker_has_credentials"]


def get_tinker_token() -> str | None:
    """The configured static credential, or None. Local lookup only (no command runs, no request)."""
    from ._config import _stored_api_key

    return os.environ.get("TINKER_API_KEY") or _stored_api_key() or None


def tinker_has_credentials() -> bool:
    """Whether a credential is configured: ``TINKER_API_KEY``, ``TINKER_CREDENTIAL_CMD`` (not run) or a
    stored key."""
    return bool(os.environ.get("TINKER_CREDENTIAL_CMD")) or get_tinker_token() is not None


def raise_if_tinker_not_accessible() -> None:
    """Return if the server (``TINKER_BASE_URL``) accepts this process's credential, else raise.

    Sends one un-retried ``get_server_capabilities`` request: :class:`~tinker.TinkerError` without a
    credential, :class:`~tinker.AuthenticationError` (401) when it is refused,
    :class:`~tinker.BillingError` (402) when the account cannot be billed,
    :class:`~tinker.APIConnectionError` when the server cannot be reached.
    """
    from tinker_api.api.service import get_server_capabilities as _get_server_capabilities

    from ._config import ClientSettings
    from ._exceptions import TinkerError
    from ._futures import spawn
    from ._retry import RetryPolicy
    from ._transport import Transport

    try:
        settings = ClientSettings.resolve()
    except TinkerError:
        raise
    except Exception as exc:  # e.g. a malformed TINKER_BASE_URL
        raise TinkerError(str(exc)) from exc

    async def probe() -> None:
        transport = Transport(settings, RetryPolicy())
        try:
            await transport.call(_get_server_capabilities, retry=False)
        finally:
            await transport.aclose()

    spawn(probe()).result()
