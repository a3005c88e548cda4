"""Request -> operationId, read from the contract the generated layer ships (``tinker_api/openapi.json``).

Faults and cassettes name requests the way the contract does (``forward_backward``, ``retrieve_future``), so a
fault schedule or a replay error reads like the API, whatever base URL prefix the server sits behind.
"""

from __future__ import annotations

import difflib
import functools
import importlib.resources
import re

import orjson

__all__ = ["api_path", "check_operation", "operation_of", "operations"]


@functools.cache
def _table() -> tuple[dict[tuple[str, str], str], tuple[tuple[str, re.Pattern[str], str], ...]]:
    """(method, literal path) -> operationId, and the templated paths as (method, regex, operationId)."""
    spec = orjson.loads((importlib.resources.files("tinker_api") / "openapi.json").read_bytes())
    literal: dict[tuple[str, str], str] = {}
    templated: list[tuple[str, re.Pattern[str], str]] = []
    for path, item in spec["paths"].items():
        for method, op in item.items():
            if not isinstance(op, dict) or "operationId" not in op:
                continue
            if "{" in path:
                pattern = re.compile(re.sub(r"\\\{[^}]+\\\}", "[^/]+", re.escape(path)))
                templated.append((method.upper(), pattern, op["operationId"]))
            else:
                literal[(method.upper(), path)] = op["operationId"]
    return literal, tuple(templated)


def api_path(path: str) -> str:
    """The path from ``/api/`` on: what comes before is where the server is mounted (the base URL's path)."""
    at = path.find("/api/")
    return path[at:] if at >= 0 else path


def operation_of(method: str, path: str) -> str:
    """The contract's operationId for a request, else ``"METHOD /path"`` (not an operation of the contract)."""
    tail = api_path(path)
    literal, templated = _table()
    method = method.upper()
    found = literal.get((method, tail))
    if found is not None:
        return found
    for op_method, pattern, op_id in templated:
        if op_method == method and pattern.fullmatch(tail):
            return op_id
    return f"{method} {tail}"


def operations() -> frozenset[str]:
    literal, templated = _table()
    return frozenset(literal.values()) | {op_id for _, _, op_id in templated}


def check_operation(name: str, *, field: str = "op") -> str:
    """``name`` if it is an operationId of the contract; else ValueError naming the field and close matches."""
    known = operations()
    if name in known:
        return name
    close = difflib.get_close_matches(name, sorted(known), n=3)
    hint = f"did you mean {', '.join(repr(c) for c in close)}?" if close else f"known: {', '.join(sorted(known))}"
    raise ValueError(f"{field}={name!r} is not an operation of the Tinker API; {hint}")
