"""The built-in byte-level tokenizer."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from tokenizers import Tokenizer

from tinker_local.engine import (
    BOS_ID,
    BUILTIN_VOCAB_SIZE,
    EOS_ID,
    PAD_ID,
    builtin_decode,
    builtin_encode,
    builtin_tokenizer,
    builtin_tokenizer_json,
)

TOK = builtin_tokenizer()


@settings(max_examples=200, deadline=None, database=None)
@given(st.text())
def test_roundtrip_any_unicode(s):
    ids = TOK.encode(s).ids
    assert TOK.decode(ids) == s
    assert builtin_decode(builtin_encode(s)) == s
    assert ids == list(s.encode("utf-8"))  # one token per UTF-8 byte, id == byte value


def test_special_tokens_and_size():
    assert TOK.get_vocab_size() == BUILTIN_VOCAB_SIZE == 259
    assert (TOK.token_to_id("<|bos|>"), TOK.token_to_id("<|eos|>"), TOK.token_to_id("<|pad|>")) == (
        BOS_ID,
        EOS_ID,
        PAD_ID,
    )
    assert builtin_decode([104, 105, EOS_ID]) == "hi<|eos|>"
    # special-token text in user input stays plain bytes
    assert builtin_encode("<|eos|>") == list(b"<|eos|>")
    assert builtin_decode(builtin_encode("a<|bos|>b")) == "a<|bos|>b"


def test_json_form_loads_anywhere():
    js = builtin_tokenizer_json()
    t = Tokenizer.from_str(js)
    assert t.encode("héllo").ids == list("héllo".encode())
    assert t.decode(t.encode("héllo 🎉").ids) == "héllo 🎉"
    # in the serialised form special strings are recognised (clients with chat templates)
    assert t.encode("<|eos|>").ids == [EOS_ID]
    assert t.decode([EOS_ID], skip_special_tokens=False) == "<|eos|>"
