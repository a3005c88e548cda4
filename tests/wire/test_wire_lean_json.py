"""loads_lean: numeric arrays straight into numpy, everything else (values, errors) exactly like loads."""

from __future__ import annotations

import tracemalloc
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

import jsonschema_rs
import numpy as np
import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import tinker_wire as w
from tinker_wire import _lean_json

INT64 = (-(2**63), 2**63 - 1)


def expected(x: Any, min_array: int) -> Any:
    """What loads_lean should give, computed from orjson's own result."""
    if isinstance(x, list):
        if len(x) >= min_array and all(type(v) in (int, float) for v in x):
            if all(type(v) is int for v in x):
                return np.array(x, np.int64) if all(INT64[0] <= v <= INT64[1] for v in x) else x
            return np.array(x, np.float64)
        return [expected(v, min_array) for v in x]
    if isinstance(x, dict):
        return {k: expected(v, min_array) for k, v in x.items()}
    return x


def assert_same(got: Any, exp: Any) -> None:
    """Equal with exact types: int vs float, ndarray dtype, float bits (so -0.0 is not 0.0), key order."""
    if isinstance(exp, np.ndarray):
        assert isinstance(got, np.ndarray) and got.dtype == exp.dtype and got.shape == exp.shape
        assert np.array_equal(got.view(np.uint64), exp.view(np.uint64))
        return
    assert type(got) is type(exp), (got, exp)
    if isinstance(exp, dict):
        assert list(got) == list(exp)
        for k in exp:
            assert_same(got[k], exp[k])
    elif isinstance(exp, list):
        assert len(got) == len(exp)
        for g, e in zip(got, exp, strict=True):
            assert_same(g, e)
    else:
        assert got == exp and repr(got) == repr(exp)


def array_pairs(skeleton: Any, full: Any, exp: Any) -> Iterator[tuple[Any, Any]]:
    """(skeleton node, orjson's full list) for every array that became a numpy array."""
    if isinstance(exp, np.ndarray):
        yield skeleton, full
    elif isinstance(exp, dict):
        for k in exp:
            yield from array_pairs(skeleton[k], full[k], exp[k])
    elif isinstance(exp, list):
        for s, f, e in zip(skeleton, full, exp, strict=True):
            yield from array_pairs(s, f, e)
    else:
        assert skeleton == full


ITEM_SCHEMAS = [
    {"type": "integer"},
    {"type": "number"},
    {"type": "string"},
    {"type": "integer", "minimum": 0, "maximum": 2147483647},  # tokens, as in openapi/tinker.yaml
    {"type": "number", "minimum": -1.5, "exclusiveMaximum": 1000},
    {"type": "number", "exclusiveMinimum": 0},
]
VALIDATORS = [jsonschema_rs.validator_for({"type": "array", "items": s}) for s in ITEM_SCHEMAS]

# Strings that a careless pre-pass would take for arrays, or that collide with placeholders.
TRICKY = [
    "[" + ",".join(["1"] * 80) + "]",
    '"[' + ",".join(["2"] * 80) + ']"',
    "\\",
    '\\"',
    "\x00",
    "\x000",
    "\x001",
    "][,",
    "é[1,2,3]ü",
    "\\u0000",
]

numbers = st.one_of(
    st.integers(-1000, 10**6),
    st.integers(-(2**63), 2**64 - 1),  # orjson.dumps range; > int64 keeps the list
    st.floats(allow_nan=False, allow_infinity=False),
    st.sampled_from([0.0, -0.0, 1.0, 1e300, 5e-324, 2.0**53 + 1, 0.1]),
)


def numeric_arrays(max_len: int) -> st.SearchStrategy[list[Any]]:
    return st.one_of(
        st.lists(st.integers(-5, 10**9), max_size=max_len),
        st.lists(st.floats(allow_nan=False, allow_infinity=False, width=32), max_size=max_len),
        st.lists(numbers, max_size=max_len),
    )


def documents(max_len: int) -> st.SearchStrategy[Any]:
    text = st.one_of(st.text(st.characters(exclude_categories=("Cs",)), max_size=12), st.sampled_from(TRICKY))
    leaves = st.one_of(st.none(), st.booleans(), numbers, text, numeric_arrays(max_len))
    return st.recursive(
        leaves,
        lambda kids: st.one_of(
            st.lists(kids, max_size=4),
            st.dictionaries(text, kids, max_size=4),
            # a numeric array with one non-number in it stays a list
            st.tuples(numeric_arrays(max_len), st.sampled_from([None, True, "x", [1], {}])).map(
                lambda t: [*t[0], t[1]]
            ),
        ),
        max_leaves=12,
    )


@settings(derandomize=True, max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data(), min_array=st.integers(1, 8), indent=st.booleans())
def test_matches_orjson_and_skeleton_validates_alike(data: st.DataObject, min_array: int, indent: bool) -> None:
    doc = data.draw(documents(max_len=min_array + 4))
    body = orjson.dumps(doc, option=orjson.OPT_INDENT_2 if indent else 0)  # indent: newlines inside arrays
    full = orjson.loads(body)
    exp = expected(full, min_array)
    lean = w.loads_lean(body, min_array=min_array)
    assert_same(lean.doc, exp)
    pairs = list(array_pairs(lean.skeleton, full, exp))
    assert lean.arrays == len(pairs)
    for skel, lst in pairs:
        assert 1 <= len(skel) <= 3
        for v in VALIDATORS:
            assert v.is_valid(skel) == v.is_valid(lst), (v, skel, lst)


def test_types_values_and_fallbacks() -> None:
    n = 70
    doc = {
        "ints": list(range(-3, n)),
        "floats": [0.5] * n,
        "mixed": [1, 2.5] * n,  # float64, like np.asarray of the list
        "exp": [1e5] + [1] * n,  # 'e' makes it a float array
        "short": [1, 2, 3],
        "not_numbers": [1] * n + [None],
        "nested": [[1] * n, [2.0] * n],
        "over_int64": [2**63] + [1] * n,  # stays a list, exactly orjson's ints
        "u64_in_float": [2**64 - 1] + [0.5] * n,
        "s": "[" + ",".join(["1"] * n) + "]",
    }
    body = orjson.dumps(doc)
    got = w.loads_lean(body).doc
    assert_same(got, expected(orjson.loads(body), 64))
    assert got["ints"].dtype == np.int64 and got["floats"].dtype == np.float64 and got["mixed"].dtype == np.float64
    assert type(got["over_int64"]) is list and got["over_int64"][0] == 2**63
    assert isinstance(got["s"], str)
    assert w.loads_lean(body).arrays == 7


@pytest.mark.parametrize(
    ("literal", "value"),
    [
        ("18446744073709551616", 1.8446744073709552e19),  # beyond uint64: orjson gives a float, so do we
        ("-9223372036854775809", -9.223372036854776e18),
        ("9223372036854775807", 2**63 - 1),
        ("-9223372036854775808", -(2**63)),
        ("-0", 0),
        ("1E2", 100.0),
        ("-0.0", -0.0),
        ("1e-400", 0.0),
        ("0.30000000000000004", 0.30000000000000004),
        ("123456789012345678901234567890e-10", 1.2345678901234568e19),
    ],
)
def test_number_edge_cases_match_orjson(literal: str, value: float) -> None:
    body = f"[{literal}, {', '.join(['7'] * 70)}]".encode()
    ref = orjson.loads(body)
    assert ref[0] == value and repr(ref[0]) == repr(value)
    got = w.loads_lean(body).doc
    if literal.lstrip("-").isdigit() and not INT64[0] <= int(literal) <= INT64[1]:
        assert_same(got, ref)  # an integer literal outside int64 keeps orjson's list (here with its float)
    else:
        assert_same(got, expected(ref, 64))


def test_long_arrays_cross_chunks_with_whitespace() -> None:
    rng = np.random.default_rng(1)
    ints = rng.integers(-(2**62), 2**62, 50_000)
    floats = rng.standard_normal(50_000) * 10.0 ** rng.integers(-300, 300, 50_000)
    assert len(orjson.dumps(ints.tolist())) > 10 * _lean_json._CHUNK
    body = orjson.dumps({"i": ints, "f": floats}, option=orjson.OPT_SERIALIZE_NUMPY | orjson.OPT_INDENT_2)
    got = w.loads_lean(body).doc
    assert got["i"].dtype == np.int64 and np.array_equal(got["i"], ints)
    assert np.array_equal(got["f"].view(np.uint64), floats.view(np.uint64))
    # a float array whose later chunks hold only integers, some beyond int64
    mixed = [0.5] + [2**64 - 1, 2**53 + 1, -(2**63)] * 10_000
    got_mixed = w.loads_lean(orjson.dumps(mixed)).doc
    assert got_mixed.dtype == np.float64 and got_mixed.tolist() == [float(v) for v in mixed]
    spaced = b"[ " + b" ,\n\t".join(str(v).encode() for v in ints[:5000].tolist()) + b"\r\n]"
    assert np.array_equal(w.loads_lean(spaced).doc, ints[:5000])


def test_inputs_placeholders_and_structure() -> None:
    arr = list(range(64))
    # str / bytearray / memoryview input
    for data in (orjson.dumps(arr).decode(), bytearray(orjson.dumps(arr)), memoryview(orjson.dumps(arr))):
        assert_same(w.loads_lean(data).doc, np.arange(64))
    # user strings that look like placeholders (\u0000 in the input switches to a random nonce)
    doc = {"a": arr, "b": "\x000", "c": ["\x001", arr], "\x000": arr}
    assert_same(w.loads_lean(orjson.dumps(doc)).doc, expected(doc, 64))
    # duplicate keys: the last wins, as in orjson
    assert_same(w.loads_lean(b'{"a": %s, "a": 2}' % orjson.dumps(arr)).doc, {"a": 2})
    assert_same(w.loads_lean(b'{"a": 2, "a": %s}' % orjson.dumps(arr)).doc, {"a": np.arange(64)})
    # deeper than Python's recursion limit allows for a recursive walk (orjson's limit is 1024)
    got = w.loads_lean(b"[" * 1000 + orjson.dumps(arr) + b"]" * 1000)
    inner, skel = got.doc, got.skeleton
    for _ in range(1000):
        inner, skel = inner[0], skel[0]
    assert_same(inner, np.arange(64))
    assert skel == [0, 63]
    # no candidates at all: plain orjson
    plain = w.loads_lean(b'{"x": [1, 2], "y": "z"}')
    assert plain.doc == {"x": [1, 2], "y": "z"} and plain.arrays == 0 and plain.skeleton == plain.doc
    with pytest.raises(ValueError, match="min_array"):
        w.loads_lean(b"[]", min_array=0)


def test_skeleton() -> None:
    doc = {
        "i": np.array([5, -2, 9], np.int64),
        "f_int": np.array([3.0, 1.0, 2.0]),
        "f_frac": np.array([3.0, 1.0, 2.5, 2.0]),
        "one": np.array([4.5]),
        "same": np.zeros(5, np.int64),
        "k": [{"x": np.array([0.25, 0.5])}, "s"],
    }
    sk = w.lean_skeleton(doc)
    assert sk == {
        "i": [-2, 9],
        "f_int": [1.0, 3.0],
        "f_frac": [1.0, 3.0, 2.5],
        "one": [4.5],
        "same": [0, 0],  # an all-equal array keeps its duplicates (uniqueItems fails alike)
        "k": [{"x": [0.25, 0.5]}, "s"],
    }
    assert type(sk["i"][0]) is int and type(sk["f_int"][0]) is float
    assert isinstance(doc["i"], np.ndarray) and isinstance(doc["k"][0]["x"], np.ndarray)  # doc untouched


# --- invalid input: the same WireError (message, line, column, char) as loads ------------------------------

BAD_LITERALS = [
    "01", "-01", "00", "1.", "-", "1e", "1e+", "1E-", "+1", ".5", "1.e5", "--1", "0x10", "1_0", "1 2", "",
    " ", "NaN", "Infinity", "-Infinity", "1e400", "-1e400", "1\f", "1]", "1:", "x", "1}",
]  # fmt: skip


def _bad_bodies() -> Iterator[bytes]:
    for n, sep in ((70, b","), (70, b",\n  "), (40_000, b", ")):  # 40k elements: several chunks
        for where in (0, n // 2, n - 1):
            for lit in BAD_LITERALS:
                if n > 100 and lit not in ("01", "", "1e", "NaN", "1 2"):
                    continue
                items = [b"12345"] * n
                items[where] = lit.encode()
                yield b'{"a": [1, 2], "b": "[1,2]", "t": [' + sep.join(items) + b'],\n "z": 1}'
    arr = b"[" + b",".join([b"1"] * 80) + b"]"
    yield arr[:-1] + b",]"  # trailing comma
    yield b"[," + arr[1:]  # leading comma
    yield arr[:-1]  # unterminated
    yield b"{" + arr + b": 1}"  # array as a key
    yield b'{"k": 1, ' + arr + b": 1}"
    yield b'{"k": ' + arr + b", " + arr + b": 1}"
    yield b'{"k" ' + arr + b"}"  # missing colon
    yield b"[" + arr + b" " + arr + b"]"  # missing comma
    yield b"[true " + arr + b"]"
    yield b'["abc, ' + arr + b"]"  # unterminated string
    yield b'["abc\\", ' + arr + b"]"
    yield b'{"a": tru, "b": ' + arr + b"}"  # error before an array
    yield b'{"a": ' + arr + b', "b": tru}'  # error after one
    yield b'{"a": ' + arr + b', "b": "\xff"}'  # invalid UTF-8
    yield b'{"a": ' + arr + b', "b": "\x01"}'  # control character in a string
    yield b'{"\xc3\xa9": ' + arr + b',\n "b": [1, 2 3]}'  # non-ASCII before the error: char positions
    yield arr + b" 1"
    yield b"[" * 1030 + arr + b"]" * 1030  # depth limit


@pytest.mark.parametrize("body", list(_bad_bodies()))
def test_invalid_json_same_error_as_loads(body: bytes) -> None:
    with pytest.raises(w.WireError) as ref:
        w.loads(body)
    with pytest.raises(w.WireError) as got:
        w.loads_lean(body)
    assert str(got.value) == str(ref.value)
    assert str(got.value).startswith("invalid JSON: ")


def test_lone_surrogate_str() -> None:
    with pytest.raises(w.WireError, match="invalid JSON"):
        w.loads_lean('["\ud800", ' + ",".join(["1"] * 80) + "]")


@settings(derandomize=True, max_examples=300, deadline=None)
@given(pos=st.integers(0, 10_000), byte=st.sampled_from(b'[]{}",:.-+eE 0123456789\\tfn\x00\n'))
def test_single_byte_mutations_agree_with_loads(pos: int, byte: int) -> None:
    base = orjson.dumps(
        {"a": list(range(90)), "b": ["[1,2]", 0.5], "c": [0.25] * 70, "d": [[-1] * 66, {"e": '\\"x'}]},
        option=orjson.OPT_INDENT_2,
    )
    body = bytearray(base)
    body[pos % len(body)] = byte
    try:
        ref: Any = ("ok", w.loads(bytes(body)))
    except w.WireError as e:
        ref = ("err", str(e))
    try:
        lean = w.loads_lean(bytes(body), min_array=64)
    except w.WireError as e:
        assert ref == ("err", str(e))
        return
    assert ref[0] == "ok"
    assert_same(lean.doc, expected(ref[1], 64))


T = TypeVar("T")


def _traced(fn: Callable[[], T]) -> tuple[T, tuple[int, int]]:
    """fn()'s result and tracemalloc's (current, peak) bytes while it ran (the result still held)."""
    tracemalloc.start()
    try:
        out = fn()
        return out, tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()


# --- memory: deterministic tracemalloc bound ----------------------------------------------------------------


def test_peak_memory_is_the_arrays_not_python_objects() -> None:
    rng = np.random.default_rng(0)
    n_datums, n = 64, 4096
    body = orjson.dumps(
        {
            "data": [
                {
                    "tokens": rng.integers(0, 150_000, n).tolist(),
                    "weights": {"data": rng.integers(0, 2, n).tolist(), "dtype": "int64", "shape": [n]},
                    "logprobs": {"data": np.round(-rng.random(n) * 5, 4).tolist(), "dtype": "float32"},
                }
                for _ in range(n_datums)
            ]
        }
    )
    elements = 3 * n_datums * n
    lean, (_, peak) = _traced(lambda: w.loads_lean(body))
    assert lean.arrays == 3 * n_datums
    # 8 bytes per element for the arrays; every element takes >= 2 bytes of JSON ("0,"), so even the
    # worst case stays ~4x the JSON; the rest (small Python tree, chunk transients) is a small constant.
    assert peak <= 8 * elements + len(body) // 10 + 3 * 2**20, (peak, len(body))
    full, (held, _) = _traced(lambda: orjson.loads(body))
    del full
    assert peak < held / 2, (peak, held)  # orjson holds a Python object per number (even 0/1 cost a slot)


# --- tensor_from_json takes the numpy arrays, with the same checks and messages ----------------------------

TENSORS: list[dict[str, Any]] = [
    {"data": [1, 2, 3, 4], "dtype": "int64", "shape": [2, 2]},
    {"data": [1.0, 2.0], "dtype": "int64"},
    {"data": [1, 2.5], "dtype": "int64"},
    {"data": [1e300, 2.0], "dtype": "int64"},
    {"data": [2**63, 1], "dtype": "int64"},
    {"data": [2**63, 1.5], "dtype": "int64"},
    {"data": [-(2**63), 1], "dtype": "int64"},
    {"data": [1, 2], "dtype": "float32"},
    {"data": [0.1, -2.5e-3], "dtype": "float32"},
    {"data": [1e39, 1.0], "dtype": "float32"},
    {"data": [1, 2, 3], "dtype": "float32", "shape": [2, 2]},
    {"data": [1, 2, 3], "dtype": "float32", "shape": [3.0]},
    {"data": [1, 2, 3], "dtype": "float32", "shape": [-3]},
    {"data": [1, 2], "dtype": "int64", "shape": [2, 2], "sparse_crow_indices": [0, 1, 2], "sparse_col_indices": [1, 0]},
    {"data": [1, 2], "dtype": "int64", "shape": [2, 2], "sparse_crow_indices": [0, 1.5, 2], "sparse_col_indices": [1, 0]},
    {"data": [1, 2], "dtype": "int64", "shape": [2, 2], "sparse_crow_indices": [0, 2, 1], "sparse_col_indices": [1, 0]},
    {"data": [1, 2], "dtype": "int64", "shape": [2, 2], "sparse_crow_indices": [0, 1, 2], "sparse_col_indices": [1, 5]},
    {"data": [1, 2], "dtype": "int64", "shape": [2, 2], "sparse_crow_indices": [0, 1, 2], "sparse_col_indices": [1.0, 0]},
]  # fmt: skip


def _outcome(d: Any) -> Any:
    try:
        t = w.tensor_from_json(d, "T")
    except w.WireError as e:
        return ("err", str(e))
    crow = None if t._crow is None else (t._crow.dtype, t._crow.tolist())
    col = None if t._col is None else (t._col.dtype, t._col.tolist())
    return ("ok", t.dtype, t.shape, t._values.dtype, t._values.tolist(), crow, col)


@pytest.mark.parametrize("d", TENSORS)
def test_tensor_from_json_numpy_same_as_lists(d: dict[str, Any]) -> None:
    lean = w.loads_lean(orjson.dumps(d), min_array=1).doc
    as_arrays = [k for k in ("data", "shape", "sparse_crow_indices") if isinstance(lean.get(k), np.ndarray)]
    assert "data" in as_arrays or d["data"][0] == 2**63  # over int64 stays a list
    assert _outcome(lean) == _outcome(d)


def test_tensor_from_json_keeps_int64_array() -> None:
    data = np.arange(100, dtype=np.int64)
    t = w.tensor_from_json({"data": data, "dtype": "int64"})
    assert t.to_numpy() is data  # no copy, no Python ints
