"""ServiceClient: the entry point. Creates training, sampling and REST clients for one session."""

from __future__ import annotations

import itertools
import logging
from collections.abc import Awaitable, Callable, Mapping
from types import TracebackType
from typing import TYPE_CHECKING, Any, Self, TypeVar

from tinker_api import models

from tinker_wire._lazy import deferred_import

from ._config import ClientSettings, redact_urls
from ._deprecation import deprecated_async, warn_deprecated
from ._exceptions import APIStatusError, RequestFailedError
from ._futures import APIFuture, AwaitableConcurrentFuture, spawn
from ._holder import ClientHolder
from ._instrument import observed
from ._polling import PollSpec, QueueStateLogger, poll_future
from ._retry import RetryConfig
from ._sampling_client import BackcompatSamplingClientFuture, create_sampling_client
from ._telemetry import Telemetry
from ._training_client import BackcompatTrainingClientFuture, TrainingClient
from ._transport import decode_json
from .types import RequestErrorCategory

if TYPE_CHECKING:
    import httpx
    from tinker_api.api.models import create_model as _create_model
    from tinker_api.api.models import get_info as _get_info
    from tinker_api.api.training import create_custom_loss as _create_custom_loss
    from tinker_api.api.weights import load_weights as _load_weights
    from tinker_api.models import GetInfoResponse, GetServerCapabilitiesResponse

    from . import _custom_loss
    from ._custom_loss import LossHandle, PerDatumLossFn
    from ._rest_client import RestClient
else:
    httpx = deferred_import("httpx", globals())
    _custom_loss = deferred_import("tinker._custom_loss", globals())
    _create_model = deferred_import("tinker_api.api.models.create_model", globals())
    _get_info = deferred_import("tinker_api.api.models.get_info", globals())
    _create_custom_loss = deferred_import("tinker_api.api.training.create_custom_loss", globals())
    _load_weights = deferred_import("tinker_api.api.weights.load_weights", globals())

__all__ = ["ServiceClient"]

logger = logging.getLogger("tinker.service")
T = TypeVar("T")

_KNOWN_KWARGS = {"timeout", "retry_config", "_http_transport"}


def _refuses_the_loss(exc: APIStatusError | RequestFailedError) -> bool:
    """Whether ``create_custom_loss`` failed because the server will not run this loss (a 400, or a future
    failed as the caller's fault), rather than for a reason worth surfacing (auth, permissions, outages).
    Falling back is always sound: the client-side path computes the same gradient, only less efficiently."""
    if isinstance(exc, APIStatusError):
        return exc.status_code == 400
    return exc.category is RequestErrorCategory.User


def _reason(exc: Exception) -> str:
    body = getattr(exc, "body", None)
    detail = body.get("detail") if isinstance(body, Mapping) else None
    return str(detail) if detail else str(exc)


class ServiceClient:
    """Connects to a Tinker server (``base_url``, else ``TINKER_BASE_URL``) and creates clients.

    Nothing is contacted until a client is needed. Use it as a context manager, or call :meth:`close`, to
    finish the session cleanly.

    Args:
        user_metadata: String metadata stored with the session.
        project_id: Project for the session (default ``TINKER_PROJECT_ID``).
        display_name: Human-readable session name.
        base_url: Server URL (default ``TINKER_BASE_URL``, then the production URL).
        api_key: Credential (default ``TINKER_API_KEY``, ``TINKER_CREDENTIAL_CMD``, then
            ``~/.tinker/credentials.json``), or a function returning one: it is called again when the server
            answers 401 and every ``TINKER_CREDENTIAL_REFRESH_SECONDS`` (key rotation).
        default_headers_overrides: Extra headers sent with every request.
        timeout: Per-request timeout in seconds or an ``httpx.Timeout`` (default 60 s, 5 s to connect).
        retry_config: The retry policy for this client's requests.
    """

    def __init__(
        self,
        user_metadata: Mapping[str, str] | None = None,
        project_id: str | None = None,
        *,
        display_name: str | None = None,
        base_url: str | None = None,
        api_key: str | Callable[[], str] | None = None,
        default_headers_overrides: Mapping[str, str] | None = None,
        **kwargs: Any,
    ) -> None:
        unknown = set(kwargs) - _KNOWN_KWARGS
        if unknown:
            warn_deprecated(f"ServiceClient ignores unknown keyword arguments: {sorted(unknown)}")
        self._settings = ClientSettings.resolve(
            base_url=base_url,
            api_key=api_key,
            project_id=project_id,
            default_headers=default_headers_overrides,
            timeout=kwargs.get("timeout"),
        )
        self._retry_config: RetryConfig | None = kwargs.get("retry_config")
        self._http_transport: httpx.AsyncBaseTransport | None = kwargs.get("_http_transport")
        self.holder = ClientHolder(
            self._settings,
            retry_config=self._retry_config,
            user_metadata=user_metadata,
            display_name=display_name,
            http_transport=self._http_transport,
        )
        self._rest_holder: ClientHolder | None = None  # session-less, shared by this client's RestClients
        self._closed = False
        self._custom_losses: dict[str, LossHandle] = {}  # by LossHandle.key: each loss is created once
        self._custom_loss_seq = itertools.count()

    def __repr__(self) -> str:
        return (
            f"<ServiceClient base_url={redact_urls(self._settings.base_url)!r} session_id={self.holder.session_id!r}>"
        )

    # ------------------------------------------------------------------ lifecycle

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if exc_type is None:
            status = "success"
        elif issubclass(exc_type, Exception):
            status = "errored"
        else:
            status = "interrupted"
        self.close(status).result()

    def close(self, status: str = "success", detail: str | None = None) -> AwaitableConcurrentFuture[None]:
        """Finish the session (``success``, ``errored`` or ``interrupted``) and close connections. Idempotent."""
        if status not in ("success", "errored", "interrupted"):
            raise ValueError(f"status must be 'success', 'errored' or 'interrupted', got {status!r}")
        self._closed = True
        self.holder.begin_close()  # at once: a call made after close() returns is refused, not queued

        async def finish() -> None:
            await self.holder.finish(status, detail)
            if self._rest_holder is not None:
                await self._rest_holder.finish(status, detail)

        return AwaitableConcurrentFuture(spawn(finish()).future())

    def _check_open(self) -> None:
        if self._closed:
            raise RuntimeError("ServiceClient is closed")

    # ------------------------------------------------------------------ training clients

    @observed(audit=True)
    def create_lora_training_client(
        self,
        base_model: str,
        rank: int = 32,
        seed: int | None = None,
        train_mlp: bool = True,
        train_attn: bool = True,
        train_unembed: bool = True,
        user_metadata: Mapping[str, str] | None = None,
        optimizer: Any = None,
    ) -> BackcompatTrainingClientFuture:
        """Create a LoRA model on ``base_model`` and return (a future of) its :class:`TrainingClient`."""
        self._check_open()
        if not (train_mlp or train_attn or train_unembed):
            raise ValueError("At least one of train_mlp, train_attn, train_unembed must be True")
        if not isinstance(rank, int) or rank < 1:
            raise ValueError(f"rank must be a positive int, got {rank!r}")
        model_seq_id = self.holder.next_model_seq_id()
        lora: dict[str, Any] = {
            "rank": rank,
            "train_unembed": train_unembed,
            "train_mlp": train_mlp,
            "train_attn": train_attn,
        }
        if seed is not None:
            lora["seed"] = seed
        optimizer_config = _optimizer_json(optimizer)

        async def make() -> TrainingClient:
            return await self._in_session(create)

        async def create() -> TrainingClient:
            session_id = await self.holder.ensure_session()
            body: dict[str, Any] = {
                "session_id": session_id,
                "model_seq_id": model_seq_id,
                "base_model": base_model,
                "lora_config": lora,
                "optimizer_config": optimizer_config,
            }
            if user_metadata is not None:
                body["user_metadata"] = dict(user_metadata)
            resp = decode_json(
                await self.holder.transport.call(_create_model, body=models.CreateModelRequest.model_validate(body))
            )
            result = await poll_future(
                self.holder.transport,
                str(resp["request_id"]),
                PollSpec("CreateModel", lambda r: decode_json(r)),
                observer=QueueStateLogger("Model creation"),
            )
            model_id = str(result["model_id"])
            return TrainingClient(
                self.holder, model_seq_id=model_seq_id, model_id=model_id, info=await self._get_info(model_id)
            )

        return BackcompatTrainingClientFuture(spawn(make()))

    async def _in_session(self, make: Callable[[], Awaitable[T]]) -> T:
        """Run ``make`` in the session; if the server lost the session (e.g. it restarted), start a new
        session and try once more."""
        try:
            return await make()
        except APIStatusError as exc:
            if exc.status_code not in (404, 410) or not await self.holder.session_is_gone():
                raise
            logger.warning("The server no longer knows session %s; continuing in a new session", self.holder.session_id)
            return await make()

    async def _get_info(self, model_id: str) -> GetInfoResponse:
        resp = await self.holder.transport.call(_get_info, body=models.GetInfoRequest(model_id=model_id))
        return _get_info.parse_response(decode_json(resp))

    def _from_state(
        self,
        path: str,
        optimizer: bool,
        base_model: str | None,
        user_metadata: Mapping[str, str] | None,
        weights_access_token: str | None,
        optimizer_config: Any,
    ) -> BackcompatTrainingClientFuture:
        self._check_open()
        if not path.startswith("tinker://"):
            raise ValueError(f"path must be a tinker:// training checkpoint path, got {path!r}")
        model_seq_id = self.holder.next_model_seq_id()

        async def make() -> TrainingClient:
            return await self._in_session(load)

        async def load() -> TrainingClient:
            session_id = await self.holder.ensure_session()
            body: dict[str, Any] = {
                "session_id": session_id,
                "model_seq_id": model_seq_id,
                "path": path,
                "optimizer": optimizer,
            }
            if base_model is not None:
                body["base_model"] = base_model
            if user_metadata is not None:
                body["user_metadata"] = dict(user_metadata)
            if weights_access_token is not None:
                body["weights_access_token"] = weights_access_token
            if not optimizer:
                body["optimizer_config"] = _optimizer_json(optimizer_config)
            resp = decode_json(
                await self.holder.transport.call(_load_weights, body=models.LoadWeightsRequest.model_validate(body))
            )
            result = await poll_future(
                self.holder.transport, str(resp["request_id"]), PollSpec("LoadWeights", lambda r: decode_json(r))
            )
            model_id = str(result.get("model_id") or f"{session_id}:train:{model_seq_id}")
            return TrainingClient(
                self.holder, model_seq_id=model_seq_id, model_id=model_id, info=await self._get_info(model_id)
            )

        return BackcompatTrainingClientFuture(spawn(make()))

    @observed(audit=True)
    def create_training_client_from_state(
        self,
        path: str,
        base_model: str | None = None,
        user_metadata: Mapping[str, str] | None = None,
        weights_access_token: str | None = None,
        optimizer: Any = None,
    ) -> BackcompatTrainingClientFuture:
        """A new model initialised with the weights of a training checkpoint (fresh optimizer state)."""
        return self._from_state(path, False, base_model, user_metadata, weights_access_token, optimizer)

    @observed(audit=True)
    def create_training_client_from_state_with_optimizer(
        self,
        path: str,
        base_model: str | None = None,
        user_metadata: Mapping[str, str] | None = None,
        weights_access_token: str | None = None,
    ) -> BackcompatTrainingClientFuture:
        """A new model resuming a training checkpoint: weights and optimizer state."""
        return self._from_state(path, True, base_model, user_metadata, weights_access_token, None)

    # ------------------------------------------------------------------ sampling and REST

    @observed(audit=True)
    def create_sampling_client(
        self,
        model_path: str | None = None,
        base_model: str | None = None,
        retry_config: RetryConfig | None = None,
        record_stability_info: bool = False,
    ) -> BackcompatSamplingClientFuture:
        """A sampling client for a sampler checkpoint (``model_path``) or a base model (``base_model``)."""
        self._check_open()
        return create_sampling_client(
            self.holder,
            model_path=model_path,
            base_model=base_model,
            retry_config=retry_config or self._retry_config,
            record_stability_info=record_stability_info,
        )

    @observed(audit=True)
    def create_custom_loss(self, fn: PerDatumLossFn, input_ranks: Mapping[str, int]) -> APIFuture[LossHandle]:
        """Trace a per-datum loss into a :class:`LossHandle` for ``TrainingClient.forward_backward_custom``.

        ``fn(logprobs, *inputs)`` takes the datum's target logprobs, then one tensor per
        ``loss_fn_inputs`` key it reads (named like its parameters), and returns ``(loss, metrics)``: a
        scalar tensor and scalar tensors keyed ``custom/<name>:sum`` or ``custom/<name>:mean``.
        ``input_ranks`` gives every parameter's rank (0 scalar, 1 ``[T]``, 2 ``[T, K]``; ``logprobs`` has
        the rank of ``target_tokens``). The function must be traceable by ``torch.fx`` using only torch
        and math; anything else raises ``ValueError`` here. Servers that store custom losses get the
        traced graph (the handle then carries their ``loss_id``); otherwise it runs client-side. Each
        loss is created once per session. Needs torch.
        """
        self._check_open()
        inputs, graph = _custom_loss.trace_loss(fn, input_ranks)
        name = str(getattr(fn, "__name__", type(fn).__name__))

        async def create() -> LossHandle:
            session_id = await self.holder.ensure_session()
            handle = _custom_loss.LossHandle(name=name, inputs=inputs, session_id=session_id, graph=graph)
            existing = self._custom_losses.get(handle.key)
            if existing is not None:
                raise ValueError(
                    f"create_custom_loss: this session already created {existing.name!r} with the "
                    "same traced loss; reuse its LossHandle"
                )
            self._custom_losses[handle.key] = handle
            config = await self.holder.server_config()
            if not (config.raw or {}).get("custom_loss_server_side"):
                return handle
            try:
                body = {
                    "session_id": session_id,
                    "custom_loss_seq_id": next(self._custom_loss_seq),
                    "name": name,
                    "inputs": [{"name": i.name, "rank": i.rank} for i in inputs],
                    "graph": _custom_loss.encode_graph(name, graph),
                }
                resp = decode_json(
                    await self.holder.transport.call(
                        _create_custom_loss, body=models.CreateCustomLossRequest.model_validate(body)
                    )
                )
                result = await poll_future(
                    self.holder.transport,
                    str(resp["request_id"]),
                    PollSpec("CreateCustomLoss", lambda r: decode_json(r)),
                )
            except (APIStatusError, RequestFailedError) as exc:
                if not _refuses_the_loss(exc):
                    del self._custom_losses[handle.key]  # not created: the caller may try again
                    raise
                # The server's allow-list is narrower than what tracing accepts: the handle (no loss_id)
                # runs client-side, with the same gradient. Logged once: each loss is created once.
                logger.warning(
                    "The server refused to store custom loss %r (%s); it runs client-side instead",
                    name,
                    _reason(exc),
                )
                return handle
            except BaseException:
                del self._custom_losses[handle.key]  # not created: the caller may try again
                raise
            uploaded = _custom_loss.LossHandle(
                name=name, inputs=inputs, session_id=session_id, graph=graph, loss_id=str(result["loss_id"])
            )
            self._custom_losses[handle.key] = uploaded
            return uploaded

        return spawn(create())

    def create_rest_client(self) -> RestClient:
        """A :class:`RestClient` on this client's server and credential (prefer ``RestClient()`` directly)."""
        from ._rest_client import RestClient

        if self._rest_holder is None:
            self._rest_holder = ClientHolder(
                self._settings, retry_config=self._retry_config, http_transport=self._http_transport
            )
        return RestClient(_holder=self._rest_holder)

    @observed()
    def get_server_capabilities(self) -> GetServerCapabilitiesResponse:
        """The base models the server serves (blocks)."""
        return self.create_rest_client().get_server_capabilities().result()

    @observed(audit=True)
    def copy_weights(
        self, path: str, *, ttl_seconds: int | None = None, weights_access_token: str | None = None
    ) -> APIFuture[str]:
        """Copy a checkpoint into this client's project; returns the copy's tinker path."""
        return self.create_rest_client().copy_weights(
            path, self._settings.project_id, ttl_seconds=ttl_seconds, weights_access_token=weights_access_token
        )

    def get_console_url(self) -> str:
        base = "https://tinker.thinkingmachines.ai"
        return f"{base}/sessions/{self.holder.session_id}" if self.holder.session_id else f"{base}/sessions"

    def get_telemetry(self) -> Telemetry | None:
        """The session's telemetry collector (None before the session starts or with TINKER_TELEMETRY=0)."""
        return self.holder.telemetry

    # ------------------------------------------------------------------ deprecated async twins

    @deprecated_async("create_lora_training_client")
    async def create_lora_training_client_async(
        self,
        base_model: str,
        rank: int = 32,
        seed: int | None = None,
        train_mlp: bool = True,
        train_attn: bool = True,
        train_unembed: bool = True,
        user_metadata: Mapping[str, str] | None = None,
        optimizer: Any = None,
    ) -> TrainingClient:
        return await self.create_lora_training_client(
            base_model, rank, seed, train_mlp, train_attn, train_unembed, user_metadata, optimizer
        )

    @deprecated_async("create_training_client_from_state")
    async def create_training_client_from_state_async(
        self,
        path: str,
        base_model: str | None = None,
        user_metadata: Mapping[str, str] | None = None,
        weights_access_token: str | None = None,
        optimizer: Any = None,
    ) -> TrainingClient:
        return await self.create_training_client_from_state(
            path, base_model, user_metadata, weights_access_token, optimizer
        )

    @deprecated_async("create_training_client_from_state_with_optimizer")
    async def create_training_client_from_state_with_optimizer_async(
        self,
        path: str,
        base_model: str | None = None,
        user_metadata: Mapping[str, str] | None = None,
        weights_access_token: str | None = None,
    ) -> TrainingClient:
        return await self.create_training_client_from_state_with_optimizer(
            path, base_model, user_metadata, weights_access_token
        )

    @deprecated_async("create_sampling_client")
    async def create_sampling_client_async(
        self,
        model_path: str | None = None,
        base_model: str | None = None,
        retry_config: RetryConfig | None = None,
        record_stability_info: bool = False,
    ) -> Any:
        return await self.create_sampling_client(model_path, base_model, retry_config, record_stability_info)

    @deprecated_async("get_server_capabilities")
    async def get_server_capabilities_async(self) -> GetServerCapabilitiesResponse:
        return await self.create_rest_client().get_server_capabilities()


def _optimizer_json(optimizer: Any) -> dict[str, Any]:
    if optimizer is None:
        return {"type": "adamw"}
    if isinstance(optimizer, Mapping):
        return dict(optimizer)
    if hasattr(optimizer, "model_dump"):
        return dict(optimizer.model_dump(mode="json", exclude_none=True))
    raise TypeError(f"optimizer must be an optimizer config such as tinker.AdamOptimizerConfig(), got {optimizer!r}")
