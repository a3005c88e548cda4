"""Pydantic-backed wire types: dumps without nulls, tolerant responses, strict requests, helpers."""

from __future__ import annotations

import datetime as dt

import pydantic
import pytest

from tinker import types as T


def test_request_dumps_have_defaults_and_no_nulls() -> None:
    body = T.SampleRequest(
        num_samples=2,
        prompt=T.ModelInput.from_ints([1, 2, 3]),
        sampling_params=T.SamplingParams(max_tokens=10),
        sampling_session_id="S:sample:0",
        seq_id=3,
        prompt_logprobs=False,
    ).to_json_dict()
    assert body["sampling_params"] == {"max_tokens": 10, "temperature": 1.0, "top_k": -1, "top_p": 1.0}
    assert body["type"] == "sample" and body["prompt"]["chunks"][0]["type"] == "encoded_text"
    assert "base_model" not in body and "target_prompt_logprobs" not in body
    assert body == T.SampleRequest.from_json_dict(body).to_json_dict()
    create = T.CreateModelRequest(session_id="S", model_seq_id=0, base_model="B", lora_config=T.LoraConfig(rank=32))
    assert create.to_json_dict() == {
        "session_id": "S",
        "model_seq_id": 0,
        "base_model": "B",
        "lora_config": {"rank": 32, "train_unembed": True, "train_mlp": True, "train_attn": True},
        "optimizer_config": {"type": "adamw"},
        "type": "create_model",
    }
    assert T.SaveWeightsForSamplerRequest(
        model_id="M", sampling_session_seq_id=1, kind="inflight", seq_id=5
    ).to_json_dict() == {
        "model_id": "M",
        "sampling_session_seq_id": 1,
        "seq_id": 5,
        "kind": "inflight",
        "type": "save_weights_for_sampler",
    }


def _all_pydantic_types() -> list[type[pydantic.BaseModel]]:
    out = []
    for name in T.__all__:
        obj = getattr(T, name)
        if isinstance(obj, type) and issubclass(obj, pydantic.BaseModel):
            out.append(obj)
    return out


def test_every_model_is_frozen_with_the_right_extra_policy() -> None:
    models = _all_pydantic_types()
    assert len(models) > 60
    for model in models:
        assert model.model_config.get("frozen") is True, model
        assert model.model_config.get("extra") in ("forbid", "ignore", "allow"), model


def test_responses_ignore_unknown_fields_requests_forbid_them() -> None:
    run = T.TrainingRun.from_json_dict(
        {
            "training_run_id": "R",
            "base_model": "B",
            "model_owner": "u",
            "is_lora": True,
            "last_request_time": "2026-01-01T00:00:00Z",
            "brand_new_field": {"x": 1},
            "last_checkpoint": {
                "checkpoint_id": "weights/a",
                "checkpoint_type": "training",
                "time": "2026-01-01T00:00:00Z",
                "tinker_path": "tinker://R/weights/a",
                "new": 1,
            },
        }
    )
    assert run.last_checkpoint is not None and run.last_checkpoint.public is False
    assert run.to_json_dict()["last_request_time"] == "2026-01-01T00:00:00Z"
    caps = T.GetServerCapabilitiesResponse.from_json_dict({"supported_models": [{"model_name": "m", "z": 1}]})
    assert caps.supported_models[0].max_context_length is None
    with pytest.raises(pydantic.ValidationError):
        T.AdamParams(learning_rate=1e-3, momentum=0.9)  # type: ignore[call-arg]
    with pytest.raises(pydantic.ValidationError):
        T.SamplingParams(max_tokens=1).max_tokens = 2  # type: ignore[misc]
    assert T.SamplingParams.from_json_dict({"max_tokens": 3, "future_option": True}).max_tokens == 3


def test_sampling_params_stop_forms() -> None:
    assert T.SamplingParams(stop=["\n\nUser:"]).stop == ["\n\nUser:"]
    assert T.SamplingParams(stop=[151645, 151643]).stop == [151645, 151643]
    assert T.SamplingParams(stop="x").to_json_dict()["stop"] == "x"
    assert T.SamplingParams(stop=[]).to_json_dict()["stop"] == []


def test_optim_step_wire_key() -> None:
    adam = T.OptimStepRequest(adam_params=T.AdamParams(learning_rate=1e-3), model_id="M", seq_id=2)
    assert adam.adam_params is not None and adam.optimizer_params is None
    wire = adam.to_json_dict()
    assert "adam_params" in wire and "optimizer_params" not in wire and "optim_params" not in wire
    assert T.OptimStepRequest.from_json_dict(wire) == adam
    dimuon = T.OptimStepRequest(optim_params=T.DimuonParams(learning_rate=0.02), model_id="M", seq_id=2)
    assert dimuon.to_json_dict()["optimizer_params"] == {
        "type": "dimuon",
        "learning_rate": 0.02,
        "grad_clip_norm": 0.0,
        "beta1": 0.9,
    }
    assert isinstance(T.OptimStepRequest.from_json_dict(dimuon.to_json_dict()).optim_params, T.DimuonParams)
    other = T.OptimStepRequest.from_json_dict({"model_id": "M", "optimizer_params": {"type": "lion", "lr": 1}})
    assert isinstance(other.optim_params, T.OptimParamsBase)
    assert other.to_json_dict()["optimizer_params"] == {"type": "lion", "lr": 1}
    for bad in (float("nan"), -1.0):
        with pytest.raises(pydantic.ValidationError):
            T.DimuonParams(learning_rate=bad)
    info = T.GetInfoResponse.from_json_dict(
        {"model_data": {}, "model_id": "M", "optimizer_config": {"type": "dimuon", "version": 1}}
    )
    assert isinstance(info.optimizer_config, T.DimuonOptimizerConfig)
    assert T.GetInfoResponse(model_data=T.ModelData(), model_id="M").optimizer_config == T.AdamOptimizerConfig()


@pytest.mark.parametrize(
    "path, kind, checkpoint_id",
    [
        ("tinker://run-1/weights/step-10", "training", "weights/step-10"),
        ("tinker://run-1/sampler_weights/final", "sampler", "sampler_weights/final"),
        ("tinker://a:train:0/external_weights/hf", "external", "external_weights/hf"),
    ],
)
def test_parsed_checkpoint_path(path: str, kind: str, checkpoint_id: str) -> None:
    parsed = T.ParsedCheckpointTinkerPath.from_tinker_path(path)
    assert parsed.checkpoint_type == kind and parsed.checkpoint_id == checkpoint_id
    assert parsed.tinker_path == path and parsed.training_run_id == path.split("/")[2]


@pytest.mark.parametrize(
    "path, message",
    [
        ("s3://run/weights/x", "must start with"),
        ("tinker://run/weights", "3 segments"),
        ("tinker://run/weights/x/y", "3 segments"),
        ("tinker://run/archive/x", "kind"),
        ("tinker:///weights/x", "empty"),
    ],
)
def test_parsed_checkpoint_path_errors(path: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        T.ParsedCheckpointTinkerPath.from_tinker_path(path)


def test_console_urls() -> None:
    saved = T.SaveWeightsForSamplerResponse(path="tinker://R/sampler_weights/n 1")
    assert saved.get_console_url() == "https://tinker.thinkingmachines.ai/checkpoints/R/sampler_weights%2Fn%201"
    assert saved.get_playground_url().endswith("checkpoint=tinker%3A%2F%2FR%2Fsampler_weights%2Fn%201")
    assert T.SaveWeightsResponse(path="tinker://R/weights/a").get_console_url().endswith("/R/weights%2Fa")


def test_futures_sessions_and_misc_bodies() -> None:
    failed = T.RequestFailedResponse.from_json_dict({"error": "boom", "category": "Weird"})
    assert failed.category is T.RequestErrorCategory.unknown
    assert T.RequestFailedResponse.from_json_dict({"error": "e", "category": "user"}).category == "user"
    assert T.FutureRetrieveRequest(request_id="r").to_json_dict() == {
        "request_id": "r",
        "allow_metadata_only": False,
    }
    polled = T.FuturesRetrieveResponse.from_json_dict(
        {
            "completions": [
                {"state": "finished", "request_id": "r", "response_payload_uncompressed_size": 10},
                {"state": "failed", "request_id": "q"},
            ],
            "cursor": 3,
        }
    )
    assert isinstance(polled.completions[1], T.FutureFailed)
    req = T.FuturesRetrieveRequest(
        target=T.SamplingSessionFuturesTarget(sampling_session_id="S"),
        prev_cursor=0,
        retrieved_request_ids=["r1"],
    )
    assert req.to_json_dict() == {
        "target": {"type": "sampling_session", "sampling_session_id": "S", "cloned_sampler_id": 0},
        "prev_cursor": 0,
        "retrieved_request_ids": ["r1"],
    }
    assert T.SessionSearchRequest().to_json_dict() == {
        "user_metadata": {},
        "owner": {"type": "own"},
        "limit": 50,
    }
    finish = T.FinishSessionRequest(reason=T.ClientSessionFinishSuccess(), detail=None)
    assert finish.to_json_dict() == {"reason": {"type": "success"}, "detail": None}  # as official 0.38 sends it
    usage = T.BillingUsageResponse.from_json_dict(
        {
            "data": [
                {
                    "bucket_start": "2026-01-01T00:00:00Z",
                    "bucket_end": "2026-01-01T01:00:00Z",
                    "event_info": {"type": "storage", "gigabyte_hours": 1.5},
                }
            ]
        }
    )
    assert isinstance(usage.data[0].event_info, T.StorageBillingEvent) and usage.data[0].event_info.free is False
    entry = T.AuditLogEntry(timestamp=dt.datetime(2026, 1, 1, tzinfo=dt.UTC), event="checkpoint_read")
    assert entry.to_json_dict() == {
        "timestamp": "2026-01-01T00:00:00Z",
        "event": "checkpoint_read",
        "event_details": {},
    }
    with pytest.raises(pydantic.ValidationError):
        T.CustomLossInput(name="Bad-Name", rank=1)
    chunk = T.ImageChunk(data=b"\x00\x01", format="png")
    assert T.ImageChunk.from_json_dict(chunk.to_json_dict()) == chunk


def test_sample_request_target_prompt_logprobs() -> None:
    prompt = T.ModelInput.from_ints([1, 2, 3])
    targets = T.TensorData([5, -1, 7, -1], "int64", [2, 2])
    req = T.SampleRequest(prompt=prompt, sampling_params=T.SamplingParams(), target_prompt_logprobs=targets)
    wire = req.to_json_dict()
    assert wire["target_prompt_logprobs"] == {"data": [5, -1, 7, -1], "dtype": "int64", "shape": [2, 2]}
    assert T.SampleRequest.from_json_dict(wire).target_prompt_logprobs == targets
    for bad in (T.TensorData([1.0, 2.0], "float32", [1, 2]), T.TensorData([1, 2], "int64", [2])):
        with pytest.raises(pydantic.ValidationError):
            T.SampleRequest(prompt=prompt, sampling_params=T.SamplingParams(), target_prompt_logprobs=bad)
    with pytest.raises(pydantic.ValidationError):
        T.SampleRequest(prompt=prompt, sampling_params=T.SamplingParams(), prompt_alt_tokens_k=-1)


def test_core_types_pickle_and_copy() -> None:
    import copy
    import pickle

    import numpy as np

    datum = T.Datum(
        T.ModelInput.from_ints([1, 2, 3]),
        {"target_tokens": [2, 3, 4], "weights": T.TensorData.from_numpy_sparse(np.eye(3, dtype=np.float32))},
    ).with_provenance(
        model_input=[T.PromptProvenanceSpan(sequence_id="s", length=3)],
        loss_fn_inputs=[T.SampledProvenanceSpan(sequence_id="s", length=3)],
    )
    for obj in (
        datum,
        datum.model_input,
        T.AdamParams(learning_rate=0.5),
        T.ForwardBackwardOutput("ArrayRecord", [dict(datum.loss_fn_inputs)], {"loss:sum": 1.0}),
        T.ParsedCheckpointTinkerPath.from_tinker_path("tinker://r/weights/w"),
    ):
        assert pickle.loads(pickle.dumps(obj)) == obj
        assert copy.deepcopy(obj) == obj
