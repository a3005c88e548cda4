"""The pytest plugin of :mod:`tinker.testing` (the ``pytest11`` entry point ``tinker``; without the entry point,
``pytest_plugins = ["tinker.testing.plugin"]`` in a conftest).

Fixtures:

* ``tinker_server``: a local Tinker server (:class:`~tinker.testing.TinkerServer`) with its own state
  directory, one per test (``tinker_server_scope = session`` in the ini file: one for the whole run);
* ``tinker_fault_proxy``: a :class:`~tinker.testing.FaultProxy` in front of it (``Fault.restart`` restarts it);
* ``tinker_service_client``: a ``tinker.ServiceClient`` for that server, through the proxy when the test also
  uses ``tinker_fault_proxy``. Reproducible (LoRA and sampling seeds filled from the test's seed), quick to
  retry, and isolated: the developer's ``TINKER_*`` settings are unset, and ``TINKER_BASE_URL`` and
  ``TINKER_API_KEY`` point at the same server, so code that builds its own ``tinker.ServiceClient()`` gets it;
* ``tinker_make_training_client(base_model=..., rank=8, **kwargs)``: a LoRA ``TrainingClient`` on it;
* ``tinker_make_sampling_client(base_model=..., model_path=None)``: a ``SamplingClient`` on it.

Per test: ``@pytest.mark.tinker(seed=1, models=["Qwen/Qwen3-8B:vocab=151936"], state_dir=..., **server_options)``
(server options are ``tinker_local.ServerConfig`` fields; the state directory is a fresh temporary one by default). For the run: ``--tinker-seed N``, and the ini options
``tinker_seed``, ``tinker_models`` (one ``NAME:vocab=N`` per line) and ``tinker_server_scope``.

This module imports nothing but pytest: the SDK and the server load when a test uses a fixture.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

import pytest

if TYPE_CHECKING:
    from tinker._sampling_client import SamplingClient
    from tinker._service_client import ServiceClient
    from tinker._training_client import TrainingClient
    from tinker.testing import FaultProxy, TinkerServer

__all__ = [
    "tinker_fault_proxy",
    "tinker_make_sampling_client",
    "tinker_make_training_client",
    "tinker_server",
    "tinker_service_client",
]

# The SDK's environment (settings, credentials, cassettes): unset for tests that use the fixtures.
_SDK_ENV = (
    "TINKER_BASE_URL",
    "TINKER_API_KEY",
    "TINKER_CREDENTIAL_CMD",
    "TINKER_PROJECT_ID",
    "TINKER_TAGS",
    "TINKER_LOG",
    "TINKER_TELEMETRY",
    "TINKER_RECORD",
    "TINKER_REPLAY",
    "CLOUDFLARE_ACCESS_CLIENT_ID",
    "CLOUDFLARE_ACCESS_CLIENT_SECRET",
)
# Long polls answer "not yet" after this long: a stopping server never waits on a 30 s poll.
_SERVER_DEFAULTS: dict[str, Any] = {"retrieve_timeout_s": 1.0}
_MARKER = "tinker"


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("tinker", "tinker.testing: offline Tinker server fixtures")
    group.addoption(
        "--tinker-seed", type=int, default=None, help="seed of LoRA weights and sampling in the tinker_* fixtures"
    )
    parser.addini("tinker_seed", "seed of LoRA weights and sampling in the tinker_* fixtures", default="0")
    parser.addini("tinker_models", "extra base models the tinker_server serves, NAME:vocab=N", type="linelist")
    parser.addini("tinker_server_scope", "tinker_server per test (function) or per run (session)", default="function")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        f"{_MARKER}(seed=None, models=(), **server_options): the seed, extra served models (NAME:vocab=N) and "
        "tinker_local.ServerConfig options of this test's tinker_* fixtures",
    )


@dataclass(frozen=True)
class _Options:
    seed: int
    models: tuple[str, ...]
    server: dict[str, Any] = field(default_factory=dict)


def _options(node: Any, config: pytest.Config) -> _Options:
    """The run's options (command line, ini) overlaid with the node's ``tinker`` marker."""
    marker = node.get_closest_marker(_MARKER) if isinstance(node, pytest.Item) else None
    kwargs = dict(marker.kwargs) if marker is not None else {}
    if marker is not None and marker.args:
        raise pytest.UsageError(
            f"@pytest.mark.{_MARKER} takes keyword arguments only (seed=..., models=[...], server options), "
            f"got positional {marker.args!r} on {node.nodeid}"
        )
    seed = kwargs.pop("seed", None)
    if seed is None:
        cli = config.getoption("tinker_seed")
        seed = cli if cli is not None else _ini_int(config, "tinker_seed")
    if isinstance(seed, bool) or not isinstance(seed, int):
        raise pytest.UsageError(f"@pytest.mark.{_MARKER}(seed={seed!r}): the seed must be an int")
    models = tuple(config.getini("tinker_models")) + tuple(kwargs.pop("models", ()))
    return _Options(seed, models, {**_SERVER_DEFAULTS, **kwargs})


def _ini_int(config: pytest.Config, name: str) -> int:
    raw = str(config.getini(name)).strip()
    try:
        return int(raw)
    except ValueError:
        raise pytest.UsageError(f"ini option {name} = {raw!r}: expected an integer") from None


def _server_scope(fixture_name: str, config: pytest.Config) -> Literal["function", "session"]:
    scope = str(config.getini("tinker_server_scope")).strip()
    if scope == "function":
        return "function"
    if scope == "session":
        return "session"
    raise pytest.UsageError(
        f"ini option tinker_server_scope = {scope!r}: expected 'function' (a server per test) or 'session' (one "
        "server for the whole run)"
    )


def pytest_runtest_setup(item: pytest.Item) -> None:
    """A per-test server option cannot apply to a server shared by the run: say so instead of ignoring it."""
    marker = item.get_closest_marker(_MARKER)
    if marker is None or "tinker_server" not in getattr(item, "fixturenames", ()):
        return
    server_options = sorted(set(marker.kwargs) - {"seed"})
    if server_options and _server_scope("tinker_server", item.config) == "session":
        pytest.fail(
            f"@pytest.mark.{_MARKER}({', '.join(server_options)}=...) configures a server, but tinker_server is "
            "shared by the run (tinker_server_scope = session): set it for the run (ini tinker_models) or use "
            "tinker_server_scope = function",
            pytrace=False,
        )


@pytest.fixture(scope=_server_scope)
def tinker_server(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[TinkerServer]:
    """A local Tinker server with its own state directory (per test, or per run with tinker_server_scope)."""
    from tinker.testing._server import TinkerServer

    options = _options(request.node, request.config)
    server_options = dict(options.server)
    state_dir = server_options.pop("state_dir", None) or tmp_path_factory.mktemp("tinker-state")
    server = TinkerServer(models=options.models, state_dir=state_dir, **server_options)
    server.start()
    try:
        yield server
    finally:
        server.close()


@pytest.fixture
def tinker_fault_proxy(tinker_server: TinkerServer) -> Iterator[FaultProxy]:
    """A FaultProxy in front of tinker_server; ``Fault.restart`` restarts the server."""
    from tinker.testing._proxy import FaultProxy

    with FaultProxy(tinker_server.base_url, restart=tinker_server.restart) as proxy:
        yield proxy


@pytest.fixture
def tinker_service_client(
    request: pytest.FixtureRequest, tinker_server: TinkerServer, monkeypatch: pytest.MonkeyPatch
) -> Iterator[ServiceClient]:
    """A reproducible ServiceClient for tinker_server (through tinker_fault_proxy when the test uses it)."""
    from tinker.testing._clients import TEST_API_KEY, service_client

    tinker_server.start()  # a shared server a previous test stopped
    if "tinker_fault_proxy" in request.fixturenames:
        base_url = request.getfixturevalue("tinker_fault_proxy").base_url
    else:
        base_url = tinker_server.base_url
    for var in _SDK_ENV:
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("TINKER_BASE_URL", base_url)
    monkeypatch.setenv("TINKER_API_KEY", TEST_API_KEY)
    client = service_client(base_url, seed=_options(request.node, request.config).seed)
    try:
        yield client
    finally:
        client.close().result(timeout=30)


@pytest.fixture
def tinker_make_training_client(tinker_service_client: ServiceClient) -> Callable[..., TrainingClient]:
    """``make(base_model="tinker-local/tiny-byte", rank=8, **kwargs)``: a LoRA TrainingClient on tinker_server."""
    from tinker.testing._clients import DEFAULT_BASE_MODEL

    def make(base_model: str = DEFAULT_BASE_MODEL, rank: int = 8, **kwargs: Any) -> TrainingClient:
        return tinker_service_client.create_lora_training_client(base_model, rank, **kwargs).result(timeout=60)

    return make


@pytest.fixture
def tinker_make_sampling_client(tinker_service_client: ServiceClient) -> Callable[..., SamplingClient]:
    """``make(base_model="tinker-local/tiny-byte", model_path=None)``: a SamplingClient on tinker_server (of the
    ``tinker://`` sampler checkpoint ``model_path`` when given)."""
    from tinker.testing._clients import DEFAULT_BASE_MODEL

    def make(base_model: str = DEFAULT_BASE_MODEL, *, model_path: str | None = None) -> SamplingClient:
        future = tinker_service_client.create_sampling_client(
            model_path=model_path, base_model=None if model_path is not None else base_model
        )
        return future.result(timeout=60)

    return make
