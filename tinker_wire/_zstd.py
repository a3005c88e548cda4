"""zstd request-body compression. ``zstandard`` is imported lazily and only needed here."""

from __future__ import annotations

from types import ModuleType
from typing import Any

from ._errors import WireError

__all__ = ["compress_zstd", "decompress_zstd"]

# A zstd block holds at most 128 KiB and costs at least 4 bytes of input: expansion <= 2**15 per byte.
_MAX_RATIO_BITS = 15
_MIN_FEED = 16
_MAX_FEED = 1 << 20
_MIN_WINDOW = 1 << 23
_MAX_WINDOW = 1 << 27


def _zstandard() -> ModuleType:
    try:
        import zstandard
    except ImportError as e:  # pragma: no cover - depends on the environment
        raise ImportError(
            "zstd support needs the optional 'zstandard' package: pip install zstandard "
            "(or install the 'local' extra: pip install 'tinker-oss[local]')"
        ) from e
    return zstandard


def compress_zstd(data: bytes | bytearray | memoryview, level: int = 3) -> bytes:
    """Compress ``data`` into a single zstd frame (content size recorded in the header)."""
    zstd: Any = _zstandard()
    return bytes(zstd.ZstdCompressor(level=level).compress(data))


def decompress_zstd(body: bytes | bytearray | memoryview, max_size: int) -> bytes:
    """Decompress a zstd request body, refusing output larger than ``max_size`` bytes.

    The input is fed to the decoder in slices sized so that no slice can expand past the remaining
    budget by more than one block (a zstd block is at most 128 KiB and needs at least 4 input bytes), so a
    "zip bomb" is stopped early: peak memory stays within about twice ``max_size`` (plus 128 KiB) however
    large the declared content is. The decoder window is capped at ``max(8 MiB, max_size)`` (at most
    128 MiB). Concatenated frames are accepted; an incomplete (truncated) frame, corrupt input or output
    past the cap raises :class:`WireError`.
    """
    if max_size < 0:
        raise ValueError("max_size must be >= 0")
    zstd: Any = _zstandard()
    window = min(_MAX_WINDOW, max(_MIN_WINDOW, 1 << max(max_size - 1, 1).bit_length()))
    dctx = zstd.ZstdDecompressor(max_window_size=window)
    src = memoryview(body).cast("B")
    n = len(src)
    if n == 0:
        raise WireError("invalid zstd body: it is empty")
    parts: list[bytes] = []
    total = 0
    pos = 0
    try:
        while pos < n:  # one iteration per frame
            dobj = dctx.decompressobj()
            while pos < n and not dobj.eof:
                step = min(_MAX_FEED, max(_MIN_FEED, (max_size - total) >> _MAX_RATIO_BITS))
                chunk = src[pos : pos + step]
                out = dobj.decompress(chunk)
                pos += len(chunk)
                if out:
                    total += len(out)
                    if total > max_size:
                        raise WireError(f"zstd body decompresses to more than the {max_size}-byte limit")
                    parts.append(out)
            if not dobj.eof:
                raise WireError("invalid zstd body: the frame is incomplete (truncated input)")
            pos -= len(dobj.unused_data)
    except zstd.ZstdError as e:
        raise WireError(f"invalid zstd body: {e}") from None
    return b"".join(parts)
