"""App assembly: one route per path of the contract, each operation dispatched to its handler."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from starlette.types import Receive, Scope, Send

import tinker_wire as wire

from .._config import ServerConfig
from ..service import Service
from ..service.calls import Call
from .bodies import PROTOBUF_DECODERS, json_response
from .contract import Contract, load_contract
from .endpoint import Endpoint, make_endpoint
from .files import download_endpoint
from .limits import BodyBudget
from .observability import Observability

__all__ = ["create_app", "routes_from_contract"]


def routes_from_contract(
    contract: Contract,
    handlers: dict[str, Callable[[Call], Any]],
    service: Service,
    observability: Observability | None = None,
) -> list[Route]:
    """A route per contract path; every operation goes to the handler of its operationId (observed by
    ``observability``: traces, metrics, the request audit log; a default one when not given).

    An operation without a handler (or a protobuf body without a decoder) stops the server from starting,
    naming it, so a contract edit cannot silently 404; so does a handler the contract does not list.
    """
    ops = contract.operations
    missing = sorted(set(ops) - set(handlers))
    if missing:
        raise RuntimeError(f"contract operations without a handler in tinker_local.service: {missing}")
    unknown = sorted(set(handlers) - set(ops))
    if unknown:
        raise RuntimeError(f"handlers for operations the contract does not define: {unknown}")
    undecodable = sorted(
        o for o, op in ops.items() if wire.PROTOBUF in op.body_media_types and o not in PROTOBUF_DECODERS
    )
    if undecodable:
        raise RuntimeError(f"operations taking protobuf bodies without a decoder in http.bodies: {undecodable}")
    bodies = BodyBudget(service.config.max_inflight_body_bytes)
    observed = observability if observability is not None else Observability(service)
    by_path: dict[str, dict[str, Endpoint]] = {}
    for op_id, op in ops.items():
        by_path.setdefault(op.path, {})[op.method] = make_endpoint(op, handlers[op_id], service, bodies, observed)
    # one route per path, so a 405 lists every method of the path in Allow
    return [Route(path, _dispatch(methods), methods=list(methods)) for path, methods in by_path.items()]


def _dispatch(handlers: dict[str, Endpoint]) -> Callable[[Request], Awaitable[Response]]:
    async def by_method(request: Request) -> Response:
        return await handlers["GET" if request.method == "HEAD" else request.method](request)

    return by_method


class _ContractApp(Starlette):
    """Starlette with a shortcut for the hot path: a request to a fixed path with one of its methods goes
    straight to its endpoint, which answers every error itself, so skipping the router's scan of all routes and
    the error middleware changes only the cost. Anything else (path parameters, 404, 405, lifespan) and any app
    with added middleware takes the full Starlette route."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._exact = {
            r.path: (r.methods or set(), r.endpoint) for r in self.routes if isinstance(r, Route) and "{" not in r.path
        }

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and not self.user_middleware and not scope.get("root_path"):
            hit = self._exact.get(scope["path"])
            if hit is not None and scope["method"] in hit[0]:
                scope["app"] = self
                response = await hit[1](Request(scope, receive, send))
                await response(scope, receive, send)
                return
        await super().__call__(scope, receive, send)


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    detail = {
        404: f"no such endpoint: {request.method} {request.url.path}",
        405: f"method {request.method} is not allowed on {request.url.path}",
    }.get(exc.status_code, exc.detail)
    return json_response({"detail": detail}, exc.status_code, headers=exc.headers)


def create_app(config: ServerConfig | None = None, **overrides: Any) -> Starlette:
    """Build the ASGI app. ``app.state.service`` is the :class:`Service` (closed when the app shuts down)."""
    if config is None:
        config = ServerConfig.from_kwargs(**overrides)
    elif overrides:
        config = config.replace(**overrides)
    service = Service(config)
    try:
        observability = Observability(service, config.audit_log)
        routes = routes_from_contract(load_contract(), service.handlers(), service, observability)
    except BaseException:
        service.close()  # its state store and threads would outlive the failed start
        raise
    routes.append(Route("/local/files/{token}", download_endpoint(service.files), methods=["GET"]))
    # Not a contract operation: Prometheus scrapes it without an API key (see http/observability.py).
    routes.append(Route("/metrics", observability.metrics_endpoint, methods=["GET"]))

    @asynccontextmanager
    async def lifespan(_app: Starlette) -> AsyncIterator[None]:
        try:
            yield
        finally:
            await asyncio.get_running_loop().run_in_executor(None, service.close)

    app = _ContractApp(routes=routes, exception_handlers={HTTPException: _http_error}, lifespan=lifespan)
    app.state.service = service
    app.state.config = config
    if config.wire == "json":  # imitate a JSON-only server (json_only.py)
        from .json_only import JsonOnly

        app.add_middleware(JsonOnly)
    return app
