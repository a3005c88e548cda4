"""Generate the `tinker_api` package (pydantic v2 models + endpoint modules) from openapi/tinker.yaml.

Run by ./codegen.sh: ``python openapi/python/generate.py CONTRACT OUTDIR``. Deterministic: the output
depends only on the contract and the files next to this script (the output is formatted by a pinned ruff).

Schemas become Python as follows (the `x-python-*` keys are our contract extensions):
* object schema (or ``allOf`` of objects)  -> a pydantic class; ``x-python-base: strict`` selects the request
  base (unknown fields rejected), otherwise the response base (unknown fields ignored);
  hand-written behaviour (``class <Name>Mixin`` in ``openapi/python/mixins/<module>.py``) is mixed in.
* ``enum``                               -> ``Literal[...]`` alias (``x-python-enum: str`` -> ``StrEnum``)
* ``oneOf``/``anyOf``                    -> union alias; with a ``discriminator`` the arm is picked by the
  property, or (when it is absent) by the first arm whose required fields are all present.
* a scalar or map schema                 -> an alias of the Python type
* ``x-python-type: module:Name``         -> implemented by hand outside the generated layer (imported)
* ``x-python-module``                    -> the module the definition lives in (default: snake_case name)
* ``x-python-send-null`` on a property   -> its ``None`` is sent as ``null`` (as the official SDK sends it)
* ``x-enum-varnames``                    -> the Python member names of an ``x-python-enum`` (values stay aliases)
"""

from __future__ import annotations

import json
import keyword
import re
import shutil
import sys
import textwrap
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

HERE = Path(__file__).resolve().parent
SCALARS = {"string": "str", "integer": "int", "number": "float", "boolean": "bool", "null": "None"}


def snake(name: str) -> str:
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])", "_", name).lower()


def ref_name(ref: str) -> str:
    return ref.rsplit("/", 1)[-1]


@dataclass
class Module:
    name: str
    imports: set[tuple[str, str]] = field(default_factory=set)  # (from, name)
    body: list[str] = field(default_factory=list)
    exports: list[str] = field(default_factory=list)
    local: set[str] = field(default_factory=set)  # names defined so far (later ones are quoted forward refs)


class Generator:
    def __init__(self, spec: dict[str, Any]) -> None:
        self.spec = spec
        self.schemas: dict[str, Any] = spec["components"]["schemas"]
        self.modules: dict[str, Module] = {}
        self.class_names: set[str] = set()
        self.home: dict[str, str] = {}  # schema -> "tinker_api.models.<module>" or external module
        for name, schema in self.schemas.items():
            ext = schema.get("x-python-type")
            self.home[name] = ext.split(":")[0] if ext else f".{schema.get('x-python-module', snake(name))}"

    # ---- types -------------------------------------------------------------------------------------
    def py_name(self, name: str) -> str:
        ext = self.schemas[name].get("x-python-type")
        return ext.split(":")[1] if ext else name

    def use(self, mod: Module, name: str) -> str:
        """Reference schema `name` from module `mod` (adding the import)."""
        home = self.home[name]
        py = self.py_name(name)
        if home.split(".")[0] == "tinker":
            return "Any"  # a facade type (tinker.types): the generated layer never imports the facade
        if home == f".{mod.name}":
            return py if py in mod.local else f'"{py}"'
        mod.imports.add((home, py))
        return py

    def annotation(self, mod: Module, schema: dict[str, Any]) -> str:
        if "$ref" in schema:
            return self.use(mod, ref_name(schema["$ref"]))
        if "allOf" in schema and "$ref" in schema["allOf"][0]:
            # An inline refinement of a named schema (more checks, no new fields): the Python type is the named one.
            return self.annotation(mod, schema["allOf"][0])
        for key in ("anyOf", "oneOf"):
            if key in schema:
                arms = [self.annotation(mod, arm) for arm in schema[key]]
                return (
                    " | ".join(dict.fromkeys(arms))
                    if not any(a.startswith('"') for a in arms)
                    else ("Union[" + ", ".join(dict.fromkeys(arms)) + "]")
                )
        if "const" in schema:
            return f"Literal[{schema['const']!r}]"
        if "enum" in schema:
            return "Literal[" + ", ".join(repr(v) for v in schema["enum"]) + "]"
        kinds = schema.get("type", [])
        kinds = [kinds] if isinstance(kinds, str) else list(kinds)
        if not kinds:
            return "Any"
        parts = [self.single(mod, kind, schema) for kind in kinds]
        if any(p.startswith('"') for p in parts):
            return "Optional[" + parts[0] + "]" if parts[1:] == ["None"] else "Union[" + ", ".join(parts) + "]"
        return " | ".join(parts)

    def single(self, mod: Module, kind: str, schema: dict[str, Any]) -> str:
        if kind == "array":
            return f"list[{self.annotation(mod, schema.get('items', {}))}]"
        if kind == "object":
            extra = schema.get("additionalProperties")
            if isinstance(extra, dict):
                return f"dict[str, {self.annotation(mod, extra)}]"
            return "dict[str, Any]"
        if kind == "string" and schema.get("format") == "date-time":
            return "datetime"
        if kind == "string" and (schema.get("format") == "byte" or schema.get("contentEncoding") == "base64"):
            mod.imports.add(("._base", "Base64Bytes"))
            return "Base64Bytes"
        return SCALARS[kind]

    # ---- definitions -------------------------------------------------------------------------------
    def module(self, name: str) -> Module:
        return self.modules.setdefault(name, Module(name))

    def emit(self, name: str) -> None:
        schema = self.schemas[name]
        if "x-python-type" in schema:
            return
        mod = self.module(schema.get("x-python-module", snake(name)))
        if "enum" in schema and schema.get("x-python-enum") == "str":
            mixin = self.mixin(mod, name)
            lines = [f"class {name}({mixin + ', ' if mixin else ''}StrEnum):", *self.doc(schema, "    ")]
            names = schema.get("x-enum-varnames") or [str(v) for v in schema["enum"]]
            bad = [n for n in names if not n.isidentifier() or keyword.iskeyword(n) or n.startswith("_")]
            if bad:
                raise SystemExit(f"{name}: enum member names {bad} are not identifiers; set x-enum-varnames")
            lines += [f"    {n} = {v!r}" for n, v in zip(names, schema["enum"], strict=True)]
            # The values as names too, when they differ (e.g. ``RequestErrorCategory.user``): aliases.
            lines += [
                f"    {v} = {v!r}"
                for n, v in zip(names, schema["enum"], strict=True)
                if n != v and str(v).isidentifier() and not keyword.iskeyword(str(v))
            ]
        elif "oneOf" in schema or "anyOf" in schema:
            lines = self.union(mod, name, schema)
        elif (
            "allOf" in schema
            or "properties" in schema
            or (schema.get("type") == "object" and "additionalProperties" not in schema)
        ):
            lines = self.model(mod, name, schema)
        else:
            lines = [
                f"{name}: TypeAlias = {self.annotation(mod, {k: v for k, v in schema.items() if k != 'description'})}"
            ]
            lines += self.doc(schema, "")
        if lines[0].startswith("class "):
            self.class_names.add(name)
        mod.body.append("\n".join(lines))
        mod.exports.append(name)
        mod.local.add(name)

    def mixin(self, mod: Module, name: str) -> str | None:
        """``<Name>Mixin`` from ``openapi/python/mixins/<module>.py`` when that file defines it."""
        path = HERE / "mixins" / f"{mod.name}.py"
        if not (path.is_file() and re.search(rf"^class {name}Mixin\b", path.read_text("utf-8"), re.MULTILINE)):
            return None
        mod.imports.add((f"._mixins.{mod.name}", f"{name}Mixin"))
        return f"{name}Mixin"

    @staticmethod
    def doc(schema: dict[str, Any], indent: str) -> list[str]:
        text = (schema.get("description") or "").strip()
        if not text:
            return []
        text = text.replace("\\", "\\\\").replace('"""', '\\"\\"\\"')
        width = 114 - len(indent)  # long contract lines are wrapped to the project's 120 columns
        text = "\n".join(
            "\n".join(textwrap.wrap(line, width)) if len(line) > width else line for line in text.split("\n")
        )
        if "\n" not in text:
            return [f'{indent}"""{text}"""']
        first, *rest = text.split("\n")
        return [f'{indent}"""{first}', *[(indent + line).rstrip() for line in rest], f'{indent}"""']

    @staticmethod
    def nullable(schema: dict[str, Any]) -> bool:
        kinds = schema.get("type")
        arms = schema.get("anyOf", []) + schema.get("oneOf", [])
        return (isinstance(kinds, list) and "null" in kinds) or any(arm.get("type") == "null" for arm in arms)

    @staticmethod
    def constraints(schema: dict[str, Any]) -> list[str]:
        """pydantic Field arguments for the JSON Schema checks written directly on a property."""
        names = {
            "minimum": "ge",
            "maximum": "le",
            "exclusiveMinimum": "gt",
            "exclusiveMaximum": "lt",
            "minLength": "min_length",
            "maxLength": "max_length",
            "minItems": "min_length",
            "maxItems": "max_length",
            "pattern": "pattern",
        }
        return [f"{arg}={schema[key]!r}" for key, arg in names.items() if key in schema]

    def union(self, mod: Module, name: str, schema: dict[str, Any]) -> list[str]:
        key = "oneOf" if "oneOf" in schema else "anyOf"
        disc = schema.get("discriminator")
        if not disc:
            arms = [self.annotation(mod, arm) for arm in schema[key]]
            mode = ', Field(union_mode="left_to_right")' if key == "anyOf" and len(arms) > 2 else ""
            if mode:
                mod.imports.add(("pydantic", "Field"))
                return [f"{name}: TypeAlias = Annotated[Union[{', '.join(arms)}]{mode}]", *self.doc(schema, "")]
            return [f"{name}: TypeAlias = Union[{', '.join(arms)}]", *self.doc(schema, "")]
        mod.imports.update({("pydantic", "Discriminator"), ("pydantic", "Tag"), ("._base", "discriminate")})
        prop = disc["propertyName"]
        tags, fallback = [], []
        for tag, ref in disc["mapping"].items():
            arm = ref_name(ref)
            tags.append(f"Annotated[{self.use(mod, arm)}, Tag({tag!r})]")
            target = self.resolved(arm)
            need = tuple(r for r in target.get("required", []) if r != prop)
            fallback.append(f"({tag!r}, {need!r})")
        # An arm the mapping does not name takes every other value of the property (e.g. a newer family).
        mapped = {ref_name(ref) for ref in disc["mapping"].values()}
        other = [ref_name(arm["$ref"]) for arm in schema[key] if ref_name(arm["$ref"]) not in mapped]
        if len(other) > 1:
            raise SystemExit(f"{name}: at most one union arm may be left out of the discriminator mapping")
        if other:
            tags.append(f"Annotated[{self.use(mod, other[0])}, Tag({other[0]!r})]")
        rest = f", other={other[0]!r}" if other else ""
        return [
            f"{name}: TypeAlias = Annotated[",
            f"    Union[{', '.join(tags)}],",
            f"    Discriminator(discriminate({prop!r}, ({', '.join(fallback)},){rest})),",
            "]",
            *self.doc(schema, ""),
        ]

    def resolved(self, name: str) -> dict[str, Any]:
        """An object schema with ``allOf`` parts merged (properties in order, required united)."""
        schema = self.schemas[name]
        if "allOf" not in schema:
            return schema
        merged: dict[str, Any] = {"type": "object", "properties": {}, "required": []}
        for part in schema["allOf"]:
            part = self.resolved(ref_name(part["$ref"])) if "$ref" in part else part
            merged["properties"].update(part.get("properties", {}))
            merged["required"] += [r for r in part.get("required", []) if r not in merged["required"]]
        merged.update({k: v for k, v in schema.items() if k.startswith(("x-", "description"))})
        return merged

    def model(self, mod: Module, name: str, schema: dict[str, Any]) -> list[str]:
        parts = schema.get("allOf", [])
        parent = ref_name(parts[0]["$ref"]) if parts and "$ref" in parts[0] else None
        if parent is not None:  # `allOf: [$ref Parent, {...}]` is a subclass of Parent with the extra fields
            own: dict[str, Any] = {"properties": {}, "required": []}
            for part in parts[1:]:
                own["properties"].update(part.get("properties", {}))
                own["required"] += part.get("required", [])
            schema = {**own, **{k: v for k, v in schema.items() if k.startswith(("x-", "description"))}}
            bases = [self.use(mod, parent)]
            parent_strict = self.schemas[parent].get("x-python-base") == "strict"
            config = []
            if schema.get("x-python-base") == "strict" and not parent_strict:
                config = ['extra="forbid"', "allow_inf_nan=False"]  # the request base's rules
            if schema.get("x-python-extra") == "forbid":
                config = [c for c in config if not c.startswith("extra=")] + ['extra="forbid"']
        else:
            schema = self.resolved(name)
            base = "StrictBase" if schema.get("x-python-base") == "strict" else "BaseModel"
            mod.imports.add(("._base", base))
            bases = [base]
            config = []
        if schema.get("additionalProperties") is True:
            config.append('extra="allow"')  # unknown keys are kept and sent back unchanged
        mixin = self.mixin(mod, name)
        if mixin:
            bases.insert(0, mixin)
        lines = [f"class {name}({', '.join(bases)}):", *self.doc(schema, "    ")]
        if config:
            mod.imports.add(("pydantic", "ConfigDict"))
            lines += [f"    model_config = ConfigDict({', '.join(config)})", ""]
        required = set(schema.get("required", []))
        # Sent as null when None: required nullable fields, and those marked `x-python-send-null` (what the
        # official SDK sends although the contract lets other clients omit it).
        keep_null = sorted(
            p
            for p, sub in schema.get("properties", {}).items()
            if self.nullable(sub) and (p in required or sub.get("x-python-send-null"))
        )
        tags = {p: sub["const"] for p, sub in schema.get("properties", {}).items() if "const" in sub}
        # What the contract requires on the wire (Python defaults the tags): first-fit unions use it.
        on_wire = sorted(set(self.resolved(name).get("required", [])) | required)  # the parent's too
        wire_shape = []  # only what differs from the base class's empty defaults
        if on_wire:
            wire_shape.append(f"    _required_on_wire: ClassVar[frozenset[str]] = frozenset({on_wire!r})")
        if tags:
            wire_shape.append(f"    _tags_on_wire: ClassVar[dict[str, Any]] = {tags!r}")
        if keep_null:
            wire_shape.append(f"    _required_nullable: ClassVar[frozenset[str]] = frozenset({keep_null!r})")
        if wire_shape:
            mod.imports.add(("typing", "ClassVar"))
            lines += [*wire_shape, ""]
        # Request bodies check the contract's ranges and lengths when built (before anything is sent);
        # responses do not, so a newer server's values never break parsing.
        strict = schema.get("x-python-base") == "strict"
        for prop, sub in schema.get("properties", {}).items():
            ann = self.annotation(mod, sub)
            attr = prop + "_" if keyword.iskeyword(prop) else prop
            alias = f"Field(alias={prop!r}" if attr != prop else None
            nullable = ann == "None" or ann.endswith("| None") or ann.startswith("Optional[")
            if "default" in sub:
                default = repr(sub["default"])
            elif "const" in sub:  # a tag: required on the wire, never needed when constructing in Python
                default = repr(sub["const"])
            elif prop in required:
                default = None
            else:
                default = "None"
                if not nullable:
                    ann = f"Optional[{ann}]" if ann.startswith('"') else f"{ann} | None"
            checks = self.constraints(sub) if strict else []
            if checks:
                mod.imports.add(("pydantic", "Field"))
                args = ([f"default={default}"] if default is not None else []) + checks
                value = f"Field({', '.join(args)})" if not alias else f"{alias}, {', '.join(args)})"
            elif isinstance(sub.get("default"), (dict, list)):
                # A structured default is validated per instance (a fresh model/container each time).
                mod.imports.add(("pydantic", "Field"))
                value = f"Field(default={default}, validate_default=True)"
            elif alias:
                mod.imports.add(("pydantic", "Field"))
                value = f"{alias}, default={default})" if default is not None else f"{alias})"
            else:
                value = default
            lines.append(f"    {attr}: {ann}" + (f" = {value}" if value is not None else ""))
            lines += self.doc(sub, "    ")
        if len(lines) == 1 + len(self.doc(schema, "    ")):
            lines.append("    pass")
        while lines[-1] == "":
            lines.pop()
        return lines

    # ---- endpoints ---------------------------------------------------------------------------------
    def parameter(self, p: dict[str, Any]) -> dict[str, Any]:
        while "$ref" in p:
            p = self.spec["components"]["parameters"][ref_name(p["$ref"])]
        return p

    def endpoints(self) -> dict[str, str]:
        out: dict[str, str] = {}
        for path, item in sorted(self.spec["paths"].items()):
            for method, op in sorted(item.items()):
                if method not in ("get", "post", "put", "delete", "patch"):
                    continue
                out[f"{op['tags'][0]}/{op['operationId']}"] = self.endpoint(path, method, op)
        return out

    def endpoint(self, path: str, method: str, op: dict[str, Any]) -> str:
        mod = Module("__endpoint__")  # every schema is imported from its model module
        args: list[str] = []
        build: list[str] = []
        params = [self.parameter(p) for p in op.get("parameters", [])]
        for p in sorted(params, key=lambda p: (not p.get("required", False), p["in"] != "path", p["name"])):
            ann = self.annotation(mod, p.get("schema", {}))
            attr = snake(p["name"]).replace("-", "_")
            attr = attr + "_" if keyword.iskeyword(attr) else attr
            if p.get("required"):
                args.append(f"{attr}: {ann}")
            else:
                args.append(f"{attr}: {ann} | None = None" if "None" not in ann else f"{attr}: {ann} = None")
            if p["in"] == "query":
                value = f"{attr}.isoformat()" if ann.startswith("datetime") else attr  # RFC 3339, not str()
                build.append(f"    if {attr} is not None:\n        params[{p['name']!r}] = {value}")
            elif p["in"] == "header":
                build.append(f"    if {attr} is not None:\n        headers[{p['name']!r}] = str({attr})")
        if "{" in path:
            mod.imports.add(("._base", "path_segment"))
            url_expr = 'f"' + re.sub(r"\{(\w+)\}", lambda m: "{path_segment(" + m.group(1) + ")}", path) + '"'
        else:
            url_expr = "PATH"
        body_lines: list[str] = []
        content = op.get("requestBody", {}).get("content", {})
        body_types: list[str] = []
        json_schema = content.get("application/json", {}).get("schema")
        if json_schema is not None:
            body_types.append(self.annotation(mod, json_schema))
        binary = [m for m in content if m != "application/json"]
        if binary:
            body_types.append("bytes")
        if body_types:
            required = op["requestBody"].get("required", False)
            ann = " | ".join(body_types)
            args.insert(0, f"body: {ann}" if required else f"body: {ann} | None = None")
            if json_schema is not None:
                body_lines.append(
                    "    if isinstance(body, PydanticBaseModel):\n"
                    '        request["json"] = wire_json(body)\n'
                    '        headers["Content-Type"] = "application/json"'
                )
                mod.imports.update({("pydantic", "BaseModel as PydanticBaseModel"), ("._base", "wire_json")})
            if binary:
                kw = "elif" if json_schema is not None else "if"
                body_lines.append(
                    f'    {kw} isinstance(body, bytes):\n        request["content"] = body\n'
                    f'        headers["Content-Type"] = {binary[0]!r}'
                )
            if json_schema is not None:
                # A facade type (not a generated model) arrives as its JSON-ready dict.
                body_lines.append(
                    '    elif body is not None:\n        request["json"] = body\n'
                    '        headers["Content-Type"] = "application/json"'
                )
        ok = [(code, r) for code, r in sorted(op.get("responses", {}).items()) if str(code).startswith("2")]
        result = "Any"
        for _code, resp in ok:
            while "$ref" in resp:  # a shared response (#/components/responses/...)
                resp = self.spec["components"]["responses"][ref_name(resp["$ref"])]
            schema = resp.get("content", {}).get("application/json", {}).get("schema")
            if schema is not None:
                result = self.annotation(mod, schema)
                break
        summary = (op.get("summary") or op["operationId"]).strip().rstrip(".")
        lines = [f'"""{method.upper()} {path}: {summary}."""', "", "from __future__ import annotations", ""]
        used = " ".join(args + [result])
        typing_names = ["Any", *(n for n in ("Literal",) if re.search(rf"\b{n}\b", used))]
        if re.search(r"\bdatetime\b", used):
            lines.append("from datetime import datetime")
        lines += [f"from typing import {', '.join(typing_names)}", ""]
        for src, name in sorted(mod.imports):
            lines.append(f"from {'...models' + src if src.startswith('.') else src} import {name}")
        lines += ["", f"METHOD = {method.upper()!r}", f"PATH = {path!r}", f"OPERATION_ID = {op['operationId']!r}", ""]
        is_model = result in self.schemas and result in self.class_names
        if is_model:
            lines += [f"RESPONSE = {result}", ""]
        sig = ", ".join(["*", *args]) if args else ""
        lines += [
            "",
            f"def build_request({sig}) -> dict[str, Any]:",
            '    """Method, URL, query parameters, headers and body of one call (httpx.Request keywords)."""',
            "    params: dict[str, Any] = {}",
            "    headers: dict[str, str] = {}",
            f'    request: dict[str, Any] = {{"method": METHOD, "url": {url_expr}}}',
        ]
        lines += build + body_lines
        lines += [
            "    if params:",
            '        request["params"] = params',
            "    if headers:",
            '        request["headers"] = headers',
            "    return request",
            "",
        ]
        if result != "Any":
            lines += [
                "",
                f"def parse_response(data: Any) -> {result}:",
                '    """The 2xx JSON body as the contract\'s model."""',
            ]
            if is_model:
                lines.append(f"    return {result}.model_validate(data)")
            else:
                lines.insert(
                    next(i for i, x in enumerate(lines) if x.startswith("from typing import")) + 1,
                    "from pydantic import TypeAdapter",
                )
                lines.insert(
                    next(i for i, x in enumerate(lines) if x.startswith("from typing import")),
                    "from functools import cache",
                )
                lines.append("    return _adapter().validate_python(data)")
                lines += [
                    "",
                    "",
                    "@cache",
                    f"def _adapter() -> TypeAdapter[{result}]:",
                    f"    return TypeAdapter({result})",
                ]
        return "\n".join(lines) + "\n"

    # ---- output ------------------------------------------------------------------------------------
    def render_module(self, mod: Module) -> str:
        body = "\n\n\n".join(mod.body)
        typing_names = sorted(
            n for n in ("Annotated", "Any", "Literal", "Optional", "TypeAlias", "Union") if re.search(rf"\b{n}\b", body)
        )
        lines = [
            '"""Generated from openapi/tinker.yaml by codegen.sh; do not edit."""',
            "",
        ]
        # No `from __future__ import annotations`: pydantic would evaluate every field's annotation from a string
        # when the class is created, ~0.8M instructions per model on first touch. Each module imports the models
        # its fields name, so the annotations are evaluated as written (tests/types/test_lazy_import.py loads each).
        if re.search(r"\bdatetime\b", body):
            lines.append("from datetime import datetime")
        if "StrEnum):" in body:
            lines.append("from enum import StrEnum")
        if typing_names:
            lines.append(f"from typing import {', '.join(typing_names)}")
        for src, name in sorted(mod.imports):
            if src.startswith("."):
                continue
            lines.append(f"from {src} import {name}")
        for src, name in sorted(mod.imports):
            if src.startswith("."):
                lines.append(f"from {src} import {name}")
        lines += ["", f"__all__ = {sorted(mod.exports)!r}", "", "", body, ""]
        return "\n".join(lines)

    def write(self, out: Path) -> None:
        for name in self.schemas:
            self.emit(name)
        models = out / "models"
        models.mkdir(parents=True)
        shutil.copy(HERE / "_base.py", models / "_base.py")
        mixins = HERE / "mixins"
        if mixins.is_dir():
            shutil.copytree(mixins, models / "_mixins", ignore=shutil.ignore_patterns("__pycache__"))
        exports: dict[str, str] = {}
        for mod in self.modules.values():
            (models / f"{mod.name}.py").write_text(self.render_module(mod), encoding="utf-8")
            exports.update({n: mod.name for n in mod.exports})
        for name, schema in self.schemas.items():
            if "x-python-type" not in schema:
                exports.setdefault(name, schema.get("x-python-module", snake(name)))
        (models / "__init__.py").write_text(lazy_init(exports), encoding="utf-8")
        api = out / "api"
        for key, text in self.endpoints().items():
            tag, op = key.split("/")
            (api / tag).mkdir(parents=True, exist_ok=True)
            (api / tag / f"{op}.py").write_text(text, encoding="utf-8")
        for tag_dir in sorted(p for p in api.iterdir() if p.is_dir()):
            (tag_dir / "__init__.py").write_text(f'"""Endpoints tagged `{tag_dir.name}`."""\n', encoding="utf-8")
        (api / "__init__.py").write_text(
            '"""One module per operation: build_request() and parse_response()."""\n', encoding="utf-8"
        )
        (out / "__init__.py").write_text(
            '"""The Tinker HTTP API, generated from openapi/tinker.yaml (models and endpoints)."""\n', encoding="utf-8"
        )
        (out / "py.typed").write_text("", encoding="utf-8")
        with open(out / "openapi.json", "w", encoding="utf-8") as f:
            json.dump(self.spec, f, indent=1, sort_keys=True)
            f.write("\n")


def lazy_init(exports: dict[str, str]) -> str:
    lines = [
        '"""Every generated model, loaded lazily on first access (PEP 562)."""',
        "",
        "from __future__ import annotations",
        "",
        "import importlib",
        "from typing import TYPE_CHECKING, Any",
        "",
        "_MODULES: dict[str, str] = {",
    ]
    lines += [f"    {n!r}: {m!r}," for n, m in sorted(exports.items())]
    lines += [
        "}",
        "",
        f"__all__ = {sorted(exports)!r}",
        "",
        "",
        "def __getattr__(name: str) -> Any:",
        "    module = _MODULES.get(name)",
        "    if module is None:",
        '        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")',
        '    value = getattr(importlib.import_module(f".{module}", __name__), name)',
        "    globals()[name] = value",
        "    return value",
        "",
        "",
        "def __dir__() -> list[str]:",
        "    return __all__",
        "",
        "",
        "if TYPE_CHECKING:",
    ]
    lines += [f"    from .{m} import {n} as {n}" for n, m in sorted(exports.items())]
    return "\n".join(lines) + "\n"


def main() -> None:
    contract, out = Path(sys.argv[1]), Path(sys.argv[2])
    spec = yaml.safe_load(contract.read_text(encoding="utf-8"))
    Generator(spec).write(out)


if __name__ == "__main__":
    main()
