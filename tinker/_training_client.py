"""TrainingClient: forward/backward passes, optimizer steps and checkpoints of one LoRA model."""

from __future__ import annotations

import concurrent.futures
import functools
import importlib.util
import logging
import time
import warnings
from collections.abc import Callable, Coroutine, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from tinker_api import models

import tinker_wire as wire
from tinker_wire._lazy import deferred_import

from . import _validate
from ._backcompat import BackcompatClientFuture, install_forwarders
from ._chunking import Chunks, as_datums, merge_outputs
from ._deprecation import deprecated_async, warn_deprecated
from ._futures import APIFuture, settle_once, spawn
from ._holder import ClientHolder
from ._instrument import annotate, observed
from ._ordering import OrderedSubmissions, submitted
from ._polling import PollSpec, QueueStateLogger, poll_future
from ._surrogate import CustomLossFnV1, custom_loss_output, forward_batch, linear_surrogate
from ._telemetry import Telemetry
from ._transport import decode_json
from .types.datum import Datum
from .types.forward_backward_output import ForwardBackwardOutput

if TYPE_CHECKING:
    import httpx
    from tinker_api.models import (
        LoadWeightsResponse,
        OptimStepResponse,
        SaveWeightsExternalResponse,
        SaveWeightsForSamplerResponse,
        SaveWeightsResponse,
    )

    from . import _convert
    from ._custom_loss import LossHandle
    from ._retry import RetryConfig
    from ._sampling_client import BackcompatSamplingClientFuture
    from .types.optimizer import AdamParams
else:
    httpx = deferred_import("httpx", globals())
    _convert = deferred_import("tinker._convert", globals())
asyncio = deferred_import("asyncio", globals())  # typed Any, no type-only imports: only gathered and passed on

_optim_step = deferred_import("tinker_api.api.training.optim_step", globals())
_load_weights = deferred_import("tinker_api.api.weights.load_weights", globals())
_save_weights = deferred_import("tinker_api.api.weights.save_weights", globals())
_save_weights_external = deferred_import("tinker_api.api.weights.save_weights_external", globals())
_save_weights_for_sampler = deferred_import("tinker_api.api.weights.save_weights_for_sampler", globals())

__all__ = ["BackcompatTrainingClientFuture", "CustomLossFnV1", "TrainingClient"]

logger = logging.getLogger("tinker.training")


def _fbo_spec(request_type: str) -> PollSpec[ForwardBackwardOutput]:
    def parse(resp: httpx.Response) -> ForwardBackwardOutput:
        if wire.PROTOBUF in resp.headers.get("content-type", ""):
            return _convert.forward_backward_output_from_protobuf(resp.content)
        return ForwardBackwardOutput.from_json_dict(decode_json(resp))

    return PollSpec(request_type=request_type, parse=parse, accept_proto=True)


def _json_spec(request_type: str, parse: Callable[[Any], Any]) -> PollSpec[Any]:
    return PollSpec(request_type=request_type, parse=lambda resp: parse(decode_json(resp)))


class TrainingClient:
    """Trains one LoRA model. Create it with ``ServiceClient.create_lora_training_client``.

    Compute methods return an :class:`APIFuture` at once, so calls pipeline: request ids are reserved in
    call order and the server runs them in that order. Wait with ``.result()`` or ``await``.
    """

    def __init__(
        self,
        holder: ClientHolder,
        model_seq_id: int,
        model_id: str,
        *,
        info: models.GetInfoResponse,
        first_seq_id: int = 1,
    ) -> None:
        self.holder = holder
        self.model_seq_id = model_seq_id
        self.model_id = model_id
        self._info = info
        self._order = OrderedSubmissions(first_seq_id)
        self._queue_log = QueueStateLogger(f"Training of {model_id}")

    def __repr__(self) -> str:
        return f"<TrainingClient model_id={self.model_id!r}>"

    # ------------------------------------------------------------------ plumbing

    def _check_usable(self, pending: bool = False) -> None:
        if self.holder.closed:
            when = " while this call waited for its turn" if pending else ""
            raise RuntimeError(f"TrainingClient {self.model_id}: its ServiceClient was closed{when}")

    def _ordered(self, endpoint: Any, seq_id: int, spec: PollSpec[Any], **kwargs: Any) -> Coroutine[Any, Any, Any]:
        """Start the request's submission in its turn now; returns the coroutine that waits for its result."""

        async def submit() -> tuple[str, float]:
            self._check_usable(pending=True)
            started = time.monotonic()
            resp = await self.holder.transport.call(endpoint, **kwargs)
            return str(decode_json(resp)["request_id"]), time.monotonic() - started

        sending = self._order.start(seq_id, 1, submit)

        async def result() -> Any:
            request_id, rtt = await submitted(sending)
            return await poll_future(self.holder.transport, request_id, spec, observer=self._queue_log, submit_rtt=rtt)

        return result()

    # ------------------------------------------------------------------ forward / backward

    @observed()
    def forward(
        self, data: Sequence[Datum], loss_fn: str, loss_fn_config: Mapping[str, float | str] | None = None
    ) -> APIFuture[ForwardBackwardOutput]:
        """Compute the loss and per-datum outputs (e.g. ``logprobs``) without accumulating gradients."""
        return self._forward_backward(data, loss_fn, loss_fn_config, forward_only=True)

    @observed()
    def forward_backward(
        self, data: Sequence[Datum], loss_fn: str, loss_fn_config: Mapping[str, float | str] | None = None
    ) -> APIFuture[ForwardBackwardOutput]:
        """Compute the loss and add its gradients (summed over datums) to the accumulated gradients."""
        return self._forward_backward(data, loss_fn, loss_fn_config, forward_only=False)

    def _forward_backward(
        self,
        data: Sequence[Datum],
        loss_fn: str,
        loss_fn_config: Mapping[str, float | str] | None,
        *,
        forward_only: bool,
    ) -> APIFuture[ForwardBackwardOutput]:
        self._check_usable()
        chunks, config = self._prepare_batch(data, loss_fn, loss_fn_config)
        first = self._order.reserve(len(chunks))
        request = (loss_fn, config, forward_only)
        sending = self._order.start(first, len(chunks), lambda: self._send_chunks(chunks, first, request))
        return spawn(self._chunk_results(sending, forward_only))

    def _prepare_batch(
        self, data: Sequence[Datum], loss_fn: str, loss_fn_config: Any
    ) -> tuple[Chunks, dict[str, float | str] | None]:
        """Check a batch before any seq_id is reserved; returns its chunks (encoded later, each in its turn)."""
        if not isinstance(loss_fn, str) or not loss_fn:
            raise TypeError(f"loss_fn must be a loss name such as 'cross_entropy', got {loss_fn!r}")
        config = _validate.check_loss_fn_config(loss_fn_config)
        _convert.check_request(self.model_id, loss_fn, config)
        cfg = self.holder.cached_server_config()
        chunks = Chunks.prepare(
            as_datums(data), cfg.fwdbwd_max_chunk_len, cfg.fwdbwd_max_chunk_bytes_count, self.holder.json_bodies
        )
        annotate(chunks=len(chunks))
        # A JSON-only server's batch is checked before any seq_id is reserved (one never sent is a gap).
        return chunks, config

    async def _send_chunks(
        self, chunks: Chunks, first: int, request: tuple[str, dict[str, float | str] | None, bool]
    ) -> list[tuple[str, float]]:
        """Submit a batch's chunks (ids ``first``...), in their turn; returns their (request_id, round trip)."""
        self._check_usable(pending=True)
        cfg = await self.holder.server_config()
        compress = cfg.proto_compress_fwdbwd
        headers = {"Content-Encoding": "zstd"} if compress else {}
        window = asyncio.Semaphore(chunks.window())

        async def submit(i: int) -> tuple[str, float]:
            # Each body is made in its turn and dropped once accepted (a retry resends the same bytes): only
            # the chunks in the window are ever held encoded.
            async with window:
                body = b"" if self.holder.json_bodies else chunks.body(i, self.model_id, first + i, request, compress)
                started = time.monotonic()
                as_json = functools.partial(chunks.json_body, i, self.model_id, first + i, request)
                resp = await self.holder.submit_chunk(body, headers, as_json)
            return str(decode_json(resp)["request_id"]), time.monotonic() - started

        if cfg.parallel_fwdbwd_chunks and len(chunks) > 1:
            # The server starts a batch when its lowest seq_id arrives: send that one last.
            rest = await asyncio.gather(*(submit(i) for i in range(1, len(chunks))))
            return [await submit(0), *rest]
        return [await submit(i) for i in range(len(chunks))]

    async def _chunk_results(
        self, sending: concurrent.futures.Future[list[tuple[str, float]]], forward_only: bool
    ) -> ForwardBackwardOutput:
        spec = _fbo_spec("Forward" if forward_only else "ForwardBackward")
        outputs = await asyncio.gather(
            *(
                poll_future(self.holder.transport, rid, spec, observer=self._queue_log, submit_rtt=rtt)
                for rid, rtt in await submitted(sending)
            )
        )
        return merge_outputs(outputs)

    async def _send_when_known(
        self, content: concurrent.futures.Future[tuple[Chunks, bool]], first: int
    ) -> list[tuple[str, float]]:
        chunks, forward_only = await asyncio.wrap_future(content)
        return await self._send_chunks(chunks, first, ("cross_entropy", None, forward_only))

    @observed()
    def forward_backward_custom(
        self, data: Sequence[Datum], loss_fn: CustomLossFnV1 | LossHandle, *, loss_type_input: str | None = None
    ) -> APIFuture[ForwardBackwardOutput]:
        """Train on a custom loss of the per-token logprobs (needs torch); returns at once.

        ``loss_fn(data, logprobs)`` gets ``data`` as passed (every ``loss_fn_inputs`` key) and one
        ``torch.Tensor`` of logprobs per datum (shaped like its ``target_tokens``, with ``requires_grad``),
        and returns ``(loss, metrics)``. It runs here: only ``target_tokens``, ``weights`` and provenance
        spans reach the server, and the gradient goes back as cross-entropy weights ``-dloss/dlogprobs``,
        which reproduces it exactly. In the result, ``loss:sum`` is the custom loss and
        ``surrogate_loss:sum`` the server's cross-entropy. If the loss fails, or the call is cancelled
        before the backward pass is sent, a forward-only pass goes in its place: no gradient is applied,
        and the client stays usable.

        ``loss_fn`` may also be a :class:`LossHandle` from ``ServiceClient.create_custom_loss`` of this
        session: one the server stores (``loss_id`` set) runs there in a single ``forward_backward`` with
        ``loss_fn="custom"`` and the data unchanged; otherwise it runs here as above.
        """
        from ._custom_loss import LossHandle

        self._check_usable()
        if loss_type_input is not None:
            warnings.warn(
                "forward_backward_custom(loss_type_input=...) is deprecated and ignored",
                DeprecationWarning,
                stacklevel=2,
            )
            if loss_type_input != "logprobs":
                raise ValueError(f"loss_type_input must be 'logprobs', got {loss_type_input!r}")
        datums = as_datums(data)
        if isinstance(loss_fn, LossHandle):
            loss_fn.check_usable(self.holder.session_id, datums)
            if loss_fn.loss_id is not None:
                return self.forward_backward(datums, "custom", {"loss_id": loss_fn.loss_id})
        elif not callable(loss_fn):
            raise TypeError(f"loss_fn must be a callable (data, logprobs) -> (loss, metrics), got {loss_fn!r}")
        if importlib.util.find_spec("torch") is None:  # found out only after the forward pass otherwise
            raise ImportError("forward_backward_custom needs torch: pip install 'tinker-oss[torch]'")
        forward_data = forward_batch(datums)
        forward_chunks, _ = self._prepare_batch(forward_data, "cross_entropy", None)
        n = len(forward_chunks)
        # Forward and backward ids are taken now, so that later calls cannot slip in between. What the backward
        # ids carry is known once the loss has run; if it does not run to the end (it fails, or the call is
        # cancelled), they carry forward-only passes of the same batch: no gradient, and no id missing.
        first = self._order.reserve(2 * n)
        forward_request = ("cross_entropy", None, True)
        forward_sending = self._order.start(first, n, lambda: self._send_chunks(forward_chunks, first, forward_request))
        forward_future = spawn(self._chunk_results(forward_sending, True))
        backward: concurrent.futures.Future[tuple[Chunks, bool]] = concurrent.futures.Future()
        backward_sending = self._order.start(first + n, n, lambda: self._send_when_known(backward, first + n))

        async def run() -> ForwardBackwardOutput:
            fwd = await forward_future.result_async()
            linear_data, loss_value, user_metrics = linear_surrogate(datums, forward_data, fwd, loss_fn)
            backward_chunks, _ = self._prepare_batch(linear_data, "cross_entropy", None)
            if len(backward_chunks) != n:  # same inputs and shapes as the forward pass: cannot differ
                raise RuntimeError(
                    f"forward_backward_custom: {len(backward_chunks)} backward chunks for {n} forward chunks"
                )
            if not settle_once(backward, (backward_chunks, False)):  # cancelled meanwhile: forward-only passes went
                raise asyncio.CancelledError
            out = await self._chunk_results(backward_sending, False)
            return custom_loss_output(out, loss_value, user_metrics)

        result = spawn(run())
        result.add_done_callback(lambda _: settle_once(backward, (forward_chunks, True)))
        return result

    # ------------------------------------------------------------------ optimizer

    @observed()
    def optim_step(
        self, optim_params: AdamParams | Any | None = None, *, adam_params: AdamParams | None = None
    ) -> APIFuture[OptimStepResponse]:
        """Apply the accumulated gradients with AdamW (``AdamParams``) or another optimizer family."""
        from .types.optimizer import AdamParams, OptimStepRequest

        self._check_usable()
        if (optim_params is None) == (adam_params is None):
            raise TypeError("optim_step takes exactly one of optim_params (positional) or adam_params=")
        params: Any = optim_params if optim_params is not None else adam_params
        if isinstance(params, AdamParams):
            key = "adam_params"
        elif hasattr(params, "model_dump") and getattr(params, "type", None):
            key = "optimizer_params"
        else:
            raise TypeError(f"optim_step needs tinker.AdamParams or optimizer params, got {type(params).__name__}")
        _validate.check_model(params, key)
        # Extra keys of an open optimizer family are not typed: their floats are checked here (JSON has no
        # NaN/Infinity, and the JSON dump would turn them into null).
        _validate.check_finite_fields(params.model_dump(), key)
        request = OptimStepRequest(optim_params=params, model_id=self.model_id)  # params: validated
        seq = self._order.reserve()
        req = request.model_copy(update={"seq_id": seq})
        spec = _json_spec("OptimStep", lambda b: models.OptimStepResponse.model_validate(b))
        return spawn(self._ordered(_optim_step, seq, spec, body=req))

    # ------------------------------------------------------------------ checkpoints

    @observed(audit=True)
    def save_state(
        self,
        name: str,
        ttl_seconds: int | None = None,
        overwrite: bool = False,
        user_metadata: Mapping[str, str] | None = None,
    ) -> APIFuture[SaveWeightsResponse]:
        """Save weights and optimizer state as ``tinker://<run>/weights/<name>``."""
        from tinker_api.models import SaveWeightsResponse

        self._check_usable()
        _validate.check_checkpoint_name(name)
        ttl = _validate.check_ttl_seconds(ttl_seconds)
        metadata = _validate.check_user_metadata(user_metadata)
        body = {"model_id": self.model_id, "path": name, "overwrite": overwrite}
        if ttl is not None:
            body["ttl_seconds"] = ttl
        if metadata is not None:
            body["user_metadata"] = metadata
        request = models.SaveWeightsRequest.model_validate(body)  # refused here, before a seq_id is taken
        seq = self._order.reserve()
        spec = _json_spec("SaveWeights", lambda b: SaveWeightsResponse.model_validate(b))
        return spawn(self._ordered(_save_weights, seq, spec, body=request.model_copy(update={"seq_id": seq})))

    def _load(self, path: str, optimizer: bool, weights_access_token: str | None) -> APIFuture[LoadWeightsResponse]:
        from tinker_api.models import LoadWeightsResponse

        self._check_usable()
        _validate.check_path(path)
        body: dict[str, Any] = {"model_id": self.model_id, "path": path, "optimizer": optimizer}
        if weights_access_token:
            body["weights_access_token"] = weights_access_token
        request = models.LoadWeightsRequest.model_validate(body)  # refused here, before a seq_id is taken
        seq = self._order.reserve()
        spec = _json_spec("LoadWeights", lambda b: LoadWeightsResponse.model_validate(b))
        return spawn(self._ordered(_load_weights, seq, spec, body=request.model_copy(update={"seq_id": seq})))

    @observed(audit=True)
    def load_state(self, path: str, weights_access_token: str | None = None) -> APIFuture[LoadWeightsResponse]:
        """Load weights (not the optimizer state) from a training checkpoint into this model.

        Deprecated: prefer ``ServiceClient.create_training_client_from_state``."""
        warn_deprecated("TrainingClient.load_state is deprecated; use ServiceClient.create_training_client_from_state")
        return self._load(path, False, weights_access_token)

    @observed(audit=True)
    def load_state_with_optimizer(
        self, path: str, weights_access_token: str | None = None
    ) -> APIFuture[LoadWeightsResponse]:
        """Load weights and optimizer state. Deprecated: prefer
        ``ServiceClient.create_training_client_from_state_with_optimizer``."""
        warn_deprecated(
            "TrainingClient.load_state_with_optimizer is deprecated; use "
            "ServiceClient.create_training_client_from_state_with_optimizer"
        )
        return self._load(path, True, weights_access_token)

    def _save_for_sampler(self, body: dict[str, Any]) -> APIFuture[Any]:
        from tinker_api.models import SaveWeightsForSamplerRequest, SaveWeightsForSamplerResponseInternal

        self._check_usable()
        request = SaveWeightsForSamplerRequest.model_validate({"model_id": self.model_id, **body})  # before the id
        seq = self._order.reserve()
        spec = _json_spec("SaveWeightsForSampler", lambda b: SaveWeightsForSamplerResponseInternal.model_validate(b))
        return spawn(
            self._ordered(_save_weights_for_sampler, seq, spec, body=request.model_copy(update={"seq_id": seq}))
        )

    @observed(audit=True)
    def save_weights_for_sampler(
        self, name: str, ttl_seconds: int | None = None, user_metadata: Mapping[str, str] | None = None
    ) -> APIFuture[SaveWeightsForSamplerResponse]:
        """Save an immutable sampler snapshot as ``tinker://<run>/sampler_weights/<name>``."""
        from tinker_api.models import SaveWeightsForSamplerResponse

        from ._futures import chain

        body: dict[str, Any] = {"path": _validate.check_checkpoint_name(name), "kind": "snapshot"}
        ttl = _validate.check_ttl_seconds(ttl_seconds)
        if ttl is not None:
            body["ttl_seconds"] = ttl
        metadata = _validate.check_user_metadata(user_metadata)
        if metadata is not None:
            body["user_metadata"] = metadata
        return chain(self._save_for_sampler(body), lambda r: SaveWeightsForSamplerResponse(path=r.path))

    @observed(audit=True)
    def save_weights_external(
        self, name: str, ttl_seconds: int | None = None, age_encryption_recipients: Sequence[str] | None = None
    ) -> APIFuture[SaveWeightsExternalResponse]:
        """Export the adapter as downloadable files (``tinker://<run>/external_weights/<name>``)."""
        from tinker_api.models import SaveWeightsExternalResponse

        self._check_usable()
        _validate.check_checkpoint_name(name)
        ttl = _validate.check_ttl_seconds(ttl_seconds)
        recipients = _validate.check_string_list(age_encryption_recipients, "age_encryption_recipients")
        body: dict[str, Any] = {"model_id": self.model_id, "path": name}
        if ttl is not None:
            body["ttl_seconds"] = ttl
        if recipients:
            body["age_encryption_recipients"] = recipients
        request = models.SaveWeightsExternalRequest.model_validate(body)  # refused here, before a seq_id is taken
        seq = self._order.reserve()

        def parse(b: Any) -> SaveWeightsExternalResponse:
            if not b.get("path"):
                raise ValueError("save_weights_external: the server returned no path")
            return SaveWeightsExternalResponse(path=b["path"])

        spec = _json_spec("SaveWeightsExternal", parse)
        return spawn(self._ordered(_save_weights_external, seq, spec, body=request.model_copy(update={"seq_id": seq})))

    # ------------------------------------------------------------------ sampling clients

    @observed(audit=True)
    def save_weights_and_get_sampling_client(
        self,
        name: str | None = None,
        retry_config: RetryConfig | None = None,
        record_stability_info: bool = False,
        kind: str = "snapshot",
    ) -> BackcompatSamplingClientFuture:
        """Snapshot the current weights (ephemerally) and return a sampling client for them."""
        from ._sampling_client import BackcompatSamplingClientFuture, SamplingClient

        if name is not None:
            warnings.warn(
                "save_weights_and_get_sampling_client(name=...) is deprecated and ignored; "
                "snapshots made here are always ephemeral",
                DeprecationWarning,
                stacklevel=2,
            )
        if kind not in ("snapshot", "inflight"):
            raise ValueError(f"kind must be 'snapshot' or 'inflight', got {kind!r}")
        sampler_seq = self.holder.next_sampling_session_seq_id()
        save = self._save_for_sampler({"sampling_session_seq_id": sampler_seq, "kind": kind})

        async def make() -> SamplingClient:
            result = await save.result_async()
            if not result.sampling_session_id:
                raise ValueError("save_weights_for_sampler returned no sampling_session_id")
            return SamplingClient(
                self.holder,
                sampling_session_id=result.sampling_session_id,
                base_model=self._info.model_data.model_name or "",
                retry_config=retry_config,
                record_stability_info=record_stability_info,
            )

        return BackcompatSamplingClientFuture(spawn(make()))

    @observed(audit=True)
    def create_sampling_client(
        self, model_path: str, retry_config: RetryConfig | None = None, record_stability_info: bool = False
    ) -> BackcompatSamplingClientFuture:
        """A sampling client for a saved sampler checkpoint (``tinker://.../sampler_weights/...``)."""
        from ._sampling_client import create_sampling_client

        return create_sampling_client(
            self.holder,
            model_path=model_path,
            base_model=None,
            retry_config=retry_config,
            record_stability_info=record_stability_info,
        )

    # ------------------------------------------------------------------ info

    def get_info(self) -> models.GetInfoResponse:
        """Model information, cached when the client was created."""
        return self._info

    def get_tokenizer(self) -> Any:
        """The tokenizer of the base model (see :func:`tinker.get_tokenizer` for how it is found)."""
        from ._tokenizer import load_tokenizer

        data = self._info.model_data
        return load_tokenizer(self.holder, data.tokenizer_id or data.model_name or "")

    def get_console_url(self) -> str:
        return f"https://tinker.thinkingmachines.ai/training_runs/{self.model_id}"

    def get_telemetry(self) -> Telemetry | None:
        """The session's telemetry collector (None before the session starts or with TINKER_TELEMETRY=0)."""
        return self.holder.telemetry

    # ------------------------------------------------------------------ deprecated async twins

    @deprecated_async("forward")
    async def forward_async(
        self, data: Sequence[Datum], loss_fn: str, loss_fn_config: Mapping[str, float | str] | None = None
    ) -> APIFuture[ForwardBackwardOutput]:
        return self.forward(data, loss_fn, loss_fn_config)

    @deprecated_async("forward_backward")
    async def forward_backward_async(
        self, data: Sequence[Datum], loss_fn: str, loss_fn_config: Mapping[str, float | str] | None = None
    ) -> APIFuture[ForwardBackwardOutput]:
        return self.forward_backward(data, loss_fn, loss_fn_config)

    @deprecated_async("forward_backward_custom")
    async def forward_backward_custom_async(
        self, data: Sequence[Datum], loss_fn: CustomLossFnV1 | LossHandle, *, loss_type_input: str | None = None
    ) -> APIFuture[ForwardBackwardOutput]:
        return self.forward_backward_custom(data, loss_fn, loss_type_input=loss_type_input)

    @deprecated_async("optim_step")
    async def optim_step_async(self, optim_params: Any = None, *, adam_params: Any = None) -> APIFuture[Any]:
        return self.optim_step(optim_params, adam_params=adam_params)

    @deprecated_async("save_state")
    async def save_state_async(
        self,
        name: str,
        ttl_seconds: int | None = None,
        overwrite: bool = False,
        user_metadata: Mapping[str, str] | None = None,
    ) -> APIFuture[Any]:
        return self.save_state(name, ttl_seconds, overwrite, user_metadata)

    @deprecated_async("load_state")
    async def load_state_async(self, path: str, weights_access_token: str | None = None) -> APIFuture[Any]:
        return self._load(path, False, weights_access_token)

    @deprecated_async("load_state_with_optimizer")
    async def load_state_with_optimizer_async(
        self, path: str, weights_access_token: str | None = None
    ) -> APIFuture[Any]:
        return self._load(path, True, weights_access_token)

    @deprecated_async("save_weights_for_sampler")
    async def save_weights_for_sampler_async(
        self, name: str, ttl_seconds: int | None = None, user_metadata: Mapping[str, str] | None = None
    ) -> APIFuture[Any]:
        return self.save_weights_for_sampler(name, ttl_seconds, user_metadata)

    @deprecated_async("save_weights_external")
    async def save_weights_external_async(
        self, name: str, ttl_seconds: int | None = None, age_encryption_recipients: Sequence[str] | None = None
    ) -> APIFuture[Any]:
        return self.save_weights_external(name, ttl_seconds, age_encryption_recipients)

    @deprecated_async("get_info")
    async def get_info_async(self) -> models.GetInfoResponse:
        return self._info

    @deprecated_async("create_sampling_client")
    async def create_sampling_client_async(
        self, model_path: str, retry_config: RetryConfig | None = None, record_stability_info: bool = False
    ) -> Any:
        return await self.create_sampling_client(model_path, retry_config, record_stability_info)

    @deprecated_async("save_weights_and_get_sampling_client")
    async def save_weights_and_get_sampling_client_async(
        self,
        name: str | None = None,
        retry_config: RetryConfig | None = None,
        record_stability_info: bool = False,
        kind: str = "snapshot",
    ) -> Any:
        return await self.save_weights_and_get_sampling_client(name, retry_config, record_stability_info, kind)


class BackcompatTrainingClientFuture(BackcompatClientFuture[TrainingClient], TrainingClient):
    """A future of a :class:`TrainingClient` that can also be used as one (deprecated style)."""


install_forwarders(BackcompatTrainingClientFuture, TrainingClient)
