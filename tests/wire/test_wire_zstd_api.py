"""zstd bodies (size cap, zip bombs), content types, and the shape of the public API."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

import tinker_wire as w

zstandard = pytest.importorskip("zstandard")


def test_zstd_roundtrip_and_exact_cap() -> None:
    body = b"tinker" * 10_000
    packed = w.compress_zstd(body)
    assert len(packed) < len(body) // 10
    assert w.decompress_zstd(packed, max_size=len(body)) == body
    with pytest.raises(w.WireError, match=f"more than the {len(body) - 1}-byte limit"):
        w.decompress_zstd(packed, max_size=len(body) - 1)
    assert w.decompress_zstd(w.compress_zstd(b""), max_size=0) == b""
    assert w.decompress_zstd(memoryview(packed), max_size=10**6) == body


def test_zstd_bomb_is_refused_without_inflating() -> None:
    # 256 MiB of zeros compresses to a few KiB; we must stop at the cap, long before 256 MiB.
    cctx = zstandard.ZstdCompressor(level=1)
    chunks = cctx.compressobj()
    zero = bytes(1 << 20)
    bomb = b"".join(chunks.compress(zero) for _ in range(256)) + chunks.flush()
    assert len(bomb) < 1 << 20
    with pytest.raises(w.WireError, match="more than the 4194304-byte limit"):
        w.decompress_zstd(bomb, max_size=4 << 20)


def test_zstd_streamed_frame_without_content_size() -> None:
    cctx = zstandard.ZstdCompressor(write_content_size=False)
    body = bytes(range(256)) * 1000
    assert w.decompress_zstd(cctx.compress(body), max_size=len(body)) == body


def test_zstd_concatenated_frames_and_garbage() -> None:
    two = w.compress_zstd(b"ab") + w.compress_zstd(b"cd")
    assert w.decompress_zstd(two, max_size=10) == b"abcd"
    with pytest.raises(w.WireError, match="invalid zstd body"):
        w.decompress_zstd(b"definitely not zstd", max_size=100)
    with pytest.raises(w.WireError, match="invalid zstd body: the frame is incomplete"):
        w.decompress_zstd(w.compress_zstd(bytes(range(256)) * 40)[:-3], max_size=100_000)
    with pytest.raises(w.WireError, match="invalid zstd body: it is empty"):
        w.decompress_zstd(b"", max_size=100)


def test_protobuf_body_through_zstd() -> None:
    out = w.WireForwardBackwardOutput("ArrayRecord", [], {"loss:sum": 1.0})
    raw = w.encode_forward_backward_output(out)
    assert w.decode_forward_backward_output(w.decompress_zstd(w.compress_zstd(raw), 1 << 20)) == out


def test_content_types() -> None:
    assert w.PROTOBUF == "application/x-protobuf"
    assert w.JSON == "application/json"
    assert w.ZSTD == "zstd"
    assert w.is_protobuf("Application/X-Protobuf; charset=binary")
    assert not w.is_protobuf("application/json")
    assert w.is_json("application/json; charset=utf-8") and w.is_json("application/problem+json")
    assert w.media_type(None) == "" and w.media_type(" text/plain ;x=1") == "text/plain"


def test_public_api_is_typed_and_documented() -> None:
    root = Path(w.__file__).parent
    assert (root / "py.typed").exists()
    for name in w.__all__:
        obj = getattr(w, name)
        if callable(obj) and not isinstance(obj, type) and getattr(obj, "__module__", "").startswith("tinker_wire"):
            assert obj.__doc__, f"{name} lacks a docstring"
            assert "return" in obj.__annotations__, f"{name} lacks a return annotation"
    assert sorted(w.__all__) == sorted(set(w.__all__))


def test_import_needs_only_numpy_and_orjson() -> None:
    code = (
        "import sys, tinker_wire as w\n"
        "w.decode_sample_response(w.encode_sample_response(w.WireSampleResponse([])))\n"
        "bad = [m for m in ('google.protobuf', 'zstandard', 'grpc', 'tinker_proto') if m in sys.modules]\n"
        "print(','.join(bad))\n"
    )
    root = Path(w.__file__).resolve().parents[1]
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=root, check=True)
    assert res.stdout.strip() == ""


def test_missing_zstandard_gives_install_hint(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "zstandard", None)  # makes `import zstandard` raise ImportError
    with pytest.raises(ImportError, match="pip install zstandard"):
        w.decompress_zstd(b"x", 10)
