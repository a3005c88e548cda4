"""tinker_wire — the one wire codec shared by the ``tinker`` client facade and the ``tinker_local`` server.

What lives here:

* a hand-written protobuf codec (no protobuf runtime needed) for the three protobuf payloads of the
  Tinker API — ``ForwardBackwardRequest``, ``ForwardBackwardOutput`` and ``SampleResponse`` — with the
  field numbers of ``openapi/tinker.proto``;
* numpy-backed value types (``Wire*``) for what those payloads carry;
* the JSON ``TensorData`` form (:func:`tensor_from_json`, :func:`tensor_to_json`, :func:`tensor_to_dense`);
* JSON bodies (:func:`dumps` / :func:`loads`, orjson; NaN/Infinity are rejected), and
  :func:`loads_lean`, which parses long numeric arrays straight into numpy arrays (no Python object per
  number) and offers a small ``skeleton`` of the document for JSON Schema validation;
* zstd request bodies (:func:`decompress_zstd` with a hard size cap, :func:`compress_zstd`);
* content-type constants.

Runtime dependencies: numpy and orjson; ``zstandard`` only when the zstd helpers are called.
Every decoding problem raises :class:`WireError` (a ``ValueError``) naming the message and field.

Conventions chosen where the references leave room:

* ``seq_id`` 0 on the wire means "not set"; encoding ``None`` writes 0.
* ``loss_fn_config`` decodes as the key-wise union of both maps, ``loss_fn_config_v2`` winning.
* A ``Chunk``, ``ProvenanceSpan`` or ``LossConfigValue`` with no known arm set, an unknown
  ``StopReason``, and ``DTYPE_UNSPECIFIED`` (or an unknown dtype) are errors rather than silently dropped.
* Span lists are ``None`` when absent (an empty list encodes as absent). A tensor shape ``()`` cannot
  be told from "no shape" on the wire and decodes as ``None``.
* ``TopkLogprobs`` with ``k == 0`` or ``length == 0`` decodes as ``None``; a top-k cell is a sentinel
  only when both token id 0 and logprob -99999.0 match.
* Sampled ``logprobs`` must have one entry per token (checked on encode and decode).
* ``ForwardBackwardOutput`` encodes as one ``ArrayRecord`` (``type_tag`` = the output type), starting
  a new record only where consecutive datums differ in keys, dtypes or trailing shapes; sparse outputs
  are densified. A trailing shape containing 0 leaves the leading dimension unrecoverable (it decodes as 0).
* Decoded arrays are owned, writable copies (never views of the input body).
* JSON: NaN/Infinity are rejected by :func:`dumps`; :func:`tensor_from_json` ignores unknown keys,
  accepts integral floats for int64 data, and takes numpy arrays wherever the JSON form has a list.
* :func:`loads_lean`: arrays of >= ``min_array`` JSON numbers become int64 (all integer literals) or
  float64 arrays; an integer array with a literal outside int64 stays a list.
"""

from __future__ import annotations

from ._codec import (
    decode_forward_backward_output,
    decode_forward_backward_request,
    decode_sample_response,
    encode_forward_backward_output,
    encode_forward_backward_request,
    encode_sample_response,
)
from ._content import JSON, PROTOBUF, ZSTD, is_json, is_protobuf, media_type
from ._errors import WireError
from ._json import dumps, find_non_finite, loads
from ._lean_json import LeanDoc, lean_skeleton, loads_lean
from ._sample import (
    TOPK_SENTINEL_LOGPROB,
    TOPK_SENTINEL_TOKEN,
    forward_backward_output_from_json,
    forward_backward_output_to_json,
    logprobs_from_list,
    logprobs_to_list,
    sample_response_from_json,
    sample_response_to_json,
    topk_from_lists,
    topk_to_lists,
)
from ._tensor import tensor_from_json, tensor_to_dense, tensor_to_json, validate_tensor
from ._types import (
    Dmel,
    DTypeName,
    EncodedText,
    Image,
    ImageDimensions,
    PromptSpan,
    SampledSpan,
    StopReasonName,
    WireChunk,
    WireDatum,
    WireForwardBackwardOutput,
    WireForwardBackwardRequest,
    WirePromptAltTokens,
    WireSampledSequence,
    WireSampleResponse,
    WireSpan,
    WireTensor,
    WireTopk,
)
from ._zstd import compress_zstd, decompress_zstd

__all__ = [
    "JSON",
    "PROTOBUF",
    "TOPK_SENTINEL_LOGPROB",
    "TOPK_SENTINEL_TOKEN",
    "ZSTD",
    "DTypeName",
    "Dmel",
    "EncodedText",
    "Image",
    "ImageDimensions",
    "LeanDoc",
    "PromptSpan",
    "SampledSpan",
    "StopReasonName",
    "WireChunk",
    "WireDatum",
    "WireError",
    "WireForwardBackwardOutput",
    "WireForwardBackwardRequest",
    "WirePromptAltTokens",
    "WireSampleResponse",
    "WireSampledSequence",
    "WireSpan",
    "WireTensor",
    "WireTopk",
    "compress_zstd",
    "decode_forward_backward_output",
    "decode_forward_backward_request",
    "decode_sample_response",
    "decompress_zstd",
    "dumps",
    "encode_forward_backward_output",
    "encode_forward_backward_request",
    "encode_sample_response",
    "find_non_finite",
    "forward_backward_output_from_json",
    "forward_backward_output_to_json",
    "is_json",
    "is_protobuf",
    "lean_skeleton",
    "loads",
    "loads_lean",
    "logprobs_from_list",
    "logprobs_to_list",
    "media_type",
    "sample_response_from_json",
    "sample_response_to_json",
    "tensor_from_json",
    "tensor_to_dense",
    "tensor_to_json",
    "topk_from_lists",
    "topk_to_lists",
    "validate_tensor",
]
