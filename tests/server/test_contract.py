"""Contract fuzzing: schemathesis drives every operation of openapi/tinker.yaml against the app in-process.

Seeded through ``schemathesis.toml`` (repo root). All default checks run, so a response outside
the documented statuses, media types or schemas, a 5xx, a schema-invalid request that is
accepted, or a schema-valid one that is refused with an unexpected status, fails the test.
"""

from __future__ import annotations

import pathlib

import pytest
import schemathesis
from hypothesis import HealthCheck, settings

from tinker_local import create_app

ROOT = pathlib.Path(__file__).resolve().parents[2]
KEY = {"X-API-Key": "tml-schemathesis"}

APP = create_app(retrieve_timeout_s=0.5, retrieve_futures_timeout_s=0.2, seq_gap_timeout_s=2.0)
schema = schemathesis.openapi.from_path(ROOT / "openapi" / "tinker.yaml")
schema.app = APP
schema.config.update(base_url="http://127.0.0.1:8000")  # the local server's root (servers[1] of the contract)


@pytest.fixture(scope="module", autouse=True)
def _close_app():
    yield
    APP.state.service.close()


@schema.parametrize()
@settings(deadline=None, suppress_health_check=list(HealthCheck))
def test_operation(case):
    case.call_and_validate(headers=KEY)


class Workflow(schema.as_state_machine()):
    def get_call_kwargs(self, case):
        return {"headers": KEY}


TestWorkflow = Workflow.TestCase
TestWorkflow.settings = settings(
    max_examples=25, stateful_step_count=8, deadline=None, suppress_health_check=list(HealthCheck)
)
