"""The contract (``tinker_api/openapi.json``): every operation's method, path, parameters and request
validators.

Every JSON body, path, query and header parameter is checked against the operation's schema
with ``jsonschema_rs`` (formats included); a violation becomes a 422 whose ``detail`` names the
location, e.g. ``"body.sampling_params.max_tokens: -1 is less than the minimum of 1"``.
"""

from __future__ import annotations

import functools
import importlib.resources
import json
import re
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from .._errors import ApiError

__all__ = ["Contract", "Operation", "contract_document", "load_contract"]

_INT_RE = re.compile(r"^[+-]?\d+$")
_NUM_RE = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")
_MAX_MSG = 300


@functools.lru_cache(maxsize=1)
def contract_document() -> dict[str, Any]:
    """The OpenAPI document shipped inside the generated ``tinker_api`` package."""
    text = (importlib.resources.files("tinker_api") / "openapi.json").read_text(encoding="utf-8")
    return json.loads(text)


def _shorten(text: str) -> str:
    return text if len(text) <= _MAX_MSG else text[: _MAX_MSG - 3] + "..."


def _location(prefix: str, path: Any) -> str:
    out = prefix
    for p in path:
        if isinstance(p, int):
            out += f"[{p}]"
        else:
            out += f".{p}"
    return out


@dataclass
class Param:
    name: str
    where: str  # path | query | header
    required: bool
    schema: dict[str, Any]
    kind: str  # integer | number | boolean | string | other


@dataclass
class Operation:
    """One operation of the contract: documented statuses and request validation."""

    operation_id: str
    method: str
    path: str
    statuses: frozenset[str]
    body_required: bool
    has_json_body: bool
    #: the request body's media types (e.g. application/json, application/x-protobuf)
    body_media_types: frozenset[str] = frozenset()
    params: list[Param] = field(default_factory=list)
    _contract: Contract | None = None

    def documents(self, status: int) -> bool:
        return str(status) in self.statuses or (status >= 500 and "5XX" in self.statuses)

    def pick_status(self, *candidates: int) -> int:
        """The first candidate status the contract documents for this operation (else the first)."""
        for c in candidates:
            if self.documents(c):
                return c
        return candidates[0]

    def error_status(self, preferred: int) -> int:
        """A documented status for an error that would naturally be ``preferred``."""
        chains = {
            400: (400, 422, 404, 409),
            404: (404, 400, 422),
            409: (409, 400, 422),
            # a finished session's model is gone: 404 where 410 is not documented (400 would read as bad input)
            410: (410, 404, 400, 422),
            413: (413, 422, 400),
            415: (415, 422, 400),
            422: (422, 400, 404),
            401: (401,),
            408: (408,),
        }
        return self.pick_status(*chains.get(preferred, (preferred, 400, 422, 404)))

    def validate_body(self, body: Any) -> None:
        assert self._contract is not None
        self._contract.check(f"#/x-ops/{self.operation_id}/body", body, "body")

    def parse_params(
        self,
        path_params: Mapping[str, str],
        query: Mapping[str, list[str]],
        headers: Mapping[str, str],
    ) -> dict[str, Any]:
        """Coerce and validate the parameters; returns ``{name: value}`` for the present ones."""
        assert self._contract is not None
        known = {p.name for p in self.params if p.where == "query"}
        for name in query:
            if name not in known:
                hint = f"; known: {sorted(known)}" if known else "; this operation takes no query parameters"
                raise ApiError(422, _shorten(f"query.{name}: unknown parameter{hint}"))
        out: dict[str, Any] = {}
        for p in self.params:
            if p.where == "path":
                raw: Any = path_params.get(p.name)
                present = raw is not None
            elif p.where == "query":
                vals = query.get(p.name) or []
                present = bool(vals)
                raw = vals[0] if len(vals) == 1 else vals
            else:
                raw = headers.get(p.name.lower())
                present = raw is not None
            if not present:
                if p.required:
                    raise ApiError(422, f"{p.where}.{p.name}: required parameter is missing")
                continue
            value = _coerce(raw, p.kind)
            self._contract.check(f"#/x-ops/{self.operation_id}/params/{p.where}:{p.name}", value, f"{p.where}.{p.name}")
            out[p.name] = value
        return out


def _coerce(raw: Any, kind: str) -> Any:
    if isinstance(raw, list):
        return [_coerce(r, kind) for r in raw]
    if not isinstance(raw, str):
        return raw
    if kind == "integer" and _INT_RE.match(raw):
        return int(raw)
    if kind == "number" and _NUM_RE.match(raw):
        return float(raw)
    if kind == "boolean" and raw in ("true", "false"):
        return raw == "true"
    return raw


class Contract:
    def __init__(self, doc: dict[str, Any]) -> None:
        import jsonschema_rs

        self.doc = doc
        self.operations: dict[str, Operation] = {}
        ops_schemas: dict[str, Any] = {}
        for path, item in doc["paths"].items():
            common = item.get("parameters", [])
            for method, op in item.items():
                if method not in ("get", "post", "put", "delete", "patch"):
                    continue
                oid = op["operationId"]
                body = op.get("requestBody")
                body_schema = None
                if body:
                    content = body.get("content", {})
                    if "application/json" in content:
                        body_schema = content["application/json"].get("schema", {})
                params = []
                pschemas = {}
                for pr in list(common) + list(op.get("parameters", [])):
                    pr = self._resolve(pr)
                    schema = pr.get("schema", {})
                    params.append(Param(pr["name"], pr["in"], bool(pr.get("required")), schema, self._kind(schema)))
                    pschemas[f"{pr['in']}:{pr['name']}"] = schema
                ops_schemas[oid] = {
                    "body": body_schema if body_schema is not None else {},
                    "params": pschemas,
                }
                self.operations[oid] = Operation(
                    operation_id=oid,
                    method=method.upper(),
                    path=path,
                    statuses=frozenset(op.get("responses", {}).keys()),
                    body_required=bool(body and body.get("required")),
                    has_json_body=body_schema is not None,
                    body_media_types=frozenset(body.get("content", {})) if body else frozenset(),
                    params=params,
                    _contract=self,
                )
        root = {
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "components": doc.get("components", {}),
            "x-ops": ops_schemas,
        }
        self._root = root
        self._jsr = jsonschema_rs
        self._validators: dict[str, Any] = {}
        self._lock = threading.Lock()

    def _resolve(self, obj: dict[str, Any]) -> dict[str, Any]:
        while "$ref" in obj:
            node: Any = self.doc
            for part in obj["$ref"].lstrip("#/").split("/"):
                node = node[part]
            obj = node
        return obj

    def _kind(self, schema: dict[str, Any]) -> str:
        schema = self._resolve(schema)
        t = schema.get("type")
        if isinstance(t, list):
            t = next((x for x in t if x != "null"), None)
        return t if isinstance(t, str) else "other"

    def _validator(self, pointer: str) -> Any:
        v = self._validators.get(pointer)
        if v is None:
            with self._lock:
                v = self._validators.get(pointer)
                if v is None:
                    node: Any = self._root
                    for part in pointer.lstrip("#/").split("/"):
                        node = node[part]
                    schema = dict(node) if isinstance(node, dict) else node
                    if isinstance(schema, dict):
                        schema = {
                            "$schema": "https://json-schema.org/draft/2020-12/schema",
                            "components": self._root["components"],
                            "allOf": [schema],
                        }
                    v = self._jsr.validator_for(schema, validate_formats=True)
                    self._validators[pointer] = v
        return v

    def check(self, pointer: str, value: Any, prefix: str) -> None:
        v = self._validator(pointer)
        if v.is_valid(value):
            return
        best = None
        for err in v.iter_errors(value):
            if best is None or len(list(err.instance_path)) > len(list(best.instance_path)):
                best = err
        assert best is not None
        path = list(best.instance_path)
        message = best.message
        inst = best.instance
        if "oneOf" in message and isinstance(inst, dict):
            variant = _chunk_variant(inst)
            if variant is not None:
                sub = self._validator(f"#/components/schemas/{variant}")
                for err in sub.iter_errors(inst):
                    path = path + list(err.instance_path)
                    message = f"{err.message} (as a {variant})"
                    break
        where = _location(prefix, path)
        raise ApiError(422, _shorten(f"{where}: {message}"))


_CHUNK_TYPES = {
    "encoded_text": "EncodedTextChunk",
    "image": "ImageChunk",
    "image_asset_pointer": "ImageAssetPointerChunk",
    "dmel": "DmelChunk",
}


def _chunk_variant(inst: dict[str, Any]) -> str | None:
    """The model-input chunk variant an invalid chunk was probably meant to be (for messages)."""
    t = inst.get("type")
    if isinstance(t, str) and t in _CHUNK_TYPES:
        return _CHUNK_TYPES[t]
    if "tokens" in inst:
        return "EncodedTextChunk"
    if "location" in inst:
        return "ImageAssetPointerChunk"
    if "dmel" in inst:
        return "DmelChunk"
    if "data" in inst:
        return "ImageChunk"
    return None


@functools.lru_cache(maxsize=1)
def load_contract() -> Contract:
    return Contract(contract_document())
