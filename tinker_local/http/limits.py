"""Request-body limits: a per-request size cap enforced while the body streams in, and a server-wide bound
on the body bytes held by requests in flight (so many medium bodies cannot add up to an out-of-memory)."""

from __future__ import annotations

import threading
import zlib
from collections.abc import AsyncIterator

import tinker_wire as wire

from .._errors import ApiError

__all__ = ["BodyBudget", "Reservation", "read_body"]


class BodyBudget:
    """Bytes of request bodies (as received and decompressed) held by requests in flight.

    A request that would take the total above ``limit`` is answered 503 with ``Retry-After`` (clients retry
    it later), except when nothing else is in flight: a single body up to the per-request cap always fits.
    """

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self._used = 0
        self._lock = threading.Lock()

    @property
    def used(self) -> int:
        with self._lock:
            return self._used

    def reservation(self) -> Reservation:
        return Reservation(self)

    def _take(self, n: int, held: int) -> None:
        with self._lock:
            if self._used + n > self.limit and self._used > held:
                raise ApiError(
                    503,
                    f"server busy: {self._used} bytes of request bodies are in flight (limit {self.limit}); "
                    "retry shortly",
                    category="server",
                )
            self._used += n

    def _give(self, n: int) -> None:
        with self._lock:
            self._used -= n


class Reservation:
    """One request's share of the budget; ``release()`` (idempotent) returns it."""

    def __init__(self, budget: BodyBudget) -> None:
        self._budget = budget
        self.held = 0

    def take(self, n: int) -> None:
        self._budget._take(n, self.held)
        self.held += n

    def release(self) -> None:
        if self.held:
            self._budget._give(self.held)
            self.held = 0


def _too_large(what: str) -> ApiError:
    return ApiError(
        413,
        f"body: {what}; send a smaller request (split the batch) or start the server with a larger --max-body-bytes",
    )


async def read_body(
    stream: AsyncIterator[bytes],
    content_length: str | None,
    content_encoding: str | None,
    cap: int,
    held: Reservation,
) -> bytes:
    """Read a body of at most ``cap`` bytes (also after decompression), charging ``held`` as it arrives.

    The cap is checked against ``Content-Length`` before reading and again on every received chunk, so a
    chunked upload without a length is refused after ``cap`` bytes, not after it has been buffered whole.
    """
    if content_length is not None and content_length.strip().isdigit():
        size = int(content_length)
        if size > cap:
            raise _too_large(f"{size} bytes exceed the server's limit of {cap} bytes")
        held.take(size)
    buf = bytearray()
    async for chunk in stream:
        if not chunk:
            continue
        if len(buf) + len(chunk) > cap:
            raise _too_large(f"the upload passed the server's limit of {cap} bytes")
        if len(buf) + len(chunk) > held.held:
            held.take(len(buf) + len(chunk) - held.held)
        buf += chunk
    raw = bytes(buf)
    del buf
    enc = (content_encoding or "").strip().lower()
    if enc in ("", "identity"):
        return raw
    if enc == "zstd":
        try:
            out = wire.decompress_zstd(raw, cap)
        except wire.WireError as e:
            if "limit" in str(e):
                raise _too_large(f"decompresses to more than the server's limit of {cap} bytes") from None
            raise ApiError(422, f"body: invalid zstd data ({e})") from None
    elif enc in ("gzip", "deflate"):
        d = zlib.decompressobj(wbits=47 if enc == "gzip" else 15)
        try:
            out = d.decompress(raw, cap + 1)
        except zlib.error as e:
            raise ApiError(422, f"body: invalid {enc} data ({e})") from None
        if len(out) > cap:
            raise _too_large(f"decompresses to more than the server's limit of {cap} bytes")
    else:
        raise ApiError(415, f"Content-Encoding {enc!r} is not supported (use zstd, gzip or none)")
    held.take(len(out))
    return out
