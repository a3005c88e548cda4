"""The OpenAPI document itself: valid 3.1, self-consistent, and shipped in sync with generated/."""

from __future__ import annotations

import copy
import json
import re
from typing import Any

import pytest

from .conftest import (
    ALLOWED_TAGS,
    SHIPPED_JSON,
    SPEC,
    SPEC_PATH,
    UNIONS,
    deref,
    iter_operations,
    operation_parameters,
    operations_by_id,
    ref_name,
    resolve_pointer,
)

OPERATIONS = [(path, method, op) for path, method, op, _ in iter_operations(SPEC)]
OP_IDS = [f"{method.upper()} {path}" for path, method, _ in OPERATIONS]

LEGACY_DEPRECATED = {"forward", "unload_model", "get_checkpoint_archive_url"}
EXTENSIONS = {"stream_sample", "get_tokenizer"}

# Error responses whose body is not ErrorResponse itself but still carries the required string `detail`.
# Each entry is a deliberate contract choice; anything else must use ErrorResponse.
ERROR_BODY_EXCEPTIONS = {("retrieve_future", "408"): "FuturePendingResponse"}


def _walk(node: Any, where: str = "#"):
    if isinstance(node, dict):
        yield where, node
        for k, v in node.items():
            yield from _walk(v, f"{where}/{str(k).replace('~', '~0').replace('/', '~1')}")
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from _walk(v, f"{where}/{i}")


def test_validates_as_openapi_3_1():
    from openapi_spec_validator import validate

    assert SPEC["openapi"].startswith("3.1."), SPEC["openapi"]
    validate(SPEC)  # raises OpenAPIValidationError naming the offending node


def test_yaml_has_only_string_keys():
    """YAML 1.1 turns unquoted `200:` into an int and `on:` into a bool; JSON (and the shipped copy) cannot."""
    bad = []

    def keys(node: Any, where: str) -> None:
        if isinstance(node, dict):
            for k, v in node.items():
                if not isinstance(k, str):
                    bad.append(f"{where}: key {k!r} ({type(k).__name__})")
                keys(v, f"{where}/{k}")
        elif isinstance(node, list):
            for i, v in enumerate(node):
                keys(v, f"{where}/{i}")

    keys(SPEC, "#")
    assert not bad, "non-string mapping keys:\n" + "\n".join(bad)


def dangling_refs(doc: Any) -> tuple[int, list[str]]:
    """(number of references, problems) for every `$ref` and discriminator mapping in `doc`."""
    dangling = []
    count = 0
    for where, node in _walk(doc):
        targets = []
        if isinstance(node.get("$ref"), str):
            targets.append(("$ref", node["$ref"]))
        # discriminator mappings are references too
        if where.endswith("/discriminator") and isinstance(node.get("mapping"), dict):
            targets += [(f"mapping/{k}", v) for k, v in node["mapping"].items()]
        for label, ref in targets:
            count += 1
            if not ref.startswith("#/"):
                dangling.append(f"{where}/{label}: {ref!r} is not a local reference")
                continue
            try:
                resolve_pointer(doc, ref)
            except KeyError as exc:
                dangling.append(f"{where}/{label}: {exc.args[0]}")
    return count, dangling


def test_every_ref_resolves():
    count, dangling = dangling_refs(SPEC)
    assert count > 100, f"only {count} references found; is the walk broken?"
    assert not dangling, "dangling references:\n" + "\n".join(dangling)


def test_dangling_ref_is_reported_with_its_location():
    doc = copy.deepcopy(SPEC)
    doc["components"]["schemas"]["ModelInput"]["properties"]["chunks"]["items"] = {"$ref": "#/components/schemas/Nope"}
    _, dangling = dangling_refs(doc)
    expected = (
        "#/components/schemas/ModelInput/properties/chunks/items/$ref: "
        "'#/components/schemas/Nope': nothing at '#/components/schemas/Nope'"
    )
    assert dangling == [expected]


def test_operation_ids_are_unique():
    seen: dict[str, str] = {}
    dupes = []
    for (path, method, op), label in zip(OPERATIONS, OP_IDS, strict=True):
        op_id = op.get("operationId")
        assert op_id, f"{label} has no operationId"
        if op_id in seen:
            dupes.append(f"{op_id}: {seen[op_id]} and {label}")
        seen[op_id] = label
    assert not dupes, "duplicate operationIds:\n" + "\n".join(dupes)


@pytest.mark.parametrize(("path", "method", "op"), OPERATIONS, ids=OP_IDS)
def test_operation_shape(path, method, op):
    op_id = op["operationId"]
    tags = op.get("tags", [])
    assert tags, f"{op_id}: no tag"
    assert set(tags) <= ALLOWED_TAGS, f"{op_id}: tags {sorted(set(tags) - ALLOWED_TAGS)} not in {sorted(ALLOWED_TAGS)}"

    statuses = [str(s) for s in op.get("responses", {})]
    assert any(s.startswith("2") or s == "302" for s in statuses), f"{op_id}: no 2xx/302 response in {statuses}"

    for status in statuses:
        if not (status[0] in "45" or status == "default"):
            continue
        resp = deref(SPEC, op["responses"][status])
        media = resp.get("content", {}).get("application/json")
        assert media and "schema" in media, f"{op_id} {status}: error response without an application/json body"
        name = ref_name(media["schema"])
        if name == "ErrorResponse":
            continue
        assert ERROR_BODY_EXCEPTIONS.get((op_id, status)) == name, (
            f"{op_id} {status}: error body is {name or media['schema']!r}, not ErrorResponse"
        )
        body = deref(SPEC, media["schema"])
        # A 408 long-poll timeout may carry only queue state: clients accept any body there.
        if (op_id, status) != ("retrieve_future", "408"):
            assert "detail" in body.get("required", []), f"{op_id} {status}: {name} does not require `detail`"
        assert deref(SPEC, body["properties"]["detail"]).get("type") == "string", f"{op_id} {status}: detail"


def test_error_response_schema():
    err = SPEC["components"]["schemas"]["ErrorResponse"]
    assert err["required"] == ["detail"]
    # a string that names the field and the fix; FastAPI-based servers send a list of items for a 422
    kinds = err["properties"]["detail"]["anyOf"]
    assert kinds[0] == {"type": "string"}
    assert kinds[1]["items"] == {"$ref": "#/components/schemas/ValidationErrorItem"}


def test_legacy_operations_are_deprecated():
    deprecated = {op["operationId"] for _, _, op in OPERATIONS if op.get("deprecated") is True}
    assert deprecated == LEGACY_DEPRECATED, (
        f"deprecated operations: missing {sorted(LEGACY_DEPRECATED - deprecated)}, "
        f"unexpected {sorted(deprecated - LEGACY_DEPRECATED)}"
    )


def test_extension_operations():
    marked = {op["operationId"] for _, _, op in OPERATIONS if op.get("x-tinker-extension") is True}
    assert marked == EXTENSIONS, (
        f"x-tinker-extension: missing {sorted(EXTENSIONS - marked)}, unexpected {sorted(marked - EXTENSIONS)}"
    )
    odd = [op["operationId"] for _, _, op in OPERATIONS if op.get("x-tinker-extension", True) is not True]
    assert not odd, f"x-tinker-extension must be `true` or absent: {odd}"


def test_shipped_json_is_in_sync():
    assert SHIPPED_JSON.exists(), f"{SHIPPED_JSON} missing; run ./codegen.sh"
    shipped = json.loads(SHIPPED_JSON.read_text(encoding="utf-8"))
    if shipped != SPEC:
        diff = sorted(
            {k for k in set(shipped) | set(SPEC) if shipped.get(k) != SPEC.get(k)}
            | {
                f"paths/{p}"
                for p in set(shipped.get("paths", {})) | set(SPEC.get("paths", {}))
                if shipped.get("paths", {}).get(p) != SPEC.get("paths", {}).get(p)
            }
        )
        pytest.fail(f"{SHIPPED_JSON.name} differs from {SPEC_PATH.name} at {diff}; run ./codegen.sh")


# --------------------------------------------------------------------------------------------- extra consistency


@pytest.mark.parametrize("union", sorted(u for u in UNIONS if UNIONS[u]["discriminator"]))
def test_discriminator_mapping_matches_variant_consts(union):
    """The generator picks a variant by the discriminator mapping (openapi/python/generate.py); the schema
    semantics pick it by the variants' consts (oneOf) or by document order (anyOf). Both must agree.

    A oneOf maps every variant. An anyOf may end with catch-all variants the mapping leaves out (a tag the
    contract does not name, e.g. an optimizer family added later): they must have no const for the
    discriminator and come after every mapped variant, so that document order still picks the mapped one.
    """
    info = UNIONS[union]
    mapped = set(info["mapping"].values())
    assert mapped <= set(info["variants"]), f"{union}: mapping names non-variants {mapped - set(info['variants'])}"
    if info["kind"] == "oneOf":
        assert mapped == set(info["variants"]), f"{union}: mapping does not cover the variants"
    else:
        unmapped = [v for v in info["variants"] if v not in mapped]
        assert all(info["consts"][v] is None for v in unmapped), f"{union}: unmapped variants with a const"
        first_unmapped = min((info["variants"].index(v) for v in unmapped), default=len(info["variants"]))
        assert all(info["variants"].index(v) < first_unmapped for v in mapped), (
            f"{union}: catch-all variants {unmapped} precede mapped ones in document order"
        )
    for key, variant in info["mapping"].items():
        assert info["consts"][variant] == key, (
            f"{union}: mapping {key!r} -> {variant}, but {variant}.{info['discriminator']} has const "
            f"{info['consts'][variant]!r}"
        )


def test_links_point_at_existing_operations_and_fields():
    ops = operations_by_id(SPEC)
    items = {path: item for path, _m, _op, item in iter_operations(SPEC)}
    problems = []
    for where, node in _walk(SPEC):
        if not where.endswith("/links"):
            continue
        for link_name, link in node.items():
            link = deref(SPEC, link)
            target = link.get("operationId")
            if target not in ops:
                problems.append(f"{where}/{link_name}: unknown operationId {target!r}")
                continue
            path, _method, op = ops[target]
            params = {name for (_in, name) in operation_parameters(SPEC, op, items[path])}
            for p in link.get("parameters", {}):
                if p.split(".")[-1] not in params:
                    problems.append(f"{where}/{link_name}: {target} has no parameter {p!r}")
            body = link.get("requestBody")
            if isinstance(body, dict):
                schema = deref(SPEC, op["requestBody"]["content"]["application/json"]["schema"])
                for field in body:
                    if field not in schema.get("properties", {}):
                        problems.append(f"{where}/{link_name}: {target} body has no field {field!r}")
    assert not problems, "\n".join(problems)


def test_path_templates_declare_their_parameters():
    problems = []
    for path, method, op, item in iter_operations(SPEC):
        declared = {name for (loc, name) in operation_parameters(SPEC, op, item) if loc == "path"}
        in_template = set(re.findall(r"{([^}]+)}", path))
        if declared != in_template:
            problems.append(f"{method.upper()} {path}: template {sorted(in_template)} vs declared {sorted(declared)}")
    assert not problems, "\n".join(problems)


KNOWN_NULLABLE_CONST: set[str] = set()


def nullable_type_cancelled(doc: Any) -> set[str]:
    """Schemas declaring `type: [..., 'null']` whose const/enum nevertheless excludes null."""
    found = set()
    for where, node in _walk(doc):
        types = node.get("type")
        nullable = isinstance(types, list) and "null" in types
        excludes_null = ("const" in node and node["const"] is not None) or ("enum" in node and None not in node["enum"])
        if nullable and excludes_null:
            found.add(where)
    return found


def test_nullable_types_are_not_cancelled_by_const_or_enum():
    new = nullable_type_cancelled(SPEC) - KNOWN_NULLABLE_CONST
    assert not new, f"`type` admits null but const/enum excludes it (null is rejected): {sorted(new)}"


def test_get_info_response_type_is_really_nullable():
    assert not nullable_type_cancelled(SPEC)


def test_defaults_satisfy_their_schema():
    from .conftest import jsonschema_validator

    bad = []
    for where, node in _walk(SPEC):
        if "default" in node and "type" in node and not where.endswith("/properties"):
            schema = {k: v for k, v in node.items() if k != "default"}
            errors = [e.message for e in jsonschema_validator(schema).iter_errors(node["default"])]
            if errors:
                bad.append(f"{where}: default {node['default']!r}: {errors[0]}")
    assert not bad, "\n".join(bad)


def test_required_properties_are_declared():
    """A name in `required` that is not in `properties` is usually a typo (the field then is unconstrained)."""
    bad = []
    for where, node in _walk(SPEC):
        if where.endswith("/properties"):
            continue
        if isinstance(node.get("required"), list) and "properties" in node:
            missing = [r for r in node["required"] if r not in node["properties"]]
            if missing:
                bad.append(f"{where}: required {missing} not in properties")
    assert not bad, "\n".join(bad)
