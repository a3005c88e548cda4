"""The contract says what its author meant: no YAML slip silently turns prose into keys."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[2]
# Containers whose keys are names (properties, schemas, status codes ...), not JSON Schema keywords.
_NAME_MAPS = {
    "properties",
    "schemas",
    "paths",
    "responses",
    "content",
    "parameters",
    "mapping",
    "headers",
    "securitySchemes",
    "examples",
    "patternProperties",
    "$defs",
}


def _null_keys(node: Any, path: tuple[str, ...] = ()) -> list[str]:
    found: list[str] = []
    if isinstance(node, dict):
        for key, value in node.items():
            if value is None and (not path or path[-1] not in _NAME_MAPS):
                found.append("/".join((*path, str(key))))
            found += _null_keys(value, (*path, str(key)))
    elif isinstance(node, list):
        for item in node:
            found += _null_keys(item, path)
    return found


def test_no_keyword_without_a_value() -> None:
    # `{description: Raw bytes, base64.}` in a flow mapping parses as a key "base64." with no value: the
    # description is cut and nothing complains. Every keyword in the contract has a value.
    spec = yaml.safe_load((ROOT / "openapi" / "tinker.yaml").read_text(encoding="utf-8"))
    assert _null_keys(spec) == []


def test_the_check_catches_the_slip() -> None:
    assert _null_keys(yaml.safe_load("a: {type: string, description: Raw bytes, base64.}")) == ["a/base64."]
