"""Actionable HTTP errors: operation, status, the server's detail, the request id, and one line of what to do."""

from __future__ import annotations

import re
from typing import Any

import pytest

import tinker
from tinker._hints import status_message

from .conftest import API_KEY, WIDE_MODEL

REQUEST_ID = r"request id [0-9a-f]{16}\]"


def test_a_404_names_operation_request_id_and_what_to_check(server: Any, service: tinker.ServiceClient) -> None:
    with pytest.raises(tinker.NotFoundError) as info:
        service.create_rest_client().get_training_run("no-such-run").result()
    message = str(info.value)
    assert message.startswith("Error code: 404 - training_run_id: training run 'no-such-run' not found")
    assert re.search(r"\[operation get_training_run, " + REQUEST_ID, message)
    assert message.endswith("(it may belong to another key, or have been deleted or expired).")
    assert info.value.response.headers["x-request-id"] in message


def test_a_400_names_the_field(server: Any, service: tinker.ServiceClient) -> None:
    with pytest.raises(tinker.BadRequestError) as info:
        service.create_lora_training_client(base_model="acme/not-served", rank=4).result()
    message = str(info.value)
    assert re.search(r"\[operation create_model, " + REQUEST_ID, message)
    assert "fix the field `base_model` as the detail says; retrying will not help." in message


def test_a_409_explains_the_conflict(server: Any, service: tinker.ServiceClient) -> None:
    training = service.create_lora_training_client(base_model=WIDE_MODEL, rank=4).result()
    training.save_state("twice").result()
    with pytest.raises(tinker.ConflictError) as info:
        training.save_state("twice").result()
    message = str(info.value)
    assert re.search(r"already exists .*\[operation save_weights, " + REQUEST_ID, message)
    assert "Conflict: the name is taken (pick another, or pass overwrite=True" in message
    assert API_KEY not in message


@pytest.mark.parametrize(
    "status, op, advice",
    [
        (402, "forward_backward", "Billing: the account cannot run this now"),
        (403, "get_session", "may not do this"),
        (404, "forward_backward", "was the server restarted? A restarted server loses live models"),
        (404, "get_session", "Check the id or tinker:// path"),
        (410, "retrieve_future", "expired on the server"),
        (413, "forward_backward", "send fewer or shorter datums per call"),
        (429, "asample", "Rate limited: the SDK backed off and retried until the retry budget ran out"),
        (503, "optim_step", "the SDK retried until the deadline; check the server's status or logs"),
    ],
)
def test_advice_by_status(status: int, op: str, advice: str) -> None:
    message = status_message(status, op, "the detail", "abc123")
    assert message.startswith(f"Error code: {status} - the detail [operation {op}, request id abc123] ")
    assert advice in message


def test_a_401_names_the_key_source_not_the_key() -> None:
    message = status_message(401, "list_sessions", "X-API-Key: not accepted", None, key_source="TINKER_API_KEY")
    assert message == (
        "Error code: 401 - X-API-Key: not accepted [operation list_sessions] The API key (from TINKER_API_KEY) was "
        "not accepted: check that it is valid for this server (TINKER_API_KEY, api_key=..., TINKER_CREDENTIAL_CMD "
        "or `tinker auth login`)."
    )
