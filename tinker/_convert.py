"""Conversions between the public ``tinker.types`` and the wire (``tinker_wire`` values and JSON dicts)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from tinker_api.models import DmelChunk, EncodedTextChunk, ImageAssetPointerChunk, ImageChunk

import tinker_wire as wire
from tinker_wire._lazy import deferred_import
from tinker_wire.tensor import TensorData, checked_int64

from .types.datum import KEY_TO_DTYPE, Datum
from .types.forward_backward_output import ForwardBackwardOutput
from .types.provenance_spans import PromptProvenanceSpan, SampledProvenanceSpan
from .types.sample_response import PromptAltTokens, SampleResponse
from .types.sampled_sequence import SampledSequence
from .types.topk_logprobs import TopkLogprobs

if TYPE_CHECKING:
    import numpy as np
else:
    np = deferred_import("numpy", globals())

__all__ = [
    "datum_to_wire",
    "forward_backward_output_from_protobuf",
    "forward_backward_output_from_wire",
    "forward_backward_request_bytes",
    "forward_backward_wire_request_bytes",
    "forward_backward_wire_request_json",
    "sample_response_from_wire",
]

_INT32_MIN, _INT32_MAX = -(2**31), 2**31 - 1


def _token_array(tokens: Sequence[int], index: int) -> np.ndarray:
    try:
        # fromiter reads a list a third faster than asarray (no shape discovery); arrays pass through as views
        if isinstance(tokens, list):
            arr = np.fromiter(tokens, dtype=np.int64, count=len(tokens))
        else:
            arr = np.asarray(tokens, dtype=np.int64)
    except (OverflowError, TypeError, ValueError) as exc:
        raise ValueError(f"model_input.chunks[{index}]: token ids must be integers that fit int32: {exc}") from None
    if arr.size:
        lo, hi = int(arr.min()), int(arr.max())
        if lo < _INT32_MIN or hi > _INT32_MAX:  # the protobuf field is int32
            raise ValueError(
                f"model_input.chunks[{index}]: token id {lo if lo < _INT32_MIN else hi} does not fit int32"
            )
    return arr


def _chunk_to_wire(chunk: Any, index: int) -> wire.WireChunk:
    if isinstance(chunk, EncodedTextChunk):
        return wire.EncodedText(tokens=_token_array(chunk.tokens, index))
    if isinstance(chunk, ImageChunk):
        return wire.Image(data=chunk.data, format=chunk.format, expected_tokens=chunk.expected_tokens)
    if isinstance(chunk, DmelChunk):
        return wire.Dmel(data=chunk.dmel)
    if isinstance(chunk, ImageAssetPointerChunk):  # a valid chunk, just not for training: ValueError, not TypeError
        raise ValueError(  # noqa: TRY004
            f"model_input.chunks[{index}]: ImageAssetPointerChunk cannot be used for training or forward "
            "passes; load the image and pass its bytes as an ImageChunk"
        )
    raise TypeError(f"model_input.chunks[{index}]: unsupported chunk type {type(chunk).__name__}")


def _span_to_wire(span: Any) -> wire.WireSpan:
    if isinstance(span, PromptProvenanceSpan):
        return wire.PromptSpan(sequence_id=span.sequence_id, offset=span.offset, length=span.length)
    if isinstance(span, SampledProvenanceSpan):
        return wire.SampledSpan(sequence_id=span.sequence_id, offset=span.offset, length=span.length)
    raise TypeError(f"unsupported provenance span type {type(span).__name__}")


def _loss_input_to_wire(key: str, t: TensorData) -> TensorData:
    """The tensor itself, except under a key whose dtype is int64 (e.g. a float32 TensorData of target tokens):
    integral values travel as int64, others are refused."""
    if KEY_TO_DTYPE.get(key) != "int64" or t.dtype == "int64":
        return t
    expected = "integer token ids" if key == "target_tokens" else "integer values"
    values = checked_int64(t._values, f"loss_fn_inputs[{key!r}]", expected)
    return TensorData(values, "int64", t.shape, t._crow, t._col)


def datum_to_wire(datum: Datum, where: str = "") -> wire.WireDatum:
    """The codec value of one datum; a problem raises ``ValueError``/``TypeError`` prefixed with ``where``."""
    try:
        return _datum_to_wire(datum)
    except (TypeError, ValueError) as exc:
        if not where:
            raise
        kind = TypeError if isinstance(exc, TypeError) else ValueError
        raise kind(f"{where}: {exc}") from None


def _datum_to_wire(datum: Datum) -> wire.WireDatum:
    out = wire.WireDatum(
        chunks=[_chunk_to_wire(c, i) for i, c in enumerate(datum.model_input.chunks)],
        loss_fn_inputs={k: _loss_input_to_wire(k, v) for k, v in datum.loss_fn_inputs.items()},
        model_input_spans=None
        if datum.model_input_spans is None
        else [_span_to_wire(s) for s in datum.model_input_spans],
        loss_fn_input_spans=None
        if datum.loss_fn_input_spans is None
        else [_span_to_wire(s) for s in datum.loss_fn_input_spans],
    )
    if not _plain(out):
        # Images, dmel, spans and non-ASCII keys carry values (ranges, strings) only the encoder checks in full:
        # check them now, so that a chunk encoded in its turn to be sent cannot fail (see _chunking.Chunks).
        wire.encode_forward_backward_request(wire.WireForwardBackwardRequest("", 0, [out], "", {}, False))
    return out


def _plain(d: wire.WireDatum) -> bool:
    """Text chunks (token ranges already checked), ASCII keys and no spans: nothing the encoder could refuse."""
    if d.model_input_spans is not None or d.loss_fn_input_spans is not None:
        return False
    text = wire.EncodedText
    for c in d.chunks:
        if type(c) is not text:
            return False
    return "".join(d.loss_fn_inputs).isascii()


def check_request(model_id: str, loss_fn: str, loss_fn_config: Mapping[str, float | str] | None) -> None:
    """Raise ``ValueError`` if the parts of a forward_backward request besides its datums cannot be encoded."""
    forward_backward_wire_request_bytes(model_id, 0, [], loss_fn, loss_fn_config, False)


def forward_backward_request_bytes(
    model_id: str,
    seq_id: int,
    data: Sequence[Datum],
    loss_fn: str,
    loss_fn_config: Mapping[str, float | str] | None,
    forward_only: bool,
) -> bytes:
    """The protobuf ``ForwardBackwardRequest`` body."""
    return forward_backward_wire_request_bytes(
        model_id, seq_id, [datum_to_wire(d) for d in data], loss_fn, loss_fn_config, forward_only
    )


def forward_backward_wire_request_bytes(
    model_id: str,
    seq_id: int,
    data: Sequence[wire.WireDatum],
    loss_fn: str,
    loss_fn_config: Mapping[str, float | str] | None,
    forward_only: bool,
) -> bytes:
    """The protobuf ``ForwardBackwardRequest`` body for datums already converted with :func:`datum_to_wire`."""
    return wire.encode_forward_backward_request(
        wire.WireForwardBackwardRequest(
            model_id=model_id,
            seq_id=seq_id,
            data=list(data),
            loss_fn=loss_fn,
            loss_fn_config=dict(loss_fn_config or {}),
            forward_only=forward_only,
        )
    )


_JSON_TEXT_ONLY = "data[{}]: this server reads only JSON training bodies: text chunks, no provenance spans"


def check_json_datums(data: Sequence[wire.WireDatum], first: int = 0) -> None:
    """Raise ``ValueError`` (naming ``data[first + i]``) if a datum cannot go in a JSON training body: one
    with image or dmel chunks or provenance spans, or a float input holding NaN or Infinity (JSON has
    neither). Lets a call check every chunk before it sends any."""
    for i, d in enumerate(data, first):
        if d.model_input_spans is not None or not all(isinstance(c, wire.EncodedText) for c in d.chunks):
            raise ValueError(_JSON_TEXT_ONLY.format(i))
        for key, t in d.loss_fn_inputs.items():
            if t.dtype == "float32" and not np.isfinite(t._values).all():
                raise ValueError(
                    f"data[{i}].loss_fn_inputs[{key!r}]: this server reads only JSON training bodies, which cannot "
                    "represent NaN or Infinity"
                )


def forward_backward_wire_request_json(
    model_id: str,
    seq_id: int,
    data: Sequence[wire.WireDatum],
    loss_fn: str,
    loss_fn_config: Mapping[str, float | str] | None,
    forward_only: bool,
) -> tuple[str, dict[str, Any]]:
    """(operation, JSON body) of the same request for servers that read only JSON: ``forward`` or
    ``forward_backward``. Text chunks only: such servers take no image or dmel input."""
    datums = []
    for i, d in enumerate(data):
        chunks = []
        for c in d.chunks:
            if not isinstance(c, wire.EncodedText) or d.model_input_spans is not None:
                raise ValueError(_JSON_TEXT_ONLY.format(i))
            chunks.append({"type": "encoded_text", "tokens": c.tokens.tolist()})
        datums.append(
            {
                "model_input": {"chunks": chunks},
                "loss_fn_inputs": {k: t.to_json_dict() for k, t in d.loss_fn_inputs.items()},
            }
        )
    inner: dict[str, Any] = {"data": datums, "loss_fn": loss_fn}
    if loss_fn_config:
        inner["loss_fn_config"] = dict(loss_fn_config)
    key = "forward_input" if forward_only else "forward_backward_input"
    return ("forward" if forward_only else "forward_backward"), {"model_id": model_id, "seq_id": seq_id, key: inner}


def forward_backward_output_from_wire(out: wire.WireForwardBackwardOutput) -> ForwardBackwardOutput:
    # The codec's outputs are TensorData already (its decoders build them): no second coercion pass.
    return ForwardBackwardOutput._from_decoded(out.loss_fn_output_type, out.loss_fn_outputs, dict(out.metrics))


def forward_backward_output_from_protobuf(body: bytes) -> ForwardBackwardOutput:
    """A protobuf ForwardBackwardOutput body, checked now; its per-datum tensors are made on first access."""
    out = wire.decode_forward_backward_records(body)
    return ForwardBackwardOutput._from_records(out.loss_fn_output_type, out.records, dict(out.metrics))


def _topk(t: wire.WireTopk | None) -> TopkLogprobs | None:
    if t is None or t.token_ids.size == 0:
        return None
    return TopkLogprobs(token_ids=t.token_ids, logprobs=t.logprobs)


def sample_response_from_wire(resp: wire.WireSampleResponse, sequence_ids: Sequence[str] | None) -> SampleResponse:
    """Decoded protobuf SampleResponse → public type, stamping the future's sequence ids in order."""
    ids = list(sequence_ids) if sequence_ids else []
    seqs = [
        SampledSequence(
            stop_reason=s.stop_reason,
            sequence_id=ids[i] if i < len(ids) else None,
            tokens_np=s.tokens,
            logprobs_np=s.logprobs,
            topk_logprobs_np=_topk(s.topk),
        )
        for i, s in enumerate(resp.sequences)
    ]
    alt = None
    if resp.prompt_alt_tokens is not None:
        alt = PromptAltTokens(tokens=resp.prompt_alt_tokens.tokens, logprobs=resp.prompt_alt_tokens.logprobs)
    return SampleResponse(
        sequences=seqs,
        prompt_logprobs_np=resp.prompt_logprobs,
        topk_prompt_logprobs_np=_topk(resp.topk_prompt_logprobs),
        target_prompt_logprobs=resp.target_prompt_logprobs,
        prompt_cache_hit_tokens=resp.prompt_cache_hit_tokens,
        prompt_alt_tokens=alt,
    )


def sample_response_from_json(body: Mapping[str, Any], sequence_ids: Sequence[str] | None) -> SampleResponse:
    """A JSON SampleResponse (JSON-era servers) → public type with the future's sequence ids."""
    resp = SampleResponse.from_json_dict(body)
    ids = list(sequence_ids or [])
    if ids:
        seqs = [
            SampledSequence(
                stop_reason=s.stop_reason,
                sequence_id=ids[i] if i < len(ids) else s.sequence_id,
                tokens_np=s.tokens_np,
                logprobs_np=s.logprobs_np,
                topk_logprobs_np=s.topk_logprobs_np,
                _tokens_list=s._tokens_list,
                _logprobs_list=s._logprobs_list,
                _topk_logprobs_list=s._topk_logprobs_list,
            )
            for i, s in enumerate(resp.sequences)
        ]
        object.__setattr__(resp, "sequences", seqs)
    return resp
