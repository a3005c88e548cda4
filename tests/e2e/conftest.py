"""End-to-end fixtures: one real local server (HTTP on loopback) per module, reached through the facade."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

import tinker
from tinker import types

BASE_MODEL = "tinker-local/tiny-byte"


@pytest.fixture(scope="module")
def server() -> Iterator[object]:
    from tinker_local import LocalServer

    with LocalServer() as srv:
        yield srv


@pytest.fixture()
def service(server: object) -> Iterator[tinker.ServiceClient]:
    client = tinker.ServiceClient(base_url=server.base_url, api_key="tml-e2e")  # type: ignore[attr-defined]
    yield client
    client.close().result(timeout=30)


def text_datum(text: str) -> types.Datum:
    """Next-byte prediction over ``text`` with the built-in byte tokenizer (id = byte value)."""
    tokens = list(text.encode("utf-8"))
    return types.Datum(
        model_input=types.ModelInput.from_ints(tokens[:-1]),
        loss_fn_inputs={"target_tokens": tokens[1:], "weights": [1.0] * (len(tokens) - 1)},
    )
