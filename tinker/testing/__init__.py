"""tinker.testing: test your own training code offline (``pip install 'tinker-oss[testing]'``).

* pytest fixtures (``tinker.testing.plugin``, registered as a pytest plugin): ``tinker_server``,
  ``tinker_service_client``, ``tinker_make_training_client``, ``tinker_make_sampling_client``,
  ``tinker_fault_proxy``;
* :class:`FaultProxy` and :class:`Fault`: make the network and the server misbehave on schedule;
* :func:`record` / :func:`replay` (``TINKER_RECORD`` / ``TINKER_REPLAY``): record a run against any server and
  replay it with no server and no network;
* :class:`TinkerServer`: the in-process local server the fixtures use; :func:`service_client`: a reproducible
  client (seeds filled in).

Names load on first use: ``import tinker`` never imports this package, and this package imports the local
server only when a :class:`TinkerServer` is built.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

_EXPORTS = {
    "CassetteMissError": "._cassette",
    "record": "._cassette",
    "replay": "._cassette",
    "Fault": "._proxy",
    "FaultProxy": "._proxy",
    "Seen": "._proxy",
    "TinkerServer": "._server",
    "DEFAULT_BASE_MODEL": "._clients",
    "fast_retry": "._clients",
    "service_client": "._clients",
}
__all__ = [
    "DEFAULT_BASE_MODEL",
    "CassetteMissError",
    "Fault",
    "FaultProxy",
    "Seen",
    "TinkerServer",
    "fast_retry",
    "record",
    "replay",
    "service_client",
]

if TYPE_CHECKING:
    from ._cassette import CassetteMissError, record, replay
    from ._clients import DEFAULT_BASE_MODEL, fast_retry, service_client
    from ._proxy import Fault, FaultProxy, Seen
    from ._server import TinkerServer


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'tinker.testing' has no attribute {name!r}")
    value = getattr(importlib.import_module(module, __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_EXPORTS))
