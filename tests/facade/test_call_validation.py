"""Input the SDK can judge is refused at call time, before a training seq_id is reserved or anything is sent.

A refused request never reaches the server's per-model queue, so a seq_id reserved for it would leave a gap
that stalls every later request of the client (the server waits ~120 s for the missing id). These tests
check that such input raises synchronously, names the field, sends nothing and consumes no seq_id.
"""

from __future__ import annotations

import asyncio
import math
from typing import Any

import numpy as np
import pydantic
import pytest
from fake_tinker import FakeServer, datum, decoded_fb, status

import tinker
import tinker_wire as wire
from tinker import types

ADAM = tinker.AdamParams(learning_rate=1e-4)
NAN, INF = math.nan, math.inf
ORDERED = (
    "forward_backward",
    "optim_step",
    "save_weights",
    "save_weights_for_sampler",
    "save_weights_external",
    "load_weights",
)


def _ordered_requests(server: FakeServer) -> list[Any]:
    return [r for op in ORDERED for r in server.op_calls(op)]


def _assert_nothing_sent_and_no_id_used(training: Any, server: FakeServer) -> None:
    assert _ordered_requests(server) == []
    training.optim_step(ADAM).result(timeout=10)
    assert server.op_calls("optim_step")[-1].body["seq_id"] == 1


# ------------------------------------------------------------------ optim_step


@pytest.mark.parametrize(
    "field, value",
    [
        ("learning_rate", NAN),
        ("learning_rate", INF),
        ("learning_rate", -1e-3),
        ("beta1", NAN),
        ("beta1", 1.0),
        ("beta1", -0.1),
        ("beta2", 1.5),
        ("beta2", -INF),
        ("eps", 0.0),
        ("eps", -1e-8),
        ("eps", NAN),
        ("eps", INF),
        ("weight_decay", -0.1),
        ("weight_decay", NAN),
        ("grad_clip_norm", NAN),
        ("grad_clip_norm", INF),
        ("grad_clip_norm", -1.0),
    ],
)
def test_optim_step_refuses_bad_adam_params(training, server: FakeServer, field: str, value: float) -> None:
    # The contract's ranges (generated into AdamParams) refuse the value when the params are built ...
    with pytest.raises(pydantic.ValidationError, match=field):
        tinker.AdamParams(**{field: value})
    # ... and, for params built without validation, when the step is requested.
    with pytest.raises(ValueError, match=rf"adam_params\.{field}") as info:
        training.optim_step(ADAM.model_copy(update={field: value}))
    assert repr(value) in str(info.value) or str(value) in str(info.value)
    _assert_nothing_sent_and_no_id_used(training, server)


def test_optim_step_checks_params_built_without_validation(training, server: FakeServer) -> None:
    # model_copy / model_construct skip pydantic validation: the call itself still checks.
    with pytest.raises(ValueError, match="adam_params.learning_rate"):
        training.optim_step(ADAM.model_copy(update={"learning_rate": NAN}))
    with pytest.raises(ValueError, match="adam_params.eps"):
        training.optim_step(adam_params=tinker.AdamParams.model_construct(eps=-1.0))
    _assert_nothing_sent_and_no_id_used(training, server)


def test_optim_step_accepts_edge_values(training, server: FakeServer) -> None:
    # Values at the edge of the contract's ranges must still reach the server.
    edge = tinker.AdamParams(learning_rate=0.0, beta1=0.0, beta2=0.0, eps=1e-30, weight_decay=0.0, grad_clip_norm=0.0)
    training.optim_step(edge).result(timeout=10)
    body = server.op_calls("optim_step")[0].body
    assert body["seq_id"] == 1 and body["adam_params"]["eps"] == 1e-30


def test_optim_step_refuses_non_finite_other_optimizer_params(training, server: FakeServer) -> None:
    with pytest.raises(pydantic.ValidationError, match="learning_rate"):
        types.OptimParamsBase(type="lion", learning_rate=NAN)
    with pytest.raises(ValueError, match=r"optimizer_params\.learning_rate.*finite"):
        training.optim_step(types.OptimParamsBase.model_construct(type="lion", learning_rate=NAN))
    with pytest.raises(ValueError, match=r"optimizer_params\.momentum.*finite"):
        training.optim_step(types.OptimParamsBase(type="lion", momentum=INF))  # an untyped extra key
    with pytest.raises(ValueError, match=r"optimizer_params\.grad_clip_norm"):
        training.optim_step(types.DimuonParams(learning_rate=0.02).model_copy(update={"grad_clip_norm": INF}))
    _assert_nothing_sent_and_no_id_used(training, server)


# ------------------------------------------------------------------ forward / forward_backward


def _float_targets_datum(values: list[float]) -> tinker.Datum:
    return tinker.Datum(
        model_input=tinker.ModelInput.from_ints([1, 2, 3]),
        loss_fn_inputs={"target_tokens": tinker.TensorData(values, dtype="float32"), "weights": [1.0, 1.0, 1.0]},
    )


def test_forward_backward_refuses_non_integral_float32_targets(training, server: FakeServer) -> None:
    with pytest.raises(ValueError) as info:
        training.forward_backward([datum(), _float_targets_datum([2.5, 3.9, -0.7])], "cross_entropy")
    msg = str(info.value)
    assert "data[1]" in msg and "loss_fn_inputs['target_tokens']" in msg and "non-integral float 2.5" in msg
    _assert_nothing_sent_and_no_id_used(training, server)


def test_forward_backward_sends_integral_float32_targets_as_int64(training, server: FakeServer) -> None:
    training.forward_backward([_float_targets_datum([2.0, 3.0, 4.0])], "cross_entropy").result(timeout=10)
    sent = decoded_fb(server)[0].data[0].loss_fn_inputs["target_tokens"]
    assert sent.dtype == "int64" and sent.data == [2, 3, 4]


def test_forward_backward_refuses_unencodable_chunks_at_call_time(training, server: FakeServer) -> None:
    ptr = tinker.ImageAssetPointerChunk(format="png", location="s3://bucket/cat.png", expected_tokens=2)
    d = tinker.Datum(
        model_input=tinker.ModelInput(chunks=[ptr]), loss_fn_inputs={"target_tokens": [1, 2], "weights": [1.0, 1.0]}
    )
    with pytest.raises(ValueError, match=r"data\[0\].*ImageAssetPointerChunk"):
        training.forward_backward([d], "cross_entropy")  # raised by the call itself, not by .result()
    huge = tinker.Datum(model_input=tinker.ModelInput.from_ints([1, 2**40]), loss_fn_inputs={"target_tokens": [1, 2]})
    with pytest.raises(ValueError, match=r"data\[0\].*chunks\[0\].*1099511627776.*int32"):
        training.forward([huge], "cross_entropy")
    _assert_nothing_sent_and_no_id_used(training, server)


@pytest.mark.parametrize(
    "config, exc, match",
    [
        ({"clip": [1, 2]}, TypeError, r"loss_fn_config\['clip'\]"),
        ({1: 0.5}, TypeError, "loss_fn_config keys"),
        ({"clip": None}, TypeError, r"loss_fn_config\['clip'\]"),
        ("clip=0.2", TypeError, "loss_fn_config must be"),
        ({"clip_low_threshold": float("nan")}, ValueError, r"loss_fn_config\['clip_low_threshold'\] must be a finite"),
        (
            {"clip_high_threshold": float("-inf")},
            ValueError,
            r"loss_fn_config\['clip_high_threshold'\] must be a finite",
        ),
    ],
)
def test_forward_backward_refuses_bad_loss_fn_config(training, server, config, exc, match) -> None:
    with pytest.raises(exc, match=match):
        training.forward_backward([datum()], "ppo", config)
    _assert_nothing_sent_and_no_id_used(training, server)


def test_forward_backward_custom_validates_before_reserving(training, server: FakeServer) -> None:
    with pytest.raises(TypeError, match="callable"):
        training.forward_backward_custom([datum()], "not a function")
    ptr = tinker.ImageAssetPointerChunk(format="png", location="s3://bucket/cat.png", expected_tokens=2)
    d = tinker.Datum(
        model_input=tinker.ModelInput(chunks=[ptr]), loss_fn_inputs={"target_tokens": [1, 2], "weights": [1.0, 1.0]}
    )
    with pytest.raises(ValueError, match="ImageAssetPointerChunk"):
        training.forward_backward_custom([d], lambda data, lps: (sum(lp.sum() for lp in lps), {}))
    with pytest.raises(ValueError, match="No data"):
        training.forward_backward_custom([], lambda data, lps: (sum(lp.sum() for lp in lps), {}))
    _assert_nothing_sent_and_no_id_used(training, server)


def test_encoding_failure_after_reservation_still_releases_the_turn(
    training, server: FakeServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Encoding the protobuf body needs the seq_id, so it runs after reservation (each chunk in its turn); if it
    # fails anyway the turn gate must be released or every later request of the client would wait forever.
    import tinker._chunking as chunking

    def boom(*args: Any, **kwargs: Any) -> bytes:
        raise wire.WireError("ForwardBackwardRequest: simulated encoding failure")

    monkeypatch.setattr(chunking.Chunks, "body", boom)  # each chunk's body, encoded in its turn
    with pytest.raises(ValueError, match="simulated encoding failure"):
        training.forward_backward([datum()], "cross_entropy").result(timeout=10)
    monkeypatch.undo()
    training.optim_step(ADAM).result(timeout=5)
    assert [r.body["seq_id"] for r in server.op_calls("optim_step")] == [2]  # id 1 was spent on the failure


# ------------------------------------------------------------------ checkpoints


BAD_NAMES = ["", "a/b", "/", ".", "..", "bad\nname", "nul\x00"]


@pytest.mark.parametrize("name", BAD_NAMES)
@pytest.mark.parametrize("method", ["save_state", "save_weights_for_sampler", "save_weights_external"])
def test_checkpoint_methods_refuse_bad_names(training, server: FakeServer, method: str, name: str) -> None:
    with pytest.raises(ValueError, match="name"):
        getattr(training, method)(name)
    _assert_nothing_sent_and_no_id_used(training, server)


@pytest.mark.parametrize("method", ["save_state", "save_weights_for_sampler", "save_weights_external"])
def test_checkpoint_methods_refuse_non_string_names(training, server: FakeServer, method: str) -> None:
    with pytest.raises(TypeError, match="name"):
        getattr(training, method)(5)
    _assert_nothing_sent_and_no_id_used(training, server)


def test_checkpoint_names_the_server_accepts_are_sent(training, server: FakeServer) -> None:
    name = "Run_1-step.000010:a+b=c@d"  # every character class the local server's name pattern allows
    training.save_state(name).result(timeout=10)
    training.save_weights_for_sampler(name).result(timeout=10)
    assert [r.body["path"] for r in _ordered_requests(server)] == [name, name]


@pytest.mark.parametrize("ttl", [0, -5, "3600", True, 3600.5, NAN])
def test_checkpoint_ttl_must_be_a_positive_integer(training, server: FakeServer, ttl: Any) -> None:
    with pytest.raises((TypeError, ValueError), match="ttl_seconds"):
        training.save_state("c", ttl_seconds=ttl)
    _assert_nothing_sent_and_no_id_used(training, server)


def test_checkpoint_integral_float_ttl_is_sent_as_int(training, server: FakeServer) -> None:
    training.save_state("c", ttl_seconds=7200.0).result(timeout=10)
    ttl = server.op_calls("save_weights")[0].body["ttl_seconds"]
    assert ttl == 7200 and isinstance(ttl, int)


@pytest.mark.parametrize("meta", [{"step": 3}, {1: "x"}, ["step"]])
def test_checkpoint_user_metadata_must_map_strings_to_strings(training, server: FakeServer, meta: Any) -> None:
    with pytest.raises(TypeError, match="user_metadata"):
        training.save_state("c", user_metadata=meta)
    _assert_nothing_sent_and_no_id_used(training, server)


def test_load_state_refuses_an_empty_path(training, server: FakeServer) -> None:
    with pytest.warns(FutureWarning), pytest.raises(ValueError, match="path"):
        training.load_state("")
    _assert_nothing_sent_and_no_id_used(training, server)


def test_save_weights_external_refuses_bad_recipients(training, server: FakeServer) -> None:
    with pytest.raises(TypeError, match="age_encryption_recipients"):
        training.save_weights_external("e", age_encryption_recipients="age1x")  # a str, not a list
    _assert_nothing_sent_and_no_id_used(training, server)


# ------------------------------------------------------------------ no stall after a refused call


class StrictQueue:
    """The real server's per-model queue, in miniature: seq_id k is taken only once k-1 has been taken,
    and a request refused on arrival (400) never enters the queue, so its id stays a gap that holds every
    later request (the real server gives up after ~120 s; here after ``hold`` s)."""

    def __init__(self, hold: float = 20.0) -> None:
        self.next = 1
        self.hold = hold

    @staticmethod
    def _refuse(rec: Any) -> bool:
        """What a real server refuses on arrival: null Adam values (NaN sent as JSON null), a name with a
        slash, non-integer target tokens."""
        if isinstance(rec.body, wire.WireForwardBackwardRequest):
            return any(d.loss_fn_inputs["target_tokens"].dtype != "int64" for d in rec.body.data)
        adam = rec.body.get("adam_params") or {}
        return any(v is None for v in adam.values()) or "/" in str(rec.body.get("path", ""))

    async def reply(self, rec: Any) -> Any:
        if self._refuse(rec):
            return status(400, {"detail": "adam_params.learning_rate: expected a number, got null"})
        seq = rec.body.seq_id if isinstance(rec.body, wire.WireForwardBackwardRequest) else rec.body["seq_id"]
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.hold
        while self.next != seq and loop.time() < deadline:
            await asyncio.sleep(0.01)
        if self.next != seq:
            return status(400, {"detail": f"seq_id {seq}: timed out waiting for seq_id {self.next}"})
        self.next += 1
        return None  # the fake's default reply


@pytest.mark.parametrize(
    "bad_call",
    [
        lambda t: t.optim_step(tinker.AdamParams(learning_rate=NAN)),
        lambda t: t.optim_step(tinker.AdamParams(beta2=1.0)),
        lambda t: t.save_state("a/b"),
        lambda t: t.forward_backward([_float_targets_datum([2.5, 3.9, -0.7])], "cross_entropy"),
    ],
)
def test_next_call_proceeds_at_once_after_a_refused_call(training, server: FakeServer, bad_call) -> None:
    queue = StrictQueue()
    for op in ("forward_backward", "optim_step", "save_weights"):
        server.script(f"/api/v1/{op}", *[queue.reply] * 4)
    with pytest.raises(Exception):  # noqa: B017 - refused at call time now; by the server (400) before
        bad_call(training).result(timeout=10)
    fb = training.forward_backward([datum()], "cross_entropy")
    optim = training.optim_step(ADAM)
    # Without call-time validation the refused request spent seq_id 1 and these would wait on the gap
    # (for ``hold`` s here, ~120 s on a real server); the timeouts only leave room for a loaded machine.
    assert fb.result(timeout=8).metrics["seq:mean"] == 1.0
    optim.result(timeout=8)
    assert server.op_calls("optim_step")[-1].body["seq_id"] == 2


# ------------------------------------------------------------------ sampling


@pytest.mark.parametrize("field, value", [("temperature", NAN), ("temperature", INF), ("top_p", NAN), ("top_p", -INF)])
def test_sample_refuses_non_finite_sampling_params(sampling, server: FakeServer, field: str, value: float) -> None:
    params = tinker.SamplingParams(max_tokens=3, **{field: value})
    prompt = tinker.ModelInput.from_ints([1, 2])
    with pytest.raises(ValueError, match=rf"sampling_params\.{field}.*finite"):
        sampling.sample(prompt, 1, params)
    with pytest.raises(ValueError, match=rf"sampling_params\.{field}"):
        sampling.sample_stream(prompt, 1, params)
    assert server.op_calls("asample") == [] and server.op_calls("stream_sample") == []


def test_sample_names_a_seed_or_token_beyond_64_bits(sampling, server: FakeServer) -> None:
    # JSON (orjson) carries 64-bit integers; a wider one used to fail as "Integer exceeds 64-bit range", unnamed.
    wide = 2**70
    calls = [
        (
            tinker.ModelInput.from_ints([1, 2]),
            tinker.SamplingParams(max_tokens=3, seed=wide),
            r"\$\.sampling_params\.seed",
        ),
        (
            tinker.ModelInput.from_ints([1, wide]),
            tinker.SamplingParams(max_tokens=3),
            r"\$\.prompt\.chunks\[0\]\.tokens\[1\]",
        ),
    ]
    for prompt, params, where in calls:
        with pytest.raises(ValueError, match=rf"{where} is {wide}, beyond the 64-bit integers"):
            sampling.sample(prompt, 1, params).result(timeout=10)
    assert server.op_calls("asample") == []


# ------------------------------------------------------------------ the JSON encoder never writes NaN as null


def test_json_bodies_never_carry_nan_as_null() -> None:
    from tinker_api.api.training import optim_step as optim_endpoint

    from tinker._transport import endpoint_request
    from tinker.types import OptimStepRequest

    # The models refuse NaN when built; one built without validation must still not reach the wire as null.
    body = OptimStepRequest(optim_params=tinker.AdamParams.model_construct(learning_rate=NAN), model_id="m", seq_id=1)
    with pytest.raises(ValueError, match=r"NaN or Infinity.*learning_rate"):
        endpoint_request(optim_endpoint, body=body)
    ok = endpoint_request(
        optim_endpoint,
        body=OptimStepRequest.model_validate({"adam_params": {"learning_rate": 1e-4}, "model_id": "m", "seq_id": 1}),
    )
    assert b"null" not in ok["content"] and np.isclose(wire.loads(ok["content"])["adam_params"]["learning_rate"], 1e-4)


@pytest.mark.parametrize(
    "kwargs, field",
    [
        ({"num_samples": 0}, "num_samples"),
        ({"num_samples": 1025}, "num_samples"),
        ({"topk_prompt_logprobs": -1}, "topk_prompt_logprobs"),
        ({"topk_sample_logprobs": -2}, "topk_sample_logprobs"),
        ({"prompt_alt_tokens_k": -1}, "prompt_alt_tokens_k"),
        (
            {"target_prompt_logprobs": tinker.TensorData.from_numpy(np.zeros((2, 3), dtype=np.float32))},
            "target_prompt_logprobs",
        ),
    ],
)
def test_sample_refuses_requests_outside_the_contract(
    sampling, server: FakeServer, kwargs: dict[str, Any], field: str
) -> None:
    # The generated SampleRequest holds the contract's rules; the call fails before anything is sent.
    args: dict[str, Any] = {
        "prompt": tinker.ModelInput.from_ints([1, 2, 3]),
        "num_samples": 1,
        "sampling_params": tinker.SamplingParams(max_tokens=2),
        **kwargs,
    }
    with pytest.raises(ValueError, match=field):
        sampling.sample(**args)
    assert server.op_calls("asample") == []


def test_a_body_the_contract_refuses_takes_no_seq_id(training, server: FakeServer) -> None:
    # 11 recipients: the contract allows at most 10. The generated model refuses the request before a seq_id is
    # reserved; otherwise the unused id would hold every later call of this client.
    with pytest.raises(ValueError, match="age_encryption_recipients"):
        training.save_weights_external("x", age_encryption_recipients=["age1abc"] * 11)
    _assert_nothing_sent_and_no_id_used(training, server)
    training.optim_step(ADAM).result(timeout=10)
    assert server.op_calls("optim_step")[0].body["seq_id"] == 1


@pytest.mark.parametrize(
    "data, match",
    [
        (None, "data must be a list of tinker.Datum, got NoneType"),
        ("abc", "data must be a list of tinker.Datum, got str"),
        (datum(), r"got Datum \(wrap a single datum in a list: \[datum\]\)"),
    ],
)
def test_data_that_is_not_a_list_of_datums_is_named(training, server, data, match) -> None:
    for call in (training.forward, training.forward_backward):
        with pytest.raises(TypeError, match=match):
            call(data, "cross_entropy")
    _assert_nothing_sent_and_no_id_used(training, server)
