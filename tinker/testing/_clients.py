"""Reproducible clients for tests: the seeds a request leaves to the server are filled in on the way out.

A LoRA created without ``seed`` and a sample request without ``sampling_params.seed`` are drawn at random by
the server (as the hosted service does). A test wants the same losses and samples on every run, so
:class:`SeededTransport` sets both to the test's seed. Each of a request's ``num_samples`` still draws from its
own stream; a repeated request repeats its samples, also when the SDK resubmits one whose future expired, so a
run under injected faults samples what the fault-free run did. Seeds the code under test sets are left alone.
"""

from __future__ import annotations

from typing import Any

import httpx
import orjson

from .._breaker import CircuitBreakerConfig
from .._retry import RetryConfig
from .._service_client import ServiceClient
from .._transport import network_transport
from ._operations import operation_of

__all__ = ["DEFAULT_BASE_MODEL", "TEST_API_KEY", "SeededTransport", "fast_retry", "service_client"]

DEFAULT_BASE_MODEL = "tinker-local/tiny-byte"
TEST_API_KEY = "tml-test"
_SAMPLE_OPS = frozenset({"asample", "stream_sample"})


def fast_retry() -> RetryConfig:
    """Short backoffs and a quickly recovering circuit breaker: injected faults cost a test seconds, not minutes."""
    return RetryConfig(
        retry_delay_base=0.05,
        retry_delay_max=0.5,
        deadline=60.0,
        circuit_breaker=CircuitBreakerConfig(failure_threshold=5, recovery_timeout=0.3),
    )


def fill_seeds(op: str, body: Any, seed: int) -> bool:
    """Set the seeds ``body`` (a decoded JSON request of operation ``op``) leaves open; True if it changed."""
    if not isinstance(body, dict):
        return False
    if op == "create_model" and isinstance(body.get("lora_config"), dict) and body["lora_config"].get("seed") is None:
        body["lora_config"]["seed"] = seed
        return True
    params = body.get("sampling_params")
    if op in _SAMPLE_OPS and isinstance(params, dict) and params.get("seed") is None:
        params["seed"] = seed
        return True
    return False


class SeededTransport(httpx.AsyncBaseTransport):
    """Wraps an HTTP transport; fills open seeds of ``create_model``, ``asample`` and ``stream_sample``."""

    def __init__(self, seed: int, inner: httpx.AsyncBaseTransport | None = None) -> None:
        if isinstance(seed, bool) or not isinstance(seed, int):
            raise TypeError(f"seed: expected an int, got {seed!r}")
        self.seed = seed
        # An explicit transport replaces the SDK's own network transport: wrap that one by default.
        self._inner = inner or network_transport()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        op = operation_of(request.method, request.url.path)
        if op == "create_model" or op in _SAMPLE_OPS:
            body = orjson.loads(await request.aread())
            if fill_seeds(op, body, self.seed):
                headers = [(k, v) for k, v in request.headers.multi_items() if k.lower() != "content-length"]
                request = httpx.Request(
                    request.method,
                    request.url,
                    headers=headers,
                    content=orjson.dumps(body),
                    extensions=request.extensions,
                )
        return await self._inner.handle_async_request(request)

    async def aclose(self) -> None:
        await self._inner.aclose()


def service_client(
    base_url: str,
    *,
    seed: int = 0,
    api_key: str = TEST_API_KEY,
    retry_config: RetryConfig | None = None,
    **kwargs: Any,
) -> ServiceClient:
    """A ``tinker.ServiceClient`` for tests: reproducible (seeds filled from ``seed``), fast to retry
    (:func:`fast_retry` unless ``retry_config`` is given), with a placeholder key. ``kwargs`` go to the client."""
    return ServiceClient(
        base_url=base_url,
        api_key=api_key,
        retry_config=retry_config or fast_retry(),
        _http_transport=SeededTransport(seed),
        **kwargs,
    )
