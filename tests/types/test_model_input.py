"""ModelInput and its chunk types."""

from __future__ import annotations

import base64

import numpy as np
import pydantic
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tinker.types import (
    DmelChunk,
    EncodedTextChunk,
    ImageAssetPointerChunk,
    ImageChunk,
    ModelInput,
)
from tinker_wire._tensor_container import parse_tensor_container_shape

# Deterministic and quick; applied per test so other suites' hypothesis settings are untouched.
FAST = settings(derandomize=True, max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])

tokens = st.lists(st.integers(0, 200_000), max_size=40)


@FAST
@given(st.lists(tokens, max_size=5), st.lists(st.integers(0, 1000), max_size=5))
def test_from_ints_append_to_ints_length(pieces: list[list[int]], extra: list[int]) -> None:
    mi = ModelInput.empty()
    expected: list[int] = []
    for piece in pieces:
        mi = mi.append(EncodedTextChunk(tokens=piece))
        expected += piece
    for tok in extra:
        before = len(mi.chunks)
        mi = mi.append_int(tok)
        assert len(mi.chunks) == before + 1  # a new one-token chunk each time
        expected.append(tok)
    assert mi.to_ints() == expected
    assert mi.length == len(expected)
    flat = ModelInput.from_ints(expected)
    assert flat.to_ints() == expected and flat.length == len(expected)
    assert ModelInput.from_json_dict(mi.to_json_dict()) == mi


def test_append_returns_new_object_and_accepts_dicts() -> None:
    base = ModelInput.from_ints([1, 2])
    grown = base.append({"tokens": [3]})  # type: ignore[arg-type]
    assert base.to_ints() == [1, 2] and grown.to_ints() == [1, 2, 3]
    assert isinstance(grown.chunks[-1], EncodedTextChunk)
    with pytest.raises(pydantic.ValidationError):
        base.tokens = []  # type: ignore[attr-defined]
    with pytest.raises(pydantic.ValidationError):
        ModelInput(chunks=[], extra_field=1)  # type: ignore[call-arg]


def test_tokens_accept_tuples_ranges_and_arrays() -> None:
    assert EncodedTextChunk(tokens=(1, 2)).tokens == [1, 2]
    from_array = EncodedTextChunk(tokens=np.array([3, 4]))  # type: ignore[arg-type]
    assert from_array.tokens == [3, 4]
    assert ModelInput.from_ints(range(3)).to_ints() == [0, 1, 2]
    assert ModelInput(chunks=[EncodedTextChunk(tokens=[5])]).to_ints() == [5]


def test_chunk_wire_forms_with_and_without_type() -> None:
    png = b"\x89PNG\r\n"
    mi = ModelInput(
        chunks=[
            EncodedTextChunk(tokens=[1, 2]),
            ImageChunk(data=png, format="png", expected_tokens=4),
            ImageAssetPointerChunk(format="jpeg", location="gs://b/i.jpg", expected_tokens=2),
            DmelChunk(dmel=bytes([1, 1, 3])),
        ]
    )
    wire = mi.to_json_dict()
    assert wire["chunks"][0] == {"tokens": [1, 2], "type": "encoded_text"}
    assert wire["chunks"][1] == {
        "data": base64.b64encode(png).decode(),
        "format": "png",
        "expected_tokens": 4,
        "type": "image",
    }
    assert wire["chunks"][3] == {"dmel": "AQED", "type": "dmel"}
    assert ModelInput.from_json_dict(wire) == mi
    untyped = {"chunks": [{k: v for k, v in c.items() if k != "type"} for c in wire["chunks"]]}
    assert ModelInput.from_json_dict(untyped) == mi  # 0.7 clients omit the discriminator
    assert mi.length == 2 + 4 + 2 + 3
    with pytest.raises(ValueError, match="text"):
        mi.to_ints()


def test_image_length_needs_expected_tokens() -> None:
    with pytest.raises(ValueError, match="expected_tokens"):
        _ = ImageChunk(data=b"x", format="png").length
    with pytest.raises(ValueError):
        _ = ModelInput(chunks=[ImageAssetPointerChunk(format="png", location="x")]).length
    with pytest.raises(pydantic.ValidationError):
        ImageChunk(data="not base64!!", format="png")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "header, shape",
    [
        (bytes([1, 2, 7, 3]), (7, 3)),
        (bytes([254, 0, 1, 0x96, 0x01]), (150,)),  # constant marker, varint 150
        (bytes([5, 0]), ()),
    ],
)
def test_tensor_container_header(header: bytes, shape: tuple[int, ...]) -> None:
    assert parse_tensor_container_shape(header + b"payload") == shape


@pytest.mark.parametrize("bad", [b"", bytes([254]), bytes([9, 1, 1]), bytes([1, 2, 0x80]), bytes([1, 1])])
def test_tensor_container_header_errors(bad: bytes) -> None:
    with pytest.raises(ValueError):
        parse_tensor_container_shape(bad)


def test_dmel_length() -> None:
    assert DmelChunk(dmel=bytes([3, 2, 12, 80])).length == 12
    with pytest.raises(ValueError):
        _ = DmelChunk(dmel=bytes([3, 0])).length


def test_append_int_validates_the_token_as_from_ints_does() -> None:
    # As in the official SDK, the token goes through the chunk's validation: a fractional float is refused, never
    # truncated to another token id.
    mi = ModelInput.from_ints([1])
    with pytest.raises(pydantic.ValidationError, match="fractional part"):
        mi.append_int(5.7)  # type: ignore[arg-type]
    assert mi.append_int(np.int64(7)).to_ints() == [1, 7]
    assert mi.append_int(5).to_ints() == [1, 5]
