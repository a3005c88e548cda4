"""Helpers shared by the test folders: ``from tests.helpers import ...`` (pyproject puts the repository root on
``sys.path`` for pytest, so the folders without ``__init__.py`` import it too).

* ``TINKER_ENV_VARS``, ``clear_tinker_env``  the SDK's environment; ``tests/conftest.py`` clears it around every test
* ``text_datum(text)``                      a next-byte cross-entropy ``Datum`` for the built-in byte tokenizer
* ``make_service(base_url, ...)``           a ``ServiceClient`` with the caller's API key (and retry config)
* ``start_local_server(**config)``          a started in-process ``LocalServer`` (stop it yourself)
* ``local_server_fixture(...)``             a LocalServer fixture (``server`` by default), per folder or module
* ``ld(tag, payload)``                      a length-delimited protobuf field with a one-byte tag

Imports of the SDK and the local server happen inside the functions: the wire tests import this module for
``ld`` only.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, Literal

import pytest

if TYPE_CHECKING:
    import tinker
    from tinker import types
    from tinker_local import LocalServer

__all__ = [
    "TINKER_ENV_VARS",
    "clear_tinker_env",
    "ld",
    "local_server_fixture",
    "make_service",
    "start_local_server",
    "text_datum",
]

# The environment the SDK reads (base URL, credentials, project, tags, logging, record/replay cassettes,
# observability switches, the network backend).
TINKER_ENV_VARS = (
    "TINKER_BASE_URL",
    "TINKER_API_KEY",
    "TINKER_PROJECT_ID",
    "TINKER_TAGS",
    "TINKER_CREDENTIAL_CMD",
    "CLOUDFLARE_ACCESS_CLIENT_ID",
    "CLOUDFLARE_ACCESS_CLIENT_SECRET",
    "TINKER_LOG",
    "TINKER_RECORD",
    "TINKER_REPLAY",
    "TINKER_OTEL",
    "TINKER_METRICS",
    "TINKER_AUDIT_LOG",
    "TINKER_CREDENTIAL_REFRESH_SECONDS",
    "TINKER_SLOW_FUTURE_SECONDS",
    "TINKER_HTTP_BACKEND",
)


def clear_tinker_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """Unset ``TINKER_ENV_VARS`` for the rest of the test (the developer's shell must not leak in)."""
    for var in TINKER_ENV_VARS:
        monkeypatch.delenv(var, raising=False)


# ---------------------------------------------------------------------------------------------- SDK side


def text_datum(text: str, weights: list[float] | None = None) -> types.Datum:
    """Next-byte prediction over ``text`` with the built-in byte tokenizer (token id = byte value).

    ``weights``: one per predicted byte (``len(text.encode()) - 1``); all 1.0 by default.
    """
    from tinker import types

    tokens = list(text.encode("utf-8"))
    return types.Datum(
        model_input=types.ModelInput.from_ints(tokens[:-1]),
        loss_fn_inputs={
            "target_tokens": tokens[1:],
            "weights": [1.0] * (len(tokens) - 1) if weights is None else weights,
        },
    )


def make_service(
    base_url: str, retry_config: tinker.RetryConfig | None = None, *, api_key: str, **kwargs: Any
) -> tinker.ServiceClient:
    """``tinker.ServiceClient(base_url=..., api_key=..., retry_config=..., **kwargs)``.

    ``kwargs`` go to the client unchanged (``_http_transport`` for an in-memory fake server, ``user_metadata``,
    ``project_id``, ...). ``retry_config=None`` is the SDK's default retry policy.
    """
    import tinker

    return tinker.ServiceClient(base_url=base_url, api_key=api_key, retry_config=retry_config, **kwargs)


# ---------------------------------------------------------------------------------------------- local server


def start_local_server(**config: Any) -> LocalServer:
    """A started in-process ``LocalServer(**config)`` on a free loopback port; call ``.stop()`` when done.

    (Accepted connections have TCP_NODELAY: tinker_local creates its socket with IPPROTO_TCP, so asyncio sets
    it; ``tests/resilience/test_stress.py`` guards that.)
    """
    from tinker_local import LocalServer

    return LocalServer(**config).start()


def local_server_fixture(
    *,
    scope: Literal["function", "module", "session"] = "module",
    name: str = "server",
    fresh_state_dir: bool = False,
    **config: Any,
) -> Any:
    """A fixture (named ``name``): a started ``LocalServer(**config)``, stopped at the end of ``scope``.

    ``fresh_state_dir=True`` passes a new empty temporary ``state_dir`` each time the fixture is set up.
    Assign it in a conftest or test module under the same name:
    ``server = local_server_fixture(retrieve_timeout_s=2.0)``.
    """

    @pytest.fixture(scope=scope, name=name)
    def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalServer]:
        kwargs = dict(config)
        if fresh_state_dir:
            kwargs["state_dir"] = tmp_path_factory.mktemp("state")
        srv = start_local_server(**kwargs)
        try:
            yield srv
        finally:
            srv.stop()

    return server


# ---------------------------------------------------------------------------------------------- protobuf bytes


def ld(tag: int, payload: bytes, *, one_byte_length: bool = False) -> bytes:
    """A length-delimited field: a one-byte ``tag``, the varint length of ``payload``, then ``payload``.

    The robustness tests use any tag (wrong wire types on purpose) and any length. ``one_byte_length=True``
    (the hand-built byte tables) asserts wire type 2 and a payload under 128 bytes, whose length is one byte:
    a slip in a table written by hand then fails loudly instead of encoding something else.
    """
    if one_byte_length:
        assert tag & 7 == 2 and len(payload) < 128, (hex(tag), len(payload))
    n = len(payload)
    length = bytearray()
    while n >= 0x80:
        length.append((n & 0x7F) | 0x80)
        n >>= 7
    length.append(n)
    return bytes([tag]) + bytes(length) + payload
