"""tinker_local — an offline, Tinker-compatible HTTP server with a tiny real numpy model.

Public API (the HTTP stack is imported lazily: ``import tinker_local`` pulls in neither starlette
nor uvicorn, and never the ``tinker`` SDK facade)::

    create_app(config: ServerConfig | None = None, **fields) -> starlette.applications.Starlette
    ServerConfig(host, port, state_dir, models, retrieve_timeout_s, ...)   # see tinker_local._config
    LocalServer(port=0, state_dir=None, models=(), **fields)               # context manager, .base_url
    serve(config, port_file=None)                                          # blocking, prints the URL
    main(argv) / python -m tinker_local serve [...]                        # the CLI

The engine (numpy model, losses, optimizer, sampling) lives in :mod:`tinker_local.engine`.
"""

from __future__ import annotations

from typing import Any

from ._config import ModelSpec, ServerConfig, parse_model_spec

__all__ = ["LocalServer", "ModelSpec", "ServerConfig", "create_app", "main", "parse_model_spec", "serve"]


def __getattr__(name: str) -> Any:
    if name == "create_app":
        from .http import create_app

        return create_app
    if name == "LocalServer":
        from ._runner import LocalServer

        return LocalServer
    if name == "serve":
        from ._runner import serve

        return serve
    if name == "main":
        from ._cli import main

        return main
    raise AttributeError(f"module 'tinker_local' has no attribute {name!r}")
