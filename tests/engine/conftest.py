"""Shared fixtures for the engine tests."""

from __future__ import annotations

import os
import sys

import numpy as np
import pytest

_ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
if _ROOT not in sys.path:
    sys.path.insert(0, _ROOT)

from tinker_local.engine import BUILTIN_MODEL, ModelRegistry


@pytest.fixture(scope="session")
def registry() -> ModelRegistry:
    return ModelRegistry()


@pytest.fixture(scope="session")
def base(registry):
    return registry.get(BUILTIN_MODEL)


@pytest.fixture(scope="session")
def base64(registry):
    return registry.get(BUILTIN_MODEL, np.float64)
