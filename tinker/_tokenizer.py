"""Tokenizer loading for ``get_tokenizer``: a local directory when the model is named by one (some servers
name models by path), else the server's own tokenizer when it offers one (the local server does, so everything
works offline), else the Hugging Face hub via ``transformers`` or ``tokenizers``."""

from __future__ import annotations

import functools
import json
import os
import threading
from typing import Any

from ._exceptions import APIStatusError
from ._holder import ClientHolder
from ._loop import run_coroutine
from ._transport import decode_json

__all__ = ["Tokenizer", "load_tokenizer"]

_cache: dict[tuple[str, str], Any] = {}
_lock = threading.Lock()


class Tokenizer:
    """A small Hugging Face-style tokenizer over ``tokenizers.Tokenizer`` (used when ``transformers`` is
    not installed): ``encode``, ``decode``, ``__call__``, ``bos_token_id``, ``eos_token_id``, ``vocab_size``."""

    def __init__(self, tok: Any, bos_token_id: int | None, eos_token_id: int | None, name: str) -> None:
        self.backend = tok
        self.bos_token_id = bos_token_id
        self.eos_token_id = eos_token_id
        self.name_or_path = name

    @property
    def vocab_size(self) -> int:
        return int(self.backend.get_vocab_size())

    def encode(self, text: str, add_special_tokens: bool = True) -> list[int]:
        return list(self.backend.encode(text, add_special_tokens=add_special_tokens).ids)

    def decode(self, token_ids: Any, skip_special_tokens: bool = False) -> str:
        return str(self.backend.decode([int(t) for t in token_ids], skip_special_tokens=skip_special_tokens))

    def __call__(self, text: str, add_special_tokens: bool = True) -> dict[str, list[int]]:
        return {"input_ids": self.encode(text, add_special_tokens=add_special_tokens)}

    def __repr__(self) -> str:
        return f"<tinker Tokenizer {self.name_or_path!r} vocab_size={self.vocab_size}>"


def _wrap(tok_json: str, bos: int | None, eos: int | None, name: str) -> Any:
    try:
        from transformers import PreTrainedTokenizerFast  # type: ignore[import-not-found]
    except ImportError:
        import tokenizers

        return Tokenizer(tokenizers.Tokenizer.from_str(tok_json), bos, eos, name)
    import tokenizers

    fast = PreTrainedTokenizerFast(tokenizer_object=tokenizers.Tokenizer.from_str(tok_json), name_or_path=name)
    backend = fast.backend_tokenizer
    if bos is not None:
        fast.bos_token = backend.id_to_token(bos)
    if eos is not None:
        fast.eos_token = backend.id_to_token(eos)
    return fast


def _special_id(tok: Any, config: dict[str, Any], key: str) -> int | None:
    """The id of ``bos_token``/``eos_token`` named in tokenizer_config.json (a string or an AddedToken dict)."""
    value = config.get(key)
    if isinstance(value, dict):
        value = value.get("content")
    if not isinstance(value, str):
        return None
    found = tok.token_to_id(value)
    return None if found is None else int(found)


def _from_directory(path: str) -> Any:
    """A tokenizer saved in ``path`` (``tokenizer.json``, with BOS/EOS from ``tokenizer_config.json``)."""
    try:
        from transformers import AutoTokenizer

        return AutoTokenizer.from_pretrained(path, use_fast=True)
    except ImportError:
        pass
    file = os.path.join(path, "tokenizer.json")
    if not os.path.isfile(file):
        raise FileNotFoundError(
            f"model {path!r} is a local directory without tokenizer.json; save the tokenizer there "
            "(tokenizer.save_pretrained) or install transformers to read other formats"
        )
    import tokenizers

    tok = tokenizers.Tokenizer.from_file(file)
    config: dict[str, Any] = {}
    config_file = os.path.join(path, "tokenizer_config.json")
    if os.path.isfile(config_file):
        with open(config_file, encoding="utf-8") as f:
            loaded = json.load(f)
        config = loaded if isinstance(loaded, dict) else {}
    return Tokenizer(tok, _special_id(tok, config, "bos_token"), _special_id(tok, config, "eos_token"), path)


@functools.lru_cache(maxsize=32)
def _from_hub(name: str) -> Any:
    try:
        from transformers import AutoTokenizer

        return AutoTokenizer.from_pretrained(name, use_fast=True)
    except ImportError:
        import tokenizers

        return Tokenizer(tokenizers.Tokenizer.from_pretrained(name), None, None, name)


def load_tokenizer(holder: ClientHolder, model_name: str) -> Any:
    """The tokenizer for ``model_name`` (a ``:revision`` suffix is ignored)."""
    if os.path.isdir(model_name):
        return _from_directory(model_name)
    name = model_name.split(":", 1)[0]
    key = (holder.settings.base_url, name)
    with _lock:
        if key in _cache:
            return _cache[key]
    from tinker_api.api.service import get_tokenizer as _get_tokenizer

    try:
        resp = run_coroutine(holder.transport.call(_get_tokenizer, model_name=name, retry=False)).result()
        body = decode_json(resp)
        tok = _wrap(json.dumps(body["tokenizer"]), body.get("bos_token_id"), body.get("eos_token_id"), name)
    except APIStatusError as exc:
        if exc.status_code not in (404, 405):
            raise
        tok = _from_hub(name)
    with _lock:
        _cache[key] = tok
    return tok
