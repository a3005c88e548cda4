"""End-to-end fixtures: one real local server (HTTP on loopback) per module, reached through the facade."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

import tinker
from tests.helpers import local_server_fixture, make_service

BASE_MODEL = "tinker-local/tiny-byte"
API_KEY = "tml-e2e"

server = local_server_fixture(scope="module")


@pytest.fixture()
def service(server: Any) -> Iterator[tinker.ServiceClient]:
    client = make_service(server.base_url, api_key=API_KEY)
    yield client
    client.close().result(timeout=30)
