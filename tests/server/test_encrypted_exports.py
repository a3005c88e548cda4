"""save_weights_external with age_encryption_recipients: real age encryption (pyrage), real key pairs made
here, files fetched over the signed links and decrypted; bad recipients; encrypted exports are unreadable to
the server; tinker-cookbook's weights.download end to end (when a cookbook Python is given)."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import httpx
import pytest

import tinker
from tinker import types

from .conftest import KEY, MODEL

pyrage = pytest.importorskip("pyrage")


@pytest.fixture(scope="module")
def trained(server) -> Any:
    sc = tinker.ServiceClient(base_url=server.base_url, api_key=KEY)
    tc = sc.create_lora_training_client(base_model=MODEL, rank=4).result()
    toks = list(b"age encrypted exports")
    datum = types.Datum(
        model_input=types.ModelInput.from_ints(toks[:-1]),
        loss_fn_inputs={"target_tokens": toks[1:], "weights": [1.0] * (len(toks) - 1)},
    )
    tc.forward_backward([datum], "cross_entropy").result()
    tc.optim_step(types.AdamParams(learning_rate=1e-2)).result()
    yield sc, tc
    sc.close().result()


def _fetch(server: Any, tinker_path: str) -> dict[str, bytes]:
    """Every file of an export, downloaded over its signed link (a plain GET, as the official CLI does)."""
    rc = tinker.RestClient(base_url=server.base_url, api_key=KEY)
    urls = rc.get_external_weights_urls(tinker_path).result().urls
    return {rel: httpx.get(url, timeout=30).raise_for_status().content for rel, url in urls.items()}


def test_every_file_is_age_encrypted_to_every_recipient(server, trained, tmp_path):
    _, tc = trained
    alice = pyrage.x25519.Identity.generate()
    bob = pyrage.x25519.Identity.generate()
    keys = [str(alice.to_public()), str(bob.to_public())]
    enc = tc.save_weights_external("enc", age_encryption_recipients=keys).result().path
    plain = tc.save_weights_external("plain").result().path
    got = _fetch(server, enc)
    clear = _fetch(server, plain)
    assert sorted(got) == sorted(f"{n}.age" for n in clear) and clear  # every file, with the .age suffix
    for name, blob in got.items():
        assert blob.startswith(b"age-encryption.org/v1\n")
        assert clear[name.removesuffix(".age")] not in blob
        for identity in (alice, bob):
            assert pyrage.decrypt(blob, [identity]) == clear[name.removesuffix(".age")]
        with pytest.raises(pyrage.DecryptError):
            pyrage.decrypt(blob, [pyrage.x25519.Identity.generate()])
    assert json.loads(clear["adapter_config.json"])["base_model_name_or_path"] == MODEL
    # no plaintext (nor the scratch copy) is left in the stored export
    run, kind, name = enc.removeprefix("tinker://").split("/")
    stored = server.service.state.store.checkpoint_dir(run, kind, name)
    assert all(p.name.endswith(".age") for p in stored.rglob("*") if p.is_file())
    assert not [p for p in stored.rglob("*") if p.name.startswith(".")]


@pytest.mark.parametrize("kind", ["ed25519", "rsa"])
def test_ssh_recipients(server, trained, tmp_path, kind):
    if shutil.which("ssh-keygen") is None:
        pytest.skip("ssh-keygen is not installed")
    key = tmp_path / f"id_{kind}"
    subprocess.run(["ssh-keygen", "-q", "-t", kind, "-N", "", "-C", "test", "-f", str(key)], check=True)
    age_id = pyrage.x25519.Identity.generate()
    _, tc = trained
    recipients = [key.with_suffix(".pub").read_text().strip(), str(age_id.to_public())]
    path = tc.save_weights_external(f"ssh-{kind}", age_encryption_recipients=recipients).result().path
    ssh_id = pyrage.ssh.Identity.from_buffer(key.read_bytes())
    for blob in _fetch(server, path).values():
        assert pyrage.decrypt(blob, [ssh_id]) == pyrage.decrypt(blob, [age_id])


@pytest.mark.parametrize(
    "keys, status, match",
    [
        (["age1notakey"], 400, r"age_encryption_recipients\[0\]: 'age1notakey' is not an age X25519 public key"),
        (["GOOD", "hello"], 400, r"age_encryption_recipients\[1\]: expected an age X25519 public key"),
        (["ssh-ed25519 AAAAbroken"], 400, r"age_encryption_recipients\[0\]: .* is not an SSH public key"),
        (["GOOD"] * 11, 422, "age_encryption_recipients"),
        ([""], 422, "age_encryption_recipients"),
        ([1], 422, "age_encryption_recipients"),
    ],
)
def test_bad_recipients_are_refused_naming_the_entry(api, keys, status, match):
    mid = api.model()
    good = str(pyrage.x25519.Identity.generate().to_public())
    keys = [good if k == "GOOD" else k for k in keys]
    r = api.post("save_weights_external", {"model_id": mid, "path": "x", "age_encryption_recipients": keys})
    assert r.status_code == status, r.text
    assert re.search(match, r.json()["detail"]), r.text
    # nothing was reserved: the same name saves fine afterwards
    ok = api.ok("save_weights_external", {"model_id": mid, "path": "x", "age_encryption_recipients": [good]})
    assert api.result(ok)["path"].endswith("/external_weights/x")


def test_a_server_without_pyrage_says_what_to_install(api, monkeypatch):
    mid = api.model()
    monkeypatch.setitem(sys.modules, "pyrage", None)  # the next import raises ImportError
    key = "age1qyqszqgpqyqszqgpqyqszqgpqyqszqgpqyqszqgpqyqszqgpqyqs3290gq"
    r = api.post("save_weights_external", {"model_id": mid, "path": "y", "age_encryption_recipients": [key]})
    assert r.status_code >= 500 and "pip install" in r.json()["detail"] and "pyrage" in r.json()["detail"], r.text


def test_the_server_refuses_to_read_an_encrypted_export(api, server, trained):
    _, tc = trained
    key = str(pyrage.x25519.Identity.generate().to_public())
    path = tc.save_weights_external("sealed", age_encryption_recipients=[key]).result().path
    sid = api.session()
    r = api.post("create_sampling_session", {"session_id": sid, "sampling_session_seq_id": 0, "model_path": path})
    assert r.status_code == 400 and "age-encrypted export" in r.json()["detail"], r.text
    r = api.post("load_weights", {"session_id": sid, "model_seq_id": 0, "path": path, "optimizer": False})
    assert r.status_code == 400 and r.json()["detail"].startswith("path: "), r.text


_COOKBOOK_DOWNLOAD = textwrap.dedent(
    """
    import json, sys
    from tinker_cookbook import weights
    out = weights.download(tinker_path=sys.argv[1], output_dir=sys.argv[2], base_url=sys.argv[3])
    print(json.dumps(sorted(p for p in __import__("os").listdir(out))))
    """
)


@pytest.mark.skipif(
    not os.environ.get("TINKER_COOKBOOK_PYTHON"),
    reason="set TINKER_COOKBOOK_PYTHON to a Python with tinker-cookbook (and pyrage) installed",
)
def test_cookbook_weights_download_of_a_training_state(server, trained, tmp_path):
    """The cookbook loads the state into a new run, re-exports it encrypted to a key of its own, downloads,
    decrypts and deletes the export."""
    _, tc = trained
    state = tc.save_state("for-download").result().path
    out = tmp_path / "adapter"
    env = {**os.environ, "TINKER_API_KEY": KEY, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    proc = subprocess.run(
        [os.environ["TINKER_COOKBOOK_PYTHON"], "-c", _COOKBOOK_DOWNLOAD, state, str(out), server.base_url],
        check=False,
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert json.loads(proc.stdout.strip().splitlines()[-1]) == ["adapter_config.json", "adapter_model.safetensors"]
    # the state's own adapter, byte for byte (loaded into a new run, exported, encrypted, decrypted)
    run, kind, name = state.removeprefix("tinker://").split("/")
    saved = server.service.state.store.checkpoint_dir(run, kind, name) / "adapter_model.safetensors"
    assert (out / "adapter_model.safetensors").read_bytes() == saved.read_bytes()
    assert json.loads((out / "adapter_config.json").read_text())["base_model_name_or_path"] == MODEL
    exports = [c for c in server.service.state.store.checkpoints.values() if c.kind == "external_weights"]
    assert not [c for c in exports if c.name == "download"]  # the temporary export was deleted


def test_an_identity_passed_as_a_recipient_is_never_echoed(api):
    # The age identity (the secret key) pasted where its public key belongs: the error says so without quoting it,
    # so it reaches no client log, exception or telemetry.
    mid = api.model()
    identity = str(pyrage.x25519.Identity.generate())
    for keys in (
        [identity],
        [identity.lower()],
        [f"  {identity}\n"],
        [str(pyrage.x25519.Identity.generate().to_public()), identity],
    ):
        r = api.post("save_weights_external", {"model_id": mid, "path": "z", "age_encryption_recipients": keys})
        assert r.status_code in (400, 422), r.text
        assert identity[16:].lower() not in r.text.lower(), r.text
        assert "secret" in r.json()["detail"] or r.status_code == 422, r.text
