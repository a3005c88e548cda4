"""tinker_wire — the one wire codec shared by the ``tinker`` client facade and the ``tinker_local`` server.

What lives here:

* a hand-written protobuf codec (no protobuf runtime needed) for the three protobuf payloads of the
  Tinker API — ``ForwardBackwardRequest``, ``ForwardBackwardOutput`` and ``SampleResponse`` — with the
  field numbers of ``openapi/tinker.proto``;
* :class:`TensorData` (``tinker_wire.tensor``), the one tensor type: the codec reads and writes its numpy
  arrays directly, and every way of making one (constructor, JSON, protobuf) checks its layout with the one
  validator, :func:`tinker_wire.tensor.check_layout`;
* numpy-backed value types (``Wire*``) for the rest of what those payloads carry;
* the strict JSON ``TensorData`` parser (:func:`tensor_from_json`; :meth:`TensorData.to_json_dict` writes the
  form);
* JSON bodies (:func:`dumps` / :func:`loads`, orjson; NaN/Infinity are rejected), and
  :func:`loads_lean`, which parses long numeric arrays straight into numpy arrays (no Python object per
  number) and offers a small ``skeleton`` of the document for JSON Schema validation;
* zstd request bodies (:func:`decompress_zstd` with a hard size cap, :func:`compress_zstd`);
* content-type constants.

Runtime dependencies: numpy and orjson; ``zstandard`` only when the zstd helpers are called. Names load
lazily (PEP 562): ``import tinker_wire.tensor`` (the one tensor type, used by the generated models) does not
pull in the protobuf codec.
Every decoding problem raises :class:`WireError` (a ``ValueError``) naming the message and field.

Conventions chosen where the references leave room:

* ``seq_id`` 0 on the wire means "not set"; encoding ``None`` writes 0.
* ``loss_fn_config`` decodes as the key-wise union of both maps, ``loss_fn_config_v2`` winning.
* A ``Chunk``, ``ProvenanceSpan`` or ``LossConfigValue`` with no known arm set, an unknown
  ``StopReason``, and ``DTYPE_UNSPECIFIED`` (or an unknown dtype) are errors rather than silently dropped.
* Span lists are ``None`` when absent (an empty list encodes as absent). A dense tensor is written with
  the shape of its array (a flat tensor without a shape as 1-D); a shape ``()`` cannot be told from
  "no shape" on the wire and decodes as ``None``.
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

import importlib
from typing import TYPE_CHECKING, Any

# name -> submodule
_EXPORTS: dict[str, str] = {
    "decode_forward_backward_output": "_pb_forward_backward_output",
    "decode_forward_backward_records": "_pb_forward_backward_output",
    "split_output_records": "_pb_forward_backward_output",
    "encode_forward_backward_output": "_pb_forward_backward_output",
    "decode_forward_backward_request": "_pb_forward_backward_request",
    "encode_forward_backward_request": "_pb_forward_backward_request",
    "decode_sample_response": "_pb_sample_response",
    "encode_sample_response": "_pb_sample_response",
    "JSON": "_content",
    "PROTOBUF": "_content",
    "ZSTD": "_content",
    "is_json": "_content",
    "is_protobuf": "_content",
    "media_type": "_content",
    "WireError": "_errors",
    "dumps": "_json",
    "find_non_finite": "_json",
    "loads": "_json",
    "LeanDoc": "_lean_json",
    "lean_skeleton": "_lean_json",
    "loads_lean": "_lean_json",
    "TOPK_SENTINEL_LOGPROB": "_sample",
    "TOPK_SENTINEL_TOKEN": "_sample",
    "forward_backward_output_from_json": "_sample",
    "forward_backward_output_to_json": "_sample",
    "logprobs_from_list": "_sample",
    "logprobs_to_list": "_sample",
    "sample_response_from_json": "_sample",
    "sample_response_to_json": "_sample",
    "topk_from_lists": "_sample",
    "topk_to_lists": "_sample",
    "tensor_from_json": "_tensor_json",
    "TensorData": "tensor",
    "TensorDtype": "tensor",
    "Dmel": "_types",
    "EncodedText": "_types",
    "Image": "_types",
    "ImageDimensions": "_types",
    "PromptSpan": "_types",
    "SampledSpan": "_types",
    "StopReasonName": "_types",
    "WireChunk": "_types",
    "WireDatum": "_types",
    "WireForwardBackwardOutput": "_types",
    "WireForwardBackwardRecords": "_types",
    "WireForwardBackwardRequest": "_types",
    "WireOutputField": "_types",
    "WireOutputRecord": "_types",
    "WirePromptAltTokens": "_types",
    "WireSampleResponse": "_types",
    "WireSampledSequence": "_types",
    "WireSpan": "_types",
    "WireTopk": "_types",
    "compress_zstd": "_zstd",
    "decompress_zstd": "_zstd",
}

__all__ = [
    "JSON",
    "PROTOBUF",
    "TOPK_SENTINEL_LOGPROB",
    "TOPK_SENTINEL_TOKEN",
    "ZSTD",
    "Dmel",
    "EncodedText",
    "Image",
    "ImageDimensions",
    "LeanDoc",
    "PromptSpan",
    "SampledSpan",
    "StopReasonName",
    "TensorData",
    "TensorDtype",
    "WireChunk",
    "WireDatum",
    "WireError",
    "WireForwardBackwardOutput",
    "WireForwardBackwardRecords",
    "WireForwardBackwardRequest",
    "WireOutputField",
    "WireOutputRecord",
    "WirePromptAltTokens",
    "WireSampleResponse",
    "WireSampledSequence",
    "WireSpan",
    "WireTopk",
    "compress_zstd",
    "decode_forward_backward_output",
    "decode_forward_backward_records",
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
    "split_output_records",
    "tensor_from_json",
    "topk_from_lists",
    "topk_to_lists",
]


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))


if TYPE_CHECKING:
    from ._content import JSON as JSON
    from ._content import PROTOBUF as PROTOBUF
    from ._content import ZSTD as ZSTD
    from ._content import is_json as is_json
    from ._content import is_protobuf as is_protobuf
    from ._content import media_type as media_type
    from ._errors import WireError as WireError
    from ._json import dumps as dumps
    from ._json import find_non_finite as find_non_finite
    from ._json import loads as loads
    from ._lean_json import LeanDoc as LeanDoc
    from ._lean_json import lean_skeleton as lean_skeleton
    from ._lean_json import loads_lean as loads_lean
    from ._pb_forward_backward_output import decode_forward_backward_output as decode_forward_backward_output
    from ._pb_forward_backward_output import decode_forward_backward_records as decode_forward_backward_records
    from ._pb_forward_backward_output import encode_forward_backward_output as encode_forward_backward_output
    from ._pb_forward_backward_output import split_output_records as split_output_records
    from ._pb_forward_backward_request import decode_forward_backward_request as decode_forward_backward_request
    from ._pb_forward_backward_request import encode_forward_backward_request as encode_forward_backward_request
    from ._pb_sample_response import decode_sample_response as decode_sample_response
    from ._pb_sample_response import encode_sample_response as encode_sample_response
    from ._sample import TOPK_SENTINEL_LOGPROB as TOPK_SENTINEL_LOGPROB
    from ._sample import TOPK_SENTINEL_TOKEN as TOPK_SENTINEL_TOKEN
    from ._sample import forward_backward_output_from_json as forward_backward_output_from_json
    from ._sample import forward_backward_output_to_json as forward_backward_output_to_json
    from ._sample import logprobs_from_list as logprobs_from_list
    from ._sample import logprobs_to_list as logprobs_to_list
    from ._sample import sample_response_from_json as sample_response_from_json
    from ._sample import sample_response_to_json as sample_response_to_json
    from ._sample import topk_from_lists as topk_from_lists
    from ._sample import topk_to_lists as topk_to_lists
    from ._tensor_json import tensor_from_json as tensor_from_json
    from ._types import Dmel as Dmel
    from ._types import EncodedText as EncodedText
    from ._types import Image as Image
    from ._types import ImageDimensions as ImageDimensions
    from ._types import PromptSpan as PromptSpan
    from ._types import SampledSpan as SampledSpan
    from ._types import StopReasonName as StopReasonName
    from ._types import WireChunk as WireChunk
    from ._types import WireDatum as WireDatum
    from ._types import WireForwardBackwardOutput as WireForwardBackwardOutput
    from ._types import WireForwardBackwardRecords as WireForwardBackwardRecords
    from ._types import WireForwardBackwardRequest as WireForwardBackwardRequest
    from ._types import WireOutputField as WireOutputField
    from ._types import WireOutputRecord as WireOutputRecord
    from ._types import WirePromptAltTokens as WirePromptAltTokens
    from ._types import WireSampledSequence as WireSampledSequence
    from ._types import WireSampleResponse as WireSampleResponse
    from ._types import WireSpan as WireSpan
    from ._types import WireTopk as WireTopk
    from ._zstd import compress_zstd as compress_zstd
    from ._zstd import decompress_zstd as decompress_zstd
    from .tensor import TensorData as TensorData
    from .tensor import TensorDtype as TensorDtype
