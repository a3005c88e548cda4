"""Shared helpers for the contract tests (the OpenAPI document `openapi/tinker.yaml` and `generated/`).

Everything here is read-only with respect to the contract: the tests load the document, walk it, build
hypothesis strategies from it and feed the results to the generated `tinker_api` package.

Helpers:

* `SPEC`, `load_spec()`                 the parsed YAML document (one parse per session)
* `resolve_pointer(doc, ref)`           JSON-pointer resolution of a local `#/...` reference
* `deref(doc, node)`                    follow `$ref` chains (responses, parameters, schemas)
* `iter_operations(doc)`                (path, method, operation, path_item) for every operation
* `json_2xx_responses(doc)`             every 2xx `application/json` response schema, by operationId/status
* `jsonschema_validator(schema)`        a Draft 2020-12 validator whose `$ref`s resolve inside the document
* `UNIONS`                              every component that is a oneOf/anyOf of `$ref`s, with its variants
* `expected_variant(union, fragment)`   which variant the schema semantics select for a JSON value
* `body_strategy(key)`                  hypothesis strategy of JSON bodies (schemathesis trick, tooling §2.6)
* `assert_json_equivalent(a, b)`        structural equality modulo datetime rendering and int/float
* `endpoint_module(operation_id)`       the generated `tinker_api.api.<tag>.<operationId>` module
"""

from __future__ import annotations

import datetime as _dt
import functools
import importlib
import re
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any
from urllib.parse import unquote

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
SPEC_PATH = ROOT / "openapi" / "tinker.yaml"
SHIPPED_JSON = ROOT / "generated" / "tinker_api" / "openapi.json"
GENERATED = ROOT / "generated"

# `pip install -e '.[dev]'` makes `tinker_api` importable; the path entry keeps a bare checkout working too.
if str(GENERATED) not in sys.path:
    sys.path.append(str(GENERATED))

HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
ALLOWED_TAGS = frozenset(
    {
        "service",
        "session",
        "models",
        "training",
        "weights",
        "sampling",
        "futures",
        "rest",
        "telemetry",
        "auth",
        "admin",
    }
)
DOC_URI = "urn:tinker:openapi"  # base URI under which the document is registered for jsonschema


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "ci: must run (never skip) in CI; with CI set, a missing prerequisite fails instead of skipping",
    )


# --------------------------------------------------------------------------------------------- document


@functools.cache
def load_spec() -> dict[str, Any]:
    with SPEC_PATH.open(encoding="utf-8") as f:
        return yaml.safe_load(f)


SPEC: dict[str, Any] = load_spec()


def _unescape(token: str) -> str:
    return unquote(token).replace("~1", "/").replace("~0", "~")


def resolve_pointer(doc: Any, ref: str) -> Any:
    """Resolve a local reference `#/a/b~1c` against `doc`; raise KeyError naming the missing step."""
    if not ref.startswith("#"):
        raise KeyError(f"{ref!r} is not a local reference")
    pointer = ref[1:]
    if pointer == "":
        return doc
    if not pointer.startswith("/"):
        raise KeyError(f"{ref!r}: a JSON pointer must start with '/'")
    node = doc
    walked = "#"
    for raw in pointer[1:].split("/"):
        token = _unescape(raw)
        walked += "/" + raw
        if isinstance(node, dict):
            if token not in node:
                raise KeyError(f"{ref!r}: nothing at {walked!r}")
            node = node[token]
        elif isinstance(node, list):
            if not token.isdigit() or int(token) >= len(node):
                raise KeyError(f"{ref!r}: no list index at {walked!r}")
            node = node[int(token)]
        else:
            raise KeyError(f"{ref!r}: {walked!r} steps into a scalar")
    return node


def deref(doc: dict[str, Any], node: Any, _seen: tuple[str, ...] = ()) -> Any:
    """Follow a chain of `$ref`s (a node whose only meaningful key is `$ref`)."""
    while isinstance(node, dict) and "$ref" in node:
        ref = node["$ref"]
        if ref in _seen:
            raise ValueError(f"$ref cycle: {' -> '.join((*_seen, ref))}")
        _seen = (*_seen, ref)
        node = resolve_pointer(doc, ref)
    return node


def ref_name(node: Any) -> str | None:
    """`Foo` for `{"$ref": "#/components/schemas/Foo"}`, else None."""
    if isinstance(node, dict) and isinstance(node.get("$ref"), str):
        prefix = "#/components/schemas/"
        if node["$ref"].startswith(prefix):
            return node["$ref"][len(prefix) :]
    return None


def iter_operations(doc: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any], dict[str, Any]]]:
    for path, item in doc.get("paths", {}).items():
        for method in HTTP_METHODS:
            if method in item:
                yield path, method, item[method], item


def operations_by_id(doc: dict[str, Any]) -> dict[str, tuple[str, str, dict[str, Any]]]:
    return {op["operationId"]: (path, method, op) for path, method, op, _ in iter_operations(doc)}


def operation_parameters(
    doc: dict[str, Any], op: dict[str, Any], item: dict[str, Any]
) -> dict[tuple[str, str], Any]:
    """Effective parameters (path-item level overridden by operation level), keyed by (in, name)."""
    params: dict[tuple[str, str], Any] = {}
    for raw in [*item.get("parameters", []), *op.get("parameters", [])]:
        p = deref(doc, raw)
        params[(p["in"], p["name"])] = p
    return params


def is_extension(op: dict[str, Any]) -> bool:
    return op.get("x-tinker-extension") is True


def json_2xx_responses(doc: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    """(operationId, status, schema) of every 2xx response that has an application/json body."""
    out = []
    for _path, _method, op, _item in iter_operations(doc):
        for status, resp in op.get("responses", {}).items():
            if not str(status).startswith("2"):
                continue
            resp = deref(doc, resp)
            media = resp.get("content", {}).get("application/json")
            if media is not None and "schema" in media:
                out.append((op["operationId"], str(status), media["schema"]))
    return out


# --------------------------------------------------------------------------------------------- jsonschema


@functools.cache
def _registry() -> Any:
    from referencing import Registry, Resource
    from referencing.jsonschema import DRAFT202012

    return Registry().with_resource(DOC_URI, Resource.from_contents(SPEC, default_specification=DRAFT202012))


def _absolutise(node: Any) -> Any:
    """Copy of a schema fragment whose local `#/...` refs point into the registered document."""
    if isinstance(node, dict):
        return {
            k: (DOC_URI + v if k == "$ref" and isinstance(v, str) and v.startswith("#") else _absolutise(v))
            for k, v in node.items()
        }
    if isinstance(node, list):
        return [_absolutise(v) for v in node]
    return node


def jsonschema_validator(schema: Any) -> Any:
    """Draft 2020-12 validator for a schema fragment of the document (refs resolve against the document)."""
    from jsonschema import Draft202012Validator

    return Draft202012Validator(_absolutise(schema), registry=_registry())


@functools.cache
def component_validator(name: str) -> Any:
    return jsonschema_validator({"$ref": f"#/components/schemas/{name}"})


def validation_errors(name: str, instance: Any) -> list[str]:
    v = component_validator(name)
    return [
        f"{'/'.join(map(str, e.absolute_path)) or '<root>'}: {e.message}" for e in v.iter_errors(instance)
    ]


# --------------------------------------------------------------------------------------------- unions


def _const_of(doc: dict[str, Any], schema: Any, prop: str) -> Any:
    """The `const` (or single-value enum) of `prop` in an object schema, looking through allOf."""
    schema = deref(doc, schema)
    candidates = [schema, *(deref(doc, s) for s in schema.get("allOf", []))]
    for s in candidates:
        p = deref(doc, s.get("properties", {}).get(prop, {}))
        if "const" in p:
            return p["const"]
        if isinstance(p.get("enum"), list) and len(p["enum"]) == 1:
            return p["enum"][0]
    return None


def collect_unions(doc: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Every component schema that is a oneOf/anyOf made only of component `$ref`s."""
    unions: dict[str, dict[str, Any]] = {}
    for name, schema in doc["components"]["schemas"].items():
        for kind in ("oneOf", "anyOf"):
            members = schema.get(kind)
            if not members:
                continue
            variants = [ref_name(m) for m in members]
            if any(v is None for v in variants):
                continue
            disc = schema.get("discriminator", {}).get("propertyName")
            unions[name] = {
                "kind": kind,
                "variants": variants,
                "discriminator": disc,
                "mapping": {
                    k: ref_name({"$ref": v})
                    for k, v in schema.get("discriminator", {}).get("mapping", {}).items()
                },
                "consts": {v: _const_of(doc, {"$ref": f"#/components/schemas/{v}"}, disc) for v in variants}
                if disc
                else {},
            }
    return unions


UNIONS: dict[str, dict[str, Any]] = collect_unions(SPEC)


@functools.cache
def variant_to_union() -> dict[str, str]:
    """Class name of a union variant -> the union it belongs to.

    The tree walk in `check_union_choices` identifies a union position by the class found there, so a
    variant must belong to one union only and must not be referenced anywhere but in its union.
    """
    owner: dict[str, str] = {}
    for union, info in UNIONS.items():
        for v in info["variants"]:
            assert v not in owner, f"{v} is a variant of both {owner[v]} and {union}"
            owner[v] = union
    refs: dict[str, list[str]] = {}

    def walk(node: Any, where: str) -> None:
        if isinstance(node, dict):
            name = ref_name(node)
            if name in owner:
                refs.setdefault(name, []).append(where)
            for k, v in node.items():
                walk(v, f"{where}/{k}")
        elif isinstance(node, list):
            for i, v in enumerate(node):
                walk(v, f"{where}/{i}")

    walk(SPEC, "#")
    for variant, places in refs.items():
        prefix = f"#/components/schemas/{owner[variant]}/"
        stray = [p for p in places if not p.startswith(prefix)]
        assert not stray, f"union variant {variant} is also referenced outside {owner[variant]}: {stray}"
    return owner


def expected_variant(union: str, fragment: Any) -> str:
    """The variant the contract's semantics select for `fragment`.

    * discriminated oneOf with the discriminator present: the variant whose const equals the value
      (cross-checked against the discriminator mapping);
    * otherwise (anyOf, or the discriminator is absent as in 0.7 bodies): the first variant, in document
      order, that validates under Draft 2020-12. For a oneOf that must also be the only one.
    """
    info = UNIONS[union]
    prop = info["discriminator"]
    if prop and isinstance(fragment, dict) and prop in fragment:
        by_const = [v for v, c in info["consts"].items() if c == fragment[prop]]
        assert len(by_const) == 1, f"{union}: {prop}={fragment[prop]!r} matches variants {by_const}"
        mapped = info["mapping"].get(fragment[prop])
        assert mapped in (None, by_const[0]), f"{union}: mapping says {mapped}, const says {by_const[0]}"
        return by_const[0]
    valid = [v for v in info["variants"] if not validation_errors(v, fragment)]
    assert valid, f"{union}: no variant validates {fragment!r}"
    if info["kind"] == "oneOf":
        assert len(valid) == 1, f"{union} (oneOf): {fragment!r} validates against several variants {valid}"
    return valid[0]


def iter_model_instances(obj: Any) -> Iterator[Any]:
    """Every attrs instance in a parsed generated-model tree (depth first, the root included)."""
    import attrs

    stack = [obj]
    while stack:
        cur = stack.pop()
        if attrs.has(type(cur)):
            yield cur
            for f in attrs.fields(type(cur)):
                stack.append(getattr(cur, f.name))
        elif isinstance(cur, (list, tuple)):
            stack.extend(cur)
        elif isinstance(cur, dict):
            stack.extend(cur.values())


def check_union_choices(parsed: Any) -> list[str]:
    """Return the union variants found in `parsed` (by union) after checking each was the right choice.

    A wrong choice fails with the JSON fragment, the chosen class and the expected one.
    """
    owner = variant_to_union()
    seen = []
    for inst in iter_model_instances(parsed):
        cls = type(inst).__name__
        if cls not in owner:
            continue
        fragment = inst.to_dict()
        want = expected_variant(owner[cls], fragment)
        assert cls == want, f"{owner[cls]}: parsed as {cls}, but the contract selects {want} for {fragment!r}"
        seen.append(f"{owner[cls]}.{cls}")
    return seen


# --------------------------------------------------------------------------------------------- strategies


@functools.cache
def _synthetic_schema() -> Any:
    """One schemathesis schema with a synthetic POST operation per body shape we want to generate.

    The request body of `/_gen/<key>` is the schema to sample (tooling-notes §2.6: schemathesis has no
    public response generator, so responses are generated as request bodies of a synthetic operation).
    """
    import schemathesis
    from schemathesis.config import SchemathesisConfig

    paths: dict[str, Any] = {}

    def add(key: str, schema: Any) -> None:
        paths[f"/_gen/{key}"] = {
            "post": {
                "operationId": "gen_" + re.sub(r"\W", "_", key),
                "requestBody": {"required": True, "content": {"application/json": {"schema": schema}}},
                "responses": {"200": {"description": "unused"}},
            }
        }

    for op_id, status, schema in json_2xx_responses(SPEC):
        add(f"response/{op_id}/{status}", schema)
    for name in SPEC["components"]["schemas"]:
        add(f"component/{name}", {"$ref": f"#/components/schemas/{name}"})
    synthetic = {
        "openapi": SPEC["openapi"],
        "info": {"title": "synthetic bodies", "version": "0"},
        "paths": paths,
        "components": SPEC["components"],
    }
    # An explicit config: no schemathesis.toml from the working directory can change what is generated.
    return schemathesis.openapi.from_dict(synthetic, config=SchemathesisConfig())


def body_strategy(key: str) -> Any:
    """Strategy of JSON bodies: `response/<operationId>/<status>` or `component/<SchemaName>`."""
    return _synthetic_schema()[f"/_gen/{key}"]["POST"].as_strategy().map(lambda case: case.body)


def fuzz_settings(max_examples: int) -> Any:
    from hypothesis import HealthCheck, settings

    return settings(
        max_examples=max_examples,
        derandomize=True,
        database=None,
        deadline=None,
        print_blob=False,
        suppress_health_check=list(HealthCheck),
    )


# --------------------------------------------------------------------------------------------- comparison


def _as_datetime(value: str) -> _dt.datetime | _dt.date | None:
    try:
        return _dt.datetime.fromisoformat(value)
    except ValueError:
        return None


def _same_instant(a: Any, b: Any) -> bool:
    if isinstance(a, _dt.datetime) and isinstance(b, _dt.datetime):
        return a == b and a.utcoffset() == b.utcoffset()
    return a == b


def assert_json_equivalent(expected: Any, actual: Any, where: str = "$") -> None:
    """Structural equality; datetimes compare as parsed values; 1 == 1.0 but True != 1."""
    if isinstance(expected, bool) or isinstance(actual, bool):
        assert type(expected) is type(actual) and expected == actual, f"{where}: {expected!r} != {actual!r}"
        return
    if isinstance(expected, (int, float)) and isinstance(actual, (int, float)):
        assert expected == actual, f"{where}: {expected!r} != {actual!r}"
        return
    if isinstance(expected, str) and isinstance(actual, str):
        if expected != actual:
            de, da = _as_datetime(expected), _as_datetime(actual)
            assert de is not None and da is not None and _same_instant(de, da), (
                f"{where}: {expected!r} != {actual!r}"
            )
        return
    if isinstance(expected, dict) and isinstance(actual, dict):
        missing = sorted(set(expected) - set(actual))
        extra = sorted(set(actual) - set(expected))
        assert not missing and not extra, f"{where}: keys lost {missing!r}, keys added {extra!r}"
        for k in expected:
            assert_json_equivalent(expected[k], actual[k], f"{where}.{k}")
        return
    if isinstance(expected, list) and isinstance(actual, list):
        assert len(expected) == len(actual), f"{where}: length {len(expected)} != {len(actual)}"
        for i, (e, a) in enumerate(zip(expected, actual, strict=True)):
            assert_json_equivalent(e, a, f"{where}[{i}]")
        return
    assert expected is None and actual is None, (
        f"{where}: {expected!r} ({type(expected).__name__}) != {actual!r}"
    )


# --------------------------------------------------------------------------------------------- generated code


def endpoint_module(operation_id: str) -> ModuleType:
    """`tinker_api.api.<first tag>.<operationId>` (openapi-python-client layout)."""
    _path, _method, op = operations_by_id(SPEC)[operation_id]
    return importlib.import_module(f"tinker_api.api.{op['tags'][0]}.{operation_id}")


def model_class(name: str) -> type:
    import tinker_api.models

    cls = getattr(tinker_api.models, name, None)
    assert cls is not None, f"generated/tinker_api has no model class {name} (is generated/ stale?)"
    return cls


@pytest.fixture(scope="session")
def client() -> Any:
    from tinker_api import Client

    return Client(base_url="http://x")
