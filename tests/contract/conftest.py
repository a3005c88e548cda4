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
* `python_impl(name)`, `parse_as`, `dump_as`
                                        a component's Python type (generated in `tinker_api.models`, or the
                                        hand-written `x-python-type`) and its JSON read/write
* `check_body(name, body, parse)`       the round-trip, union-choice and refusal checks of one body
* `body_strategy(key)`                  hypothesis strategy of JSON bodies (docs/contract.md, how the tests draw bodies)
* `assert_json_equivalent(a, b)`        structural equality modulo datetime rendering and int/float
* `endpoint_module(operation_id)`       the generated `tinker_api.api.<tag>.<operationId>` module
* `send(endpoint, ...)`, `check_wire_request(...)`
                                        a `build_request` sent through httpx.MockTransport, and the request
                                        as sent checked against the operation
"""

from __future__ import annotations

import base64
import binascii
import copy
import datetime as _dt
import functools
import importlib
import itertools
import json
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
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


def operation_parameters(doc: dict[str, Any], op: dict[str, Any], item: dict[str, Any]) -> dict[tuple[str, str], Any]:
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
    return [f"{'/'.join(map(str, e.absolute_path)) or '<root>'}: {e.message}" for e in v.iter_errors(instance)]


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
                    k: ref_name({"$ref": v}) for k, v in schema.get("discriminator", {}).get("mapping", {}).items()
                },
                "consts": {v: _const_of(doc, {"$ref": f"#/components/schemas/{v}"}, disc) for v in variants}
                if disc
                else {},
            }
    return unions


UNIONS: dict[str, dict[str, Any]] = collect_unions(SPEC)


def expected_variant(union: str, fragment: Any) -> str:
    """The variant the contract's semantics select for `fragment`.

    * anyOf: the first variant, in document order, that validates under Draft 2020-12 (with a
      discriminator whose mapping names the value, that must be the mapped variant: the discriminator
      only abbreviates the search, and a value the mapping does not name falls through to a catch-all);
    * discriminated oneOf with the discriminator present: the variant whose const equals the value
      (cross-checked against the discriminator mapping);
    * otherwise (the discriminator is absent, as in 0.7 bodies): the only variant that validates.
    """
    info = UNIONS[union]
    prop = info["discriminator"]
    tag = fragment.get(prop) if prop and isinstance(fragment, dict) else None
    if info["kind"] == "oneOf" and tag is not None:
        by_const = [v for v, c in info["consts"].items() if c == tag]
        assert len(by_const) == 1, f"{union}: {prop}={tag!r} matches variants {by_const}"
        mapped = info["mapping"].get(tag)
        assert mapped in (None, by_const[0]), f"{union}: mapping says {mapped}, const says {by_const[0]}"
        return by_const[0]
    valid = [v for v in info["variants"] if not validation_errors(v, fragment)]
    assert valid, f"{union}: no variant validates {fragment!r}"
    if info["kind"] == "oneOf":
        assert len(valid) == 1, f"{union} (oneOf): {fragment!r} validates against several variants {valid}"
    mapped = info["mapping"].get(tag) if isinstance(tag, str) else None
    assert mapped in (None, valid[0]), f"{union}: {prop}={tag!r} maps to {mapped}, but {valid[0]} validates first"
    return valid[0]


# --------------------------------------------------------------------------------------------- Python layer
# How each component schema is implemented in Python (generate.py docstring): a generated pydantic class or
# alias in `tinker_api.models`, or, with `x-python-type: module:Name`, a hand-written type (the numpy-backed
# facade types in `tinker.types`, the tensor in `tinker_wire`) with `from_json_dict` / `to_json_dict`.

SCHEMAS: dict[str, Any] = SPEC["components"]["schemas"]
GENERATED_MODELS = "tinker_api.models."


def x_python_type(name: str) -> str | None:
    return SCHEMAS[name].get("x-python-type")


def python_name(name: str) -> str:
    """The Python name of component `name`: the schema name, or the Name of `x-python-type: module:Name`."""
    ext = x_python_type(name)
    return ext.split(":", 1)[1] if ext else name


def is_facade(name: str) -> bool:
    """Hand-written in the SDK facade (`tinker.types...`); the generated layer types such values as `Any`."""
    return (x_python_type(name) or "").startswith("tinker.")


def model_class(name: str) -> Any:
    """The generated definition of component `name` (a pydantic class or a type alias)."""
    import tinker_api.models

    assert x_python_type(name) is None, f"{name} is implemented by hand ({x_python_type(name)}), not generated"
    assert name in tinker_api.models.__all__, f"generated/tinker_api/models does not export {name} (stale?)"
    return getattr(tinker_api.models, name)


def python_impl(name: str) -> Any:
    """The Python implementation of component `name` (generated, or the `x-python-type` target)."""
    ext = x_python_type(name)
    if ext is None:
        return model_class(name)
    module_name, _, attr = ext.partition(":")
    try:
        module = importlib.import_module(module_name)
    except ImportError as exc:
        raise AssertionError(
            f"{name}: x-python-type {ext!r}: module {module_name} cannot be imported ({exc})"
        ) from None
    assert hasattr(module, attr), f"{name}: x-python-type {ext!r}: {module_name} has no {attr}"
    return getattr(module, attr)


def is_generated_class(obj: Any) -> bool:
    import pydantic

    return isinstance(obj, type) and issubclass(obj, pydantic.BaseModel) and obj.__module__.startswith(GENERATED_MODELS)


@functools.cache
def _adapter(name: str) -> Any:
    from pydantic import TypeAdapter

    return TypeAdapter(python_impl(name))


def _json_methods(name: str) -> bool:
    """Whether component `name` is a class with `from_json_dict` / `to_json_dict` (else a pydantic-typed
    alias, read and written by a TypeAdapter)."""
    impl = python_impl(name)
    return isinstance(impl, type) and callable(getattr(impl, "from_json_dict", None))


def parse_as(name: str, body: Any) -> Any:
    """Parse a JSON body as component `name`: `model_validate` of a generated class, `from_json_dict` of a
    hand-written class, a `TypeAdapter` of an alias (generated, or an `x-python-type` alias)."""
    impl = python_impl(name)
    if is_generated_class(impl):
        return impl.model_validate(body)
    if _json_methods(name):
        return impl.from_json_dict(body)
    return _adapter(name).validate_python(body)


def dump_as(name: str, value: Any) -> Any:
    """The JSON form of a parsed value of component `name` (the inverse of `parse_as`): `to_json_dict()` (for the
    generated models the 0.38 wire rule), or a TypeAdapter dump for aliases."""
    impl = python_impl(name)
    if is_generated_class(impl):
        assert isinstance(value, impl), f"parsed a {type(value).__name__}, expected {impl.__name__}"
        return value.to_json_dict()  # the wire rule: no nulls, except required nullable fields
    if _json_methods(name):
        assert isinstance(value, impl), f"parsed a {type(value).__name__}, expected {impl.__name__}"
        return value.to_json_dict()
    return _adapter(name).dump_python(value, mode="json", exclude_none=True, by_alias=True)


# --------------------------------------------------------------------------------------------- body walk
# The contract's meaning of one body, position by position: which variant each union position selects, which
# JSON the Python layer must give back, and what the Python layer must refuse.


class _Nothing:
    def __repr__(self) -> str:
        return "<nothing>"


NOTHING: Any = _Nothing()


def _child(parsed: Any, key: str | int) -> Any:
    """The parsed value at `key` (a pydantic field by its JSON name, a dict key, a list index, or the
    attribute of a hand-written type); NOTHING when there is none."""
    import pydantic

    if parsed is NOTHING or parsed is None:
        return NOTHING
    if isinstance(parsed, pydantic.BaseModel):
        for attr, info in type(parsed).model_fields.items():
            if (info.alias or attr) == key:
                return getattr(parsed, attr)
        return NOTHING
    if isinstance(parsed, dict):
        return parsed.get(key, NOTHING)  # type: ignore[arg-type]
    if isinstance(parsed, (list, tuple)):
        return parsed[key] if isinstance(key, int) and key < len(parsed) else NOTHING
    if isinstance(key, str):
        return getattr(parsed, key, NOTHING)
    return NOTHING


@functools.cache
def _fragment_validator(schema_json: str) -> Any:
    return jsonschema_validator(json.loads(schema_json))


def is_valid(schema: Any, instance: Any) -> bool:
    return _fragment_validator(json.dumps(schema, sort_keys=True)).is_valid(instance)


def merged_object(name: str) -> dict[str, Any]:
    """Component `name` as one object schema (`allOf` parts merged: properties in order, required united,
    the first explicit `additionalProperties`)."""
    schema = SCHEMAS[name]
    if "allOf" not in schema:
        return schema
    merged: dict[str, Any] = {"type": "object", "properties": {}, "required": []}
    for part in [*schema["allOf"], schema]:
        part = merged_object(ref_name(part)) if ref_name(part) else part  # type: ignore[arg-type]
        merged["properties"].update(part.get("properties", {}))
        merged["required"] += [r for r in part.get("required", []) if r not in merged["required"]]
        if "additionalProperties" in part:
            merged.setdefault("additionalProperties", part["additionalProperties"])
    return merged


def is_object_model(name: str) -> bool:
    """A component the Python layer models as a class with fields (not a map, scalar, enum or union)."""
    schema = SCHEMAS[name]
    return "allOf" in schema or "properties" in schema


def tensor_problem(tensor: dict[str, Any]) -> str | None:
    """Why a contract-valid TensorData body does not describe a tensor (None when it does).

    The schema cannot say everything its description and `dtype` imply: int64 values are integers in the
    int64 range, float32 values are finite in float32, a dense `shape` holds `len(data)` values, and a CSR
    tensor (`sparse_crow_indices` an array) is 2-D with consistent row pointers and column indices.
    """
    import math

    import numpy

    data, dtype = tensor["data"], tensor["dtype"]
    for v in data:
        if dtype == "int64":
            if isinstance(v, float) and not v.is_integer():
                return f"int64 value {v!r} is not an integer"
            if not -(2**63) <= int(v) < 2**63:
                return f"int64 value {v!r} is out of range"
        else:
            try:
                with numpy.errstate(over="ignore"):
                    ok = math.isfinite(float(numpy.float32(float(v))))
            except OverflowError:
                ok = False
            if not ok:
                return f"float32 value {v!r} is out of range"
    shape, crow, col = tensor.get("shape"), tensor.get("sparse_crow_indices"), tensor.get("sparse_col_indices")
    if crow is not None:
        if len(shape) != 2:
            return f"CSR tensor of shape {shape} is not 2-D"
        rows, cols = shape
        if len(crow) != rows + 1 or crow[0] != 0 or crow[-1] != len(data):
            return f"CSR row pointers {crow} do not fit shape {shape} and {len(data)} values"
        if any(b < a for a, b in itertools.pairwise(crow)):
            return f"CSR row pointers {crow} decrease"
        if len(col) != len(data) or any(c >= cols for c in col):
            return f"CSR column indices {col} do not fit shape {shape} and {len(data)} values"
    elif shape is not None and math.prod(shape) != len(data):
        return f"shape {shape} does not hold {len(data)} values"
    return None


@dataclass
class BodyWalk:
    """Walks a contract-valid body along its schema (and, when given, the parsed value alongside).

    * `expect(...)` returns the JSON the Python layer must dump for the body: the wire rule of SDK 0.38
      ("every field, defaults included, no field whose value is null"; a required field keeps its null,
      else the body would be invalid) applied to the fields the contract declares; undeclared keys of a
      modelled object are dropped (kept where the schema says `additionalProperties: true`), free-form
      objects travel as they are; float32 tensor values compare as float32, base64 text as its bytes.
    * every union position is checked: the parsed value's class must be the variant the contract selects
      (`expected_variant`); the choices are collected in `choices` ("Union.Variant").
    * `strict_extras`: undeclared keys in objects whose schema is `x-python-base: strict` (the Python layer
      must refuse them), as paths; `unrepresentable`: values valid under the schema that its meaning
      excludes (a TensorData that is no tensor, `contentEncoding: base64` text that is not base64); the
      Python layer must refuse those too.
    """

    choices: list[str] = field(default_factory=list)
    strict_extras: list[tuple[tuple[str | int, ...], str]] = field(default_factory=list)
    unrepresentable: list[str] = field(default_factory=list)

    def component(self, name: str, value: Any, parsed: Any = NOTHING, path: tuple[str | int, ...] = ()) -> Any:
        where = _where(path)
        if name in UNIONS:
            variant = expected_variant(name, value)
            if parsed is not NOTHING:
                got = type(parsed).__name__
                assert got == python_name(variant), (
                    f"{where}: {name} parsed as {got}, but the contract selects {variant} for {value!r}"
                )
            self.choices.append(f"{name}.{variant}")
            return self.component(variant, value, parsed, path)
        if name == "TensorData":
            problem = tensor_problem(value)
            if problem:
                self.unrepresentable.append(f"{where}: {problem}")
            out = self.model(name, value, parsed, path)
            if value["dtype"] == "float32":
                out["data"] = [_float32(v) for v in out["data"]]
            return out
        if is_object_model(name):
            return self.model(name, value, parsed, path)
        return self.expect(SCHEMAS[name], value, parsed, path)

    def model(self, name: str, value: dict[str, Any], parsed: Any, path: tuple[str | int, ...]) -> Any:
        schema = merged_object(name)
        props = schema.get("properties", {})
        extras = [k for k in value if k not in props]
        extra_schema = schema.get("additionalProperties")
        out: dict[str, Any] = {}
        if extra_schema is True or isinstance(extra_schema, dict):
            # Declared open (`additionalProperties: true` / a schema): unknown keys are kept and sent back.
            sub = extra_schema if isinstance(extra_schema, dict) else {}
            out = {k: self.expect(sub, value[k], _child(parsed, k), (*path, k)) for k in extras if value[k] is not None}
        elif SCHEMAS[name].get("x-python-base") == "strict":
            self.strict_extras += [(path, k) for k in extras]
        elif getattr(parsed, "model_config", {}).get("extra") == "allow":
            # A hand-written class may keep undeclared keys (pydantic extra="allow"); else they are dropped.
            out = {k: copy.deepcopy(value[k]) for k in extras if value[k] is not None}
        required = set(schema.get("required", []))
        for prop, sub in props.items():
            send_null = prop in required or sub.get("x-python-send-null")  # `null` stays on the wire
            if prop not in value:
                default = sub.get("default", sub.get("const"))
                if default is not None:  # the default's own defaults are filled in too
                    out[prop] = BodyWalk().expect(sub, copy.deepcopy(default), NOTHING, (*path, prop))
                elif sub.get("x-python-send-null"):
                    out[prop] = None
            elif value[prop] is not None or send_null:
                out[prop] = self.expect(sub, value[prop], _child(parsed, prop), (*path, prop))
        return out

    def expect(self, schema: dict[str, Any], value: Any, parsed: Any, path: tuple[str | int, ...]) -> Any:
        name = ref_name(schema)
        if name is not None:
            return self.component(name, value, parsed, path)
        if schema.get("allOf") and ref_name(schema["allOf"][0]) is not None:
            # An inline refinement of a component (more checks, no new fields) means that component.
            return self.component(ref_name(schema["allOf"][0]), value, parsed, path)
        for kind in ("oneOf", "anyOf"):
            if kind in schema:
                arms = [arm for arm in schema[kind] if is_valid(arm, value)]
                assert arms, f"{_where(path)}: no arm of {schema[kind]} accepts {value!r}"
                assert kind == "anyOf" or len(arms) == 1, f"{_where(path)}: oneOf {arms} all accept {value!r}"
                return self.expect(arms[0], value, parsed, path)
        if isinstance(value, list):
            items = schema.get("items", {})
            return [self.expect(items, v, _child(parsed, i), (*path, i)) for i, v in enumerate(value)]
        if isinstance(value, dict):
            extra = schema.get("additionalProperties")
            if isinstance(extra, dict):
                return {k: self.expect(extra, v, _child(parsed, k), (*path, k)) for k, v in value.items()}
            return copy.deepcopy(value)  # a free-form object travels as it is
        if isinstance(value, str) and (schema.get("contentEncoding") == "base64" or schema.get("format") == "byte"):
            # The string stands for bytes: it must be base64 (else it is refused), and comes back as the
            # canonical encoding of the same bytes.
            try:
                return base64.b64encode(base64.b64decode(value.encode("ascii"), validate=True)).decode("ascii")
            except (binascii.Error, UnicodeEncodeError) as exc:
                self.unrepresentable.append(f"{_where(path)}: {value!r} is not base64 ({exc})")
                return value
        return value


def _float32(value: Any) -> float:
    import numpy

    with numpy.errstate(over="ignore"):
        return float(numpy.float32(value))


def _where(path: tuple[str | int, ...]) -> str:
    return "$" + "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in path)


def without_paths(body: Any, extras: list[tuple[tuple[str | int, ...], str]]) -> Any:
    """A copy of `body` without the keys `extras` lists (as (path of the object, key))."""
    body = copy.deepcopy(body)
    for path, key in extras:
        node = body
        for step in path:
            node = node[step]
        node.pop(key, None)
    return body


def check_body(name: str, body: Any, parse: Any = None) -> list[str]:
    """See `_check_body`; a failure carries the body (as JSON) in a note."""
    try:
        return _check_body(name, body, parse)
    except (AssertionError, ValueError, TypeError, ArithmeticError, pytest.fail.Exception) as exc:
        exc.add_note(f"{name} body: {json.dumps(body, ensure_ascii=True)[:3000]}")
        raise


def _check_body(name: str, body: Any, parse: Any = None) -> list[str]:
    """Parse a contract-valid `body` as component `name` (or with `parse`) and check the Python layer.

    * the body must be valid (else the test data is wrong);
    * a body the Python layer must refuse (undeclared keys in a strict model, a TensorData that is no
      tensor, base64 content that is not base64) raises ValueError (pydantic's ValidationError is one); without the undeclared keys it must
      then pass the checks below;
    * otherwise the parsed value holds the contract's variant at every union position, dumps to the JSON
      `BodyWalk.expect` derives from the contract, the dump is itself a valid body, and parsing the dump
      gives the same dump again.

    Returns the union choices ("Union.Variant") found in the body.
    """
    errors = validation_errors(name, body)
    assert not errors, f"test data: {name} body {body!r} is invalid: {errors}"
    parse = parse or functools.partial(parse_as, name)
    dry = BodyWalk()
    dry.component(name, body)
    if dry.strict_extras or dry.unrepresentable:
        reasons = [f"{_where(p)}.{k}: undeclared key of a strict model" for p, k in dry.strict_extras]
        reasons += dry.unrepresentable
        with pytest.raises(ValueError):
            parse(copy.deepcopy(body))
            pytest.fail(f"{name}: the Python layer accepted a body it must refuse ({'; '.join(reasons)})")
        if dry.unrepresentable:
            return []
        return _check_body(name, without_paths(body, dry.strict_extras), parse)
    parsed = parse(copy.deepcopy(body))
    assert parsed is not None or body is None, f"{name}: the parser returned None for {body!r}"
    walk = BodyWalk()
    expected = walk.component(name, body, parsed)
    dumped = dump_as(name, parsed)
    assert_json_equivalent(expected, dumped)
    errors = validation_errors(name, dumped)
    assert not errors, f"{name}: the dump {dumped!r} of {body!r} is not a valid body: {errors}"
    assert_json_equivalent(dumped, dump_as(name, parse(copy.deepcopy(dumped))), "$(re-parsed)")
    return walk.choices


# --------------------------------------------------------------------------------------------- strategies


@functools.cache
def _synthetic_schema() -> Any:
    """One schemathesis schema with a synthetic POST operation per body shape we want to generate.

    The request body of `/_gen/<key>` is the schema to sample: schemathesis has no public response generator, so
    responses are generated as request bodies of a synthetic operation
    (docs/contract.md#how-the-tests-draw-bodies-from-the-contract).
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
    for _path, _method, op, item in iter_operations(SPEC):
        media = deref(SPEC, op.get("requestBody", {})).get("content", {}).get("application/json")
        if media is not None:
            add(f"request/{op['operationId']}", media["schema"])
        for (loc, name), param in operation_parameters(SPEC, op, item).items():
            add(f"parameter/{op['operationId']}/{loc}/{name}", param["schema"])
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
    """Strategy of JSON values: `response/<operationId>/<status>`, `request/<operationId>` (the JSON request
    body), `parameter/<operationId>/<in>/<name>` or `component/<SchemaName>`."""
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
            assert de is not None and da is not None and _same_instant(de, da), f"{where}: {expected!r} != {actual!r}"
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
    assert expected is None and actual is None, f"{where}: {expected!r} ({type(expected).__name__}) != {actual!r}"


# --------------------------------------------------------------------------------------------- endpoints


def endpoint_module(operation_id: str) -> ModuleType:
    """`tinker_api.api.<first tag>.<operationId>`: METHOD, PATH, OPERATION_ID, build_request, parse_response."""
    _path, _method, op = operations_by_id(SPEC)[operation_id]
    return importlib.import_module(f"tinker_api.api.{op['tags'][0]}.{operation_id}")


def arg_name(param_name: str) -> str:
    """The `build_request` keyword of a parameter: snake_case, other characters as `_` (`X-Tinker-Foo` ->
    `x_tinker_foo`), a Python keyword with a trailing `_`."""
    import keyword

    name = re.sub(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])", "_", param_name).lower()
    name = re.sub(r"\W", "_", name)
    return name + "_" if keyword.iskeyword(name) else name


def request_media(operation_id: str) -> dict[str, Any]:
    """The request body's media types (media type -> media object), `{}` without a body."""
    _path, _method, op = operations_by_id(SPEC)[operation_id]
    return deref(SPEC, op.get("requestBody", {})).get("content", {})


def request_schema_name(operation_id: str) -> str:
    schema = request_media(operation_id)["application/json"]["schema"]
    name = ref_name(schema)
    assert name, f"{operation_id}: inline request schema {schema!r}"
    return name


def wire_body(name: str, body: Any) -> Any:
    """What `build_request(body=...)` takes for a JSON body of component `name`: the generated model, or
    for a hand-written facade type (typed `Any` in the generated layer) its JSON-ready `to_json_dict()`."""
    parsed = parse_as(name, copy.deepcopy(body))
    return dump_as(name, parsed) if is_facade(name) else parsed


def param_python_value(param: dict[str, Any], value: Any) -> Any:
    """The Python value a caller passes for a parameter's JSON value (a `datetime` for `date-time`)."""
    schema = deref(SPEC, param["schema"])
    if isinstance(value, str) and schema.get("format") == "date-time":
        return _dt.datetime.fromisoformat(value)
    if isinstance(value, float) and value.is_integer() and schema.get("type") == "integer":
        return int(value)  # JSON Schema counts 1.0 as an integer; a Python caller passes 1
    return value


BASE_URL = "http://tinker.test"


def send(endpoint: ModuleType, reply: Any = None, status: int = 200, **kwargs: Any) -> tuple[Any, Any]:
    """Send `endpoint.build_request(**kwargs)` through httpx.MockTransport; the mock answers `status` with
    `reply` as JSON (empty without one). Returns (the request as sent, the response)."""
    import httpx

    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(status, json=reply) if reply is not None else httpx.Response(status)

    with httpx.Client(base_url=BASE_URL, transport=httpx.MockTransport(handler)) as client:
        response = client.request(**endpoint.build_request(**kwargs))
    assert len(seen) == 1, f"{len(seen)} requests sent"
    return seen[0], response


def _coerce_text(text: str, schema: dict[str, Any]) -> Any:
    schema = deref(SPEC, schema)
    types = schema.get("type")
    types = types if isinstance(types, list) else [types]
    if "integer" in types and re.fullmatch(r"-?\d+", text):
        return int(text)
    if "boolean" in types and text in ("true", "false"):
        return text == "true"
    return text


def _same_param_value(sent: str, given: Any, schema: dict[str, Any]) -> bool:
    """Whether the text on the wire carries the JSON value the caller gave."""
    if deref(SPEC, schema).get("format") == "date-time":
        a, b = _as_datetime(sent), _as_datetime(given)
        return a is not None and b is not None and _same_instant(a, b)
    value = _coerce_text(sent, schema)
    return value == given and isinstance(value, bool) == isinstance(given, bool)


def check_wire_request(
    operation_id: str, request: Any, params: dict[tuple[str, str], Any], body: Any = None, media: str | None = None
) -> None:
    """The request as it left the client matches the operation: method, path (each parameter segment
    percent-decodes to the given value), exactly the given query parameters and headers (valid under their
    schemas), and the body with its declared media type (`body`: the JSON the contract expects, or bytes)."""
    from urllib.parse import parse_qsl, unquote

    from jsonschema import Draft202012Validator

    template, method, op = operations_by_id(SPEC)[operation_id]
    item = SPEC["paths"][template]
    declared = operation_parameters(SPEC, op, item)
    assert request.method == method.upper(), f"{operation_id}: sent {request.method}, expected {method.upper()}"
    raw = request.url.raw_path.decode("ascii")
    path, _, query = raw.partition("?")
    problems: list[str] = []
    tsegs, segs = template.split("/"), path.split("/")
    if len(tsegs) != len(segs):
        problems.append(f"path {path!r} does not have the segments of {template!r}")
    else:
        for t, s in zip(tsegs, segs, strict=True):
            m = re.fullmatch(r"\{([^}]+)\}", t)
            if m is None:
                if s != t:
                    problems.append(f"path segment {s!r} where the template has {t!r}")
            elif unquote(s) != params[("path", m.group(1))]:
                problems.append(
                    f"path parameter {m.group(1)}: {params[('path', m.group(1))]!r} sent as {s!r} "
                    f"(decodes to {unquote(s)!r})"
                )
    if request.url.fragment:
        problems.append(f"the URL has a fragment {request.url.fragment!r}")

    def check_value(loc: str, name: str, text: str) -> None:
        param = declared.get((loc, name))
        if param is None:
            problems.append(f"{loc} parameter {name} is not declared")
            return
        if (loc, name) not in params:
            problems.append(f"{loc} parameter {name}={text!r} sent, but not given")
        elif not _same_param_value(text, params[(loc, name)], param["schema"]):
            problems.append(f"{loc} parameter {name}: {params[(loc, name)]!r} sent as {text!r}")
        validator = jsonschema_validator(param["schema"]).evolve(format_checker=Draft202012Validator.FORMAT_CHECKER)
        problems.extend(
            f"{loc} parameter {name}={text!r}: {e.message}"
            for e in validator.iter_errors(_coerce_text(text, param["schema"]))
        )

    pairs = parse_qsl(query, keep_blank_values=True)
    names = [n for n, _ in pairs]
    problems += [f"query parameter {n} sent {names.count(n)} times" for n in sorted(set(names)) if names.count(n) > 1]
    for name, text in pairs:
        check_value("query", name, text)
    for loc, name in params:
        if loc == "query" and name not in names:
            problems.append(f"query parameter {name} given but not sent")
        if loc == "header":
            if name not in request.headers:
                problems.append(f"header {name} given but not sent")
            else:
                check_value("header", name, request.headers[name])
    for (loc, name), param in declared.items():
        if param.get("required") and (loc, name) not in params:
            problems.append(f"required {loc} parameter {name} missing from the test's arguments")

    content_type = request.headers.get("content-type")
    if body is None:
        if request.content or content_type:
            problems.append(f"a body ({content_type}, {len(request.content)} bytes) without one given")
    elif media == "application/json":
        if content_type != "application/json":
            problems.append(f"JSON body sent as {content_type!r}")
        else:
            sent = json.loads(request.content)
            assert_json_equivalent(body, sent, "$(request body)")
            errors = [
                e.message for e in jsonschema_validator(request_media(operation_id)[media]["schema"]).iter_errors(sent)
            ]
            problems += [f"request body {sent!r}: {e}" for e in errors]
    else:
        if content_type != media:
            problems.append(f"{media} body sent as {content_type!r}")
        if request.content != body:
            problems.append("the binary body was changed")
    assert not problems, f"{operation_id}: {request.method} {raw}:\n" + "\n".join(problems)
