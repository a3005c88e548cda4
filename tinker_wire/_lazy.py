"""Modules imported on first use: ``import tinker`` must not pay for numpy, httpx or code it does not run yet.

A module binds a stand-in under the module's usual name, and type checkers see the real import::

    if TYPE_CHECKING:
        import numpy as np
    else:
        np = deferred_import("numpy", globals())

The first attribute read on the stand-in imports the module and puts it in the stand-in's place in that
namespace, so later reads are plain global look-ups and hot code pays nothing. A module-level use (a
constant, a base class, a default argument) imports at once: such uses belong inside functions.
"""

from __future__ import annotations

import importlib
from types import ModuleType
from typing import Any

__all__ = ["deferred_import"]


class _Deferred:
    __slots__ = ("_namespace", "_target")

    _target: str
    _namespace: dict[str, Any]

    def __init__(self, target: str, namespace: dict[str, Any]) -> None:
        object.__setattr__(self, "_target", target)
        object.__setattr__(self, "_namespace", namespace)

    def _load(self) -> ModuleType:
        module = importlib.import_module(self._target)
        # Every name still bound to this stand-in (a test may have patched one meanwhile). list() copies the
        # namespace in one step: no other thread can resize it under the loop.
        for name in [name for name, value in list(self._namespace.items()) if value is self]:
            self._namespace[name] = module
        return module

    def __getattr__(self, attr: str) -> Any:
        return getattr(self._load(), attr)

    # Monkeypatching through the stand-in (``monkeypatch.setattr(mod.httpx, ...)``) patches the module.
    def __setattr__(self, attr: str, value: Any) -> None:
        setattr(self._load(), attr, value)

    def __delattr__(self, attr: str) -> None:
        delattr(self._load(), attr)

    def __repr__(self) -> str:
        return f"<deferred import of {self._target!r}>"


def deferred_import(target: str, namespace: dict[str, Any]) -> Any:
    """A stand-in for module ``target`` (absolute name) in ``namespace`` (the caller's ``globals()``)."""
    return _Deferred(target, namespace)
