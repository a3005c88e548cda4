"""SamplingClient: generation and prompt scoring against a base model or saved sampler weights."""

from __future__ import annotations

import base64
import logging
import random
import threading
import time
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from tinker_api import models
from tinker_api.models import ModelInput, SamplingParams

import tinker_wire as wire
from tinker_wire._lazy import deferred_import

from . import _instrument, _validate
from ._backcompat import BackcompatClientFuture, install_forwarders
from ._deprecation import deprecated_async
from ._exceptions import APIStatusError
from ._futures import APIFuture, spawn
from ._holder import ClientHolder
from ._instrument import observed
from ._polling import ACCEPT_RESULT, FutureExpiredError, PollSpec, inline_future, poll_future, result_wait
from ._retry import RETRYABLE_STATUSES, RetryConfig, RetryPolicy, parse_retry_after
from ._telemetry import Telemetry
from ._transport import decode_json

if TYPE_CHECKING:
    import asyncio
    import json

    import httpx
    from tinker_api.api.rest import get_sampler as _get_sampler
    from tinker_api.api.sampling import asample as _asample
    from tinker_api.api.sampling import create_sampling_session as _create_sampling_session
    from tinker_api.models import SampleRequest

    from . import _convert
    from ._streaming import SampleStream
    from .types.sample_response import SampleResponse
    from .types.tensor_data import TensorData
else:
    httpx = deferred_import("httpx", globals())
    _get_sampler = deferred_import("tinker_api.api.rest.get_sampler", globals())
    _asample = deferred_import("tinker_api.api.sampling.asample", globals())
    _create_sampling_session = deferred_import("tinker_api.api.sampling.create_sampling_session", globals())
    asyncio = deferred_import("asyncio", globals())
    json = deferred_import("json", globals())
    _convert = deferred_import("tinker._convert", globals())

__all__ = ["BackcompatSamplingClientFuture", "SamplingClient", "create_sampling_client"]

logger = logging.getLogger("tinker.sampling")

# Backoff after the server answered 429 to a sample submission (docs/protocol.md#sampling-backpressure-429).
_SMALL_PROMPT_BYTES = 128 * 1024
_MAX_RESUBMITS = 5


class SamplingClient:
    """Samples from one sampler (a base model or an immutable snapshot of trained weights).

    ``sample`` returns at once with an :class:`APIFuture` that is also a ``concurrent.futures.Future``.
    """

    def __init__(
        self,
        holder: ClientHolder,
        *,
        sampling_session_id: str,
        base_model: str,
        shadow: bool = False,
        retry_config: RetryConfig | None = None,
        record_stability_info: bool = False,
    ) -> None:
        self.holder = holder
        self.sampling_session_id = sampling_session_id
        self._base_model = base_model
        self.retry_config = retry_config or RetryConfig()
        self.record_stability_info = record_stability_info
        # Restored copies number their requests far away from the original's to avoid seq_id clashes.
        self._seq = random.randrange(1, 1_000_000) * 1_000_000_000 if shadow else 0
        self._seq_lock = threading.Lock()
        self._semaphore: asyncio.Semaphore | None = None
        self._backoff_until = 0.0
        # 429 is answered by the client-wide backoff in _sample_unlimited, not by per-request retries.
        self._sample_policy = RetryPolicy(self.retry_config, retry_statuses=RETRYABLE_STATUSES - {429})
        self._result_wait = result_wait(holder.settings.timeout)

    def __repr__(self) -> str:
        return f"<SamplingClient sampling_session_id={self.sampling_session_id!r} base_model={self._base_model!r}>"

    def __reduce__(self) -> tuple[Any, ...]:
        # The credential is not pickled: the receiving process resolves its own (api key / environment).
        return (
            _restore,
            (self.holder.settings.base_url, self.sampling_session_id, self._base_model, self.record_stability_info),
        )

    @staticmethod
    def create(
        holder: ClientHolder,
        *,
        model_path: str | None = None,
        base_model: str | None = None,
        sampling_session_id: str | None = None,
        retry_config: RetryConfig | None = None,
        record_stability_info: bool = False,
    ) -> APIFuture[SamplingClient]:
        """A future of a client on ``holder``: for an existing sampler (``sampling_session_id``), else for a
        new sampling session on ``model_path`` (a ``tinker://`` sampler path) or ``base_model``."""
        if sampling_session_id is None and model_path is None and base_model is None:
            raise ValueError("SamplingClient.create needs sampling_session_id=, model_path= or base_model=")
        if model_path is not None and not model_path.startswith("tinker://"):
            raise ValueError(f"model_path must be a tinker:// path, got {model_path!r}")
        seq = holder.next_sampling_session_seq_id() if sampling_session_id is None else None

        async def make() -> SamplingClient:
            sampler_id = sampling_session_id
            if seq is not None:
                body: dict[str, Any] = {"session_id": await holder.ensure_session(), "sampling_session_seq_id": seq}
                if model_path is not None:
                    body["model_path"] = model_path
                if base_model is not None:
                    body["base_model"] = base_model
                resp = decode_json(
                    await holder.transport.call(
                        _create_sampling_session, body=models.CreateSamplingSessionRequest.model_validate(body)
                    )
                )
                sampler_id = str(resp["sampling_session_id"])
            assert sampler_id is not None
            resolved = base_model
            if resolved is None:
                info = decode_json(await holder.transport.call(_get_sampler, sampler_id=sampler_id))
                resolved = str(info["base_model"])
            return SamplingClient(
                holder,
                sampling_session_id=sampler_id,
                base_model=resolved,
                retry_config=retry_config,
                record_stability_info=record_stability_info,
            )

        return spawn(make())

    def get_sampler_handle(self) -> str:
        """A string naming this client's sampler, for other processes (no pickling needed).

        :meth:`from_sampler_handle` turns it into a new client for the same sampler, any number of
        times. It holds the server URL (as given: a ``user:password@`` in it too) and the sampler, never the
        API key.
        """
        state = {
            "v": 1,
            "base_url": self.holder.settings.base_url,
            "sampling_session_id": self.sampling_session_id,
            "base_model": self._base_model,
            "record_stability_info": self.record_stability_info,
        }
        return base64.urlsafe_b64encode(json.dumps(state, separators=(",", ":")).encode()).decode()

    @staticmethod
    def from_sampler_handle(handle: str, *, api_key: str | None = None) -> SamplingClient:
        """A client for the sampler behind a :meth:`get_sampler_handle` string.

        It authenticates with ``api_key``, else with this process's credential (resolved as for
        ``ServiceClient()``).
        """
        try:
            state = json.loads(base64.urlsafe_b64decode(handle.encode()))
            if state.get("v") != 1:
                raise ValueError(f"unsupported version {state.get('v')!r}")
            args = (
                str(state["base_url"]),
                str(state["sampling_session_id"]),
                str(state["base_model"]),
                bool(state["record_stability_info"]),
            )
        except (ValueError, TypeError, KeyError, AttributeError) as exc:
            raise ValueError(f"not a sampler handle from SamplingClient.get_sampler_handle(): {exc}") from None
        return _restore(*args, api_key=api_key)

    def _next_seq(self) -> int:
        with self._seq_lock:
            seq = self._seq
            self._seq += 1
            return seq

    # ------------------------------------------------------------------ sampling

    @observed()
    def sample(
        self,
        prompt: ModelInput,
        num_samples: int,
        sampling_params: SamplingParams,
        include_prompt_logprobs: bool = False,
        topk_prompt_logprobs: int = 0,
        topk_sample_logprobs: int = 0,
        target_prompt_logprobs: TensorData | None = None,
        prompt_alt_tokens_k: int = 0,
        prompt_logprobs_last_n: int | None = None,
    ) -> APIFuture[SampleResponse]:
        """Generate ``num_samples`` continuations of ``prompt``."""
        body = self._sample_body(
            prompt,
            num_samples,
            sampling_params,
            include_prompt_logprobs,
            topk_prompt_logprobs,
            topk_sample_logprobs,
            target_prompt_logprobs,
            prompt_alt_tokens_k,
            prompt_logprobs_last_n,
        )
        return spawn(self._sample(body, prompt_alt_tokens_k))

    def _sample_body(
        self,
        prompt: ModelInput,
        num_samples: int,
        sampling_params: SamplingParams,
        include_prompt_logprobs: bool,
        topk_prompt_logprobs: int,
        topk_sample_logprobs: int,
        target_prompt_logprobs: TensorData | None,
        prompt_alt_tokens_k: int,
        prompt_logprobs_last_n: int | None,
    ) -> SampleRequest:
        if self.holder.closed:
            raise RuntimeError("SamplingClient: its ServiceClient is closed")
        if not isinstance(prompt, ModelInput):
            raise TypeError(f"prompt must be a tinker.ModelInput, got {type(prompt).__name__}")
        if not isinstance(sampling_params, SamplingParams):
            raise TypeError(f"sampling_params must be a tinker.SamplingParams, got {type(sampling_params).__name__}")
        if prompt_logprobs_last_n is not None:
            if not include_prompt_logprobs:
                raise ValueError("prompt_logprobs_last_n needs include_prompt_logprobs=True")
            if isinstance(prompt_logprobs_last_n, bool) or not isinstance(prompt_logprobs_last_n, int):
                raise TypeError(f"prompt_logprobs_last_n must be an int, got {prompt_logprobs_last_n!r}")
            if not 1 <= prompt_logprobs_last_n <= prompt.length - 1:
                raise ValueError(
                    f"prompt_logprobs_last_n must be in [1, {prompt.length - 1}] for this prompt, "
                    f"got {prompt_logprobs_last_n}"
                )
        # Checked on the Python values: JSON has no NaN/Infinity, and the JSON dump may turn them into null.
        _validate.check_finite_fields(sampling_params.model_dump(), "sampling_params")
        # Built from the caller's validated models as they are (no dump and re-parse); seq_id is set per send.
        # The contract's rules (num_samples 1..1024, top-k >= 0, int64 2-D targets ...) are checked here.
        return models.SampleRequest(
            num_samples=num_samples,
            prompt=prompt,
            sampling_params=sampling_params,
            sampling_session_id=self.sampling_session_id,
            prompt_logprobs=bool(include_prompt_logprobs),
            topk_prompt_logprobs=topk_prompt_logprobs,
            topk_sample_logprobs=topk_sample_logprobs,
            prompt_alt_tokens_k=prompt_alt_tokens_k,
            record_stability_info=self.record_stability_info,
            target_prompt_logprobs=target_prompt_logprobs,
            prompt_logprobs_last_n=prompt_logprobs_last_n,
        )

    def _concurrency(self) -> asyncio.Semaphore | None:
        limit = self.retry_config.max_connections
        if limit is None:
            return None
        if self._semaphore is None:
            cfg = self.holder.cached_server_config()
            self._semaphore = asyncio.Semaphore(min(limit, cfg.sample_max_concurrent_requests) if cfg.raw else limit)
        return self._semaphore

    async def _sample(self, body: SampleRequest, alt_k: int) -> SampleResponse:
        sem = self._concurrency()
        if sem is None:
            return await self._sample_unlimited(body, alt_k)
        async with sem:
            return await self._sample_unlimited(body, alt_k)

    async def _sample_unlimited(self, body: SampleRequest, alt_k: int) -> SampleResponse:
        transport = self.holder.transport
        policy = self._sample_policy
        prompt_bytes = 4 * sum(len(getattr(c, "tokens", ())) for c in body.prompt.chunks)
        resubmits = 0
        started_call = time.monotonic()
        backpressured = 0
        while True:
            now = time.monotonic()
            if now < self._backoff_until:
                await asyncio.sleep(self._backoff_until - now)
            request = body.model_copy(update={"seq_id": self._next_seq()})
            started = time.monotonic()
            try:
                resp = await transport.call(
                    _asample,
                    body=request,
                    x_tinker_sampling_backpressure="1",
                    x_tinker_result_wait=self._result_wait,
                    extra_headers=ACCEPT_RESULT,
                    policy=policy,
                )
            except APIStatusError as exc:
                if exc.status_code == 429:
                    # Backpressure: every request of this client waits, then resubmits (within the deadline).
                    left = policy.budget_left(started_call, backpressured)
                    if left is not None and left <= 0:
                        raise
                    backpressured += 1
                    hinted = parse_retry_after(exc.response.headers)
                    if hinted is None:
                        hinted = 1.0 if prompt_bytes <= _SMALL_PROMPT_BYTES else 5.0
                    self._backoff_until = time.monotonic() + hinted
                    continue
                raise
            inline = inline_future(resp)
            if inline is not None:  # the server answered with the result itself (contract extension)
                probe = _instrument.future_wait(str(inline.get("request_id")), "Sample", started)
                try:
                    result = _sample_spec(inline.get("sample_sequence_ids")).parse(resp)
                except BaseException as exc:
                    probe.end(exc)
                    raise
                probe.end(None)
                return self._checked(result, alt_k)
            future = decode_json(resp)
            ids = future.get("sample_sequence_ids")
            try:
                result = await poll_future(
                    transport,
                    str(future["request_id"]),
                    _sample_spec(ids),
                    observer=self,
                    submit_rtt=time.monotonic() - started,
                )
            except FutureExpiredError:
                resubmits += 1
                if resubmits > _MAX_RESUBMITS:
                    raise
                logger.info("Sample future expired on the server; resubmitting (%d/%d)", resubmits, _MAX_RESUBMITS)
                continue
            return self._checked(result, alt_k)

    @staticmethod
    def _checked(result: SampleResponse, alt_k: int) -> SampleResponse:
        if alt_k > 0 and result.prompt_alt_tokens is None:
            raise RuntimeError(
                "prompt_alt_tokens_k was requested but the server returned no prompt_alt_tokens; "
                "the server may predate this feature"
            )
        return result

    def sample_stream(
        self,
        prompt: ModelInput,
        num_samples: int = 1,
        sampling_params: SamplingParams | None = None,
        include_prompt_logprobs: bool = False,
        topk_prompt_logprobs: int = 0,
        topk_sample_logprobs: int = 0,
        target_prompt_logprobs: TensorData | None = None,
        prompt_alt_tokens_k: int = 0,
        prompt_logprobs_last_n: int | None = None,
        *,
        tokenizer: Any = None,
    ) -> SampleStream:
        """Stream sampled tokens as they are generated (``for ev in ...`` or ``async for ev in ...``).

        Takes the arguments of :meth:`sample`. Token events carry the token id, its logprob, the sample
        index, the decoded text delta (from the server, or from ``tokenizer`` when given) and, with
        ``topk_sample_logprobs``, the position's top-k; one ``done`` event per sample carries its stop
        reason. Prompt scores, when asked for, come first as one ``prompt`` event. Closing the stream
        cancels the generation. Needs the ``stream_sample`` extension of the local server; other servers
        fall back to a normal ``sample`` (logged once), with the same values.
        """
        from ._streaming import SampleStream, StreamSource

        params = sampling_params if sampling_params is not None else SamplingParams(max_tokens=16)
        body = self._sample_body(
            prompt,
            num_samples,
            params,
            include_prompt_logprobs,
            topk_prompt_logprobs,
            topk_sample_logprobs,
            target_prompt_logprobs,
            prompt_alt_tokens_k,
            prompt_logprobs_last_n,
        )
        decode = None
        if tokenizer is not None:
            decode = lambda toks: tokenizer.decode(toks)
        source = StreamSource(
            self.holder.transport, self._next_seq, lambda request: self._sample(request, prompt_alt_tokens_k)
        )
        return SampleStream(source, body, decode)

    @observed()
    def compute_logprobs(
        self, prompt: ModelInput, prompt_logprobs_last_n: int | None = None
    ) -> APIFuture[list[float | None]]:
        """Log-probabilities of each prompt token given its prefix (the first entry is None)."""
        body = self._sample_body(prompt, 1, SamplingParams(max_tokens=1), True, 0, 0, None, 0, prompt_logprobs_last_n)

        async def run() -> list[float | None]:
            resp = await self._sample(body, 0)
            return list(resp.prompt_logprobs or [])

        return spawn(run())

    # ------------------------------------------------------------------ info

    def get_base_model(self) -> str:
        """The base model this sampler runs."""
        return self._base_model

    def get_tokenizer(self) -> Any:
        """The base model's tokenizer (see :func:`tinker.get_tokenizer`)."""
        from ._tokenizer import load_tokenizer

        return load_tokenizer(self.holder, self._base_model)

    def get_telemetry(self) -> Telemetry | None:
        """The session's telemetry collector (None before the session starts or with TINKER_TELEMETRY=0)."""
        return self.holder.telemetry

    def on_queue_state_change(self, queue_state: str, queue_state_reason: str | None) -> None:
        if queue_state != "active":
            logger.warning(
                "Sampling is paused for sampler %s: %s", self.sampling_session_id, queue_state_reason or queue_state
            )

    # ------------------------------------------------------------------ deprecated async twins

    @deprecated_async("sample")
    async def sample_async(
        self,
        prompt: ModelInput,
        num_samples: int,
        sampling_params: SamplingParams,
        include_prompt_logprobs: bool = False,
        topk_prompt_logprobs: int = 0,
        topk_sample_logprobs: int = 0,
        target_prompt_logprobs: TensorData | None = None,
        prompt_alt_tokens_k: int = 0,
        prompt_logprobs_last_n: int | None = None,
    ) -> SampleResponse:
        return await self.sample(
            prompt,
            num_samples,
            sampling_params,
            include_prompt_logprobs,
            topk_prompt_logprobs,
            topk_sample_logprobs,
            target_prompt_logprobs,
            prompt_alt_tokens_k,
            prompt_logprobs_last_n,
        )

    @deprecated_async("compute_logprobs")
    async def compute_logprobs_async(
        self, prompt: ModelInput, prompt_logprobs_last_n: int | None = None
    ) -> list[float | None]:
        return await self.compute_logprobs(prompt, prompt_logprobs_last_n)

    @deprecated_async("get_base_model")
    async def get_base_model_async(self) -> str:
        return self._base_model


class BackcompatSamplingClientFuture(BackcompatClientFuture[SamplingClient], SamplingClient):
    """A future of a :class:`SamplingClient` that can also be used as one (deprecated style)."""


install_forwarders(BackcompatSamplingClientFuture, SamplingClient)


def _sample_spec(sequence_ids: Sequence[str] | None) -> PollSpec[SampleResponse]:
    def parse(resp: httpx.Response) -> SampleResponse:
        if wire.PROTOBUF in resp.headers.get("content-type", ""):
            return _convert.sample_response_from_wire(wire.decode_sample_response(resp.content), sequence_ids)
        return _convert.sample_response_from_json(decode_json(resp), sequence_ids)

    return PollSpec(request_type="Sample", parse=parse, accept_proto=True)


def create_sampling_client(
    holder: ClientHolder,
    *,
    model_path: str | None,
    base_model: str | None,
    retry_config: RetryConfig | None,
    record_stability_info: bool,
) -> BackcompatSamplingClientFuture:
    """Open a sampling session on the server and wrap it in a SamplingClient (as a backcompat future)."""
    if model_path is None and base_model is None:
        raise ValueError("create_sampling_client needs model_path= (a tinker:// sampler path) or base_model=")
    future = SamplingClient.create(
        holder,
        model_path=model_path,
        base_model=base_model,
        retry_config=retry_config,
        record_stability_info=record_stability_info,
    )
    return BackcompatSamplingClientFuture(future)  # type: ignore[arg-type]


def _restore(
    base_url: str, sampling_session_id: str, base_model: str, record_stability_info: bool, *, api_key: str | None = None
) -> SamplingClient:
    from ._config import ClientSettings
    from ._holder import shared_rest_holder

    holder = shared_rest_holder(ClientSettings.resolve(base_url=base_url, api_key=api_key))
    return SamplingClient(
        holder,
        sampling_session_id=sampling_session_id,
        base_model=base_model,
        shadow=True,
        record_stability_info=record_stability_info,
    )
