"""The SDK clients the commands use: the public facade, with a retry budget that suits a command line."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import tinker

__all__ = ["admin_client", "rest_client", "service_client"]

# A person is waiting: give up on an unreachable server after a few quick attempts (about 4 s) instead of
# the SDK's 300 s training-job budget, and bound any one command's retrying to a minute.
CLI_DEADLINE_S = 60.0
CLI_MAX_ATTEMPTS = 4


def service_client(
    user_metadata: Mapping[str, str] | None = None, *, api_key: str | None = None
) -> tinker.ServiceClient:
    import tinker

    retry = tinker.RetryConfig(deadline=CLI_DEADLINE_S, max_attempts=CLI_MAX_ATTEMPTS)
    return tinker.ServiceClient(user_metadata, api_key=api_key, retry_config=retry)


def rest_client(*, api_key: str | None = None) -> tinker.RestClient:
    return service_client(api_key=api_key).create_rest_client()


def admin_client() -> tinker.AdminClient:
    import tinker

    # The official constructor's first parameter is the holder to share: the REST client's, with our budget.
    return tinker.AdminClient(rest_client().holder)
