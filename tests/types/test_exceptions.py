"""The exception tree: status mapping, pickling, and no credentials in reprs or pickles."""

from __future__ import annotations

import pickle

import httpx
import pytest

from tinker import _exceptions as E
from tinker.types import RequestErrorCategory

SECRET = "tml-super-secret-key"


def _request() -> httpx.Request:
    return httpx.Request(
        "POST",
        "http://localhost/api/v1/asample",
        headers={
            "X-API-Key": SECRET,
            "Authorization": f"Bearer {SECRET}",
            "X-Tinker-Weights-Access-Token": SECRET,
            "X-Other": "keep",
        },
        json={"a": 1},
    )


def _response(status: int) -> httpx.Response:
    return httpx.Response(status, json={"detail": "nope"}, request=_request())


@pytest.mark.parametrize(
    "status, cls",
    [
        (400, E.BadRequestError),
        (401, E.AuthenticationError),
        (402, E.BillingError),
        (403, E.PermissionDeniedError),
        (404, E.NotFoundError),
        (409, E.ConflictError),
        (422, E.UnprocessableEntityError),
        (429, E.RateLimitError),
        (500, E.InternalServerError),
        (503, E.InternalServerError),
        (405, E.APIStatusError),
        (410, E.APIStatusError),
    ],
)
def test_status_mapping_and_pickle(status: int, cls: type) -> None:
    err = E.status_error_for(status, f"Error code: {status} - nope", _response(status), {"detail": "nope"})
    assert type(err) is cls and isinstance(err, E.APIStatusError) and isinstance(err, E.TinkerError)
    assert err.status_code == status and err.body == {"detail": "nope"} and str(err).startswith("Error code")
    raw = pickle.dumps(err)
    assert SECRET.encode() not in raw
    back = pickle.loads(raw)
    assert type(back) is cls and back.status_code == status and back.message == err.message
    assert back.response.json() == {"detail": "nope"}
    assert back.request.headers["x-other"] == "keep" and back.request.headers["x-api-key"] == "<redacted>"
    assert SECRET not in repr(err) and SECRET not in str(err)


def test_connection_errors_and_validation_error() -> None:
    conn = E.APIConnectionError(request=_request())
    assert conn.message == "Connection error." and isinstance(conn, E.APIError)
    timeout = E.APITimeoutError(_request())
    assert isinstance(timeout, E.APIConnectionError) and str(timeout) == "Request timed out."
    invalid = E.APIResponseValidationError(_response(200), {"x": 1})
    assert invalid.status_code == 200 and "invalid" in invalid.message
    for err in (conn, timeout, invalid):
        raw = pickle.dumps(err)
        assert SECRET.encode() not in raw
        back = pickle.loads(raw)
        assert type(back) is type(err) and back.message == err.message


def test_request_failed_error() -> None:
    err = E.RequestFailedError("bad input", "req-1", "user")
    assert err.category is RequestErrorCategory.user
    assert E.RequestFailedError("x", "r", "nonsense").category is RequestErrorCategory.unknown
    back = pickle.loads(pickle.dumps(err))
    assert (back.message, back.request_id, back.category) == ("bad input", "req-1", RequestErrorCategory.user)
    assert "req-1" in repr(back)


def test_warning_and_helpers() -> None:
    assert issubclass(E.ExperimentalWarning, FutureWarning)
    assert E.redact_headers({"Authorization": "x", "Accept": "y"}) == {
        "Authorization": "<redacted>",
        "Accept": "y",
    }
    plain = httpx.Request("GET", "http://h/")
    err = E.APIStatusError("m", response=httpx.Response(418, request=plain), body=None)
    assert pickle.loads(pickle.dumps(err)).request.url == plain.url
    no_request = E.APIStatusError("m", response=httpx.Response(418), body=None)
    assert no_request.request is None and pickle.loads(pickle.dumps(no_request)).status_code == 418
