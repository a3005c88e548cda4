"""Contract fuzzing: schemathesis drives every operation of openapi/tinker.yaml against the app in-process.

Seeded through ``schemathesis.toml`` (repo root). All default checks run, so a response outside
the documented statuses, media types or schemas, a 5xx, a schema-invalid request that is
accepted, or a schema-valid one that is refused with an unexpected status, fails the test.
"""

from __future__ import annotations

import json
import pathlib

import pytest
import schemathesis
import schemathesis.specs.openapi.stateful as _stateful
from hypothesis import HealthCheck, settings
from schemathesis.core.failures import AcceptedNegativeData, FailureGroup

from tinker_local import create_app

ROOT = pathlib.Path(__file__).resolve().parents[2]
KEY = {"X-API-Key": "tml-schemathesis"}


class _LazyApp:
    """The server app, built on the first request (collecting this module starts nothing)."""

    def __init__(self) -> None:
        self.app = None

    async def __call__(self, scope, receive, send):
        if self.app is None:
            # Small limits keep the fuzzing cheap: short long-polls, a short seq_id gap timeout, small samples.
            self.app = create_app(
                retrieve_timeout_s=0.5,
                retrieve_futures_timeout_s=0.2,
                seq_gap_timeout_s=2.0,
                max_sample_batch_tokens=2048,
                # An explicit key, so the authentication checks apply: made-up credentials must get a 401.
                api_keys=(KEY["X-API-Key"],),
            )
        await self.app(scope, receive, send)

    def close(self) -> None:
        if self.app is not None:
            self.app.state.service.close()


APP = _LazyApp()
# forward_backward also takes protobuf bodies; fuzz them as raw bytes (the server must refuse garbage with a 4xx).
schemathesis.serializer.alias("application/x-protobuf", "application/octet-stream")
schema = schemathesis.openapi.from_path(ROOT / "openapi" / "tinker.yaml")
schema.app = APP
schema.config.update(base_url="http://127.0.0.1:8000")  # the local server's root (servers[1] of the contract)


@pytest.fixture(scope="module", autouse=True)
def _close_app():
    yield
    APP.close()


@schema.parametrize()
@settings(deadline=None, suppress_health_check=list(HealthCheck))
def test_operation(case):
    case.call_and_validate(headers=KEY)


# Stateful runs start from create_session: schemathesis only picks "root" operations whose inputs
# are all produced somewhere, and CreateSessionRequest.project_id is produced by no operation, so
# without this the scenarios would never get past GET /get_server_capabilities.
_ROOTS = {"POST /api/v1/create_session"}
_is_root = _stateful.is_likely_root_transition


def _root(operation, node, produced_anywhere):
    return operation.label in _ROOTS or _is_root(operation, node, produced_anywhere)


_stateful.is_likely_root_transition = _root
try:
    _Base = schema.as_state_machine()
finally:
    _stateful.is_likely_root_transition = _is_root

MODEL = "tinker-local/tiny-byte"
VOCAB = 259


def _steer(case):
    """Nudge schema-valid values towards ones the local server can act on (keeps valid values valid)."""
    body = case.body
    if not isinstance(body, dict):
        return
    bm = body.get("base_model")
    if isinstance(bm, str) and 1 <= len(bm) <= 256:
        body["base_model"] = MODEL
    if (
        case.operation.label == "POST /api/v1/create_sampling_session"
        and "base_model" not in body
        and "model_path" not in body
    ):
        body["base_model"] = MODEL
    oc = body.get("optimizer_config")
    if isinstance(oc, dict) and isinstance(oc.get("type"), str) and 1 <= len(oc["type"]) <= 64:
        oc["type"] = "adamw"
    prompt = body.get("prompt")
    chunks = prompt.get("chunks") if isinstance(prompt, dict) else None
    if isinstance(chunks, list):
        for c in chunks:
            toks = c.get("tokens") if isinstance(c, dict) else None
            if isinstance(toks, list) and all(isinstance(t, int) and not isinstance(t, bool) and t >= 0 for t in toks):
                c["tokens"] = [t % VOCAB for t in toks]
    sp = body.get("sampling_params")
    mt = sp.get("max_tokens") if isinstance(sp, dict) else None
    if isinstance(mt, int) and not isinstance(mt, bool) and mt >= 1:
        sp["max_tokens"] = min(mt, 8)


def _actually_valid(case, response) -> bool:
    """Was the request that went out schema-valid after all?

    In stateful runs a link may merge values into a body that was generated as invalid (e.g. a number
    turned back into ``{"session_id": ...}``), and ``get_call_kwargs`` adds the key; schemathesis then
    still reports the case as negative. Such requests are checked with the server's own validators.
    """
    from tinker_local._errors import ApiError
    from tinker_local.http.contract import load_contract

    op = load_contract().operations[case.operation.definition.raw["operationId"]]
    req = response.request
    if not req.headers.get("X-API-Key"):
        return False
    try:
        if op.has_json_body:
            body = json.loads(req.body) if req.body else None
            if body is None and op.body_required:
                return False
            if body is not None:
                op.validate_body(body)
        query = {k: [v] if not isinstance(v, list) else [str(x) for x in v] for k, v in (case.query or {}).items()}
        query = {k: [str(x) for x in v] for k, v in query.items()}
        headers = {k.lower(): v for k, v in req.headers.items()}
        op.parse_params({k: str(v) for k, v in (case.path_parameters or {}).items()}, query, headers)
    except (ApiError, ValueError):
        return False
    return True


class Workflow(_Base):
    def before_call(self, case):
        _steer(case)

    def get_call_kwargs(self, case):
        return {"headers": KEY}

    def validate_response(self, response, case, additional_checks=None, **kwargs):
        try:
            super().validate_response(response, case, additional_checks, **kwargs)
        except FailureGroup as group:
            real = [
                f
                for f in group.exceptions
                if not (isinstance(f, AcceptedNegativeData) and _actually_valid(case, response))
            ]
            if real:
                raise FailureGroup(real, group.message) from None


TestWorkflow = Workflow.TestCase
TestWorkflow.settings = settings(
    max_examples=25, stateful_step_count=8, deadline=None, suppress_health_check=list(HealthCheck)
)
