"""Identical concurrent GETs share one request; a failed capabilities refresh keeps the last good answer."""

from __future__ import annotations

import asyncio

import httpx

import tinker
from tinker._config import ClientSettings
from tinker._holder import ClientHolder
from tinker._loop import run_coroutine


def _rest(handler) -> tinker.RestClient:  # type: ignore[no-untyped-def]
    settings = ClientSettings.resolve(base_url="http://fake", api_key="tml-test")
    retry = tinker.RetryConfig(deadline=0.5, retry_delay_base=0.001, retry_delay_max=0.01)
    return tinker.RestClient(
        _holder=ClientHolder(settings, retry_config=retry, http_transport=httpx.MockTransport(handler))
    )


def test_identical_concurrent_gets_share_one_request() -> None:
    seen: list[str] = []

    async def handler(request: httpx.Request) -> httpx.Response:
        seen.append(str(request.url))
        await asyncio.sleep(0.05)
        return httpx.Response(200, json={"supported_models": [{"model_name": "m"}]})

    rest = _rest(handler)

    async def many() -> list[object]:
        return await asyncio.gather(*(rest.get_server_capabilities().result_async() for _ in range(25)))

    results = run_coroutine(many()).result(timeout=10)
    assert len(results) == 25 and len(seen) == 1

    # Different reads are not merged.
    async def two() -> None:
        await asyncio.gather(
            rest.list_training_runs(limit=1).result_async(),
            rest.list_training_runs(limit=2).result_async(),
            return_exceptions=True,
        )

    run_coroutine(two()).result(timeout=10)
    assert len(seen) == 3


def test_failed_capabilities_refresh_keeps_last_good_value() -> None:
    state = {"down": False, "calls": 0}

    def handler(request: httpx.Request) -> httpx.Response:
        state["calls"] += 1
        if state["down"]:
            return httpx.Response(503, json={"detail": "maintenance"})
        return httpx.Response(200, json={"supported_models": [{"model_name": "m1"}]})

    rest = _rest(handler)
    assert rest.get_server_capabilities().result(timeout=10).supported_models[0].model_name == "m1"
    state["down"] = True
    again = rest.get_server_capabilities().result(timeout=10)
    assert again.supported_models[0].model_name == "m1"
    assert state["calls"] > 2  # it really tried to refresh


def test_capabilities_failure_without_a_previous_answer_raises() -> None:
    rest = _rest(lambda request: httpx.Response(503, json={"detail": "maintenance"}))
    try:
        rest.get_server_capabilities().result(timeout=10)
    except tinker.APIError as exc:
        assert "maintenance" in str(exc) or "Circuit open" in str(exc)
    else:
        raise AssertionError("expected a failure")
