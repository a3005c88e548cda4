"""Tokenizers of the served models: the built-in byte-level one, ``tokenizer.json`` files, and the
documented decoding of a synthetic vocabulary (a model served without any tokenizer).

The built-in model's tokenizer is built in code with ``tokenizers``.

Ids 0..255 are the 256 byte values (id == byte value); then three special
tokens: ``<|bos|>`` = 256, ``<|eos|>`` = 257, ``<|pad|>`` = 258 (vocab 259).

Every byte is mapped to one printable unicode character (the usual
"byte-level" trick: printable latin-1 bytes map to themselves, the others to
code points from U+0100 upward, in byte order), the BPE model has no merges, so
each UTF-8 byte of the input is exactly one token.  Special-token strings in the
input text are *not* turned into special ids (``encode_special_tokens`` is
on), so ``decode(encode(s).ids) == s`` holds for every unicode string
without surrogates.  Nothing is downloaded.

Synthetic vocabulary (``synthetic_decode``): ids 0..255 are the bytes of the same value, as in the
built-in model, and each run of them decodes as UTF-8 (an invalid sequence becomes U+FFFD); every
other id decodes as ``<|ID|>`` (e.g. ``<|1000|>``).  So string stops work for any served model:
ASCII stop strings match the byte ids, and a stop string such as ``"<|2|>"`` matches id 2.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tokenizers import AddedToken, Tokenizer, decoders, models, pre_tokenizers

from ._errors import EngineInputError

BOS_TOKEN = "<|bos|>"
EOS_TOKEN = "<|eos|>"
PAD_TOKEN = "<|pad|>"
BOS_ID = 256
EOS_ID = 257
PAD_ID = 258
BUILTIN_VOCAB_SIZE = 259


def _byte_chars() -> list[str]:
    """Character standing for each byte value 0..255 (index = byte)."""
    printable = set(range(ord("!"), ord("~") + 1))
    printable |= set(range(0xA1, 0xAC + 1))
    printable |= set(range(0xAE, 0xFF + 1))
    chars: list[str] = []
    extra = 0
    for b in range(256):
        if b in printable:
            chars.append(chr(b))
        else:
            chars.append(chr(256 + extra))
            extra += 1
    return chars


@functools.lru_cache(maxsize=1)
def builtin_tokenizer_json() -> str:
    """JSON serialisation (``Tokenizer.to_str()``) of the built-in tokenizer."""
    vocab = {ch: b for b, ch in enumerate(_byte_chars())}
    tok = Tokenizer(models.BPE(vocab=vocab, merges=[], fuse_unk=False))
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=False)
    tok.decoder = decoders.ByteLevel()
    tok.add_special_tokens([AddedToken(t, special=True, normalized=False) for t in (BOS_TOKEN, EOS_TOKEN, PAD_TOKEN)])
    tok.encode_special_tokens = True
    assert tok.token_to_id(BOS_TOKEN) == BOS_ID
    assert tok.token_to_id(EOS_TOKEN) == EOS_ID
    assert tok.token_to_id(PAD_TOKEN) == PAD_ID
    assert tok.get_vocab_size() == BUILTIN_VOCAB_SIZE
    return tok.to_str()


def builtin_tokenizer() -> Tokenizer:
    """A fresh ``tokenizers.Tokenizer`` for the built-in model (safe to mutate)."""
    tok = Tokenizer.from_str(builtin_tokenizer_json())
    tok.encode_special_tokens = True
    return tok


@functools.lru_cache(maxsize=1)
def _shared_tokenizer() -> Tokenizer:
    return builtin_tokenizer()


def builtin_encode(text: str) -> list[int]:
    """Token ids of ``text`` (one id per UTF-8 byte; no BOS added)."""
    return list(_shared_tokenizer().encode(text, add_special_tokens=False).ids)


def builtin_decode(ids: list[int]) -> str:
    """Text of ``ids``; special ids are rendered as their strings (``<|eos|>``)."""
    return _shared_tokenizer().decode([int(i) for i in ids], skip_special_tokens=False)


def synthetic_decode(ids: Sequence[int]) -> str:
    """Text of ``ids`` of a model without a tokenizer (the module docstring gives the rules)."""
    parts: list[str] = []
    run = bytearray()
    for i in ids:
        t = int(i)
        if 0 <= t < 256:
            run.append(t)
            continue
        if run:
            parts.append(run.decode("utf-8", "replace"))
            run.clear()
        parts.append(f"<|{t}|>")
    if run:
        parts.append(run.decode("utf-8", "replace"))
    return "".join(parts)


@dataclass(frozen=True)
class ServedTokenizer:
    """A served model's tokenizer: the ``tokenizers`` object, where it came from and its special ids.

    ``vocab_size`` is the highest id the tokenizer knows plus one. ``decode`` keeps special tokens
    (``<|im_end|>`` is text a stop string can match); ids the tokenizer does not know (a model
    vocabulary padded beyond the tokenizer, as real checkpoints do) decode to nothing.
    """

    tokenizer: Tokenizer = field(compare=False, repr=False)
    source: str
    vocab_size: int
    bos_token_id: int | None = None
    eos_token_ids: tuple[int, ...] = ()

    def decode(self, ids: Sequence[int]) -> str:
        return str(self.tokenizer.decode([int(i) for i in ids], skip_special_tokens=False))

    @functools.cached_property
    def json_form(self) -> dict[str, Any]:
        """The ``tokenizers`` JSON serialisation, parsed (what ``GET /api/v1/tokenizer`` returns)."""
        return dict(json.loads(self.tokenizer.to_str()))


@functools.lru_cache(maxsize=1)
def builtin_served_tokenizer() -> ServedTokenizer:
    return ServedTokenizer(builtin_tokenizer(), "built-in", BUILTIN_VOCAB_SIZE, BOS_ID, (EOS_ID,))


#: Special-token names tried, in order, when no config file next to a tokenizer.json names BOS/EOS.
_BOS_NAMES = ("<|begin_of_text|>", "<|bos|>", "<bos>", "<s>")
_EOS_NAMES = ("<|endoftext|>", "<|end_of_text|>", "<|eos|>", "<eos>", "</s>")


def load_tokenizer_file(path: str | Path) -> ServedTokenizer:
    """Load a ``tokenizer.json`` (or a directory holding one) and find its BOS and EOS ids.

    BOS/EOS come from the files Hugging Face keeps next to it, first found wins:
    ``generation_config.json`` and ``config.json`` (``bos_token_id``, ``eos_token_id``: an id or a
    list), then ``tokenizer_config.json`` (``bos_token``, ``eos_token``: a token string); failing those,
    the first of a few common special-token names the tokenizer has (``<|endoftext|>``, ``</s>``, ...).
    Raises ``EngineInputError`` saying what is wrong with the file.
    """
    p = Path(path).expanduser()
    if p.is_dir():
        p = p / "tokenizer.json"
    if not p.is_file():
        raise EngineInputError(f"{p}: no such file (expected a tokenizer.json or a directory holding one)")
    try:
        tok = Tokenizer.from_file(str(p))
    except Exception as e:  # noqa: BLE001 - the Rust loader raises a bare Exception for any bad file
        raise EngineInputError(f"{p}: cannot load it as a tokenizer.json of the tokenizers library ({e})") from None
    vocab = tok.get_vocab(with_added_tokens=True)
    if not vocab:
        raise EngineInputError(f"{p}: the tokenizer has an empty vocabulary")
    size = max(vocab.values()) + 1
    meta = [_read_json(p.parent / name) for name in ("generation_config.json", "config.json")]
    tok_cfg = _read_json(p.parent / "tokenizer_config.json")

    def from_configs(key: str, names: tuple[str, ...]) -> list[int]:
        for cfg in meta:
            ids = _ids(cfg.get(f"{key}_token_id"), size)
            if ids:
                return ids
        token = tok_cfg.get(f"{key}_token")
        if isinstance(token, dict):  # {"content": "<|im_end|>", ...} in older configs
            token = token.get("content")
        for name in (token, *names) if isinstance(token, str) else names:
            t = tok.token_to_id(name)
            if t is not None:
                return [t]
        return []

    bos = from_configs("bos", _BOS_NAMES)
    return ServedTokenizer(tok, str(p), size, bos[0] if bos else None, tuple(from_configs("eos", _EOS_NAMES)))


def _read_json(path: Path) -> dict[str, Any]:
    if not path.is_file():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as e:
        raise EngineInputError(f"{path}: unreadable JSON ({e})") from None
    return data if isinstance(data, dict) else {}


def _ids(value: Any, size: int) -> list[int]:
    """Token ids of a config entry (an id or a list of ids), those inside the vocabulary."""
    items = value if isinstance(value, list) else [value]
    return [int(v) for v in items if isinstance(v, int) and not isinstance(v, bool) and 0 <= v < size]
