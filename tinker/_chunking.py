"""The one chunker: split a forward/backward batch into requests within the server's limits, and merge
the per-chunk results back into one output.

Limits come from the server's client config (``fwdbwd_max_chunk_len`` datums and
``fwdbwd_max_chunk_bytes_count`` estimated protobuf bytes per request). Splitting is greedy and keeps
order; a single datum larger than the byte limit travels alone. Metrics merge by the suffix of their key
(``name:reduction``).
"""

from __future__ import annotations

import logging
import math
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from tinker_api.models import DmelChunk, EncodedTextChunk, ImageAssetPointerChunk, ImageChunk

import tinker_wire as wire
from tinker_wire._lazy import deferred_import

from .types.datum import Datum
from .types.forward_backward_output import ForwardBackwardOutput

if TYPE_CHECKING:
    import numpy as np

    from . import _convert
else:
    np = deferred_import("numpy", globals())
    _convert = deferred_import("tinker._convert", globals())

__all__ = ["Chunks", "as_datums", "estimate_bytes", "merge_metrics", "merge_outputs", "split_batch"]

logger = logging.getLogger("tinker.training")


def estimate_bytes(datum: Datum) -> int:
    """Approximate protobuf size of a datum: 4 bytes per token, raw bytes of images/audio, tensor bytes."""
    total = 0
    for chunk in datum.model_input.chunks:
        if isinstance(chunk, EncodedTextChunk):
            total += 4 * len(chunk.tokens)
        elif isinstance(chunk, ImageChunk):
            total += len(chunk.data)
        elif isinstance(chunk, DmelChunk):
            total += len(chunk.dmel)
        elif isinstance(chunk, ImageAssetPointerChunk):
            total += len(chunk.location)
    for tensor in datum.loss_fn_inputs.values():
        total += int(tensor._values.nbytes)
        if tensor._crow is not None and tensor._col is not None:
            total += 8 * (tensor._crow.size + tensor._col.size)
    return total


# Beyond this many estimated body bytes a batch keeps no wire forms after it is checked (each chunk is
# converted again in its turn), and chunks this large together may be encoded and in flight at once: a large
# batch is never held whole as wire forms or as bodies.
KEEP_WIRE_BYTES = 4_000_000
IN_FLIGHT_BYTES = 4_000_000


def _split(data: Sequence[Datum], max_len: int, max_bytes: int) -> tuple[list[list[Datum]], list[int]]:
    if not data:
        raise ValueError("No data provided: forward/forward_backward need at least one Datum")
    if max_len < 1:
        raise ValueError(f"chunk length limit must be >= 1, got {max_len}")
    chunks: list[list[Datum]] = []
    sizes: list[int] = []
    current: list[Datum] = []
    current_bytes = 0
    for datum in data:
        size = estimate_bytes(datum)
        if current and (len(current) >= max_len or current_bytes + size > max_bytes):
            chunks.append(current)
            sizes.append(current_bytes)
            current, current_bytes = [], 0
        current.append(datum)
        current_bytes += size
    chunks.append(current)
    sizes.append(current_bytes)
    return chunks, sizes


def as_datums(data: Sequence[Datum | Mapping[str, Any]]) -> list[Datum]:
    """``data`` as a list of :class:`Datum` (dicts are built into one); anything else is a ``TypeError``."""
    if isinstance(data, (Datum, Mapping, str, bytes)) or not hasattr(data, "__iter__"):
        hint = " (wrap a single datum in a list: [datum])" if isinstance(data, (Datum, Mapping)) else ""
        raise TypeError(f"data must be a list of tinker.Datum, got {type(data).__name__}{hint}")
    out = []
    for i, d in enumerate(data):
        if isinstance(d, Datum):
            out.append(d)
        elif isinstance(d, Mapping):
            out.append(Datum(**d))
        else:
            raise TypeError(f"data[{i}] must be a tinker.Datum, got {type(d).__name__}")
    return out


def split_batch(data: Sequence[Datum], max_len: int, max_bytes: int) -> list[list[Datum]]:
    """Greedy, order-preserving split into chunks of at most ``max_len`` datums and ``max_bytes`` bytes."""
    return _split(data, max_len, max_bytes)[0]


class Chunks:
    """A checked batch in chunks, each encoded only in its turn to be sent (see :meth:`body`).

    ``wire_chunks`` holds the wire forms made while checking a batch of at most ``KEEP_WIRE_BYTES``; a larger
    batch keeps none and converts each chunk again from ``source`` in its turn (converting costs about as much
    as holding the wire form saves: ~1 KB per 64-token datum). ``sizes`` are the estimated body bytes.

    A plain class: nothing compares or prints it, and a dataclass costs more to create than this whole module.
    """

    __slots__ = ("json_checked", "sizes", "source", "wire_chunks")

    def __init__(
        self,
        wire_chunks: list[list[wire.WireDatum] | None],
        source: list[list[Datum]],
        sizes: list[int],
        for_json: bool = False,  # known at once to go as JSON: checked now
    ) -> None:
        self.wire_chunks = wire_chunks
        self.source = source
        self.sizes = sizes
        self.json_checked = False
        if for_json:
            self.check_json()

    @classmethod
    def prepare(cls, data: Sequence[Datum], max_len: int, max_bytes: int, for_json: bool = False) -> Chunks:
        """Split and check every datum now (a ``ValueError``/``TypeError`` names it), before any seq_id is
        reserved: a chunk that failed once others were sent would leave a gap that stalls the model's queue."""
        source, sizes = _split(data, max_len, max_bytes)
        keep = sum(sizes) <= KEEP_WIRE_BYTES
        wire_chunks: list[list[wire.WireDatum] | None] = []
        index = 0
        for chunk in source:
            if keep:
                wire_chunks.append([_convert.datum_to_wire(d, f"data[{index + k}]") for k, d in enumerate(chunk)])
            else:  # converted to be checked, and dropped at once
                for k, d in enumerate(chunk):
                    _convert.datum_to_wire(d, f"data[{index + k}]")
                wire_chunks.append(None)
            index += len(chunk)
        return cls(wire_chunks, source, sizes, for_json)

    def __len__(self) -> int:
        return len(self.source)

    def window(self) -> int:
        """How many chunks may be encoded and in flight at once (at least one)."""
        return max(1, IN_FLIGHT_BYTES // max(max(self.sizes), 1))

    def take(self, i: int) -> list[wire.WireDatum]:
        chunk = self.wire_form(i)
        self.wire_chunks[i] = None
        return chunk

    def wire_form(self, i: int) -> list[wire.WireDatum]:
        chunk = self.wire_chunks[i]
        return chunk if chunk is not None else [_convert.datum_to_wire(d) for d in self.source[i]]

    def body(self, i: int, model_id: str, seq_id: int, request: tuple[str, Any, bool], compress: bool) -> bytes:
        """Chunk ``i``'s protobuf body (``request``: loss_fn, config, forward_only), its wire form dropped.

        Cannot fail on a checked batch (:meth:`prepare` and ``check_request``): a retry resends these bytes."""
        loss_fn, config, forward_only = request
        body = _convert.forward_backward_wire_request_bytes(
            model_id, seq_id, self.take(i), loss_fn, config, forward_only
        )
        return wire.compress_zstd(body) if compress else body

    def json_body(
        self, i: int, model_id: str, seq_id: int, request: tuple[str, Any, bool]
    ) -> tuple[str, dict[str, Any]]:
        """(operation, JSON body) of chunk ``i`` for a server that reads only JSON."""
        self.check_json()  # (once) a chunk JSON cannot carry fails the call before any JSON body goes
        loss_fn, config, forward_only = request
        return _convert.forward_backward_wire_request_json(
            model_id, seq_id, self.wire_form(i), loss_fn, config, forward_only
        )

    def check_json(self) -> None:
        """Raise ``ValueError`` naming the datum if a chunk cannot go in a JSON training body (so a call to a
        JSON-only server checks every chunk before it sends any). Checks once."""
        index = 0
        for i, source in enumerate(self.source if not self.json_checked else ()):
            _convert.check_json_datums(self.wire_form(i), index)
            index += len(source)
        self.json_checked = True


def _weighted_mean(values: list[float], weights: list[int]) -> float:
    total = sum(weights)
    if total == 0:
        return float(np.mean(values))
    return float(sum(v * w for v, w in zip(values, weights)) / total)


def merge_metrics(per_chunk: Sequence[dict[str, float]], weights: Sequence[int]) -> dict[str, float]:
    """Merge chunk metrics by reduction suffix: mean (weighted by datum count), sum, min, max, slack
    (max minus weighted mean), hash2 / hash_unordered (order-free fingerprints) and unique (kept per
    chunk as key, key_1, ...). A key missing from some chunks is merged over the chunks that have it."""
    if len(per_chunk) == 1:
        return dict(per_chunk[0])
    keys: dict[str, None] = {}
    for metrics in per_chunk:
        keys.update(dict.fromkeys(metrics))
    merged: dict[str, float] = {}
    for key in keys:
        present = [(m[key], w) for m, w in zip(per_chunk, weights) if key in m]
        values = [float(v) for v, _ in present]
        ws = [int(w) for _, w in present]
        reduction = key.rsplit(":", 1)[1] if ":" in key else ""
        if reduction == "sum":
            merged[key] = float(math.fsum(values))
        elif reduction == "mean":
            merged[key] = _weighted_mean(values, ws)
        elif reduction == "min":
            merged[key] = min(values)
        elif reduction == "max":
            merged[key] = max(values)
        elif reduction == "slack":
            merged[key] = max(values) - _weighted_mean(values, ws)
        elif reduction == "hash2":
            merged[key] = float(sum(int(v) for v in values) % (1 << 64))
        elif reduction == "hash_unordered":
            merged[key] = float(hash(tuple(sorted(values))) % (1 << 63))
        elif reduction == "unique":
            for i, v in enumerate(values):
                merged[key if i == 0 else f"{key}_{i}"] = v
        else:
            logger.debug("metric %r has no known reduction suffix; keeping the first chunk's value", key)
            merged[key] = values[0]
    return merged


def merge_outputs(outputs: Sequence[ForwardBackwardOutput]) -> ForwardBackwardOutput:
    """Concatenate per-datum outputs in chunk order and merge metrics. Outputs still in record form (see
    ``ForwardBackwardOutput._from_records``) stay so: their per-datum tensors are made on first access."""
    if len(outputs) == 1:
        return outputs[0]
    kind = outputs[0].loss_fn_output_type
    pending = [o._pending_records() for o in outputs]
    if all(records is not None for records in pending):
        counts = [sum(r.num_datums for r in records or ()) for records in pending]
        metrics = merge_metrics([o.metrics for o in outputs], counts)
        return ForwardBackwardOutput._from_records(kind, [r for records in pending for r in records or ()], metrics)
    merged = [rec for out in outputs for rec in out.loss_fn_outputs]
    metrics = merge_metrics([o.metrics for o in outputs], [len(o.loss_fn_outputs) for o in outputs])
    return ForwardBackwardOutput._from_decoded(kind, merged, metrics)
