"""The generated models (generated/tinker_api) and the hand-written types the contract names, against bodies
the contract allows.

Bodies come from the contract itself (schemathesis/hypothesis; a response schema is wrapped as the request body
of a synthetic operation, see docs/contract.md#how-the-tests-draw-bodies-from-the-contract). Each body goes
through `conftest.check_body`: the parser (an endpoint's `parse_response`, a generated class's `model_validate`,
or for `x-python-type` schemas the hand-written type's `from_json_dict`) must accept it, every union position
must hold the variant the contract's semantics select (const discriminator, or first validating anyOf variant),
and the dump (`model_dump(mode="json", exclude_none=True, by_alias=True)` / `to_json_dict()`) must give the body
back under the SDK 0.38 wire rule (defaults included, null fields and undeclared keys left out), be a valid body
itself, and survive a second round trip. Bodies a strict (request) model must refuse, and TensorData bodies that
describe no tensor, must raise ValueError.
"""

from __future__ import annotations

import copy
import functools
import json
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import given

from .conftest import (
    SPEC,
    UNIONS,
    assert_json_equivalent,
    body_strategy,
    check_body,
    check_wire_request,
    deref,
    dump_as,
    endpoint_module,
    expected_variant,
    fuzz_settings,
    is_facade,
    is_generated_class,
    json_2xx_responses,
    model_class,
    operations_by_id,
    parse_as,
    python_impl,
    python_name,
    ref_name,
    request_schema_name,
    send,
    validation_errors,
    wire_body,
    x_python_type,
)

RESPONSE_EXAMPLES = 15  # per operation/status
VARIANT_EXAMPLES = 6  # per union variant
CONTAINER_EXAMPLES = 10  # per request model that holds unions

RESPONSES = json_2xx_responses(SPEC)


def response_parser(operation_id: str, status: str) -> tuple[str, Callable[[Any], Any]]:
    """(schema name, parser) of an operation's 2xx JSON body.

    The endpoint module's `parse_response` when the body is generated (with `RESPONSE` the class when it is
    a generated class); for a hand-written facade type (`x-python-type: tinker.types...`, typed `Any` in the
    generated layer, so no `parse_response`) the facade's own `from_json_dict`.
    """
    _path, _method, op = operations_by_id(SPEC)[operation_id]
    media = deref(SPEC, op["responses"][status])["content"]["application/json"]
    name = ref_name(media["schema"])
    assert name, f"{operation_id} {status}: inline response schema {media['schema']!r}"
    module = endpoint_module(operation_id)
    if is_facade(name):
        assert not hasattr(module, "parse_response"), (
            f"{module.__name__}.parse_response exists, but {name} is a facade type ({x_python_type(name)})"
        )
        return name, functools.partial(parse_as, name)
    assert hasattr(module, "parse_response"), (
        f"{module.__name__} has no parse_response, but the {status} body of {operation_id} is {name}"
    )
    if is_generated_class(python_impl(name)):
        assert getattr(module, "RESPONSE", None) is python_impl(name), (
            f"{module.__name__}.RESPONSE is {getattr(module, 'RESPONSE', None)!r}, expected {name}"
        )
    else:
        assert not hasattr(module, "RESPONSE"), f"{module.__name__}.RESPONSE set, but {name} is no class"
    return name, module.parse_response


# --------------------------------------------------------------------------------------------- fuzzing


def test_every_json_2xx_response_is_fuzzed():
    ops = operations_by_id(SPEC)
    covered = {op_id for op_id, _, _ in RESPONSES}
    without_json = sorted(set(ops) - covered)
    # stream_sample answers text/event-stream; everything else must have a JSON 2xx body to fuzz.
    assert without_json == ["stream_sample"], without_json


@pytest.mark.parametrize(("operation_id", "status", "schema"), RESPONSES, ids=[f"{op}-{st}" for op, st, _ in RESPONSES])
def test_response_parser_roundtrip(operation_id, status, schema):
    name, parse = response_parser(operation_id, status)
    assert ref_name(schema) == name

    @given(body=body_strategy(f"response/{operation_id}/{status}"))
    @fuzz_settings(RESPONSE_EXAMPLES)
    def run(body: Any) -> None:
        check_body(name, body, parse)

    run()


X_PYTHON_TYPES = sorted(n for n in SPEC["components"]["schemas"] if x_python_type(n))


@pytest.mark.parametrize("name", X_PYTHON_TYPES)
def test_x_python_type_targets_exist(name):
    """`x-python-type: module:Name` must name an importable type; a class needs the JSON pair."""
    impl = python_impl(name)
    if isinstance(impl, type):
        assert impl.__name__ == python_name(name), f"{name}: {x_python_type(name)} is {impl!r}"
        assert callable(getattr(impl, "from_json_dict", None)), f"{name}: {impl!r} has no from_json_dict"
        assert callable(getattr(impl, "to_json_dict", None)), f"{name}: {impl!r} has no to_json_dict"
    else:  # an alias (Literal, dict, union): read and written with a pydantic TypeAdapter
        from pydantic import TypeAdapter

        TypeAdapter(impl)


@pytest.mark.parametrize("name", X_PYTHON_TYPES)
def test_x_python_type_roundtrip(name):
    """The hand-written types read (`from_json_dict`) and write back (`to_json_dict`) every body the
    contract allows for their schema (`check_body`), as the generated models do."""

    @given(body=body_strategy(f"component/{name}"))
    @fuzz_settings(CONTAINER_EXAMPLES)
    def run(body: Any) -> None:
        check_body(name, body)

    run()


def test_x_python_types_are_not_generated():
    import tinker_api.models

    generated = set(tinker_api.models.__all__)
    assert not generated & set(X_PYTHON_TYPES), sorted(generated & set(X_PYTHON_TYPES))
    plain = {n for n in SPEC["components"]["schemas"] if not x_python_type(n)}
    assert plain <= generated, f"schemas without a generated definition: {sorted(plain - generated)}"


FUTURE_VARIANTS = UNIONS["FutureRetrieveResponse"]["variants"]


@pytest.mark.parametrize("variant", FUTURE_VARIANTS)
def test_retrieve_future_picks_first_valid_variant(variant):
    """Bodies of each variant of the anyOf: the parser must pick the first variant (document order) that
    validates under Draft 2020-12, which for a body of variant V may be V or an earlier overlapping one."""
    assert UNIONS["FutureRetrieveResponse"]["kind"] == "anyOf"
    name, parse = response_parser("retrieve_future", "200")
    assert name == "FutureRetrieveResponse"
    picked: set[str] = set()

    @given(body=body_strategy(f"component/{variant}"))
    @fuzz_settings(VARIANT_EXAMPLES)
    def run(body: Any) -> None:
        found = check_body(name, body, parse)
        picked.update(f.split(".", 1)[1] for f in found[:1])

    run()
    assert variant in picked, f"no {variant} body was parsed as {variant} (got {sorted(picked)})"


# Unions nested inside models: how to wrap one variant body into a minimal body of a model that holds it.
_T = "2026-01-01T00:00:00Z"
NESTED_UNIONS: dict[str, tuple[str, Any]] = {
    "ModelInputChunk": ("ModelInput", lambda v: {"chunks": [v]}),
    "TelemetryEvent": (
        "TelemetrySendRequest",
        lambda v: {"events": [v], "platform": "Linux", "sdk_version": "0.38.0", "session_id": "S"},
    ),
    "SearchOwner": ("SessionSearchRequest", lambda v: {"owner": v}),
    "SessionStatusQuery": ("SessionSearchRequest", lambda v: {"statuses": [v]}),
    "SessionStatus": (
        "SessionSummary",
        lambda v: {
            "session_id": "S",
            "created_at": _T,
            "owner": "u",
            "project_id": "p",
            "checkpoints_count": 0,
            "status": v,
        },
    ),
    "ClientSessionFinishReason": ("FinishSessionRequest", lambda v: {"reason": v}),
    "OptimizerConfig": (
        "CreateModelRequest",
        lambda v: {"session_id": "S", "model_seq_id": 0, "base_model": "B", "optimizer_config": v},
    ),
    "SessionFailedReason": (
        "SessionFailed",
        lambda v: {"type": "failed", "category": "user", "reason": v, "message": "m"},
    ),
    "BillingEventInfo": (
        "BillingUsageEvent",
        lambda v: {"bucket_start": _T, "bucket_end": _T, "event_info": v},
    ),
    "FutureCompletion": ("FuturesRetrieveResponse", lambda v: {"completions": [v], "cursor": 0}),
}
NESTED_CASES = [(u, v) for u in sorted(NESTED_UNIONS) for v in UNIONS[u]["variants"]]
NESTED_SAMPLES = {
    "ModelInputChunk": {"tokens": [1]},
    "TelemetryEvent": {
        "event": "SESSION_START",
        "event_id": "e",
        "event_session_index": 0,
        "severity": "INFO",
        "timestamp": _T,
    },
    "SearchOwner": {"type": "own"},
    "SessionStatusQuery": {"type": "active"},
    "SessionStatus": {"type": "active"},
    "ClientSessionFinishReason": {"type": "success"},
    "OptimizerConfig": {"type": "adamw"},
    "SessionFailedReason": {"type": "request", "request_id": "r", "request_type": "sample"},
    "BillingEventInfo": {"type": "training", "token_count": 1},
    "FutureCompletion": {"state": "finished", "request_id": "r"},
}


def test_every_union_is_checked():
    assert set(UNIONS) == set(NESTED_UNIONS) | {"FutureRetrieveResponse"}, sorted(UNIONS)
    assert set(NESTED_SAMPLES) == set(NESTED_UNIONS)
    for union, (container, wrap) in NESTED_UNIONS.items():
        variant = UNIONS[union]["variants"][0]
        # the wrapper builds a valid container body around a valid variant body
        sample = NESTED_SAMPLES[union]
        assert not validation_errors(variant, sample), (union, validation_errors(variant, sample))
        assert not validation_errors(container, wrap(sample)), (
            container,
            validation_errors(container, wrap(sample)),
        )
        # the container is a generated class, so the union position is parsed by the generated layer
        assert is_generated_class(python_impl(container)), container


@pytest.mark.parametrize(("union", "variant"), NESTED_CASES, ids=[f"{u}-{v}" for u, v in NESTED_CASES])
def test_nested_union_variant(union, variant):
    container, wrap = NESTED_UNIONS[union]
    picked: set[str] = set()

    @given(body=body_strategy(f"component/{variant}"))
    @fuzz_settings(VARIANT_EXAMPLES)
    def run(body: Any) -> None:
        found = check_body(container, wrap(body))
        picked.update(f.split(".", 1)[1] for f in found if f.startswith(union + "."))

    run()
    assert variant in picked, f"{union}: no {variant} body was parsed as {variant} (got {sorted(picked)})"


# Request models that carry unions (no response carries ModelInputChunk, TelemetryEvent or the filters).
REQUEST_CONTAINERS = [
    "SampleRequest",
    "ForwardBackwardRequest",
    "TelemetrySendRequest",
    "SessionSearchRequest",
]


@pytest.mark.parametrize("name", REQUEST_CONTAINERS)
def test_request_model_roundtrip(name):
    @given(body=body_strategy(f"component/{name}"))
    @fuzz_settings(CONTAINER_EXAMPLES)
    def run(body: Any) -> None:
        check_body(name, body)

    run()


# --------------------------------------------------------------------------------------------- hand-written


def _chunk(body: dict[str, Any]) -> Any:
    return model_class("ModelInput").model_validate({"chunks": [copy.deepcopy(body)]}).chunks[0]


CHUNK_TAGS = {
    "EncodedTextChunk": "encoded_text",
    "ImageChunk": "image",
    "ImageAssetPointerChunk": "image_asset_pointer",
    "DmelChunk": "dmel",
}


@pytest.mark.parametrize(
    ("chunk", "expected"),
    [
        ({"tokens": [1, 2]}, "EncodedTextChunk"),  # 0.7: no `type`
        ({"data": "aGk=", "format": "png"}, "ImageChunk"),
        ({"format": "jpeg", "location": "gs://bucket/img.jpg"}, "ImageAssetPointerChunk"),
        ({"dmel": "AQ=="}, "DmelChunk"),
        ({"tokens": [1, 2, 3], "type": "encoded_text"}, "EncodedTextChunk"),  # 0.25
        ({"data": "iVBORw==", "format": "png", "type": "image"}, "ImageChunk"),
        (
            {"format": "jpeg", "location": "gs://bucket/img.jpg", "type": "image_asset_pointer"},
            "ImageAssetPointerChunk",
        ),
        ({"dmel": "AQEC", "type": "dmel"}, "DmelChunk"),
    ],
)
def test_chunk_variants(chunk, expected):
    assert not validation_errors("ModelInputChunk", chunk), validation_errors("ModelInputChunk", chunk)
    assert expected_variant("ModelInputChunk", chunk) == expected
    parsed = _chunk(chunk)
    assert type(parsed).__name__ == expected
    # 0.7 bodies omit the tag; the wire rule (defaults included) sends it.
    assert_json_equivalent({**chunk, "type": CHUNK_TAGS[expected]}, dump_as("ModelInputChunk", parsed))
    assert check_body("ModelInput", {"chunks": [chunk]}) == [f"ModelInputChunk.{expected}"]


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ({"type": "try_again", "request_id": "r1", "queue_state": "paused_capacity"}, "TryAgainResponse"),
        (
            {
                "type": "try_again",
                "request_id": "r1",
                "queue_state": "active",
                "queue_state_reason": "warming up",
            },
            "TryAgainResponse",
        ),
        ({"error": "x", "category": "user"}, "RequestFailedResponse"),
        ({"status": "complete_metadata", "response_payload_size": 123456}, "FutureCompleteMetadata"),
        ({"metrics": {"loss:sum": 1.0}}, "OptimStepResponse"),
        ({"metrics": None, "type": "optim_step"}, "OptimStepResponse"),
        ({"model_id": "S:train:0", "type": "create_model"}, "CreateModelResponse"),
        ({"model_id": "S:train:0", "type": "unload_model"}, "UnloadModelResponse"),
        ({"path": "tinker://R/weights/0001", "type": "save_weights"}, "SaveWeightsResponse"),
        ({"path": None, "model_id": "S:train:0", "type": "load_weights"}, "LoadWeightsResponse"),
        (
            {"path": None, "sampling_session_id": "S:sample:1", "type": "save_weights_for_sampler"},
            "SaveWeightsForSamplerResponseInternal",
        ),
        (
            {"path": "tinker://R/external_weights/n", "type": "save_weights_external"},
            "SaveWeightsExternalResponseInternal",
        ),
        ({"loss_id": "L1", "type": "create_custom_loss"}, "CreateCustomLossResponse"),
        (
            {
                "loss_fn_output_type": "ArrayRecord",
                "loss_fn_outputs": [{"logprobs": {"data": [-0.5, -1.25], "dtype": "float32", "shape": [2]}}],
                "metrics": {"loss:sum": 1.75},
            },
            "ForwardBackwardOutput",
        ),
        (
            {
                "sequences": [{"stop_reason": "length", "tokens": [5, 6], "logprobs": [-0.1, -0.2]}],
                "type": "sample",
                "prompt_logprobs": [None, -1.5],
            },
            "SampleResponse",
        ),
    ],
)
def test_retrieve_future_hand_written(body, expected):
    assert expected_variant("FutureRetrieveResponse", body) == expected
    check_body(expected, body)  # the variant's own type reads and writes the body
    name, parse = response_parser("retrieve_future", "200")
    assert check_body(name, body, parse)[0] == f"FutureRetrieveResponse.{expected}"


def test_retrieve_future_error_without_category_is_a_failure():
    body = {"error": "model crashed"}
    name, parse = response_parser("retrieve_future", "200")
    parsed = parse(copy.deepcopy(body))
    assert type(parsed).__name__ == python_name("RequestFailedResponse"), type(parsed).__name__
    assert check_body(name, body, parse)[0] == "FutureRetrieveResponse.RequestFailedResponse"


# 0.7-style forward_backward body, produced with the SDK: a chunk without `type`
# (docs/protocol.md#body-shapes-across-sdk-versions).
FWD_BWD_07 = {
    "forward_backward_input": {
        "data": [
            {
                "loss_fn_inputs": {
                    "target_tokens": {"data": [2, 3, 4], "dtype": "int64", "shape": [3]},
                    "weights": {"data": [1.0, 1.0, 0.0], "dtype": "float32", "shape": [3]},
                },
                "model_input": {"chunks": [{"tokens": [1, 2, 3]}]},
            }
        ],
        "loss_fn": "cross_entropy",
    },
    "model_id": "m",
    "seq_id": 1,
}


def test_forward_backward_07_body():
    assert check_body("ForwardBackwardRequest", FWD_BWD_07) == ["ModelInputChunk.EncodedTextChunk"]
    parsed = parse_as("ForwardBackwardRequest", copy.deepcopy(FWD_BWD_07))
    chunk = parsed.forward_backward_input.data[0].model_input.chunks[0]
    assert type(chunk).__name__ == "EncodedTextChunk"


# Request bodies the official SDKs send, by operationId, as the JSON text those SDKs produce
# (docs/protocol.md#body-shapes-across-sdk-versions).
SDK_REQUEST_BODIES: list[tuple[str, str, Any]] = [
    (
        "0.25",
        "asample",
        r'{"num_samples":2,"prompt":{"chunks":[{"tokens":[1,2,3],"type":"encoded_text"}]},"sampling_params":{"max_tokens":10,"temperature":1.0,"top_k":-1,"top_p":1.0},"sampling_session_id":"S:sample:0","seq_id":3,"prompt_logprobs":false,"topk_prompt_logprobs":0,"type":"sample"}',
    ),
    (
        "0.7",
        "asample",
        r'{"num_samples":2,"prompt":{"chunks":[{"tokens":[1,2,3]}]},"sampling_params":{"max_tokens":10},"sampling_session_id":"S:sample:0","seq_id":3,"prompt_logprobs":false,"topk_prompt_logprobs":0}',
    ),
    (
        "0.38",
        "asample",
        r'{"num_samples":2,"prompt":{"chunks":[{"tokens":[1,2,3],"type":"encoded_text"}]},"sampling_params":{"max_tokens":10,"temperature":1.0,"top_k":-1,"top_p":1.0},"sampling_session_id":"S:sample:0","seq_id":3,"prompt_logprobs":true,"topk_prompt_logprobs":0,"topk_sample_logprobs":2,"target_prompt_logprobs":{"data":[5,-1,7,-1],"dtype":"int64","shape":[2,2]},"prompt_alt_tokens_k":0,"prompt_logprobs_last_n":1,"record_stability_info":true,"type":"sample"}',
    ),
    (
        "0.25",
        "optim_step",
        r'{"adam_params":{"learning_rate":0.0001,"beta1":0.9,"beta2":0.95,"eps":1e-12,"weight_decay":0.0,"grad_clip_norm":0.0},"model_id":"M","seq_id":2,"type":"optim_step"}',
    ),
    ("0.7", "optim_step", r'{"adam_params":{"learning_rate":0.0001},"model_id":"M","seq_id":2}'),
    (
        "0.25",
        "create_model",
        r'{"session_id":"S","model_seq_id":0,"base_model":"Qwen/Qwen3-8B","lora_config":{"rank":32,"train_unembed":true,"train_mlp":true,"train_attn":true},"type":"create_model"}',
    ),
    (
        "0.7",
        "create_model",
        r'{"session_id":"S","model_seq_id":0,"base_model":"Qwen/Qwen3-8B","user_metadata":null,"lora_config":{"rank":32,"seed":null,"train_unembed":true,"train_mlp":true,"train_attn":true}}',
    ),
    (
        "0.38",
        "create_model",
        r'{"session_id":"S","model_seq_id":0,"base_model":"B","lora_config":{"rank":32,"train_unembed":true,"train_mlp":true,"train_attn":true},"optimizer_config":{"type":"adamw"},"type":"create_model"}',
    ),
    (
        "0.25",
        "create_session",
        r'{"tags":[],"user_metadata":{},"sdk_version":"0.25.0","type":"create_session"}',
    ),
    (
        "0.38",
        "create_session",
        r'{"tags":[],"user_metadata":{},"sdk_version":"0.38.0","display_name":"nightly","type":"create_session"}',
    ),
    (
        "0.25",
        "create_sampling_session",
        r'{"session_id":"S","sampling_session_seq_id":0,"base_model":"Qwen/Qwen3-8B","type":"create_sampling_session"}',
    ),
    (
        "0.25",
        "save_weights",
        r'{"model_id":"M","path":"ckpt","seq_id":4,"overwrite":false,"type":"save_weights"}',
    ),
    (
        "0.25",
        "save_weights_for_sampler",
        r'{"model_id":"M","sampling_session_seq_id":1,"seq_id":5,"type":"save_weights_for_sampler"}',
    ),
    (
        "0.38",
        "save_weights_for_sampler",
        r'{"model_id":"M","sampling_session_seq_id":1,"kind":"inflight","seq_id":5,"type":"save_weights_for_sampler"}',
    ),
    (
        "0.38",
        "save_weights_for_sampler",
        r'{"model_id":"M","path":"n","kind":"snapshot","seq_id":5,"user_metadata":{"a":"b"},"type":"save_weights_for_sampler"}',
    ),
    (
        "0.38",
        "save_weights_external",
        r'{"model_id":"M","path":"n","seq_id":6,"ttl_seconds":3600,"age_encryption_recipients":["age1x"],"type":"save_weights_external"}',
    ),
    (
        "0.25",
        "load_weights",
        r'{"model_id":"M","seq_id":1,"path":"tinker://R/weights/x","optimizer":true,"type":"load_weights"}',
    ),
    (
        "0.25",
        "load_weights",
        r'{"session_id":"S","model_seq_id":0,"path":"tinker://R/weights/x","optimizer":false,"type":"load_weights"}',
    ),
    (
        "0.38",
        "load_weights",
        r'{"session_id":"S","model_seq_id":0,"path":"tinker://R/weights/x","optimizer":false,"optimizer_config":{"type":"adamw"},"type":"load_weights"}',
    ),
    ("0.25", "retrieve_future", r'{"request_id":"RID","allow_metadata_only":true}'),
    ("0.25", "get_info", r'{"model_id":"M","type":"get_info"}'),
    ("0.25", "unload_model", r'{"model_id":"M","type":"unload_model"}'),
    ("0.25", "session_heartbeat", r'{"session_id":"S","type":"session_heartbeat"}'),
    ("0.7", "session_heartbeat", r'{"session_id":"S"}'),
    ("0.25", "get_client_config", r'{"sdk_version":"0.25.0"}'),
    ("0.25", "get_client_dynamic_config", r'{"sdk_version":"0.25.0"}'),
    ("0.25", "exchange_auth_token", r"{}"),
    (
        "0.25",
        "asample",
        r'{"num_samples":1,"prompt":{"chunks":[{"data":"iVBORw==","format":"png","type":"image"},{"format":"jpeg","location":"gs://bucket/img.jpg","type":"image_asset_pointer"},{"dmel":"AQEC","type":"dmel"}]},"sampling_params":{"seed":5,"stop":["\n"],"temperature":1.0,"top_k":-1,"top_p":1.0}}',
    ),
    (
        "0.25",
        "send_telemetry",
        r'{"events":[{"event":"GENERIC_EVENT","event_id":"e1","event_name":"x","event_session_index":1,"severity":"INFO","timestamp":"2026-01-01T00:00:00Z","event_data":{"a":1}},{"duration":"0:01:02.500000","event":"SESSION_END","event_id":"e2","event_session_index":2,"severity":"INFO","timestamp":"2026-01-01T00:00:00Z"}],"platform":"Linux","sdk_version":"0.25.0","session_id":"S","process_uuid":"U"}',
    ),
    ("0.7", "forward_backward", FWD_BWD_07),
    (
        "0.38",
        "retrieve_futures",
        r'{"target":{"type":"sampling_session","sampling_session_id":"S:sample:0","cloned_sampler_id":0},"prev_cursor":0,"retrieved_request_ids":["r1"]}',
    ),
    (
        "0.38",
        "retrieve_futures",
        r'{"target":{"type":"sampling_session","sampling_session_id":"S:sample:0","cloned_sampler_id":0},"prev_cursor":0,"retrieved_request_ids":["r1"],"timeout":0.0}',
    ),
    ("0.38", "join_sampling_session", r'{"sampling_session_id":"S:sample:0","type":"join_sampling_session"}'),
    (
        "0.38",
        "copy_weights",
        r'{"destination_project_id":"P","source_path":"tinker://R/weights/x","ttl_seconds":3600}',
    ),
    (
        "0.38",
        "create_custom_loss",
        r'{"session_id":"S","custom_loss_seq_id":0,"name":"neg_ll","inputs":[{"name":"logprobs","rank":1},{"name":"weights","rank":1}],"graph":{"format":1,"nodes":[{"op":"placeholder","name":"logprobs","target":"logprobs","args":[],"kwargs":{}},{"op":"placeholder","name":"weights","target":"weights","args":[],"kwargs":{}},{"op":"call_function","name":"mul","target":"operator.mul","args":[{"ref":"logprobs"},{"ref":"weights"}],"kwargs":{}},{"op":"output","name":"output","target":"output","args":[{"tuple":[{"ref":"mul"},{"dict":{}}]}],"kwargs":{}}]},"type":"create_custom_loss"}',
    ),
    ("0.38", "search_sessions", r'{"user_metadata":{},"owner":{"type":"own"},"limit":50}'),
    (
        "0.38",
        "search_sessions",
        r'{"user_metadata":{},"display_name":"nightly","owner":{"type":"accessible"},"statuses":[{"type":"client_finished","reasons":["success"]}],"limit":50}',
    ),
    ("0.38", "finish_session", r'{"reason":{"type":"success"},"detail":null}'),
    ("0.38", "cancel_future", r'{"request_id":"sess:sample:0:1"}'),
    ("0.25", "get_weights_info", r'{"tinker_path":"tinker://R/weights/x"}'),
    ("0.25", "assign_session_project", r'{"project_id":"P"}'),
    ("0.25", "set_checkpoint_ttl", r'{"ttl_seconds":null}'),
    ("0.25", "set_checkpoint_ttl", r'{"ttl_seconds":86400}'),
]


# Path parameters for sending the SDK bodies of operations whose path has them.
SDK_PATH_PARAMS: dict[str, dict[str, str]] = {
    "finish_session": {"session_id": "5b0e2c3a-1f4d-4c59-9a43-7d1f0e9b2c61"},
    "assign_session_project": {"session_id": "5b0e2c3a-1f4d-4c59-9a43-7d1f0e9b2c61"},
    "set_checkpoint_ttl": {
        "training_run_id": "5b0e2c3a-1f4d-4c59-9a43-7d1f0e9b2c61:train:0",
        "checkpoint_kind": "weights",
        "checkpoint_name": "0001",
    },
}


@pytest.mark.parametrize(
    ("sdk", "operation_id", "body"),
    SDK_REQUEST_BODIES,
    ids=[f"{sdk}-{op}-{i}" for i, (sdk, op, _) in enumerate(SDK_REQUEST_BODIES)],
)
def test_sdk_request_bodies(sdk, operation_id, body):
    body = json.loads(body) if isinstance(body, str) else body
    name = request_schema_name(operation_id)
    errors = validation_errors(name, body)
    assert not errors, f"{sdk} {operation_id} body rejected by {name}: {errors}"
    check_body(name, body)
    # ... and sent by the generated endpoint: the wire carries the body's JSON form, valid for the operation.
    path_params = SDK_PATH_PARAMS.get(operation_id, {})
    request, _response = send(endpoint_module(operation_id), body=wire_body(name, body), **path_params)
    expected = dump_as(name, parse_as(name, copy.deepcopy(body)))
    check_wire_request(
        operation_id, request, {("path", k): v for k, v in path_params.items()}, expected, "application/json"
    )


# Response bodies quoted in the references.
SDK_RESPONSE_BODIES: list[tuple[str, dict[str, Any]]] = [
    ("asample", {"request_id": "r", "sample_sequence_ids": ["a", "b"]}),
    ("create_model", {"request_id": "r", "model_id": "S:train:0"}),
    ("join_sampling_session", {"type": "join_sampling_session", "client_counter": 2}),
    (
        "retrieve_futures",
        {
            "completions": [
                {"state": "finished", "request_id": "r", "response_payload_uncompressed_size": 10},
                {"state": "failed", "request_id": "q"},
            ],
            "cursor": 3,
        },
    ),
    ("exchange_auth_token", {"jwt": "eyJ.x.y"}),
    ("send_telemetry", {"status": "accepted"}),
    (
        "get_api_key_info",
        {
            "key_id": 7,
            "name": "tinker-cli-host",
            "note": None,
            "details": {"org_details": {"name": "o"}, "user_details": {"email": "a@b"}},
        },
    ),
    (
        "get_external_weights_urls",
        {"urls": {"adapter_config.json": "https://x/y"}, "expires": "2026-01-01T01:00:00Z"},
    ),
    ("copy_weights", {"tinker_path": "tinker://R2/weights/x"}),
]


@pytest.mark.parametrize(("operation_id", "body"), SDK_RESPONSE_BODIES, ids=[op for op, _ in SDK_RESPONSE_BODIES])
def test_sdk_response_bodies(operation_id, body):
    name, parse = response_parser(operation_id, "200")
    assert not validation_errors(name, body), validation_errors(name, body)
    check_body(name, body, parse)


# --------------------------------------------------------------------------------------------- fixed contract bugs
# Regression tests for contract problems found by these tests (and fixed in openapi/tinker.yaml).


def test_get_info_reply_with_null_type():
    body = {"model_data": {}, "model_id": "m", "type": None}
    name, parse = response_parser("get_info", "200")
    assert name == "GetInfoResponse"
    assert not validation_errors(name, body), validation_errors(name, body)
    check_body(name, body, parse)


@pytest.mark.parametrize("seq_id", [3 * 10**9, 1_000_000_000 * (123456789 + 1)], ids=["join-counter-3", "pickled"])
def test_restored_sampling_client_seq_ids(seq_id):
    body = {
        "num_samples": 1,
        "prompt": {"chunks": [{"tokens": [1, 2, 3], "type": "encoded_text"}]},
        "sampling_params": {"max_tokens": 10, "temperature": 1.0, "top_k": -1, "top_p": 1.0},
        "sampling_session_id": "S:sample:0",
        "seq_id": seq_id,
        "prompt_logprobs": False,
        "topk_prompt_logprobs": 0,
        "type": "sample",
    }
    assert not validation_errors("SampleRequest", body), validation_errors("SampleRequest", body)
    check_body("SampleRequest", body)


# --------------------------------------------------------------------------------------------- the checks can fail
# `check_body` is what every test above relies on; these wrong parsers must each be caught.


def test_check_body_catches_a_lost_field():
    model_input = model_class("ModelInput")
    with pytest.raises(AssertionError, match="length 1 != 0"):
        check_body("ModelInput", {"chunks": [{"tokens": [1]}]}, lambda b: model_input(chunks=[]))


def test_check_body_catches_a_wrong_variant():
    model_input, dmel = model_class("ModelInput"), model_class("DmelChunk")
    wrong = model_input.model_construct(chunks=[dmel.model_construct(dmel=b"\x01", type="dmel")])
    with pytest.raises(AssertionError, match="parsed as DmelChunk, but the contract selects EncodedTextChunk"):
        check_body("ModelInput", {"chunks": [{"tokens": [1]}]}, lambda b: wrong)


def test_check_body_catches_an_accepted_refusal():
    model_input = model_class("ModelInput")
    lenient = functools.partial(lambda b: model_input.model_validate({"chunks": b["chunks"]}))
    with pytest.raises(pytest.fail.Exception, match=r"\$\.surplus: undeclared key of a strict model"):
        check_body("ModelInput", {"chunks": [], "surplus": 1}, lenient)
    tensor = {"data": [1, 2, 3], "dtype": "int64", "shape": [2]}  # valid JSON Schema, but no tensor
    with pytest.raises(pytest.fail.Exception, match="values"):
        check_body("TensorData", tensor, lambda b: python_impl("TensorData")(data=[1], dtype="int64"))
    with pytest.raises(pytest.fail.Exception, match="is not base64"):
        check_body("DmelChunk", {"dmel": "not base64!"}, lambda b: model_class("DmelChunk")(dmel=b"x"))
