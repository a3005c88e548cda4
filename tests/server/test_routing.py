"""The server is routed from the contract: each operationId reaches the handler of the same name."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
from starlette.routing import Route

from tinker_local import ServerConfig
from tinker_local.http.app import routes_from_contract
from tinker_local.http.contract import Contract, contract_document, load_contract
from tinker_local.service import Service


@pytest.fixture
def service(tmp_path: Path) -> Any:
    svc = Service(ServerConfig(state_dir=tmp_path))
    yield svc
    svc.close()


def test_every_contract_operation_has_exactly_one_handler(service: Service) -> None:
    assert set(service.handlers()) == set(load_contract().operations)


def test_routes_carry_the_contracts_methods_and_paths(service: Service) -> None:
    contract = load_contract()
    routes = {r.path: r for r in routes_from_contract(contract, service.handlers(), service) if isinstance(r, Route)}
    for op in contract.operations.values():
        assert op.method in (routes[op.path].methods or set()), op.operation_id


def test_an_operation_added_to_the_contract_without_a_handler_is_named(service: Service) -> None:
    doc = copy.deepcopy(contract_document())
    doc["paths"]["/api/v1/brand_new"] = {
        "post": {"operationId": "brand_new_operation", "responses": {"200": {"description": "ok"}}}
    }
    with pytest.raises(RuntimeError, match="without a handler.*brand_new_operation"):
        routes_from_contract(Contract(doc), service.handlers(), service)


def test_a_handler_the_contract_does_not_define_is_named(service: Service) -> None:
    doc = copy.deepcopy(contract_document())
    del doc["paths"]["/api/v1/healthz"]
    with pytest.raises(RuntimeError, match="does not define.*healthz"):
        routes_from_contract(Contract(doc), service.handlers(), service)


def test_a_protobuf_body_without_a_decoder_is_named(service: Service) -> None:
    doc = copy.deepcopy(contract_document())
    body = doc["paths"]["/api/v1/optim_step"]["post"]["requestBody"]
    body["content"]["application/x-protobuf"] = {"schema": {"type": "string", "format": "binary"}}
    with pytest.raises(RuntimeError, match="without a decoder.*optim_step"):
        routes_from_contract(Contract(doc), service.handlers(), service)


def test_a_mounted_app_routes_by_the_path_below_its_prefix(tmp_path: Path) -> None:
    """The fixed-path shortcut routes like Starlette's router under a prefix (``root_path``): a path that only
    matches with the prefix left on is a 404 (found by review: the shortcut answered it)."""
    import asyncio

    import httpx
    from starlette.applications import Starlette
    from starlette.routing import Mount

    from tinker_local import create_app

    inner = create_app(state_dir=str(tmp_path))
    outer = Starlette(routes=[Mount("/api", app=inner)])

    async def statuses() -> tuple[int, int]:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=outer), base_url="http://t") as c:
            return (await c.get("/api/api/v1/healthz")).status_code, (await c.get("/api/v1/healthz")).status_code

    try:
        assert asyncio.run(statuses()) == (200, 404)
    finally:
        inner.state.service.close()  # no lifespan runs under ASGITransport
