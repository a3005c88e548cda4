"""Every HTTP call official SDKs 0.7-0.38 make is an operation of the document, under the name we chose.

The table is written by hand; its rows are those of docs/protocol.md#operations (rows 1-37: SDKs 0.7 to 0.25;
d1-d12: the operations added up to 0.38). It lists the *real* URLs clients send (checkpoint ids with their
slash, sampler ids with colons, the query strings of the list operations), not the document's templates: each URL
must match exactly one most-specific path template whose parameter schemas accept the segment values,
and that path must have the method, with the expected operationId.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

import pytest
from jsonschema import Draft202012Validator

from .conftest import SPEC, deref, is_extension, iter_operations, jsonschema_validator, operation_parameters

SESSION = "5b0e2c3a-1f4d-4c59-9a43-7d1f0e9b2c61"
RUN = f"{SESSION}:train:0"  # run id == model id, "<session>:train:<model_seq_id>" (docs/protocol.md#identifiers)
SAMPLER = f"{SESSION}:sample:0"  # sampling session id "<session>:sample:<n>"
CKPT = f"/api/v1/training_runs/{RUN}/checkpoints"

# (row, method, real URLs the SDK sends, operationId in the document)
OFFICIAL: list[tuple[str, str, tuple[str, ...], str]] = [
    # --- docs/protocol.md#operations, rows 1-37 (official SDK 0.7.0 .. 0.25.0)
    ("1", "GET", ("/api/v1/healthz",), "healthz"),
    ("2", "GET", ("/api/v1/get_server_capabilities",), "get_server_capabilities"),
    ("3", "POST", ("/api/v1/create_session",), "create_session"),
    ("4", "POST", ("/api/v1/session_heartbeat",), "session_heartbeat"),
    ("5", "POST", ("/api/v1/create_sampling_session",), "create_sampling_session"),
    ("6", "POST", ("/api/v1/create_model",), "create_model"),
    ("7", "POST", ("/api/v1/get_info",), "get_info"),
    ("8", "POST", ("/api/v1/unload_model",), "unload_model"),
    ("9", "POST", ("/api/v1/forward",), "forward"),
    ("10", "POST", ("/api/v1/forward_backward",), "forward_backward"),
    ("11", "POST", ("/api/v1/optim_step",), "optim_step"),
    ("12", "POST", ("/api/v1/save_weights",), "save_weights"),
    ("13", "POST", ("/api/v1/load_weights",), "load_weights"),
    ("14", "POST", ("/api/v1/save_weights_for_sampler",), "save_weights_for_sampler"),
    ("15", "POST", ("/api/v1/asample",), "asample"),
    ("16", "POST", ("/api/v1/retrieve_future",), "retrieve_future"),
    ("17", "POST", ("/api/v1/telemetry",), "send_telemetry"),
    (
        "18",
        "GET",
        (
            "/api/v1/training_runs?limit=20&offset=0",  # 0.7
            "/api/v1/training_runs?limit=20&offset=40&access_scope=owned",  # >= 0.15
            "/api/v1/training_runs?limit=20&offset=0&access_scope=accessible&project_id=proj-42",  # >= 0.22.5
        ),
        "list_training_runs",
    ),
    (
        "19",
        "GET",
        (f"/api/v1/training_runs/{RUN}", f"/api/v1/training_runs/{RUN}?access_scope=owned"),
        "get_training_run",
    ),
    ("20", "GET", (CKPT,), "list_checkpoints"),
    (
        "21",
        "DELETE",
        (
            f"{CKPT}/weights/0001",  # tinker://RUN/weights/0001
            f"{CKPT}/sampler_weights/final",
            f"{CKPT}/external_weights/hf-export",  # 0.38: external checkpoints delete like any other
        ),
        "delete_checkpoint",
    ),
    (
        "22",
        "GET",
        (f"{CKPT}/weights/0001/archive", f"{CKPT}/sampler_weights/step_000100/archive"),
        "get_checkpoint_archive_url",
    ),
    (
        "23",
        "POST",
        (f"{CKPT}/weights/0001/publish", f"{CKPT}/sampler_weights/final/publish"),
        "publish_checkpoint",
    ),
    (
        "24",
        "DELETE",
        (f"{CKPT}/weights/0001/publish", f"{CKPT}/sampler_weights/final/publish"),
        "unpublish_checkpoint",
    ),
    (
        "25",
        "PUT",
        (
            f"{CKPT}/weights/0001/ttl",
            f"{CKPT}/sampler_weights/final/ttl",
            f"{CKPT}/external_weights/hf-export/ttl",
        ),
        "set_checkpoint_ttl",
    ),
    ("26", "GET", ("/api/v1/checkpoints?limit=100&offset=0",), "list_user_checkpoints"),
    ("27", "POST", ("/api/v1/weights_info",), "get_weights_info"),
    (
        "28",
        "GET",
        ("/api/v1/sessions?limit=20&offset=0", "/api/v1/sessions?limit=20&offset=20&access_scope=owned"),
        "list_sessions",
    ),
    (
        "29",
        "GET",
        (f"/api/v1/sessions/{SESSION}", f"/api/v1/sessions/{SESSION}?access_scope=accessible"),
        "get_session",
    ),
    ("30", "PUT", (f"/api/v1/sessions/{SESSION}/project",), "assign_session_project"),
    ("31", "GET", (f"/api/v1/sessions/{SESSION}/trace_export",), "export_session_trace"),
    (
        "32",
        "GET",
        (
            f"/api/v1/samplers/{SAMPLER}",  # Python: unencoded
            f"/api/v1/samplers/{SAMPLER.replace(':', '%3A')}",  # tinkex: percent-encoded
        ),
        "get_sampler",
    ),
    ("33", "POST", ("/api/v1/auth/token",), "exchange_auth_token"),
    ("34", "POST", ("/api/v1/client/config",), "get_client_config"),
    ("35", "POST", ("/api/v1/client/dynamic_config",), "get_client_dynamic_config"),
    (
        "36",
        "GET",
        (
            "/api/v1/audit?event_type=all",
            "/api/v1/audit?event_type=checkpoints&day=2026-01-31",
            "/api/v1/audit?event_type=organizations&day=2026-11-02",  # 0.38 values
        ),
        "get_audit_log",
    ),
    (
        "37",
        "GET",
        ("/api/v1/billing/usage/events?starting_on=2026-01-01T00:00:00Z&ending_before=2026-01-08T00:00:00Z",),
        "get_billing_usage",
    ),
    # --- docs/protocol.md#operations, rows d1-d12 (new in 0.30 .. 0.38)
    ("d1", "POST", ("/api/v1/save_weights_external",), "save_weights_external"),
    ("d2", "GET", (f"{CKPT}/external_weights/hf-export/external_weights_urls",), "get_external_weights_urls"),
    ("d3", "POST", ("/api/v1/copy_weights",), "copy_weights"),
    ("d4", "POST", ("/api/v1/create_custom_loss",), "create_custom_loss"),
    ("d5", "POST", ("/api/v1/join_sampling_session",), "join_sampling_session"),
    ("d6", "POST", ("/api/v1/retrieve_futures",), "retrieve_futures"),
    ("d7", "POST", ("/api/v1/cancel_future",), "cancel_future"),
    ("d8", "POST", (f"/api/v1/sessions/{SESSION}/finish",), "finish_session"),
    ("d9", "POST", ("/api/v1/sessions/search",), "search_sessions"),
    (
        "d10",
        "GET",
        (
            "/api/v1/billing/usage/checkpoints/current",
            "/api/v1/billing/usage/checkpoints/current?project_id=proj-42",
        ),
        "get_current_checkpoint_storage_usage",
    ),
    ("d11", "GET", ("/api/v1/auth/apikey/me",), "get_api_key_info"),
    ("d12", "DELETE", ("/api/v1/auth/apikey/me",), "delete_api_key"),
]

# Our own operations (x-tinker-extension: true); no official SDK calls them.
EXTENSIONS: list[tuple[str, str, tuple[str, ...], str]] = [
    ("x1", "POST", ("/api/v1/stream_sample",), "stream_sample"),
    ("x2", "GET", ("/api/v1/tokenizer?model_name=Qwen/Qwen3-8B",), "get_tokenizer"),
]

_TEMPLATE_PARAM = re.compile(r"\{([^}]+)\}")


def match_templates(path: str) -> list[tuple[str, dict[str, str]]]:
    """Document path templates matching a concrete path; a `{param}` segment matches one non-empty segment.

    Sorted most specific first (most literal segments), as OpenAPI matches concrete paths before templated
    ones. Values are percent-decoded, as a server sees them.
    """
    segs = path.strip("/").split("/")
    found = []
    for tpl in SPEC["paths"]:
        tsegs = tpl.strip("/").split("/")
        if len(tsegs) != len(segs):
            continue
        params: dict[str, str] = {}
        for t, s in zip(tsegs, segs, strict=True):
            m = _TEMPLATE_PARAM.fullmatch(t)
            if m:
                if not s:
                    break
                params[m.group(1)] = unquote(s)
            elif t != s:
                break
        else:
            found.append((tpl, params))
    return sorted(found, key=lambda tp: len(tp[1]))


def _coerce(value: str, schema: dict[str, Any]) -> Any:
    schema = deref(SPEC, schema)
    types = schema.get("type")
    types = types if isinstance(types, list) else [types]
    if "integer" in types and re.fullmatch(r"-?\d+", value):
        return int(value)
    if "boolean" in types and value in ("true", "false"):
        return value == "true"
    return value


def _param_errors(param: dict[str, Any], value: str) -> list[str]:
    validator = jsonschema_validator(param["schema"])
    validator = validator.evolve(format_checker=Draft202012Validator.FORMAT_CHECKER)
    instance = _coerce(value, param["schema"])
    return [f"{param['in']} parameter {param['name']}={value!r}: {e.message}" for e in validator.iter_errors(instance)]


def check_call(method: str, url: str, operation_id: str) -> None:
    parts = urlsplit(url)
    candidates = match_templates(parts.path)
    assert candidates, f"{operation_id}: no path template matches {parts.path}"
    best = [c for c in candidates if len(c[1]) == len(candidates[0][1])]
    assert len(best) == 1, f"{operation_id}: {parts.path} matches several templates equally: {[b[0] for b in best]}"
    template, path_values = best[0]
    item = SPEC["paths"][template]
    op = item.get(method.lower())
    assert op is not None, (
        f"{operation_id}: {template} (matched by {parts.path}) has no {method}; it has "
        f"{sorted(m.upper() for m in item if m in ('get', 'put', 'post', 'delete', 'patch'))}"
    )
    assert op["operationId"] == operation_id, (
        f"{method} {parts.path}: the document calls it {op['operationId']!r}, the inventory expects "
        f"{operation_id!r} (renamed?)"
    )

    params = operation_parameters(SPEC, op, item)
    problems = []
    for name, value in path_values.items():
        p = params.get(("path", name))
        if p is None:
            problems.append(f"path parameter {name} is not declared")
            continue
        problems += _param_errors(p, value)
    query = parse_qsl(parts.query, keep_blank_values=True)
    for name, value in query:
        p = params.get(("query", name))
        if p is None:
            problems.append(f"query parameter {name} is not declared")
            continue
        problems += _param_errors(p, value)
    sent = {name for name, _ in query}
    for (loc, name), p in params.items():
        if loc == "query" and p.get("required") and name not in sent:
            problems.append(f"required query parameter {name} is not sent by the client")
    assert not problems, f"{operation_id}: {method} {url}:\n" + "\n".join(problems)


@pytest.mark.parametrize(
    ("row", "method", "urls", "operation_id"),
    OFFICIAL + EXTENSIONS,
    ids=[f"{row}-{method}-{op_id}" for row, method, _urls, op_id in OFFICIAL + EXTENSIONS],
)
def test_real_call_maps_to_operation(row, method, urls, operation_id):
    for url in urls:
        check_call(method, url, operation_id)


def test_counts():
    rows_base = [r for r in OFFICIAL if not r[0].startswith("d")]
    rows_delta = [r for r in OFFICIAL if r[0].startswith("d")]
    assert (len(rows_base), len(rows_delta), len(OFFICIAL)) == (37, 12, 49)
    assert [r[0] for r in rows_base] == [str(i) for i in range(1, 38)]

    table_ids = [r[3] for r in OFFICIAL]
    assert len(set(table_ids)) == 49, "an operationId appears twice in the inventory"

    ops = [op for _, _, op, _ in iter_operations(SPEC)]
    official = {op["operationId"] for op in ops if not is_extension(op)}
    extension = {op["operationId"] for op in ops if is_extension(op)}
    assert official == set(table_ids), (
        f"document-only official operations: {sorted(official - set(table_ids))}; "
        f"inventory operations missing from the document: {sorted(set(table_ids) - official)}"
    )
    assert extension == {r[3] for r in EXTENSIONS}
    assert (len(official), len(extension), len(ops)) == (49, 2, 51)


@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("DELETE", f"{CKPT}/tarballs/0001"),  # unknown checkpoint kind
        ("DELETE", f"{CKPT}/weights/.hidden"),  # name outside the pattern
        ("GET", f"{CKPT}/weights/0001/archive?format=zip"),  # undeclared query parameter
        ("POST", "/api/v1/samplers/x"),  # wrong method
        ("GET", "/api/v1/healthz/extra"),  # no template
    ],
)
def test_checker_rejects_wrong_shapes(method, url):
    """The matcher itself must be able to fail (guards the test above against vacuous passes)."""
    op_id = {"DELETE": "delete_checkpoint", "GET": "get_checkpoint_archive_url", "POST": "get_sampler"}[method]
    if url.endswith("/extra"):
        op_id = "healthz"
    with pytest.raises(AssertionError):
        check_call(method, url, op_id)
