"""JWT auth: the client config announces it, ``/auth/token`` issues tokens the server then accepts as the key's
identity (``whoami``), and stale or forged tokens get ``401`` with ``WWW-Authenticate: ... invalid_token``."""

from __future__ import annotations

import base64
import json
import time

import httpx
import pytest

import tinker
from tests.helpers import local_server_fixture
from tinker_local import LocalServer
from tinker_local._jwt import TokenRejected, TokenSigner
from tinker_local._tenancy import owner_of

KEY_A, KEY_B = "tml-key-alice-0123456789", "tml-key-bob-9876543210"

server = local_server_fixture(scope="module", api_keys=(KEY_A, KEY_B), retrieve_timeout_s=2.0)


def claims(jwt: str) -> dict:
    payload = jwt.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))


def exchange(url: str, key: str) -> str:
    r = httpx.post(url + "/api/v1/auth/token", json={}, headers={"X-API-Key": key})
    assert r.status_code == 200, r.text
    return r.json()["jwt"]


def get(url: str, path: str, key: str) -> httpx.Response:
    return httpx.get(url + "/api/v1/" + path, headers={"X-API-Key": key})


def test_client_config_and_token_agree(server):
    cfg = httpx.post(
        server.base_url + "/api/v1/client/config", json={"sdk_version": "0.38.0"}, headers={"X-API-Key": KEY_A}
    ).json()
    assert cfg["pjwt_auth_enabled"] is True and cfg["credential_default_source"] == "api_key"
    jwt = exchange(server.base_url, KEY_A)
    c = claims(jwt)
    assert c["sub"] == "tml:user:" + owner_of(KEY_A) and c["org_id"] == "local"
    assert c["exp"] - c["iat"] == 3600 and abs(c["iat"] - time.time()) < 60
    assert KEY_A not in jwt
    assert claims(exchange(server.base_url, KEY_B))["sub"] != c["sub"]
    r = httpx.post(server.base_url + "/api/v1/auth/token", json={}, headers={"X-API-Key": "tml-stranger"})
    assert r.status_code == 401 and "invalid_token" not in r.headers.get("www-authenticate", "")


def test_a_token_acts_as_its_key(server):
    url = server.base_url
    sid = httpx.post(
        url + "/api/v1/create_session", json={"tags": [], "sdk_version": "0.38.0"}, headers={"X-API-Key": KEY_A}
    ).json()["session_id"]
    alice, bob = exchange(url, KEY_A), exchange(url, KEY_B)
    assert get(url, f"sessions/{sid}", alice).status_code == 200
    assert get(url, f"sessions/{sid}", bob).status_code == 404  # still isolated by owner
    me = get(url, "auth/apikey/me", alice).json()
    assert owner_of(KEY_A) in me["note"] and "--api-key" in me["note"]


@pytest.mark.parametrize("kind", ["expired", "other server", "tampered"])
def test_stale_tokens_ask_for_a_new_exchange(server, kind):
    url = server.base_url
    if kind == "expired":
        token = server.service.state.keys.tokens.issue(owner_of(KEY_A), time.time() - 7200)
    elif kind == "other server":  # e.g. issued before a restart
        token = TokenSigner().issue(owner_of(KEY_A), time.time())
    else:
        head, _, sig = exchange(url, KEY_A).split(".")
        forged = dict(claims(exchange(url, KEY_A)), sub="tml:user:" + owner_of(KEY_B))
        token = ".".join((head, base64.urlsafe_b64encode(json.dumps(forged).encode()).decode().rstrip("="), sig))
    r = get(url, "sessions", token)
    assert r.status_code == 401
    assert r.headers["www-authenticate"] == 'Bearer error="invalid_token"'
    assert "exchange the API key again" in r.json()["detail"]


def test_foreign_jwts_are_plain_keys():
    header = base64.urlsafe_b64encode(b'{"alg":"none"}').decode().rstrip("=")
    body = base64.urlsafe_b64encode(b'{"iss":"passport-x","sub":"u"}').decode().rstrip("=")
    foreign = f"eyJ{header[3:]}.{body}.sig"
    with LocalServer() as open_server:  # any-key mode: accepted like any other non-empty key
        assert get(open_server.base_url, "sessions", foreign).status_code == 200
    with LocalServer(api_keys=(KEY_A,)) as closed:  # with keys: not one of them
        r = get(closed.base_url, "sessions", foreign)
        assert r.status_code == 401 and "www-authenticate" not in r.headers


def test_sdk_whoami_answers_with_the_keys_identity(server):
    for key in (KEY_A, KEY_B):
        who = tinker.RestClient(base_url=server.base_url, api_key=key).whoami().result(timeout=30)
        assert who.user_urn == "tml:user:" + owner_of(key)
        assert who.org_urn == "tml:organization:local" and who.email is None


def test_token_checks_never_crash_on_odd_keys():
    signer = TokenSigner()
    now = time.time()
    good = signer.issue("local:abc", now)
    head, payload, sig = good.split(".")
    assert signer.owner(good, now) == "local:abc"
    for odd in (f"{head}é.{payload}.{sig}", f"{head}.{payload}.{sig}é", f"{head}.{payload}.{sig}\udcff"):
        with pytest.raises(TokenRejected):
            signer.owner(odd, now)
    for plain in ("eyJ\x80.\x80.\x80", "eyJ.x.y", "tml-key", "eyJhbGciOiJub25lIn0.e30.", "a.b.c"):
        assert signer.owner(plain, now) is None
