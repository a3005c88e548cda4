"""The generated request builders: what reaches the URL and the body."""

from __future__ import annotations

from tinker_api.api.rest import get_session, set_checkpoint_ttl
from tinker_api.models import TtlUpdateRequest


def test_path_parameters_are_one_segment_each() -> None:
    url = get_session.build_request(session_id="a?b#c%41/d e")["url"]
    assert url == "/api/v1/sessions/a%3Fb%23c%2541%2Fd%20e"
    # Characters a checkpoint name may carry stay readable.
    assert get_session.build_request(session_id="run:1+x=y@z")["url"] == "/api/v1/sessions/run:1+x=y@z"


def test_a_required_nullable_field_keeps_its_null() -> None:
    request = set_checkpoint_ttl.build_request(
        training_run_id="r", checkpoint_kind="weights", checkpoint_name="c", body=TtlUpdateRequest(ttl_seconds=None)
    )
    assert request["json"] == {"ttl_seconds": None}  # "never expire"; dropping it would make the body invalid


def test_dot_segments_cannot_climb_the_path() -> None:
    # Literal "." / ".." segments are removed or climb a level when the URL is normalised (httpx does it).
    for run in (".", ".."):
        url = set_checkpoint_ttl.build_request(
            training_run_id=run, checkpoint_kind="weights", checkpoint_name="c", body=TtlUpdateRequest(ttl_seconds=1)
        )["url"]
        assert url.startswith("/api/v1/training_runs/%2E") and url.endswith("/checkpoints/weights/c/ttl")
