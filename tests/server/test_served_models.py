"""``--model`` options: tokenizers (a path, the local Hugging Face cache, none), shapes, bounds and what the
server does with them (capabilities, GET /tokenizer, string stops, long contexts)."""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from tokenizers import Tokenizer

from tests.engine.test_engine_served_models import WORDS, write_tokenizer
from tests.server.conftest import make_api
from tinker_local import LocalServer, parse_model_spec
from tinker_local._config import MAX_CONTEXT, ModelSpec
from tinker_local._hf_cache import find_cached_tokenizer, hub_cache_dir
from tinker_local.service.served import resolve


def stage_in_hf_cache(hub: Path, name: str, words: list[str], revision: str = "abc123", main: bool = True) -> Path:
    """A fake ``models--Org--Name`` cache entry: the file in blobs/, linked from snapshots/<revision>/."""
    repo = hub / ("models--" + name.replace("/", "--"))
    blob = write_tokenizer(repo / "blobs" / revision, words)
    snap = repo / "snapshots" / revision
    snap.mkdir(parents=True)
    (snap / "tokenizer.json").symlink_to(blob)
    if main:
        (repo / "refs").mkdir(exist_ok=True)
        (repo / "refs" / "main").write_text(revision)
    return snap / "tokenizer.json"


# ---------------------------------------------------------------- spec syntax and bounds


def test_spec_options_and_bounds():
    spec = parse_model_spec("Qwen/Qwen3-8B-Base:vocab=1024,ctx=4096,layers=3,width=32,tokenizer=none,eos=")
    assert spec == ModelSpec("Qwen/Qwen3-8B-Base", 1024, (), None, "none", 4096, 3, 32)
    assert parse_model_spec("Qwen/Qwen3-8B") == ModelSpec("Qwen/Qwen3-8B")  # everything from its tokenizer
    bad = {
        "x:ctx=10000000000": "ctx=10000000000 is out of range; allowed: 2 to 131,072",
        "x:vocab=2000000": "vocab=2000000 is out of range; allowed: 2 to 1,048,576",
        "x:layers=0": "layers=0 is out of range",
        "x:width=100": "width=100 must be a multiple of 8",
        "x:width=4096": "width=4096 is out of range",
        "x:vocab=10,bos=10": "token ids are below vocab=10",
        "x:vocab=10,vocab=11": "given twice",
        "x:tokenizer=": "tokenizer= needs a path",
        "x:vocab=1k": "vocab= must be an integer, got '1k'",
        "x:colour=red": "known: vocab, tokenizer, eos, bos, ctx, layers, width",
    }
    for text, message in bad.items():
        with pytest.raises(ValueError, match=message):
            parse_model_spec(text)


def test_resolution_errors_name_the_option_and_the_fix(tmp_path):
    env = {"HF_HUB_CACHE": str(tmp_path / "hub")}
    with pytest.raises(ValueError, match=r"--model a/b: no vocabulary size: give vocab=N .*HF_HUB_CACHE"):
        resolve(parse_model_spec("a/b"), env)
    with pytest.raises(ValueError, match=r"--model a/b: tokenizer= .*missing.json: no such file.*point tokenizer="):
        resolve(parse_model_spec(f"a/b:tokenizer={tmp_path / 'missing.json'}"), env)
    path = write_tokenizer(tmp_path / "tok", WORDS)
    with pytest.raises(ValueError, match=r"vocab=4 is smaller than the 6 tokens of tokenizer=.*set vocab=6 or more"):
        resolve(parse_model_spec(f"a/b:vocab=4,tokenizer={path}"), env)
    with pytest.raises(ValueError, match=r"eos=7 is outside the vocabulary \[0, 6\)"):
        resolve(parse_model_spec(f"a/b:eos=7,tokenizer={path}"), env)
    with pytest.raises(ValueError, match=r"base weights \(\d+\.\d GiB in float32\) exceed .* lower width= or layers="):
        resolve(parse_model_spec("a/b:vocab=1000000,width=2048"), env)
    # the largest context is accepted (its cost is paid per request, not when the model is built)
    assert resolve(parse_model_spec(f"a/b:vocab=300,ctx={MAX_CONTEXT}"), env).config.context_length == MAX_CONTEXT


def test_tokenizer_path_sets_vocabulary_and_special_ids(tmp_path):
    path = write_tokenizer(tmp_path / "tok", WORDS, tokenizer_config={"eos_token": "<|im_end|>"})
    served = resolve(parse_model_spec(f"a/b:tokenizer={path.parent}"), {})
    assert (served.vocab_size, served.bos_token_id, served.eos_token_ids) == (6, 1, (5,))
    padded = resolve(parse_model_spec(f"a/b:tokenizer={path},vocab=64,eos=2,bos=3"), {})
    assert (padded.vocab_size, padded.bos_token_id, padded.eos_token_ids) == (64, 3, (2,))
    assert padded.decode([3, 4, 63]) == "hello world"


# ---------------------------------------------------------------- the local Hugging Face cache


def test_hub_cache_location_follows_huggingface_hub(tmp_path):
    assert hub_cache_dir({"HF_HUB_CACHE": "/a", "HF_HOME": "/b"}) == Path("/a")
    assert hub_cache_dir({"HF_HOME": "/b"}) == Path("/b/hub")
    assert hub_cache_dir({"XDG_CACHE_HOME": "/c"}) == Path("/c/huggingface/hub")
    assert hub_cache_dir({}) == Path("~/.cache/huggingface/hub").expanduser()


def test_discovery_in_the_hf_cache(tmp_path, caplog):
    hub = tmp_path / "home" / "hub"
    staged = stage_in_hf_cache(hub, "Org/Model", WORDS)
    env = {"HF_HOME": str(tmp_path / "home")}
    assert find_cached_tokenizer("Org/Model", env) == staged
    assert find_cached_tokenizer("Org/Other", env) is None
    served = resolve(parse_model_spec("Org/Model"), env)
    assert served.vocab_size == 6 and served.tokenizer is not None and served.tokenizer.source == str(staged)
    assert resolve(parse_model_spec("Org/Model:tokenizer=none,vocab=300"), env).tokenizer is None
    # a smaller vocab= than a tokenizer merely found in the cache: the tokenizer wins, with a warning
    with caplog.at_level(logging.WARNING, logger="tinker_local"):
        assert resolve(parse_model_spec("Org/Model:vocab=4"), env).vocab_size == 6
    assert "Pass tokenizer=none" in caplog.text
    # a broken cached file names the cache and the way out
    staged.unlink()
    staged.write_text("not json")
    with pytest.raises(ValueError, match="Hugging Face cache's tokenizer .*tokenizer=none"):
        resolve(parse_model_spec("Org/Model"), env)


def test_cache_snapshot_choice(tmp_path):
    hub = tmp_path / "hub"
    env = {"HF_HUB_CACHE": str(hub)}
    stage_in_hf_cache(hub, "Org/M", WORDS, "old", main=False)
    newer = stage_in_hf_cache(hub, "Org/M", WORDS, "new", main=False)
    os.utime(newer.parent.parent / "old", (1, 1), follow_symlinks=False)
    assert find_cached_tokenizer("Org/M", env) == newer  # without refs/main: the newest snapshot
    (hub / "models--Org--M" / "refs").mkdir()
    (hub / "models--Org--M" / "refs" / "main").write_text("old\n")
    assert find_cached_tokenizer("Org/M", env).parent.name == "old"  # refs/main first
    (hub / "models--Org--M" / "blobs" / "old" / "tokenizer.json").unlink()  # an interrupted download
    assert find_cached_tokenizer("Org/M", env) == newer


# ---------------------------------------------------------------- the running server


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalServer]:
    root = tmp_path_factory.mktemp("served")
    path = write_tokenizer(root / "tok", WORDS, tokenizer_config={"eos_token": "<|im_end|>"})
    stage_in_hf_cache(root / "hub", "cached/model", WORDS)
    models = (f"acme/tok:tokenizer={path},vocab=64", "cached/model", "acme/syn:vocab=1024,ctx=4096,layers=1,width=32")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("HF_HUB_CACHE", str(root / "hub"))
        with LocalServer(models=models, retrieve_timeout_s=2.0) as server:
            yield server


def _sample(api, model: str, prompt: list[int], **params) -> dict:
    fut = api.ok(
        "asample",
        {"base_model": model, "prompt": {"chunks": [{"tokens": prompt}]}, "sampling_params": params},
    )
    return api.result(fut)["sequences"][0]


def test_capabilities_and_tokenizers_served(served):
    c, _ = make_api(served.base_url)
    with c:
        caps = {m["model_name"]: m for m in c.get("/api/v1/get_server_capabilities").json()["supported_models"]}
        assert caps["acme/syn"]["max_context_length"] == 4096 and caps["acme/tok"]["max_context_length"] == 2048
        for name in ("acme/tok", "cached/model"):
            body = c.get("/api/v1/tokenizer", params={"model_name": name}).json()
            tok = Tokenizer.from_str(json.dumps(body["tokenizer"]))
            assert tok.encode("hello world").ids == [3, 4] and body["bos_token_id"] == 1
        assert c.get("/api/v1/tokenizer", params={"model_name": "acme/tok"}).json()["eos_token_id"] == 5
        r = c.get("/api/v1/tokenizer", params={"model_name": "acme/syn"})
        assert r.status_code == 404 and "--model acme/syn:tokenizer=PATH" in r.json()["detail"]


def test_sdk_get_tokenizer_uses_the_served_tokenizer(served):
    import tinker

    service = tinker.ServiceClient(base_url=served.base_url, api_key="tml-local")
    try:
        training = service.create_lora_training_client(base_model="acme/tok", rank=2).result()
        tok = training.get_tokenizer()
    finally:
        service.close().result()
    assert tok.encode("hello world", add_special_tokens=False) == [3, 4]
    assert tok.decode([3, 5]) == "hello <|im_end|>"


def test_string_stops_work_for_every_served_model(served):
    c, api = make_api(served.base_url)
    with c:
        for model in ("acme/syn", "acme/tok", "cached/model"):
            decode = served.service.state.decoder(model)
            free = _sample(api, model, [1, 2, 3], max_tokens=16, temperature=0.0, stop=["\n\nUser:"])
            toks = free["tokens"]
            # a stop string the greedy continuation produces: the text of its first k tokens (k >= 3;
            # ids past a padded tokenizer decode to nothing)
            k = next((k for k in range(3, len(toks) + 1) if decode(toks[:k])), None)
            assert k is not None, (model, toks)
            stopped = _sample(api, model, [1, 2, 3], max_tokens=16, temperature=0.0, stop=[decode(toks[:k])])
            assert stopped["stop_reason"] == "stop" and len(stopped["tokens"]) <= k
            assert stopped["tokens"] == toks[: len(stopped["tokens"])]


def test_long_context_model_trains_and_samples_past_2048(served):
    c, api = make_api(served.base_url)
    with c:
        sid = api.session()
        fut = api.ok(
            "create_model",
            {"session_id": sid, "model_seq_id": 0, "base_model": "acme/syn", "lora_config": {"rank": 4}},
        )
        mid = api.result(fut)["model_id"]
        rng = np.random.default_rng(1)
        toks = np.tile(rng.integers(0, 1024, 50), 62)[:3001].tolist()
        datum = {
            "model_input": {"chunks": [{"tokens": toks[:-1]}]},
            "loss_fn_inputs": {
                "target_tokens": {"data": toks[1:], "dtype": "int64", "shape": [3000]},
                "weights": {"data": [1.0] * 3000, "dtype": "float32", "shape": [3000]},
            },
        }
        losses = []
        for seq in range(2):
            body = {
                "model_id": mid,
                "seq_id": 2 * seq,
                "forward_backward_input": {"data": [datum], "loss_fn": "cross_entropy"},
            }
            losses.append(api.result(api.ok("forward_backward", body))["metrics"]["loss:sum"])
            api.result(api.optim(mid, 2 * seq + 1, lr=1e-2))
        assert losses[1] < losses[0]
        seq_out = _sample(api, "acme/syn", toks[:3500] + toks[:100], max_tokens=20, temperature=0.0)
        assert len(seq_out["tokens"]) == 20
        r = api.post(
            "asample",
            {
                "base_model": "acme/syn",
                "prompt": {"chunks": [{"tokens": toks[:100] * 41}]},
                "sampling_params": {"max_tokens": 2},
            },
        )
        assert r.status_code == 400 and "context length 4096" in r.json()["detail"]


def test_cli_refuses_a_bad_tokenizer_path(tmp_path):
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "tinker_local",
            "serve",
            "--port",
            "0",
            "--model",
            f"a/b:tokenizer={tmp_path}/nope.json",
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 2 and proc.stdout == ""
    assert "--model a/b: tokenizer=" in proc.stderr and "no such file" in proc.stderr, proc.stderr
