"""Byte-level tokenizer of the built-in model, built in code with ``tokenizers``.

Ids 0..255 are the 256 byte values (id == byte value); then three special
tokens: ``<|bos|>`` = 256, ``<|eos|>`` = 257, ``<|pad|>`` = 258 (vocab 259).

Every byte is mapped to one printable unicode character (the usual
"byte-level" trick: printable latin-1 bytes map to themselves, the others to
code points from U+0100 upward, in byte order), the BPE model has no merges, so
each UTF-8 byte of the input is exactly one token.  Special-token strings in the
input text are *not* turned into special ids (``encode_special_tokens`` is
on), so ``decode(encode(s).ids) == s`` holds for every unicode string
without surrogates.  Nothing is downloaded.
"""

from __future__ import annotations

import functools

from tokenizers import AddedToken, Tokenizer, decoders, models, pre_tokenizers

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
