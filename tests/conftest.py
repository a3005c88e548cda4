"""Fixtures of every test folder. Plain helpers shared by the folders live in ``tests/helpers.py``."""

from __future__ import annotations

import pytest

from tests.helpers import clear_tinker_env


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """No test sees the developer's TINKER_* settings or credentials (``helpers.TINKER_ENV_VARS``)."""
    clear_tinker_env(monkeypatch)
