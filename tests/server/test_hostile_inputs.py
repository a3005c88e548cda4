"""Hostile or damaged inputs the server must answer as client errors, never as 500s: odd future ids and checkpoint
files that were damaged on disk."""

from __future__ import annotations

import pytest

from .conftest import Api


@pytest.mark.parametrize("op", ["retrieve_future", "cancel_future"])
def test_future_ids_with_non_ascii_digits_are_not_found(api: Api, op: str) -> None:
    rid = api.fb(api.model(), 1, ["hello"])["request_id"]
    nonce = rid.split("-")[0]
    for bad in (f"{nonce}-²", f"{nonce}-٣", f"{nonce}-1²"):  # str.isdigit() accepts these, int() not all of them
        r = api.post(op, {"request_id": bad})
        assert r.status_code == 404, (bad, r.status_code, r.text)
