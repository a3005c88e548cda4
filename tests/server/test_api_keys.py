"""API keys: ``--api-key`` makes other keys 401, and isolates each key's sessions, runs and checkpoints."""

from __future__ import annotations

import argparse

import httpx
import pytest

from tests.helpers import local_server_fixture
from tinker_local import ServerConfig
from tinker_local._cli import main as cli_main
from tinker_local._cli import read_api_keys

from .conftest import MODEL, Api

KEY_A, KEY_B = "tml-key-alice-0123456789", "tml-key-bob-9876543210"

server = local_server_fixture(scope="module", api_keys=(KEY_A, KEY_B), retrieve_timeout_s=2.0)


@pytest.fixture
def alice(server):
    with httpx.Client(base_url=server.base_url, headers={"X-API-Key": KEY_A}, timeout=30) as c:
        yield Api(c)


@pytest.fixture
def bob(server):
    with httpx.Client(base_url=server.base_url, headers={"X-API-Key": KEY_B}, timeout=30) as c:
        yield Api(c)


@pytest.mark.parametrize("headers", [{}, {"X-API-Key": ""}, {"X-API-Key": "tml-guess"}, {"X-API-Key": KEY_A + "x"}])
def test_unknown_or_missing_keys_get_401_without_echo(server, headers):
    with httpx.Client(base_url=server.base_url, headers=headers, timeout=30) as c:
        for r in (
            c.post("/api/v1/create_session", json={"tags": [], "sdk_version": "x"}),
            c.get("/api/v1/training_runs"),
            c.get("/api/v1/sessions"),
        ):
            assert r.status_code == 401, r.text
            assert "X-API-Key" in r.json()["detail"]
            if headers.get("X-API-Key"):
                assert headers["X-API-Key"] not in r.text
        assert c.get("/api/v1/healthz").status_code == 200  # health stays open for probes


def test_each_key_sees_only_its_own_resources(alice: Api, bob: Api):
    sid = alice.session()
    mid = alice.model(sid)
    fb = alice.fb(mid, 1, ["hello"])
    alice.result(fb)
    path = alice.result(alice.ok("save_weights", {"model_id": mid, "path": "s1", "seq_id": 2}))["path"]
    sampler = alice.result(alice.ok("save_weights_for_sampler", {"model_id": mid, "path": "p1", "seq_id": 3}))["path"]
    ss = alice.ok("create_sampling_session", {"session_id": sid, "sampling_session_seq_id": 0, "model_path": sampler})
    ssid = ss["sampling_session_id"]
    run, kind, name = path[len("tinker://") :].split("/")

    # bob: every direct lookup of alice's ids is "not found", and lists do not show them
    c = bob.c
    assert c.get(f"/api/v1/sessions/{sid}").status_code == 404
    assert c.get(f"/api/v1/training_runs/{mid}").status_code == 404
    assert c.get(f"/api/v1/training_runs/{mid}/checkpoints").status_code == 404
    assert c.get(f"/api/v1/samplers/{ssid}").status_code == 404
    assert mid not in c.get("/api/v1/training_runs").text
    assert mid not in c.get("/api/v1/checkpoints").text
    assert sid not in c.get("/api/v1/sessions").text
    assert sid not in bob.post("sessions/search", {"owner": {"type": "all"}}).text
    assert bob.post("retrieve_future", {"request_id": fb["request_id"]}).status_code == 404
    assert bob.post("get_info", {"model_id": mid}).status_code == 404
    assert bob.post(
        "forward_backward",
        {"model_id": mid, "seq_id": 4, "forward_backward_input": {"data": [], "loss_fn": "cross_entropy"}},
    ).status_code in (400, 404)
    assert (
        bob.post("optim_step", {"model_id": mid, "seq_id": 4, "adam_params": {"learning_rate": 1e-3}}).status_code
        == 404
    )
    assert bob.post("session_heartbeat", {"session_id": sid}).status_code == 404
    assert bob.post("weights_info", {"tinker_path": path}).status_code == 404
    assert (
        bob.post(
            "asample",
            {
                "sampling_session_id": ssid,
                "seq_id": 0,
                "num_samples": 1,
                "prompt": {"chunks": [{"tokens": [1, 2]}]},
                "sampling_params": {"max_tokens": 2},
            },
        ).status_code
        == 404
    )
    bob_sid = bob.session()
    assert (
        bob.post(
            "load_weights", {"session_id": bob_sid, "model_seq_id": 0, "path": path, "optimizer": False}
        ).status_code
        == 404
    )
    assert (
        bob.post(
            "create_sampling_session", {"session_id": bob_sid, "sampling_session_seq_id": 0, "model_path": sampler}
        ).status_code
        == 404
    )
    for method in ("DELETE",):
        assert c.request(method, f"/api/v1/training_runs/{run}/checkpoints/{kind}/{name}").status_code == 404
    assert c.post(f"/api/v1/training_runs/{run}/checkpoints/{kind}/{name}/publish").status_code == 404
    assert c.get(f"/api/v1/training_runs/{run}/checkpoints/{kind}/{name}/archive").status_code == 404

    # alice still sees everything, and her model's seq_ids were not disturbed by bob's attempts
    assert alice.c.get(f"/api/v1/training_runs/{mid}").status_code == 200
    alice.result(alice.fb(mid, 4, ["again"]))

    # a published checkpoint becomes readable (not writable) by other keys
    assert alice.c.post(f"/api/v1/training_runs/{run}/checkpoints/{kind}/{name}/publish").status_code == 200
    info = bob.ok("weights_info", {"tinker_path": path})
    assert info["base_model"] == MODEL
    bob.result(bob.ok("load_weights", {"session_id": bob_sid, "model_seq_id": 0, "path": path, "optimizer": True}))
    assert c.request("DELETE", f"/api/v1/training_runs/{run}/checkpoints/{kind}/{name}").status_code == 404
    assert (
        c.put(f"/api/v1/training_runs/{run}/checkpoints/{kind}/{name}/ttl", json={"ttl_seconds": 3600}).status_code
        == 404
    )


def test_non_loopback_bind_needs_keys_or_an_explicit_opt_in():
    for host in ("0.0.0.0", "::", "192.0.2.10", "example.com"):
        with pytest.raises(ValueError, match="--api-key"):
            ServerConfig(host=host).check_exposure()
        ServerConfig(host=host, api_keys=("k",)).check_exposure()
        ServerConfig(host=host, insecure_any_key=True).check_exposure()
    for host in ("127.0.0.1", "::1", "localhost", "127.0.0.2"):
        ServerConfig(host=host).check_exposure()
    with pytest.raises(ValueError, match="api_keys"):
        ServerConfig(api_keys=(" padded ",))


def test_cli_refuses_an_exposed_any_key_server(capsys):
    assert cli_main(["serve", "--host", "0.0.0.0", "--port", "0"]) == 2
    err = capsys.readouterr().err
    assert "without API keys" in err and "--insecure-any-key" in err


def test_keys_from_flags_file_and_environment(tmp_path):
    f = tmp_path / "keys"
    f.write_text("# team keys\nkey-file-1\n\n  key-file-2  \n", encoding="utf-8")
    args = argparse.Namespace(api_key=["key-flag"], api_key_file=[str(f)])
    keys = read_api_keys(args, {"TINKER_LOCAL_API_KEYS": "key-env-1, key-env-2,key-flag"})
    assert keys == ("key-flag", "key-file-1", "key-file-2", "key-env-1", "key-env-2")
    with pytest.raises(ValueError, match="cannot read"):
        read_api_keys(argparse.Namespace(api_key=[], api_key_file=[str(tmp_path / "missing")]), {})


def test_signed_links_ignore_a_spoofed_host_header(server, alice: Api):
    mid = alice.model()
    path = alice.result(alice.ok("save_weights", {"model_id": mid, "path": "h", "seq_id": 1}))["path"]
    run, kind, name = path[len("tinker://") :].split("/")
    r = alice.c.get(
        f"/api/v1/training_runs/{run}/checkpoints/{kind}/{name}/archive", headers={"Host": "evil.example:666"}
    )
    assert r.status_code == 302
    loc = r.headers["location"]
    assert loc.startswith(server.base_url + "/local/files/"), loc
    assert "evil" not in loc
    assert httpx.get(loc, timeout=30).status_code == 200


def test_the_config_repr_does_not_show_the_keys():
    # A config turns up in reprs: test failure diffs, debuggers, a logged object.
    config = ServerConfig(api_keys=("tml-server-SECRET-1", "tml-server-SECRET-2"))
    assert "SECRET" not in repr(config) and "SECRET" not in str(config)
    assert config.api_keys == ("tml-server-SECRET-1", "tml-server-SECRET-2")
