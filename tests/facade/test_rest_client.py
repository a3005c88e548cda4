"""RestClient / AdminClient: each method's method, URL, query, body and parsed result."""

from __future__ import annotations

import asyncio
import base64
import datetime as dt
import json

import httpx
import pytest
from fake_tinker import API_KEY, FakeServer, make_rest, status

import tinker
from tinker._holder import ClientHolder

NOW = "2025-01-02T03:04:05Z"
CKPT = {
    "checkpoint_id": "weights/ck-1",
    "checkpoint_type": "training",
    "time": NOW,
    "tinker_path": "tinker://run-1/weights/ck-1",
}
RUN = {
    "training_run_id": "run-1",
    "base_model": "Qwen/Qwen3-8B",
    "model_owner": "me",
    "is_lora": True,
    "last_request_time": NOW,
}
CURSOR = {"offset": 0, "limit": 20, "total_count": 1}


def _only(server: FakeServer):
    (req,) = server.requests
    return req


def test_get_server_capabilities(rest, server: FakeServer) -> None:
    server.rest_reply = {"supported_models": [{"model_name": "m1", "max_context_length": 4096}]}
    caps = rest.get_server_capabilities().result(timeout=10)
    req = _only(server)
    assert (req.method, req.path) == ("GET", "/api/v1/get_server_capabilities")
    assert caps.supported_models[0].max_context_length == 4096


def test_get_training_run(rest, server: FakeServer) -> None:
    server.rest_reply = RUN
    run = rest.get_training_run("run-1").result(timeout=10)
    req = _only(server)
    assert (req.method, req.path, req.params) == ("GET", "/api/v1/training_runs/run-1", {"access_scope": "owned"})
    assert run.training_run_id == "run-1" and run.is_lora


def test_get_training_run_by_tinker_path(rest, server: FakeServer) -> None:
    server.rest_reply = RUN
    rest.get_training_run_by_tinker_path("tinker://run-1/weights/ck-1", access_scope="accessible").result(timeout=10)
    req = _only(server)
    assert req.path == "/api/v1/training_runs/run-1" and req.params == {"access_scope": "accessible"}


def test_list_training_runs(rest, server: FakeServer) -> None:
    server.rest_reply = {"training_runs": [RUN], "cursor": CURSOR}
    resp = rest.list_training_runs(limit=5, offset=10, project_id="p1").result(timeout=10)
    req = _only(server)
    assert (req.method, req.path) == ("GET", "/api/v1/training_runs")
    assert req.params == {"limit": "5", "offset": "10", "access_scope": "owned", "project_id": "p1"}
    assert resp.training_runs[0].base_model == "Qwen/Qwen3-8B"


def test_get_weights_info_by_tinker_path(rest, server: FakeServer) -> None:
    server.rest_reply = {"base_model": "b", "is_lora": True, "lora_rank": 8}
    info = rest.get_weights_info_by_tinker_path("tinker://run-1/weights/ck-1").result(timeout=10)
    req = _only(server)
    assert (req.method, req.path) == ("POST", "/api/v1/weights_info")
    assert req.body == {"tinker_path": "tinker://run-1/weights/ck-1"}
    assert info.lora_rank == 8


def test_list_checkpoints(rest, server: FakeServer) -> None:
    server.rest_reply = {"checkpoints": [CKPT]}
    resp = rest.list_checkpoints("run-1").result(timeout=10)
    req = _only(server)
    assert (req.method, req.path) == ("GET", "/api/v1/training_runs/run-1/checkpoints")
    assert resp.checkpoints[0].checkpoint_id == "weights/ck-1"


def test_list_user_checkpoints(rest, server: FakeServer) -> None:
    server.rest_reply = {"checkpoints": [CKPT], "cursor": CURSOR}
    rest.list_user_checkpoints(limit=50, offset=5).result(timeout=10)
    req = _only(server)
    assert (req.method, req.path, req.params) == ("GET", "/api/v1/checkpoints", {"limit": "50", "offset": "5"})


@pytest.mark.parametrize(
    "checkpoint_id, tail", [("weights/ck-1", "weights/ck-1"), ("sampler_weights/s.2", "sampler_weights/s.2")]
)
def test_delete_checkpoint_splits_the_checkpoint_id(rest, server: FakeServer, checkpoint_id, tail) -> None:
    assert rest.delete_checkpoint("run-1", checkpoint_id).result(timeout=10) is None
    req = _only(server)
    assert (req.method, req.path) == ("DELETE", f"/api/v1/training_runs/run-1/checkpoints/{tail}")


def test_delete_checkpoint_rejects_a_bare_name(rest, server: FakeServer) -> None:
    with pytest.raises(ValueError, match="weights/"):
        rest.delete_checkpoint("run-1", "ck-1")
    assert server.requests == []


def test_checkpoint_name_is_url_quoted(rest, server: FakeServer) -> None:
    rest.delete_checkpoint("run 1", "weights/a b").result(timeout=10)
    req = _only(server)
    assert req.path == "/api/v1/training_runs/run 1/checkpoints/weights/a b"  # decoded path
    assert req.target == "/api/v1/training_runs/run%201/checkpoints/weights/a%20b"


def test_delete_checkpoint_from_tinker_path(rest, server: FakeServer) -> None:
    rest.delete_checkpoint_from_tinker_path("tinker://run-1/sampler_weights/s1").result(timeout=10)
    req = _only(server)
    assert (req.method, req.path) == ("DELETE", "/api/v1/training_runs/run-1/checkpoints/sampler_weights/s1")


def test_publish_and_unpublish(rest, server: FakeServer) -> None:
    rest.publish_checkpoint_from_tinker_path("tinker://run-1/weights/ck-1").result(timeout=10)
    rest.unpublish_checkpoint_from_tinker_path("tinker://run-1/weights/ck-1").result(timeout=10)
    pub, unpub = server.requests
    path = "/api/v1/training_runs/run-1/checkpoints/weights/ck-1/publish"
    assert (pub.method, pub.path) == ("POST", path)
    assert (unpub.method, unpub.path) == ("DELETE", path)


@pytest.mark.parametrize("ttl", [7200, None])
def test_set_checkpoint_ttl(rest, server: FakeServer, ttl) -> None:
    rest.set_checkpoint_ttl_from_tinker_path("tinker://run-1/weights/ck-1", ttl).result(timeout=10)
    req = _only(server)
    assert (req.method, req.path) == ("PUT", "/api/v1/training_runs/run-1/checkpoints/weights/ck-1/ttl")
    assert req.body == {"ttl_seconds": ttl}


def test_archive_url_from_302(rest, server: FakeServer) -> None:
    server.rest_reply = httpx.Response(
        302, headers={"location": "https://bucket/ck.tar?sig=1", "expires": "Thu, 02 Jan 2025 04:05:06 GMT"}
    )
    resp = rest.get_checkpoint_archive_url("run-1", "weights/ck-1").result(timeout=10)
    req = _only(server)
    assert (req.method, req.path) == ("GET", "/api/v1/training_runs/run-1/checkpoints/weights/ck-1/archive")
    assert req.header("accept") == "application/json"
    assert resp.url == "https://bucket/ck.tar?sig=1"
    assert resp.expires == dt.datetime(2025, 1, 2, 4, 5, 6, tzinfo=dt.UTC)


def test_archive_url_from_302_without_expires(rest, server: FakeServer) -> None:
    server.rest_reply = httpx.Response(302, headers={"location": "https://bucket/x"})
    before = dt.datetime.now(dt.UTC)
    resp = rest.get_checkpoint_archive_url_from_tinker_path("tinker://run-1/weights/ck-1").result(timeout=10)
    assert resp.url == "https://bucket/x"
    assert dt.timedelta(minutes=14) < resp.expires - before < dt.timedelta(minutes=16)


def test_archive_url_from_json(rest, server: FakeServer) -> None:
    server.rest_reply = {"url": "https://bucket/y", "expires": NOW}
    resp = rest.get_checkpoint_archive_url("run-1", "weights/ck-1").result(timeout=10)
    assert resp.url == "https://bucket/y" and resp.expires.year == 2025


def test_archive_url_503_while_building_is_retried(rest, server: FakeServer) -> None:
    server.script("/api/v1/training_runs/run-1/checkpoints/weights/ck-1/archive", status(503))
    server.rest_reply = {"url": "https://bucket/y", "expires": NOW}
    assert rest.get_checkpoint_archive_url("run-1", "weights/ck-1").result(timeout=10).url == "https://bucket/y"
    assert len(server.requests) == 2


def test_external_weights_urls(rest, server: FakeServer) -> None:
    server.rest_reply = {"urls": {"adapter_model.safetensors": "https://b/1"}, "expires": NOW}
    resp = rest.get_external_weights_urls("tinker://run-1/external_weights/e1").result(timeout=10)
    req = _only(server)
    assert req.path == "/api/v1/training_runs/run-1/checkpoints/external_weights/e1/external_weights_urls"
    assert resp.urls == {"adapter_model.safetensors": "https://b/1"}
    with pytest.raises(ValueError, match="external_weights"):
        rest.get_external_weights_urls("tinker://run-1/weights/ck-1")


def test_copy_weights(rest, server: FakeServer) -> None:
    server.rest_reply = {"tinker_path": "tinker://run-9/weights/copy"}
    path = rest.copy_weights(
        "tinker://run-1/weights/ck-1", "proj-2", ttl_seconds=7200, weights_access_token="wat-secret"
    ).result(timeout=10)
    req = _only(server)
    assert (req.method, req.path) == ("POST", "/api/v1/copy_weights")
    assert req.body == {
        "source_path": "tinker://run-1/weights/ck-1",
        "destination_project_id": "proj-2",
        "ttl_seconds": 7200,
    }
    assert req.header("x-tinker-weights-access-token") == "wat-secret"
    assert req.header("x-idempotency-key")
    assert path == "tinker://run-9/weights/copy"


def test_copy_weights_needs_a_project(rest, server: FakeServer) -> None:
    with pytest.raises(ValueError, match="project"):
        rest.copy_weights("tinker://run-1/weights/ck-1")
    assert server.requests == []


def test_sessions(rest, server: FakeServer) -> None:
    server.rest_reply = {"training_run_ids": ["r"], "sampler_ids": ["s"]}
    got = rest.get_session("sess-1").result(timeout=10)
    assert got.training_run_ids == ["r"]
    server.rest_reply = {"sessions": ["sess-1", "sess-2"]}
    listed = rest.list_sessions(limit=3, offset=1).result(timeout=10)
    assert listed.sessions == ["sess-1", "sess-2"]
    server.rest_reply = {}
    rest.assign_session_project("sess-1", "proj-3").result(timeout=10)
    get, lst, assign = server.requests
    assert (get.method, get.path, get.params) == ("GET", "/api/v1/sessions/sess-1", {"access_scope": "owned"})
    assert (lst.method, lst.path, lst.params) == (
        "GET",
        "/api/v1/sessions",
        {"limit": "3", "offset": "1", "access_scope": "owned"},
    )
    assert (assign.method, assign.path, assign.body) == (
        "PUT",
        "/api/v1/sessions/sess-1/project",
        {"project_id": "proj-3"},
    )


def test_search_sessions_is_experimental(rest, server: FakeServer) -> None:
    server.rest_reply = {"sessions": []}
    with pytest.warns(tinker.ExperimentalWarning):
        resp = rest.search_sessions().result(timeout=10)
    req = _only(server)
    assert (req.method, req.path) == ("POST", "/api/v1/sessions/search")
    assert resp.sessions == []


def test_export_session_trace_polls_until_ready(rest, server: FakeServer) -> None:
    path = "/api/v1/sessions/sess-1/trace_export"
    server.script(path, {"status": "pending"}, {"status": "pending"})
    server.rest_reply = {"status": "ready", "url": "https://trace/1"}
    assert rest.export_session_trace("sess-1", poll_interval=0.001).result(timeout=10) == "https://trace/1"
    assert [r.method for r in server.calls(path)] == ["GET"] * 3
    server.script(path, {"status": "failed", "error": "too big"})
    with pytest.raises(RuntimeError, match="too big"):
        rest.export_session_trace("sess-1", poll_interval=0.001).result(timeout=10)


def test_get_sampler(rest, server: FakeServer) -> None:
    resp = rest.get_sampler("sess-1:sample:0").result(timeout=10)
    req = _only(server)
    assert (req.method, req.path) == ("GET", "/api/v1/samplers/sess-1:sample:0")
    assert resp.base_model == "Qwen/Qwen3-8B"


def test_whoami_reads_jwt_claims_without_a_request(server: FakeServer) -> None:
    from tinker._config import ClientSettings

    payload = base64.urlsafe_b64encode(json.dumps({"sub": "user-1", "email": "a@b.c", "org_id": "o-9"}).encode())
    jwt = "eyJhbGciOiJub25lIn0." + payload.decode().rstrip("=") + ".sig"
    holder = ClientHolder(
        ClientSettings.resolve(base_url="http://fake", api_key=jwt), http_transport=httpx.MockTransport(server.handler)
    )
    who = tinker.RestClient(_holder=holder).whoami().result(timeout=10)
    assert (who.user_urn, who.email, who.org_urn) == ("user-1", "a@b.c", "tml:organization:o-9")
    assert server.requests == []


def test_whoami_needs_a_jwt(rest) -> None:
    with pytest.raises(RuntimeError, match="JWT"):
        rest.whoami().result(timeout=10)


def test_errors_map_to_status_classes(rest, server: FakeServer) -> None:
    server.rest_reply = status(404, {"detail": "no such run"})
    with pytest.raises(tinker.NotFoundError, match="no such run"):
        rest.get_training_run("nope").result(timeout=10)


def test_rest_requests_send_the_api_key(rest, server: FakeServer) -> None:
    server.rest_reply = {"sessions": []}
    rest.list_sessions().result(timeout=10)
    assert _only(server).header("x-api-key") == API_KEY


def test_deprecated_async_twins(rest, server: FakeServer) -> None:
    server.rest_reply = {"checkpoints": [CKPT]}

    async def main():
        return await rest.list_checkpoints_async("run-1")

    with pytest.warns(FutureWarning, match="list_checkpoints_async"):
        resp = asyncio.run(main())
    assert resp.checkpoints[0].tinker_path == "tinker://run-1/weights/ck-1"


def test_rest_client_constructor_rejects_holder_and_url(server: FakeServer) -> None:
    holder = make_rest(server).holder
    with pytest.raises(ValueError):
        tinker.RestClient(holder, base_url="http://other")


# ------------------------------------------------------------------ AdminClient


@pytest.fixture
def admin(server: FakeServer):
    return make_rest(server, tinker.AdminClient)


def test_audit_log(admin, server: FakeServer) -> None:
    server.rest_reply = {"entries": [{"timestamp": NOW, "event": "checkpoint.created"}]}
    resp = admin.get_audit_log("checkpoints", day=dt.date(2025, 1, 2)).result(timeout=10)
    req = _only(server)
    assert (req.method, req.path) == ("GET", "/api/v1/audit")
    assert req.params == {"event_type": "checkpoints", "day": "2025-01-02"}
    assert resp.entries[0].event == "checkpoint.created"


def test_billing_usage(admin, server: FakeServer) -> None:
    server.rest_reply = {"data": []}
    admin.get_billing_usage("2025-01-01T00:00:00Z", dt.datetime(2025, 1, 2, tzinfo=dt.UTC)).result(timeout=10)
    req = _only(server)
    assert (req.method, req.path) == ("GET", "/api/v1/billing/usage/events")
    start = dt.datetime.fromisoformat(req.params["starting_on"])
    end = dt.datetime.fromisoformat(req.params["ending_before"])
    assert start == dt.datetime(2025, 1, 1, tzinfo=dt.UTC)
    assert end == dt.datetime(2025, 1, 2, tzinfo=dt.UTC)


def test_checkpoint_storage_usage(admin, server: FakeServer) -> None:
    server.rest_reply = {"data": [{"checkpoint_count": 2, "size_bytes": 10, "size_gigabytes": 1e-8}]}
    resp = admin.get_current_checkpoint_storage_usage(project_id="p1").result(timeout=10)
    req = _only(server)
    assert (req.method, req.path, req.params) == (
        "GET",
        "/api/v1/billing/usage/checkpoints/current",
        {"project_id": "p1"},
    )
    assert resp.data[0].checkpoint_count == 2


def test_rest_client_admin_methods_are_deprecated(rest, server: FakeServer) -> None:
    server.rest_reply = {"entries": []}
    with pytest.warns(FutureWarning, match="AdminClient"):
        rest.get_audit_log().result(timeout=10)
    assert _only(server).path == "/api/v1/audit"
