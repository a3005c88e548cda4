"""Our ``tinker`` offers everything the official SDK 0.38 exposes (the manifest in tests/data).

The manifest is produced by ``tools/official_surface.py`` run with the official package; the same
functions list our package here. Parameter rules for every official method:

* a parameter the official passes by position must be positional in ours at the same position, with the
  same name unless the official one is positional-only;
* keyword-only parameters must exist in ours under the same name and be passable by keyword;
* a parameter with a default officially has one in ours too;
* ours may add parameters, but only with defaults (or ``*args``/``**kwargs``).

Checks of ``tinker.types`` classes and modules are separate tests (``test_types_*``) from the rest.
"""

from __future__ import annotations

import importlib
import importlib.util
import inspect
import json
import re
import sys
from functools import cache
from pathlib import Path
from typing import Any

import httpx
import pytest

import tinker

ROOT = Path(__file__).resolve().parents[2]
MANIFEST = json.loads((ROOT / "tests" / "data" / "official_surface.json").read_text())
CLASSES: dict[str, Any] = MANIFEST["classes"]

POSITIONAL = ("positional_only", "positional_or_keyword")
KEYWORD = ("positional_or_keyword", "keyword_only")

# Top-level names of the official package that are plumbing of its generated HTTP layer, not API:
# ``tinker.resources`` (a lazy proxy over the Stainless resource classes) and ``tinker.proto`` (protobuf
# converters, imported eagerly there so it shows in ``dir``). This list must only shrink.
NOT_PROVIDED = {
    "resources": "Stainless low-level resource classes; our transport is tinker_api",
    "proto": "the official protobuf converters; our wire codec is tinker_wire",
}
# The same for names of deep modules.
NOT_PROVIDED_DEEP = {
    "tinker.lib.retry_handler.RetryHandler": "the official sampling retry engine; ours is tinker._retry.RetryPolicy",
}
FORWARDING = [["args", "var_positional", False], ["kwargs", "var_keyword", False]]


def _load_tool() -> Any:
    spec = importlib.util.spec_from_file_location("official_surface", ROOT / "tools" / "official_surface.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("official_surface", module)
    spec.loader.exec_module(module)
    return module


tool = _load_tool()


def _is_types(key: str) -> bool:
    return key.startswith("tinker.types.")


def _resolve(path: str) -> Any:
    module, _, attr = path.rpartition(".")
    try:
        return importlib.import_module(path)
    except ImportError:
        return getattr(importlib.import_module(module), attr)


# ---------------------------------------------------------------------------- signature comparison


def _params(raw: list[list[Any]]) -> list[tuple[str, str, bool]]:
    return [(name, kind, bool(default)) for name, kind, default in raw]


def signature_problems(
    official: list[list[Any]], ours: list[list[Any]] | None, *, names_matter: bool = True
) -> list[str]:
    """Why a call written for the official signature could fail against ours (empty when compatible)."""
    if ours is None:
        return ["its signature cannot be inspected"]
    off, our = _params(official), _params(ours)
    problems: list[str] = []
    off_pos = [p for p in off if p[1] in POSITIONAL]
    our_pos = [p for p in our if p[1] in POSITIONAL]
    our_by_name = {p[0]: p for p in our}
    our_var_pos = any(p[1] == "var_positional" for p in our)
    our_var_kw = any(p[1] == "var_keyword" for p in our)
    matched: set[str] = set()
    for i, (name, kind, default) in enumerate(off_pos):
        if i >= len(our_pos):
            if not our_var_pos:
                problems.append(f"parameter {name!r} (position {i}) is missing")
            continue
        q_name, q_kind, q_default = our_pos[i]
        matched.add(q_name)
        if names_matter and kind == "positional_or_keyword":
            if q_name != name:
                problems.append(f"position {i} is {name!r} officially but {q_name!r} in ours")
                continue
            if q_kind != "positional_or_keyword":
                problems.append(f"parameter {name!r} must also be accepted by keyword")
        if default and not q_default:
            problems.append(f"parameter {name!r} needs a default")
    if not names_matter:
        required_extra = [p[0] for p in our_pos[len(off_pos) :] if not p[2]]
        if required_extra:
            problems.append(f"ours requires extra positional parameters {required_extra}")
        return problems
    for name, kind, default in off:
        if kind != "keyword_only":
            continue
        q = our_by_name.get(name)
        if q is None or q[1] not in KEYWORD:
            problems.append(f"keyword parameter {name!r} is missing")
            continue
        matched.add(name)
        if default and not q[2]:
            problems.append(f"keyword parameter {name!r} needs a default")
        if q[1] == "positional_or_keyword" and our_pos.index(q) < len(off_pos):
            problems.append(f"keyword parameter {name!r} takes the place of a positional one in ours")
    for var in ("var_positional", "var_keyword"):
        if any(p[1] == var for p in off) and not (our_var_pos if var == "var_positional" else our_var_kw):
            problems.append(f"ours lacks the official {'*args' if var == 'var_positional' else '**kwargs'}")
    for name, kind, default in our:
        if name not in matched and kind not in ("var_positional", "var_keyword") and not default:
            problems.append(f"ours adds the required parameter {name!r}")
    return problems


# ---------------------------------------------------------------------------- members of our classes


def _assigned_in_init(cls: type, name: str) -> bool:
    pattern = re.compile(rf"\bself\.{re.escape(name)}\s*[:=]|setattr\(self, ['\"]{re.escape(name)}['\"]")
    for base in inspect.getmro(cls):
        init = vars(base).get("__init__")
        if init is None:
            continue
        try:
            if pattern.search(inspect.getsource(init)):
                return True
        except (OSError, TypeError):
            continue
    return False


def _our_member(cls: type, name: str) -> dict[str, Any] | None:
    """Our member ``name`` described like the manifest does, or None when the class has none."""
    try:
        raw = inspect.getattr_static(cls, name)
    except AttributeError:
        fields = tool._fields(cls) or {}
        if name in fields or name in getattr(cls, "__annotations__", {}) or _assigned_in_init(cls, name):
            return {"kind": "attribute"}
        return None
    if name == "__init__":
        return {"kind": "method", "params": tool.signature_params(cls, drop_first=False)}
    if isinstance(raw, staticmethod):
        return {"kind": "staticmethod", "params": tool.signature_params(raw.__func__, drop_first=False)}
    if isinstance(raw, classmethod):
        return {"kind": "classmethod", "params": tool.signature_params(raw.__func__, drop_first=True)}
    if inspect.isfunction(raw):
        return {"kind": "method", "params": tool.signature_params(raw, drop_first=True)}
    if callable(raw) and not inspect.isclass(raw):
        return {"kind": "method", "params": tool.signature_params(getattr(cls, name), drop_first=False)}
    return {"kind": "property" if hasattr(raw, "__get__") else "attribute"}


def _forwards_dynamically(cls: type) -> bool:
    return any("__getattr__" in vars(base) and tool._in_package(base) for base in inspect.getmro(cls))


def member_problems(key: str) -> list[str]:
    official = CLASSES[key]["members"]
    try:
        ours = _resolve(key)
    except (ImportError, AttributeError) as exc:
        return [f"{key} does not exist in ours ({type(exc).__name__}: {exc})"]
    problems: list[str] = []
    for name, spec in official.items():
        mine = _our_member(ours, name)
        where = f"{key}.{name}"
        forwarding = spec.get("params") == FORWARDING  # a proxy: the real signature is the proxied method's
        if mine is None:
            if not (forwarding and _forwards_dynamically(ours)):
                problems.append(f"{where}: missing ({spec['kind']})")
            continue
        if spec["kind"] == "property":
            if mine["kind"] not in ("property", "attribute"):
                problems.append(f"{where}: a property officially, a {mine['kind']} in ours")
            continue
        if mine["kind"] in ("property", "attribute"):
            problems.append(f"{where}: a {spec['kind']} officially, a {mine['kind']} in ours")
            continue
        if spec["kind"] in ("staticmethod", "classmethod") and mine["kind"] == "method":
            problems.append(f"{where}: a {spec['kind']} officially (callable on the class), an instance method in ours")
            continue
        if spec.get("params") is None or forwarding:
            continue
        dunder = name.startswith("__") and name != "__init__"
        for problem in signature_problems(spec["params"], mine.get("params"), names_matter=not dunder):
            problems.append(f"{where}: {problem}")
    return problems


def field_problems(key: str) -> list[str]:
    official = CLASSES[key].get("fields")
    try:
        ours = _resolve(key)
    except (ImportError, AttributeError) as exc:
        return [f"{key} does not exist in ours ({type(exc).__name__}: {exc})"]
    # Ours: model/dataclass fields, overridden by what the constructor really requires (a class may declare
    # fields and take them through its own __init__); constructor parameters count as fields too.
    mine = dict(tool._fields(ours) or {})
    try:
        params = inspect.signature(ours).parameters.values()
    except (TypeError, ValueError):
        params = []
    for p in params:
        if p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD):
            mine[p.name] = p.default is p.empty
    problems = []
    for name, required in official.items():
        if name not in mine:
            problems.append(f"{key}.{name}: field missing")
        elif not required and mine[name]:
            problems.append(f"{key}.{name}: optional officially, required in ours")
    return problems


# ---------------------------------------------------------------------------- top level


def test_manifest_is_the_official_0_38() -> None:
    assert MANIFEST["tinker_version"] == "0.38.0"


def test_top_level_names_exist() -> None:
    missing = []
    for name, kind in MANIFEST["top_level"]["names"].items():
        if name in NOT_PROVIDED:
            continue
        try:
            getattr(tinker, name)
        except AttributeError:
            missing.append(f"{name} ({kind})")
        except ImportError as exc:
            missing.append(f"{name} ({kind}; import failed: {exc})")
    assert not missing, f"official top-level names missing from tinker: {missing}"


def test_not_provided_lists_are_current() -> None:
    provided = [name for name in NOT_PROVIDED if hasattr(tinker, name)]
    provided += [
        path for path in NOT_PROVIDED_DEEP if hasattr(_resolve(path.rpartition(".")[0]), path.rpartition(".")[2])
    ]
    assert not provided, f"now provided, remove from NOT_PROVIDED(_DEEP): {provided}"
    assert set(NOT_PROVIDED) <= set(MANIFEST["top_level"]["names"])
    for path in NOT_PROVIDED_DEEP:
        module, _, name = path.rpartition(".")
        assert name in MANIFEST["lib_modules"].get(module, {}), f"{path} is not in the manifest"


def test_top_level_all() -> None:
    missing = sorted(set(MANIFEST["top_level"]["all"]) - set(tinker.__all__) - set(NOT_PROVIDED))
    assert not missing, f"names in the official tinker.__all__ but not in ours: {missing}"


def test_top_level_kinds_match() -> None:
    wrong = []
    for name, kind in MANIFEST["top_level"]["names"].items():
        if name in NOT_PROVIDED or not hasattr(tinker, name):
            continue
        mine = tool.kind_of(getattr(tinker, name))
        if mine != kind:
            wrong.append(f"{name}: {kind} officially, {mine} in ours")
    assert not wrong, "top-level names of a different kind: " + "; ".join(wrong)


@pytest.mark.parametrize("path", sorted(MANIFEST["lib_modules"]))
def test_lib_module_paths(path: str) -> None:
    try:
        module = importlib.import_module(path)
    except ImportError as exc:
        pytest.fail(f"{path} does not import: {exc}")
    problems = []
    for name, kind in MANIFEST["lib_modules"][path].items():
        if f"{path}.{name}" in NOT_PROVIDED_DEEP:
            continue
        if not hasattr(module, name):
            problems.append(f"{name} missing")
        elif kind in ("class", "alias") and getattr(module, name) is not getattr(tinker, name, None):
            problems.append(f"{name} is not tinker.{name}")
    assert not problems, f"{path}: " + "; ".join(problems)


# ---------------------------------------------------------------------------- classes (not tinker.types)

_OTHER_CLASSES = sorted(k for k in CLASSES if not _is_types(k))
_TYPES_CLASSES = sorted(k for k in CLASSES if _is_types(k))


@pytest.mark.parametrize("key", _OTHER_CLASSES)
def test_class_members(key: str) -> None:
    problems = member_problems(key)
    assert not problems, "\n".join(["methods incompatible with the official SDK:", *problems])


@pytest.mark.parametrize("key", sorted(k for k in _OTHER_CLASSES if CLASSES[k].get("fields")))
def test_class_fields(key: str) -> None:
    problems = field_problems(key)
    assert not problems, "\n".join(["fields missing or stricter than official:", *problems])


# ---------------------------------------------------------------------------- exceptions

_REQUEST = httpx.Request("POST", "http://tinker.invalid/api/v1/thing")
_RESPONSE = httpx.Response(400, request=_REQUEST, json={"detail": "bad"})
_VALUES: dict[str, Any] = {
    "message": "something failed",
    "request": _REQUEST,
    "response": _RESPONSE,
    "body": {"detail": "bad"},
    "request_id": "req-123",
    "category": "user",
}


@pytest.mark.parametrize("key", sorted(MANIFEST["exceptions"]))
def test_exception_official_constructor(key: str) -> None:
    spec = MANIFEST["exceptions"][key]
    cls = _resolve(key)
    missing_bases = sorted(set(spec["bases"]) - {b.__name__ for b in inspect.getmro(cls)[1:]})
    assert not missing_bases, f"{key} should also subclass {missing_bases}"
    if spec["init"] is None:
        return
    args, kwargs, given = [], {}, {}
    for name, kind, _default in spec["init"]:
        assert name in _VALUES, f"no sample value for parameter {name!r} of {key}; extend _VALUES"
        given[name] = _VALUES[name]
        if kind in POSITIONAL:
            args.append(_VALUES[name])
        elif kind == "keyword_only":
            kwargs[name] = _VALUES[name]
    try:
        exc = cls(*args, **kwargs)
    except TypeError as err:
        pytest.fail(f"{key}{tuple(given)} (the official positional form) is refused: {err}")
    for name, value in given.items():
        if name == "category":
            assert str(getattr(exc, name)) == value
        else:
            assert getattr(exc, name) is value or getattr(exc, name) == value, f"{key}.{name} not kept"
    if "response" in given:
        assert exc.status_code == _RESPONSE.status_code
        assert exc.request is _REQUEST


# ---------------------------------------------------------------------------- tinker.types


def test_types_names_exist() -> None:
    import tinker.types as ours

    missing = sorted(name for name in MANIFEST["types_names"] if not hasattr(ours, name))
    assert not missing, f"official tinker.types names missing from ours ({len(missing)}): {missing}"


@pytest.mark.parametrize("path", sorted(MANIFEST["types_modules"]))
def test_types_module_paths(path: str) -> None:
    import tinker.types as ttypes

    try:
        module = importlib.import_module(path)
    except ImportError as exc:
        pytest.fail(f"{path} does not import: {exc}")
    problems = []
    for name, kind in MANIFEST["types_modules"][path].items():
        if not hasattr(module, name):
            problems.append(f"{name} missing")
        elif kind in ("class", "alias") and getattr(module, name) is not getattr(ttypes, name, None):
            problems.append(f"{name} is not tinker.types.{name}")
    assert not problems, f"{path}: " + "; ".join(problems)


@pytest.mark.parametrize("key", _TYPES_CLASSES)
def test_types_class_members(key: str) -> None:
    problems = member_problems(key)
    assert not problems, "\n".join(["methods incompatible with the official SDK:", *problems])


@pytest.mark.parametrize("key", sorted(k for k in _TYPES_CLASSES if CLASSES[k].get("fields")))
def test_types_model_fields(key: str) -> None:
    problems = field_problems(key)
    assert not problems, "\n".join(["fields missing or stricter than official:", *problems])


# ---------------------------------------------------------------------------- the comparison itself


@cache
def _ours() -> dict[str, Any]:
    return tool.collect()


def test_tool_lists_our_package() -> None:
    ours = _ours()
    assert ours["tinker_version"] == tinker.__version__
    assert "ServiceClient" in ours["top_level"]["names"]
    assert ours["classes"]["tinker.ServiceClient"]["members"]["create_lora_training_client"]["params"][0] == [
        "base_model",
        "positional_or_keyword",
        False,
    ]


@pytest.mark.parametrize(
    ("official", "ours", "expected"),
    [
        ([["a", "positional_or_keyword", False]], [["a", "positional_or_keyword", False]], []),
        ([["a", "positional_or_keyword", False]], [["b", "positional_or_keyword", False]], ["position 0"]),
        ([["a", "positional_or_keyword", False]], [["a", "keyword_only", False]], ["missing", "adds the required"]),
        ([["a", "keyword_only", True]], [["a", "positional_or_keyword", True]], []),
        ([["a", "keyword_only", True]], [["a", "keyword_only", False]], ["needs a default"]),
        ([], [["x", "positional_or_keyword", True]], []),
        ([], [["x", "keyword_only", False]], ["adds the required"]),
        ([["a", "positional_or_keyword", False]], [["kwargs", "var_keyword", False]], ["missing"]),
        ([["k", "var_keyword", False]], [], ["**kwargs"]),
    ],
)
def test_signature_rules(official: list, ours: list, expected: list[str]) -> None:
    problems = signature_problems(official, ours)
    assert len(problems) == len(expected), problems
    for problem, fragment in zip(problems, expected):
        assert fragment in problem
