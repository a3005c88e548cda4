"""Fixtures of every test folder. Plain helpers shared by the folders live in ``tests/helpers.py``."""

from __future__ import annotations

import pytest

from tests.helpers import clear_tinker_env


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """No test sees the developer's TINKER_* settings or credentials (``helpers.TINKER_ENV_VARS``)."""
    clear_tinker_env(monkeypatch)


@pytest.fixture(autouse=True)
def _fresh_wire_verdicts() -> None:
    """The SDK remembers per process which servers read only JSON; tests reuse base URLs (the fake server's),
    so each test starts without another test's verdict."""
    from tinker import _holder

    _holder._JSON_ONLY.clear()
