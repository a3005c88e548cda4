"""get_tokenizer() for a model named by a local directory (servers that name models by path)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

tokenizers = pytest.importorskip("tokenizers")

from tinker._tokenizer import _from_directory


def _save(path: Path, with_config: bool = True) -> None:
    vocab = {"<s>": 0, "</s>": 1, "[UNK]": 2, "hello": 3, "world": 4}
    tok = tokenizers.Tokenizer(tokenizers.models.WordLevel(vocab, unk_token="[UNK]"))
    tok.pre_tokenizer = tokenizers.pre_tokenizers.Whitespace()
    tok.save(str(path / "tokenizer.json"))
    if with_config:
        config = {"bos_token": "<s>", "eos_token": {"content": "</s>", "special": True}}
        (path / "tokenizer_config.json").write_text(json.dumps(config))


def test_a_local_directory_is_read_with_its_special_tokens(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "transformers", None)  # the tokenizers-only path
    _save(tmp_path)
    tok = _from_directory(str(tmp_path))
    assert tok.encode("hello world") == [3, 4]
    assert (tok.bos_token_id, tok.eos_token_id) == (0, 1)
    assert tok.decode([3, 4]) == "hello world"


def test_a_directory_without_tokenizer_json_says_what_to_do(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "transformers", None)
    with pytest.raises(FileNotFoundError, match="without tokenizer.json"):
        _from_directory(str(tmp_path))


def test_get_tokenizer_reads_the_directory_without_asking_the_server(tmp_path: Path) -> None:
    from tinker._tokenizer import load_tokenizer

    _save(tmp_path)

    class NoServer:  # any use of the holder would be a request to the server
        def __getattr__(self, name: str) -> None:
            raise AssertionError(f"the server was consulted ({name})")

    tok = load_tokenizer(NoServer(), str(tmp_path))  # type: ignore[arg-type]
    assert tok.encode("hello world", add_special_tokens=False) == [3, 4]
