#!/usr/bin/env python
"""Print the public surface of whichever ``tinker`` package is importable, as stable JSON.

Run it with the official SDK to (re)generate the manifest the facade tests compare against::

    /tmp/venv-official/bin/python tools/official_surface.py > tests/data/official_surface.json

and with this repository's package to diff the two::

    PYTHONPATH=generated python tools/official_surface.py > /tmp/ours.json
    diff <(python -m json.tool tests/data/official_surface.json) /tmp/ours.json

Standard library only. What is listed (see ``collect``):

* ``top_level``: every public name of ``dir(tinker)`` with its kind, and ``tinker.__all__``;
* ``types_names``: the same for ``tinker.types`` (modules excluded, see ``types_modules``);
* ``types_modules``: every importable public module under ``tinker.types`` with the ``tinker.types``
  classes and aliases it defines or re-exports;
* ``lib_modules``: the ``tinker.lib`` deep import paths that hold the client classes;
* ``classes``: for each public class (``tinker.types`` classes keyed ``tinker.types.<Name>``, the other
  top-level ones ``tinker.<Name>``, a few deep-path-only ones by that path): the methods and properties
  defined by classes of the ``tinker`` package (inherited pydantic/``object`` members are left out), with
  parameter names, kinds and whether each has a default; pydantic and dataclass fields with whether they
  are required;
* ``exceptions``: each exception class's constructor signature and its ``tinker`` ancestors.
"""

from __future__ import annotations

import dataclasses
import functools
import importlib
import inspect
import json
import pkgutil
import sys
import types as _pytypes
from typing import Any

__all__ = ["class_surface", "collect", "main", "signature_params"]

# Dunder members that are part of how a class is used, not of how it is implemented.
PUBLIC_DUNDERS = frozenset(
    {
        "__init__",
        "__call__",
        "__enter__",
        "__exit__",
        "__aenter__",
        "__aexit__",
        "__await__",
        "__iter__",
        "__aiter__",
        "__len__",
        "__getitem__",
        "__contains__",
    }
)

# Classes reachable only through a deep import path that real code uses (cookbook and others).
DEEP_CLASSES = (
    "tinker.lib.public_interfaces.AwaitableConcurrentFuture",
    "tinker.lib.retry_handler.RetryConfig",
)

# Deep modules that hold the public clients.
LIB_MODULES = ("tinker.lib", "tinker.lib.public_interfaces", "tinker.lib.retry_handler")


def kind_of(value: Any) -> str:
    if isinstance(value, _pytypes.ModuleType):
        return "module"
    if inspect.isclass(value):
        return "class"
    if inspect.isroutine(value):
        return "function"
    return "other"


def _is_future_feature(value: Any) -> bool:
    # ``from __future__ import annotations`` leaves an ``annotations`` name in a package namespace.
    return type(value).__module__ == "__future__"


def public_names(module: Any) -> dict[str, str]:
    out: dict[str, str] = {}
    for name in dir(module):
        if name.startswith("_"):
            continue
        try:
            value = getattr(module, name)
        except Exception as exc:  # noqa: BLE001 - a lazy attribute that fails to load is still reported
            out[name] = f"error: {type(exc).__name__}"
            continue
        if _is_future_feature(value):
            continue
        out[name] = kind_of(value)
    return dict(sorted(out.items()))


def _in_package(obj: Any) -> bool:
    module = getattr(obj, "__module__", None) or ""
    return module == "tinker" or module.startswith("tinker.")


def signature_params(func: Any, *, drop_first: bool) -> list[list[Any]] | None:
    """``[[name, kind, has_default], ...]`` of ``func``; None when it has no inspectable signature."""
    try:
        sig = inspect.signature(func)
    except (TypeError, ValueError):
        return None
    params = list(sig.parameters.values())
    if drop_first and params and params[0].kind in (params[0].POSITIONAL_ONLY, params[0].POSITIONAL_OR_KEYWORD):
        params = params[1:]
    return [[p.name, p.kind.name.lower(), p.default is not p.empty] for p in params]


def _member(raw: Any) -> dict[str, Any] | None:
    """Describe one entry of a class ``__dict__``; None for data attributes and foreign functions."""
    if isinstance(raw, (property, functools.cached_property)):
        return {"kind": "property"}
    if isinstance(raw, staticmethod):
        func, kind, drop = raw.__func__, "staticmethod", False
    elif isinstance(raw, classmethod):
        func, kind, drop = raw.__func__, "classmethod", True
    elif inspect.isfunction(raw):
        func, kind, drop = raw, "method", True
    else:
        return None
    if not _in_package(inspect.unwrap(func)) and not _in_package(func):
        return None
    return {
        "kind": kind,
        "async": inspect.iscoroutinefunction(inspect.unwrap(func)),
        "params": signature_params(func, drop_first=drop),
    }


def _fields(cls: type) -> dict[str, bool] | None:
    """Field name -> required, for pydantic models, dataclasses and TypedDicts; None for other classes."""
    model_fields = getattr(cls, "model_fields", None)
    if isinstance(model_fields, dict) and hasattr(cls, "model_validate"):
        return {name: bool(info.is_required()) for name, info in sorted(model_fields.items())}
    if isinstance(getattr(cls, "__required_keys__", None), frozenset):  # a TypedDict
        required = cls.__required_keys__
        return {name: name in required for name in sorted(required | cls.__optional_keys__)}
    if dataclasses.is_dataclass(cls):
        return {
            f.name: f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING
            for f in sorted(dataclasses.fields(cls), key=lambda f: f.name)
            if f.init and not f.name.startswith("_")  # private storage, never passed by users
        }
    return None


def class_surface(cls: type) -> dict[str, Any]:
    """Members defined by ``tinker`` classes along ``cls``'s MRO (first definition wins), and its fields."""
    members: dict[str, Any] = {}
    seen: set[str] = set()
    for base in inspect.getmro(cls):
        for name, raw in vars(base).items():
            if name in seen:
                continue
            seen.add(name)
            if name.startswith("_") and name not in PUBLIC_DUNDERS:
                continue
            if not _in_package(base):
                continue
            described = _member(raw)
            if described is not None:
                members[name] = described
    out: dict[str, Any] = {"members": dict(sorted(members.items()))}
    fields = _fields(cls)
    if fields is not None:
        out["fields"] = fields
    return out


def _import(path: str) -> Any:
    """The object at a dotted path (a module, or an attribute of one)."""
    try:
        return importlib.import_module(path)
    except ImportError:
        module, _, attr = path.rpartition(".")
        return getattr(importlib.import_module(module), attr)


def _walk(package: Any) -> list[str]:
    names = [package.__name__]
    for info in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
        if any(part.startswith("_") for part in info.name.split(".")):
            continue
        names.append(info.name)
    return sorted(names)


def _defined_here(value: Any, module: Any) -> bool:
    """Whether class ``value`` is defined in ``module`` (judged by its functions' source file, because the
    official package rewrites ``__module__`` of its exported classes to ``"tinker"``)."""
    path = getattr(module, "__file__", None)
    if not inspect.isclass(value) or not path:
        return False
    for raw in vars(value).values():
        func = getattr(raw, "__func__", raw)
        code = getattr(inspect.unwrap(func), "__code__", None) if callable(func) else None
        if code is not None and code.co_filename == path:
            return True
    return False


def _module_exports(module: Any, namespace: Any, *, fallback_shared: bool) -> dict[str, str]:
    """The public names ``module`` exports: its ``__all__``; without one, the classes it defines, plus (with
    ``fallback_shared``) every name it shares with ``namespace``.

    Each maps to ``class``/``alias`` when it is the very object ``namespace`` exports under that name, else
    ``other`` (a name only this module provides).
    """
    declared = getattr(module, "__all__", None)
    names = list(declared) if declared is not None else [n for n in dir(module) if not n.startswith("_")]
    out: dict[str, str] = {}
    for name in names:
        if name.startswith("_") or not hasattr(module, name):
            continue
        value = getattr(module, name)
        if isinstance(value, _pytypes.ModuleType) or _is_future_feature(value):
            continue
        if value is None:
            continue
        shared = hasattr(namespace, name) and getattr(namespace, name) is value and not inspect.isroutine(value)
        if not (declared is not None or _defined_here(value, module) or (fallback_shared and shared)):
            continue
        if shared:
            out[name] = "class" if inspect.isclass(value) else "alias"
        else:
            out[name] = "other"
    return dict(sorted(out.items()))


def collect() -> dict[str, Any]:
    import tinker
    import tinker.types as ttypes

    top = public_names(tinker)
    types_names = {k: v for k, v in public_names(ttypes).items() if v != "module"}

    classes: dict[str, Any] = {}
    exceptions: dict[str, Any] = {}
    seen: dict[int, str] = {}

    def add(key: str, cls: type) -> None:
        if id(cls) in seen:
            return
        seen[id(cls)] = key
        classes[key] = class_surface(cls)
        if issubclass(cls, BaseException):
            exceptions[key] = {
                "init": signature_params(cls, drop_first=False),
                "bases": sorted(b.__name__ for b in inspect.getmro(cls)[1:] if _in_package(b)),
            }

    for name, kind in types_names.items():
        if kind == "class":
            add(f"tinker.types.{name}", getattr(ttypes, name))
    for name, kind in top.items():
        if kind == "class":
            add(f"tinker.{name}", getattr(tinker, name))
    for path in DEEP_CLASSES:
        try:
            add(path, _import(path))
        except (ImportError, AttributeError):
            pass

    types_modules: dict[str, dict[str, str]] = {}
    for path in _walk(ttypes):
        try:
            module = importlib.import_module(path)
        except Exception as exc:  # noqa: BLE001 - listed as missing, and the listing goes on
            print(f"cannot import {path}: {type(exc).__name__}: {exc}", file=sys.stderr)
            continue
        types_modules[path] = _module_exports(module, ttypes, fallback_shared=True)

    lib_modules: dict[str, dict[str, str]] = {}
    for path in LIB_MODULES:
        try:
            module = importlib.import_module(path)
        except ImportError:
            continue
        lib_modules[path] = _module_exports(module, tinker, fallback_shared=False)
        if path == "tinker.lib.public_interfaces":
            for sub in _walk(module)[1:]:
                exports = _module_exports(importlib.import_module(sub), tinker, fallback_shared=False)
                if exports:
                    lib_modules[sub] = exports
    lib_modules = dict(sorted(lib_modules.items()))

    return {
        "tinker_version": getattr(tinker, "__version__", None),
        "top_level": {"names": top, "all": sorted(getattr(tinker, "__all__", []))},
        "types_names": types_names,
        "types_modules": types_modules,
        "lib_modules": lib_modules,
        "classes": dict(sorted(classes.items())),
        "exceptions": dict(sorted(exceptions.items())),
    }


def main() -> None:
    import tinker

    print(f"listing tinker {getattr(tinker, '__version__', '?')} from {tinker.__file__}", file=sys.stderr)
    json.dump(collect(), sys.stdout, indent=1, sort_keys=True)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
