"""The inline-result extension of ``asample`` (``X-Tinker-Result-Wait``): a finished sample comes back in the
submit's reply, byte for byte what ``retrieve_future`` sends, with its future in ``X-Tinker-Inline-Future``;
every other case keeps the ordinary future, so clients without the extension see no change."""

from __future__ import annotations

import json
import threading
import time
from typing import Any

import pytest

from tests.helpers import local_server_fixture
from tinker_local import LocalServer

from .conftest import MODEL, PROTOBUF, make_api, text_tokens

pb2 = pytest.importorskip("tinker_proto.tinker_pb2")

INLINE = "x-tinker-inline-future"
WAIT = {"X-Tinker-Result-Wait": "10", "Accept": f"{PROTOBUF}, application/json"}

# Results above 64 bytes are "too large for one reply" here, like multi-megabyte ones on a default server.
small_replies = local_server_fixture(name="small_replies", metadata_only_threshold_bytes=64)


def _sampler(api: Any) -> str:
    sid = api.session()
    return str(
        api.ok("create_sampling_session", {"session_id": sid, "sampling_session_seq_id": 0, "base_model": MODEL})[
            "sampling_session_id"
        ]
    )


def _body(ssid: str, seq: int, max_tokens: int = 4, n: int = 2) -> dict[str, Any]:
    return {
        "sampling_session_id": ssid,
        "seq_id": seq,
        "prompt": {"chunks": [{"tokens": text_tokens("Hello")}]},
        "sampling_params": {"max_tokens": max_tokens, "seed": 3, "temperature": 1.0},
        "num_samples": n,
    }


def test_a_finished_sample_comes_back_in_the_submit_reply(api):
    ssid = _sampler(api)
    r = api.post("asample", _body(ssid, 0), headers=WAIT)
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith(PROTOBUF)
    future = json.loads(r.headers[INLINE])
    assert future["sample_sequence_ids"] == [f"{future['request_id']}:0", f"{future['request_id']}:1"]
    msg = pb2.SampleResponse.FromString(r.content)
    assert len(msg.sequences) == 2 and all(len(s.tokens) for s in msg.sequences)
    # the same bytes a poll of that future returns
    assert api.retrieve(future["request_id"], PROTOBUF).content == r.content


def test_a_resubmitted_sample_gets_the_same_result_inline(api):
    """A reply lost on the way is asked again with the same seq_id: same future, same bytes, no second sample."""
    ssid = _sampler(api)
    first = api.post("asample", _body(ssid, 0), headers=WAIT)
    again = api.post("asample", _body(ssid, 0), headers=WAIT)
    assert json.loads(again.headers[INLINE]) == json.loads(first.headers[INLINE])
    assert again.content == first.content


@pytest.mark.parametrize(
    "headers",
    [{}, {"X-Tinker-Result-Wait": "10"}, {"X-Tinker-Result-Wait": "10", "Accept": "application/json"}],
    ids=["not asked", "accept any", "json only"],
)
def test_without_the_header_or_protobuf_the_reply_is_the_future(api, headers):
    ssid = _sampler(api)
    r = api.post("asample", _body(ssid, 0), headers=headers)
    assert r.status_code == 200 and INLINE not in r.headers
    assert r.headers["content-type"].startswith("application/json")
    assert set(r.json()) >= {"request_id", "sample_sequence_ids"}


def test_a_result_too_large_for_one_reply_keeps_the_future(small_replies):
    client, api = make_api(small_replies.base_url)
    with client:
        ssid = _sampler(api)
        r = api.post("asample", _body(ssid, 0, max_tokens=16), headers=WAIT)
        assert r.status_code == 200 and INLINE not in r.headers
        assert len(api.retrieve(r.json()["request_id"], PROTOBUF).content) > 64


@pytest.mark.parametrize("value", ["-1", "61", "soon", "nan"])
def test_a_bad_wait_is_refused_naming_the_header(api, value):
    r = api.post("asample", _body(_sampler(api), 0), headers={**WAIT, "X-Tinker-Result-Wait": value})
    assert r.status_code == 422, r.text
    assert "X-Tinker-Result-Wait" in r.json()["detail"]


no_inline = local_server_fixture(name="no_inline", inline_results=False)


def test_a_server_started_without_inline_results_always_answers_the_future(no_inline):
    """``tinker local serve --no-inline-results`` / ``inline_results=False``: the hosted service's behaviour."""
    from tinker_local._cli import build_parser

    assert build_parser("tinker local").parse_args(["serve", "--no-inline-results"]).inline_results is False
    assert build_parser("tinker local").parse_args(["serve"]).inline_results is True
    client, api = make_api(no_inline.base_url)
    with client:
        r = api.post("asample", _body(_sampler(api), 0), headers=WAIT)
        assert r.status_code == 200 and INLINE not in r.headers
        assert api.retrieve(r.json()["request_id"], PROTOBUF).status_code == 200


def _slow_samples(server: Any, seconds: float) -> None:
    """Make every sample of ``server`` finish ``seconds`` later, whether it ran on a sampling thread or in a sampling
    process (both end in ``_finish``; patching the thread path alone made these tests' samples fast)."""
    sampling = server.service.sampling
    finish = sampling._finish
    sampling._finish = lambda rec, plan, out: (time.sleep(seconds), finish(rec, plan, out))


@pytest.mark.parametrize(
    "wire, accept",
    [("protobuf", "application/json"), ("protobuf", "*/*"), ("json", f"{PROTOBUF}, application/json")],
)
def test_a_submit_that_cannot_be_answered_inline_is_not_held(wire, accept):
    """Found by review: the JSON future came back only once the sample was done (2 s here)."""
    with LocalServer(wire=wire) as srv:
        _slow_samples(srv, 2.0)
        client, api = make_api(srv.base_url)
        with client:
            started = time.monotonic()
            r = api.post("asample", _body(_sampler(api), 0), headers={**WAIT, "Accept": accept})
            took = time.monotonic() - started
        assert r.status_code == 200 and INLINE not in r.headers
        assert took < 1.0, f"the future came back after {took:.2f} s: held for a result it could not inline"


def test_held_submits_do_not_keep_their_share_of_the_body_budget():
    """Found by review: two held samples kept ~12 KB of a 15 KB in-flight budget, so a third request got 503."""
    with LocalServer(max_inflight_body_bytes=15_000) as srv:  # about two ~6 KB sample bodies
        _slow_samples(srv, 1.0)
        client, api = make_api(srv.base_url)
        with client:
            ssid = _sampler(api)

            def body(seq: int) -> dict[str, Any]:
                return {**_body(ssid, seq, max_tokens=2, n=1), "prompt": {"chunks": [{"tokens": [65] * 2000}]}}

            def held(seq: int) -> None:
                c2, api2 = make_api(srv.base_url)
                with c2:
                    assert api2.post("asample", body(seq), headers=WAIT).status_code == 200

            threads = [threading.Thread(target=held, args=(i,)) for i in range(2)]
            for t in threads:
                t.start()
            time.sleep(0.3)  # both are read, decoded and held
            r = api.post("asample", body(2))
            still_held = sum(t.is_alive() for t in threads)
            for t in threads:
                t.join()
        assert still_held == 2
        assert r.status_code == 200, r.text
