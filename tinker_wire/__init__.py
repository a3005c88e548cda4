"""tinker_wire — the one wire codec shared by the ``tinker`` client facade and the ``tinker_local`` server.

What lives here:

* a hand-written protobuf codec (no protobuf runtime needed) for the three protobuf payloads of the
  Tinker API — ``ForwardBackwardRequest``, ``ForwardBackwardOutput`` and ``SampleResponse`` — with the
  field numbers of ``openapi/tinker.proto``;
* numpy-backed value types (``Wire*``) for what those payloads carry;
* the JSON ``TensorData`` form (:func:`tensor_from_json`, :func:`tensor_to_json`, :func:`tensor_to_dense`);
* JSON bodies (:func:`dumps` / :func:`loads`, orjson; NaN/Infinity are rejected);
* zstd request bodies (:func:`decompress_zstd` with a hard size cap, :func:`compress_zstd`);
* content-type constants.

Runtime dependencies: numpy and orjson; ``zstandard`` only when the zstd helpers are called.
Every decoding problem raises :class:`WireError` (a ``ValueError``) naming the message and field.
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
from ._json import dumps, loads
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
    "forward_backward_output_from_json",
    "forward_backward_output_to_json",
    "is_json",
    "is_protobuf",
    "loads",
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
