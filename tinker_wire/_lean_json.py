"""JSON decoding that does not amplify: long numeric arrays go straight into numpy arrays.

``orjson.loads`` makes one Python object per number (~32 bytes each, 6-8x the JSON text for tensor-heavy
bodies). :func:`loads_lean` instead

1. finds the numeric arrays with one regex pass that skips string literals (so ``"[1,2,3]"`` inside a
   string is never touched) and only stops at arrays with at least ``min_array`` elements;
2. parses each in bounded chunks with orjson itself into a preallocated numpy array (so number syntax,
   error messages and values are exactly orjson's, and the transient Python objects stay small);
3. replaces each array in the text by a placeholder string, parses the now small rest with orjson and
   puts the arrays back.

Invalid input re-parses a same-length copy of the text with the arrays blanked out, so the error is the
one :func:`~tinker_wire.loads` gives (message, line, column and char) for a document with one error.
"""

from __future__ import annotations

import array
import codecs
import dataclasses
import functools
import re
import secrets
from typing import Any

import numpy as np
import orjson

from ._errors import WireError
from ._json import loads

__all__ = ["LeanDoc", "lean_skeleton", "loads_lean"]

# Bytes of array text handed to orjson at a time: bounds the transient Python objects to ~2 MiB.
_CHUNK = 1 << 16
# Elements scanned at a time by the skeleton's integrality check (bounds its temporaries).
_BLOCK = 1 << 16

# What a JSON number array holds between its commas (explicit chars: sre matches them much faster than \s).
_NUM_CHARS = rb"[ \t\n\r0-9.eE+\-]"
# A string literal; the unrolled loop with possessive repeats keeps the regex linear.
_STRING = rb'"[^"\\]*+(?:\\.[^"\\]*+)*+"'
# Outside strings, an array up to its first ']' without these holds nothing but numbers (or is invalid).
# '[' first: it settles nested candidates within a short distance, which keeps the scan linear.
_NOT_NUMERIC = (b"[", b'"', b"{", b"t", b"f", b"n")
_NON_SPACE = re.compile(rb"\S")
# Blank out array text but keep line breaks, so re-parsed error positions (line/column/char) stay exact.
_BLANK = bytes(c if c in b"\r\n" else 0x20 for c in range(256))


@functools.lru_cache(maxsize=8)
def _scanner(min_array: int) -> re.Pattern[bytes]:
    """``match`` from a position: skip to the ``[`` of the next candidate array (group 1), the end, or
    a ``"`` that opens no complete string (the document is invalid: scanning stops there).

    The skip loop consumes plain text, whole string literals and any ``[`` not followed by
    ``min_array - 1`` commas of number characters (so small arrays cost no Python-level iteration).
    The candidate's end is found with ``bytes.find`` (memchr), much faster than a regex over its text.
    """
    big = _big(min_array)
    skip = rb'(?:[^"\[]++|' + _STRING + rb"|\[(?!" + big + rb"))*+"
    return re.compile(skip + rb'(?:(\[)|\Z|")', re.DOTALL)


def _big(min_array: int) -> bytes:
    return rb"(?:" + _NUM_CHARS + rb"*+,){%d}" % (min_array - 1)


@functools.lru_cache(maxsize=8)
def _prefilter(min_array: int) -> re.Pattern[bytes]:
    """Any candidate at all, strings ignored: a C-speed search that spares documents without one the scan."""
    return re.compile(rb"\[" + _big(min_array))


class _BadArray(Exception):
    """A numeric array orjson refuses; ``tail`` reproduces the refusal in context after ``buf[:start]``."""

    def __init__(self, start: int, tail: bytes) -> None:
        super().__init__(start)
        self.start = start
        self.tail = tail


def _bad_array(buf: bytes, s: int, a: int, b: int) -> _BadArray:
    """Array ``buf[s:]`` whose chunk ``buf[a:b]`` is refused: keep that chunk and the byte after it verbatim.

    The elements before the chunk (already accepted) become ``0`` plus blanks of the same length.
    """
    if a == s + 1:
        return _BadArray(s, buf[s : b + 1])
    head = bytearray(buf[s + 1 : a - 1].translate(_BLANK))
    m = _NON_SPACE.search(buf, s + 1, a - 1)
    head[(m.start() if m else s + 1) - s - 1] = ord("0")
    return _BadArray(s, b"[" + bytes(head) + buf[a - 1 : b + 1])


def _parse_array(buf: bytes, view: memoryview, s: int, e: int) -> np.ndarray | None:
    """Parse the number array ``buf[s:e]`` (brackets included) into int64 or float64.

    ``None`` means "leave it to orjson as a list": an integer literal outside int64, or ``[]``.
    """
    if _NON_SPACE.search(buf, s + 1, e - 1) is None:  # only a candidate when min_array == 1
        return None
    is_float = any(buf.find(c, s, e) >= 0 for c in (b".", b"e", b"E"))
    n = buf.count(b",", s, e) + 1
    out = np.empty(n, np.float64 if is_float else np.int64)
    i, a, end = 0, s + 1, e - 1
    while a <= end:
        b = buf.find(b",", a + _CHUNK, end) if a + _CHUNK < end else -1
        if b < 0:
            b = end
        try:
            vals = orjson.loads(b"".join((b"[", view[a:b], b"]")))
        except orjson.JSONDecodeError:
            raise _bad_array(buf, s, a, b) from None
        k = len(vals)
        if k == 0 or i + k > n:  # a stray comma next to the cut (`,,` or `,]`)
            raise _bad_array(buf, s, a, b)
        if is_float:
            out[i : i + k] = vals
        else:
            # array('q') refuses what int64 cannot hold exactly: ints >= 2**63 (OverflowError) and the
            # floats orjson makes of integers beyond [-2**63, 2**64) (TypeError); numpy would truncate.
            try:
                out[i : i + k] = np.frombuffer(array.array("q", vals), np.int64)
            except (OverflowError, TypeError):
                return None
        i += k
        a = b + 1
    if i != n:  # unreachable for text the scanner matched; never return a half-filled array
        raise _bad_array(buf, s, s + 1, end)
    return out


def _is_utf8(buf: bytes) -> bool:
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        for i in range(0, len(buf), _CHUNK):  # chunked: no full-size str
            decoder.decode(buf[i : i + _CHUNK])
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def _exact_error(buf: bytes, spans: list[tuple[int, int]], stop: int, tail: bytes = b"") -> WireError:
    """The error ``loads`` reports, from ``buf[:stop] + tail`` with the arrays in ``spans`` blanked.

    Each array becomes ``[`` blanks ``]`` (same length, same line breaks), so positions are unchanged, an
    error at an array's start (e.g. an array used as a key) reads the same ``[``, and nothing can merge
    with a neighbouring token (a ``0`` could: ``1[2,3]`` would become the number ``10``). Error path only.
    """
    if not _is_utf8(buf):  # orjson checks this before parsing (and fails at char 0 without building objects)
        try:
            loads(buf)
        except WireError as err:
            return err
    parts: list[bytes] = []
    last = 0
    for s, e in spans:
        if s >= stop:
            break
        parts += (buf[last:s], b"[", buf[s + 1 : e - 1].translate(_BLANK), b"]")
        last = e
    parts += (buf[last:stop], tail)
    try:
        orjson.loads(b"".join(parts))
    except orjson.JSONDecodeError as err:
        return WireError(f"invalid JSON: {err}")
    return WireError(f"invalid JSON: malformed number array at byte {stop}")  # defensive, not expected


def _substitute(root: Any, prefix: str, arrays: list[np.ndarray]) -> tuple[Any, int]:
    """Put the arrays back in place of their placeholder strings (in place); return root and count found.

    Iterative, because orjson allows nesting deeper than Python's recursion limit.
    """
    plen = len(prefix)
    if type(root) is str:
        return (arrays[int(root[plen:])], 1) if root.startswith(prefix) else (root, 0)
    found = 0
    stack = [root] if type(root) in (dict, list) else []
    while stack:
        node = stack.pop()
        for k, v in node.items() if type(node) is dict else enumerate(node):
            t = type(v)
            if t is str:
                if v.startswith(prefix):
                    node[k] = arrays[int(v[plen:])]
                    found += 1
            elif t is dict or t is list:
                stack.append(v)
    return root, found


def _has_placeholder_key(root: Any, prefix: str) -> bool:
    stack = [root]
    while stack:
        node = stack.pop()
        if type(node) is dict:
            if any(k.startswith(prefix) for k in node):
                return True
            stack.extend(v for v in node.values() if type(v) in (dict, list))
        elif type(node) is list:
            stack.extend(v for v in node if type(v) in (dict, list))
    return False


def _first_fractional(arr: np.ndarray) -> float | None:
    for i in range(0, arr.size, _BLOCK):
        blk = arr[i : i + _BLOCK]
        hit = np.flatnonzero(blk != np.trunc(blk))
        if hit.size:
            return float(blk[hit[0]])
    return None


def _representatives(arr: np.ndarray) -> object:
    """A short list that passes the same per-item type and bound checks as ``arr.tolist()``.

    Holds min and max (so ``minimum``/``maximum``/``exclusive*`` item bounds keep their verdict), and for
    float arrays one non-integral value when min and max are integral (so ``type: integer`` fails alike).
    Two elements whenever ``arr`` has two or more, so an all-equal array still has duplicates. Any other
    array is returned exactly, as ``arr.tolist()`` (a scalar, not a list, for a 0-d array).
    """
    if arr.ndim != 1 or arr.dtype.kind not in "iuf" or arr.size == 0:
        return arr.tolist()  # not something loads_lean produces: exact, not lean
    lo, hi = arr.min().item(), arr.max().item()
    reps = [lo] if arr.size == 1 else [lo, hi]
    if arr.dtype.kind == "f" and float(lo).is_integer() and float(hi).is_integer():
        frac = _first_fractional(arr)
        if frac is not None:
            reps.append(frac)
    return reps


def lean_skeleton(doc: Any) -> Any:
    """``doc`` with every numpy array replaced by :func:`_representatives` (containers copied, leaves shared)."""
    if isinstance(doc, np.ndarray):
        return _representatives(doc)
    if type(doc) is dict:
        root: Any = dict(doc)
    elif type(doc) is list:
        root = list(doc)
    else:
        return doc
    stack = [root]
    while stack:
        node = stack.pop()
        for k, v in node.items() if type(node) is dict else enumerate(node):
            if isinstance(v, np.ndarray):
                node[k] = _representatives(v)
            elif type(v) is dict or type(v) is list:
                node[k] = copy = dict(v) if type(v) is dict else list(v)
                stack.append(copy)
    return root


@dataclasses.dataclass(eq=False)
class LeanDoc:
    """Result of :func:`loads_lean`.

    ``doc``: the parsed document, long numeric arrays as 1-D numpy arrays.
    ``arrays``: how many arrays were turned into numpy arrays.
    ``skeleton`` (computed on first access from ``doc``): ``doc`` with each numpy array replaced by a
    list of at most 3 representative elements for JSON Schema validation, see :func:`loads_lean`.
    """

    doc: Any
    arrays: int = 0

    @functools.cached_property
    def skeleton(self) -> Any:
        return lean_skeleton(self.doc)


def loads_lean(data: bytes | bytearray | memoryview | str, *, min_array: int = 64) -> LeanDoc:
    """Parse JSON like :func:`~tinker_wire.loads`, but every array of ``>= min_array`` plain JSON numbers
    becomes a 1-D numpy array: int64 when every element is an integer literal (no ``.``, ``e``, ``E``),
    else float64.

    Values are exactly orjson's (orjson parses the numbers), except that a float64 array converts the
    integer literals it contains to float64 (as ``np.asarray`` would on the list; exact below 2**53).
    An integer array with a literal outside int64 stays a Python list (orjson's ints and floats as-is).
    Everything else (including shorter arrays and arrays mixing numbers with other values) is exactly
    what orjson gives. Peak memory is the numpy arrays (8 bytes per element) plus the non-array part as
    Python objects plus ~2 MiB; ``bytes`` input is not copied (other types are, once).

    ``.skeleton`` replaces each numpy array by [min, max] (plus a non-integral element for a float array
    whose min and max are integral): a JSON Schema validator gives it the same verdict as the full array
    for ``type`` and ``minimum``/``maximum``/``exclusiveMinimum``/``exclusiveMaximum`` on the items, but
    *not* for ``minItems``/``maxItems``/``uniqueItems``/``multipleOf``/``contains``/``prefixItems``/
    ``enum``/``const``, and error locations point into the skeleton.

    Invalid JSON (including NaN/Infinity and malformed numbers) raises :class:`WireError` with the
    message ``loads`` gives (for documents with several errors possibly a later one).
    """
    if min_array < 1:
        raise ValueError(f"min_array must be >= 1, got {min_array}")
    if isinstance(data, str):
        try:
            buf = data.encode("utf-8")
        except UnicodeEncodeError:  # lone surrogates: let loads raise orjson's error
            return LeanDoc(loads(data))
    else:
        buf = bytes(data)  # no copy for bytes
    if not _prefilter(min_array).search(buf):
        return LeanDoc(loads(buf))
    view = memoryview(buf)
    scan = _scanner(min_array).match
    spans: list[tuple[int, int]] = []
    arrays: list[np.ndarray] = []
    pos, n = 0, len(buf)
    close = -1  # the first ']' at or after the last candidate: reused so every ']' is searched for once
    while pos < n:
        m = scan(buf, pos)
        assert m is not None  # the pattern always matches
        pos = m.end()
        s = m.start(1)
        if s < 0:
            break  # the end, or an unterminated string: the rest goes to orjson as it is
        if close < s:
            close = buf.find(b"]", s)
            if close < 0:
                break  # unterminated array: invalid, orjson reports it
        e = close + 1
        if any(buf.find(c, s + 1, e) >= 0 for c in _NOT_NUMERIC):
            continue  # nested or mixed: scan on inside it
        pos = e
        try:
            arr = _parse_array(buf, view, s, e)
        except _BadArray as bad:
            raise _exact_error(buf, spans, bad.start, bad.tail) from None
        if arr is not None:
            spans.append((s, e))
            arrays.append(arr)
    if not arrays:
        return LeanDoc(loads(buf))

    # Placeholders are strings starting with NUL, which JSON text can only spell as \u0000; when the
    # input has that escape, a random 128-bit nonce keeps the user's strings from matching them.
    prefix = "\x00" if b"\\u0000" not in buf else f"\x00{secrets.token_hex(16)}:"
    marker = b'"\\u0000' + prefix[1:].encode()
    parts: list[bytes | memoryview] = []
    last = 0
    for i, (s, e) in enumerate(spans):
        parts += (view[last:s], b'%s%d"' % (marker, i))
        last = e
    parts.append(view[last:])
    try:
        tree = orjson.loads(b"".join(parts))
    except orjson.JSONDecodeError:
        raise _exact_error(buf, spans, n) from None
    del parts
    tree, found = _substitute(tree, prefix, arrays)
    # A missing placeholder was either dropped by a duplicate key (fine) or used as an object key.
    if found < len(arrays) and _has_placeholder_key(tree, prefix):
        raise _exact_error(buf, spans, n)
    return LeanDoc(tree, len(arrays))
