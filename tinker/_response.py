"""Raw HTTP responses (``tinker.APIResponse``/``tinker.AsyncAPIResponse``) and per-request options.

The official SDK hands these out from its generated low-level client. Here they wrap an ``httpx.Response``
so code that annotates with them, builds them, or reads ``.parse()``/``.headers`` off them keeps working.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator, Iterator, Mapping
from typing import Any, Generic, TypeVar, cast

import httpx
from typing_extensions import TypedDict

__all__ = ["APIResponse", "AsyncAPIResponse", "RequestOptions"]

R = TypeVar("R")
_T = TypeVar("_T")


class RequestOptions(TypedDict, total=False):
    """Per-request overrides accepted by low-level calls (all keys optional)."""

    headers: Mapping[str, str]
    max_retries: int
    timeout: float | httpx.Timeout | None
    params: Mapping[str, object]
    extra_json: Mapping[str, object]
    idempotency_key: str
    follow_redirects: bool


def _convert(raw: httpx.Response, content: bytes, to: Any) -> Any:
    """``content`` of ``raw`` as ``to``: text, bytes, the response itself, a pydantic model, or JSON."""
    if to is None or to is type(None):
        return None
    if to is httpx.Response:
        return raw
    if to is bytes:
        return content
    if to is str:
        return content.decode(raw.encoding or "utf-8")
    import orjson

    data = orjson.loads(content) if content else None
    validate = getattr(to, "model_validate", None)
    if callable(validate):
        return validate(data)
    if to in (object, dict, list, float, int, bool) or not isinstance(to, type):
        return data
    return to(data)


class _BaseResponse(Generic[R]):
    def __init__(
        self,
        *,
        raw: httpx.Response,
        cast_to: Any = object,
        client: Any = None,
        stream: bool = False,
        stream_cls: Any = None,
        options: Any = None,
        retries_taken: int = 0,
    ) -> None:
        self.http_response = raw
        self.retries_taken = retries_taken
        self._cast_to = cast_to
        self._client = client
        self._stream = stream
        self._stream_cls = stream_cls
        self._options = options
        self._parsed: dict[Any, Any] = {}

    def __repr__(self) -> str:
        return f"<{type(self).__name__} [{self.status_code} {self.http_response.reason_phrase}] type={self._cast_to}>"

    @property
    def headers(self) -> httpx.Headers:
        return self.http_response.headers

    @property
    def http_request(self) -> httpx.Request:
        return self.http_response.request

    @property
    def status_code(self) -> int:
        return self.http_response.status_code

    @property
    def url(self) -> httpx.URL:
        return self.http_response.url

    @property
    def method(self) -> str:
        return self.http_request.method

    @property
    def http_version(self) -> str:
        return self.http_response.http_version

    @property
    def elapsed(self) -> dt.timedelta:
        return self.http_response.elapsed

    @property
    def is_closed(self) -> bool:
        return self.http_response.is_closed


class APIResponse(_BaseResponse[R]):
    """A synchronous HTTP response; ``parse()`` decodes its body (as ``cast_to`` unless ``to=`` is given)."""

    def parse(self, *, to: type[_T] | None = None) -> R | _T:
        target = to if to is not None else self._cast_to
        if target not in self._parsed:
            self._parsed[target] = _convert(self.http_response, self.read(), target)
        return cast("R | _T", self._parsed[target])

    def read(self) -> bytes:
        return self.http_response.read()

    def text(self) -> str:
        self.read()
        return self.http_response.text

    def json(self) -> object:
        self.read()
        return self.http_response.json()

    def close(self) -> None:
        self.http_response.close()

    def iter_bytes(self, chunk_size: int | None = None) -> Iterator[bytes]:
        yield from self.http_response.iter_bytes(chunk_size)

    def iter_text(self, chunk_size: int | None = None) -> Iterator[str]:
        yield from self.http_response.iter_text(chunk_size)

    def iter_lines(self) -> Iterator[str]:
        yield from self.http_response.iter_lines()


class AsyncAPIResponse(_BaseResponse[R]):
    """The asynchronous twin of :class:`APIResponse`: ``await resp.parse()``, ``async for`` over the body."""

    async def parse(self, *, to: type[_T] | None = None) -> R | _T:
        target = to if to is not None else self._cast_to
        if target not in self._parsed:
            self._parsed[target] = _convert(self.http_response, await self.read(), target)
        return cast("R | _T", self._parsed[target])

    async def read(self) -> bytes:
        return await self.http_response.aread()

    async def text(self) -> str:
        await self.read()
        return self.http_response.text

    async def json(self) -> object:
        await self.read()
        return self.http_response.json()

    async def close(self) -> None:
        await self.http_response.aclose()

    async def iter_bytes(self, chunk_size: int | None = None) -> AsyncIterator[bytes]:
        async for chunk in self.http_response.aiter_bytes(chunk_size):
            yield chunk

    async def iter_text(self, chunk_size: int | None = None) -> AsyncIterator[str]:
        async for chunk in self.http_response.aiter_text(chunk_size):
            yield chunk

    async def iter_lines(self) -> AsyncIterator[str]:
        async for line in self.http_response.aiter_lines():
            yield line
