"""RestClient and AdminClient: training runs, checkpoints, sessions, samplers, and account data.

Every method returns an :class:`APIFuture`; ``*_async`` twins are deprecated (await the future instead).
"""

from __future__ import annotations

import asyncio
import base64
import datetime as dt
import json
import logging
import os
import uuid
from collections.abc import Callable
from typing import Any, Literal, TypeVar

from tinker_api.api.admin import get_audit_log as _get_audit_log
from tinker_api.api.admin import get_billing_usage as _get_billing_usage
from tinker_api.api.admin import get_current_checkpoint_storage_usage as _get_storage_usage
from tinker_api.api.auth import exchange_auth_token as _exchange_auth_token
from tinker_api.api.rest import assign_session_project as _assign_session_project
from tinker_api.api.rest import delete_checkpoint as _delete_checkpoint
from tinker_api.api.rest import export_session_trace as _export_session_trace
from tinker_api.api.rest import get_checkpoint_archive_url as _get_archive_url
from tinker_api.api.rest import get_external_weights_urls as _get_external_weights_urls
from tinker_api.api.rest import get_sampler as _get_sampler
from tinker_api.api.rest import get_session as _get_session
from tinker_api.api.rest import get_training_run as _get_training_run
from tinker_api.api.rest import get_weights_info as _get_weights_info
from tinker_api.api.rest import list_checkpoints as _list_checkpoints
from tinker_api.api.rest import list_sessions as _list_sessions
from tinker_api.api.rest import list_training_runs as _list_training_runs
from tinker_api.api.rest import list_user_checkpoints as _list_user_checkpoints
from tinker_api.api.rest import publish_checkpoint as _publish_checkpoint
from tinker_api.api.rest import search_sessions as _search_sessions
from tinker_api.api.rest import set_checkpoint_ttl as _set_checkpoint_ttl
from tinker_api.api.rest import unpublish_checkpoint as _unpublish_checkpoint
from tinker_api.api.service import get_server_capabilities as _get_server_capabilities
from tinker_api.api.weights import copy_weights as _copy_weights
from tinker_api.models import (
    AssignProjectRequest,
    AuthTokenRequest,
    CopyWeightsRequest,
    TtlUpdateRequest,
    WeightsInfoRequest,
)

from . import types
from ._config import ClientSettings, redact_urls
from ._deprecation import deprecated_async, warn_deprecated
from ._exceptions import APIConnectionError, APIStatusError, ExperimentalWarning
from ._futures import APIFuture, spawn
from ._holder import ClientHolder, shared_rest_holder
from ._instrument import observed
from ._telemetry import Telemetry
from ._transport import decode_json

__all__ = ["AdminClient", "RestClient"]

logger = logging.getLogger("tinker.rest")
T = TypeVar("T")
AccessScope = Literal["owned", "accessible"]


def _checkpoint_ref(tinker_path: str) -> tuple[str, str, str]:
    """(training_run_id, kind, name) of a ``tinker://<run>/<kind>/<name>`` path."""
    parsed = types.ParsedCheckpointTinkerPath.from_tinker_path(tinker_path)
    kind, name = parsed.checkpoint_id.split("/", 1)
    return parsed.training_run_id, kind, name


def _split_checkpoint_id(checkpoint_id: str) -> tuple[str, str]:
    if "/" not in checkpoint_id:
        raise ValueError(
            f"checkpoint_id must look like 'weights/<name>' or 'sampler_weights/<name>', got {checkpoint_id!r}"
        )
    kind, name = checkpoint_id.split("/", 1)
    return kind, name


class _RestBase:
    def __init__(
        self,
        _holder: ClientHolder | None = None,
        *,
        base_url: str | None = None,
        api_key: str | Callable[[], str] | None = None,
    ) -> None:
        if _holder is not None and (base_url is not None or api_key is not None):
            raise ValueError("pass either a holder or base_url/api_key, not both")
        self.holder = _holder or shared_rest_holder(ClientSettings.resolve(base_url=base_url, api_key=api_key))

    def __repr__(self) -> str:
        return f"<{type(self).__name__} base_url={redact_urls(self.holder.settings.base_url)!r}>"

    def _get(self, endpoint: Any, parse: Callable[[Any], T] | None = None, **kwargs: Any) -> APIFuture[T]:
        """Call a generated endpoint; its 2xx body is parsed by the endpoint's own ``parse_response``."""
        parse_body: Callable[[Any], T] = parse if parse is not None else endpoint.parse_response

        async def run() -> T:
            resp = await self.holder.transport.call(endpoint, **kwargs)
            return parse_body(decode_json(resp))

        return spawn(run())

    def _none(self, endpoint: Any, **kwargs: Any) -> APIFuture[None]:
        return self._get(endpoint, lambda _body: None, **kwargs)

    def get_telemetry(self) -> Telemetry | None:
        """The telemetry collector of this client's holder (None unless it holds a session with telemetry on)."""
        return self.holder.telemetry


class RestClient(_RestBase):
    """Read and manage training runs, checkpoints, sessions and samplers.

    ``RestClient()`` uses ``TINKER_BASE_URL``/``TINKER_API_KEY`` (or the ``base_url``/``api_key``
    arguments) and never opens a session.
    """

    # ---------------------------------------------------------------- capabilities

    @observed()
    def get_server_capabilities(self) -> APIFuture[types.GetServerCapabilitiesResponse]:
        """The base models the server can train and sample.

        If refreshing fails after retries, the last answer this client got is returned (with a warning)."""
        holder = self.holder

        async def run() -> types.GetServerCapabilitiesResponse:
            try:
                resp = await holder.transport.call(_get_server_capabilities)
            except (APIStatusError, APIConnectionError) as exc:
                last = holder.last_capabilities
                if last is None or (isinstance(exc, APIStatusError) and exc.status_code < 500):
                    raise
                logger.warning("Could not refresh server capabilities (%s); using the last known answer", exc)
                return last
            caps = _get_server_capabilities.parse_response(decode_json(resp))
            holder.last_capabilities = caps
            return caps

        return spawn(run())

    # ---------------------------------------------------------------- training runs

    @observed()
    def get_training_run(
        self, training_run_id: str, access_scope: AccessScope = "owned"
    ) -> APIFuture[types.TrainingRun]:
        return self._get(_get_training_run, training_run_id=training_run_id, access_scope=access_scope)

    @observed()
    def get_training_run_by_tinker_path(
        self, tinker_path: str, access_scope: AccessScope = "owned"
    ) -> APIFuture[types.TrainingRun]:
        run_id, _, _ = _checkpoint_ref(tinker_path)
        return self.get_training_run(run_id, access_scope)

    @observed()
    def list_training_runs(
        self, limit: int = 20, offset: int = 0, access_scope: AccessScope = "owned", project_id: str | None = None
    ) -> APIFuture[types.TrainingRunsResponse]:
        kwargs: dict[str, Any] = {"limit": limit, "offset": offset, "access_scope": access_scope}
        if project_id is not None:
            kwargs["project_id"] = project_id
        return self._get(_list_training_runs, **kwargs)

    @observed()
    def get_weights_info_by_tinker_path(self, tinker_path: str) -> APIFuture[types.WeightsInfoResponse]:
        return self._get(_get_weights_info, body=WeightsInfoRequest(tinker_path=tinker_path))

    # ---------------------------------------------------------------- checkpoints

    @observed()
    def list_checkpoints(self, training_run_id: str) -> APIFuture[types.CheckpointsListResponse]:
        return self._get(_list_checkpoints, training_run_id=training_run_id)

    @observed()
    def list_user_checkpoints(self, limit: int = 100, offset: int = 0) -> APIFuture[types.CheckpointsListResponse]:
        return self._get(_list_user_checkpoints, limit=limit, offset=offset)

    @observed(audit=True)
    def delete_checkpoint(self, training_run_id: str, checkpoint_id: str) -> APIFuture[None]:
        kind, name = _split_checkpoint_id(checkpoint_id)
        return self._none(
            _delete_checkpoint, training_run_id=training_run_id, checkpoint_kind=kind, checkpoint_name=name
        )

    @observed(audit=True)
    def delete_checkpoint_from_tinker_path(self, tinker_path: str) -> APIFuture[None]:
        run_id, kind, name = _checkpoint_ref(tinker_path)
        return self._none(_delete_checkpoint, training_run_id=run_id, checkpoint_kind=kind, checkpoint_name=name)

    @observed(audit=True)
    def publish_checkpoint_from_tinker_path(self, tinker_path: str) -> APIFuture[None]:
        run_id, kind, name = _checkpoint_ref(tinker_path)
        return self._none(_publish_checkpoint, training_run_id=run_id, checkpoint_kind=kind, checkpoint_name=name)

    @observed(audit=True)
    def unpublish_checkpoint_from_tinker_path(self, tinker_path: str) -> APIFuture[None]:
        run_id, kind, name = _checkpoint_ref(tinker_path)
        return self._none(_unpublish_checkpoint, training_run_id=run_id, checkpoint_kind=kind, checkpoint_name=name)

    @observed(audit=True)
    def set_checkpoint_ttl_from_tinker_path(self, tinker_path: str, ttl_seconds: int | None) -> APIFuture[None]:
        """Expire the checkpoint ``ttl_seconds`` from now, or never (``None``)."""
        run_id, kind, name = _checkpoint_ref(tinker_path)
        return self._none(
            _set_checkpoint_ttl,
            training_run_id=run_id,
            checkpoint_kind=kind,
            checkpoint_name=name,
            body=TtlUpdateRequest(ttl_seconds=ttl_seconds),  # None is sent as null: never expire
        )

    @observed()
    def get_checkpoint_archive_url(
        self, training_run_id: str, checkpoint_id: str
    ) -> APIFuture[types.CheckpointArchiveUrlResponse]:
        """Signed URL of a checkpoint tarball (servers of the 0.25 era; newer ones use external weights)."""
        kind, name = _split_checkpoint_id(checkpoint_id)

        async def run() -> types.CheckpointArchiveUrlResponse:
            req = self.holder.transport
            from ._transport import endpoint_request

            args = endpoint_request(
                _get_archive_url, training_run_id=training_run_id, checkpoint_kind=kind, checkpoint_name=name
            )
            resp = await req.request(
                "GET", args["url"], headers={"Accept": "application/json"}, op="get_checkpoint_archive_url"
            )
            if resp.status_code == 302:
                expires = resp.headers.get("expires")
                when = (
                    dt.datetime.strptime(expires, "%a, %d %b %Y %H:%M:%S GMT").replace(tzinfo=dt.UTC)
                    if expires
                    else dt.datetime.now(dt.UTC) + dt.timedelta(minutes=15)
                )
                return types.CheckpointArchiveUrlResponse(url=resp.headers["location"], expires=when)
            return _get_archive_url.parse_response(decode_json(resp))

        return spawn(run())

    @observed()
    def get_checkpoint_archive_url_from_tinker_path(
        self, tinker_path: str
    ) -> APIFuture[types.CheckpointArchiveUrlResponse]:
        run_id, kind, name = _checkpoint_ref(tinker_path)
        return self.get_checkpoint_archive_url(run_id, f"{kind}/{name}")

    @observed()
    def get_external_weights_urls(self, tinker_path: str) -> APIFuture[types.ExternalWeightsUrlsResponse]:
        """Signed download URLs of an external-weights export."""
        run_id, kind, name = _checkpoint_ref(tinker_path)
        if kind != "external_weights":
            raise ValueError(f"get_external_weights_urls needs an external_weights path, got {tinker_path!r}")
        return self._get(_get_external_weights_urls, training_run_id=run_id, checkpoint_kind=kind, checkpoint_name=name)

    @observed(audit=True)
    def copy_weights(
        self,
        path: str,
        destination_project_id: str | None = None,
        *,
        ttl_seconds: int | None = None,
        weights_access_token: str | None = None,
    ) -> APIFuture[str]:
        """Copy a checkpoint into a project; returns the copy's tinker path."""
        project = destination_project_id or os.environ.get("TINKER_PROJECT_ID")
        if not project:
            raise ValueError("copy_weights needs destination_project_id (or TINKER_PROJECT_ID)")
        body: dict[str, Any] = {"source_path": path, "destination_project_id": project}
        if ttl_seconds is not None:
            body["ttl_seconds"] = ttl_seconds
        headers = {"X-Idempotency-Key": uuid.uuid4().hex}
        if weights_access_token:
            headers["X-Tinker-Weights-Access-Token"] = weights_access_token

        async def run() -> str:
            resp = await self.holder.transport.call(
                _copy_weights, body=CopyWeightsRequest.model_validate(body), extra_headers=headers
            )
            return str(decode_json(resp)["tinker_path"])

        return spawn(run())

    # ---------------------------------------------------------------- sessions and samplers

    @observed()
    def get_session(self, session_id: str, access_scope: AccessScope = "owned") -> APIFuture[types.GetSessionResponse]:
        return self._get(_get_session, session_id=session_id, access_scope=access_scope)

    @observed()
    def list_sessions(
        self, limit: int = 20, offset: int = 0, access_scope: AccessScope = "owned"
    ) -> APIFuture[types.ListSessionsResponse]:
        return self._get(_list_sessions, limit=limit, offset=offset, access_scope=access_scope)

    @observed()
    def search_sessions(
        self, request: types.SessionSearchRequest | None = None
    ) -> APIFuture[types.SessionSearchResponse]:
        """Search sessions (experimental)."""
        import warnings

        warnings.warn("RestClient.search_sessions is experimental", ExperimentalWarning, stacklevel=2)
        req = request or types.SessionSearchRequest()
        return self._get(_search_sessions, body=req)

    @observed(audit=True)
    def assign_session_project(self, session_id: str, project_id: str) -> APIFuture[None]:
        return self._none(
            _assign_session_project, session_id=session_id, body=AssignProjectRequest(project_id=project_id)
        )

    @observed()
    def export_session_trace(self, session_id: str, poll_interval: float = 5.0) -> APIFuture[str]:
        """Export a session's trace; returns a signed URL once the server has built it."""

        async def run() -> str:
            while True:
                body = decode_json(await self.holder.transport.call(_export_session_trace, session_id=session_id))
                if body["status"] == "ready":
                    return str(body["url"])
                if body["status"] == "failed":
                    raise RuntimeError(f"trace export of session {session_id} failed: {body.get('error')}")
                await asyncio.sleep(poll_interval)

        return spawn(run())

    @observed()
    def get_sampler(self, sampler_id: str) -> APIFuture[types.GetSamplerResponse]:
        return self._get(_get_sampler, sampler_id=sampler_id)

    @observed()
    def whoami(self) -> APIFuture[types.WhoamiResponse]:
        """Who the credential belongs to, read from JWT claims: those of the credential itself if it is a JWT
        (no request), else of the token the server exchanges the key for when it runs JWT auth
        (``pjwt_auth_enabled`` in its client config; one ``POST /auth/token``)."""
        key = str(self.holder.settings.api_key)
        holder = self.holder

        async def run() -> types.WhoamiResponse:
            token = key
            if not key.startswith("eyJ") or key.count(".") != 2:
                config = await holder.server_config()
                if not (config.raw or {}).get("pjwt_auth_enabled"):
                    raise RuntimeError(
                        "whoami needs JWT auth, but the server has it off and this client uses a plain API key"
                    )
                resp = await holder.transport.call(_exchange_auth_token, body=AuthTokenRequest())
                token = _exchange_auth_token.parse_response(decode_json(resp)).jwt
            payload = token.split(".")[1]
            claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
            return types.WhoamiResponse(
                user_urn=str(claims.get("sub", "")),
                email=claims.get("email"),
                org_urn=f"tml:organization:{claims.get('org_id', '')}",
            )

        return spawn(run())

    # ---------------------------------------------------------------- deprecated: moved to AdminClient

    def get_audit_log(self, event_type: str = "all", day: dt.date | None = None) -> APIFuture[types.AuditLogResponse]:
        warn_deprecated("RestClient.get_audit_log is deprecated; use AdminClient().get_audit_log")
        return AdminClient(self.holder).get_audit_log(event_type, day)

    def get_billing_usage(
        self, starting_on: dt.datetime | str, ending_before: dt.datetime | str
    ) -> APIFuture[types.BillingUsageResponse]:
        warn_deprecated("RestClient.get_billing_usage is deprecated; use AdminClient().get_billing_usage")
        return AdminClient(self.holder).get_billing_usage(starting_on, ending_before)

    def get_current_checkpoint_storage_usage(
        self, project_id: str | None = None
    ) -> APIFuture[types.CurrentCheckpointStorageUsageResponse]:
        warn_deprecated(
            "RestClient.get_current_checkpoint_storage_usage is deprecated; use "
            "AdminClient().get_current_checkpoint_storage_usage"
        )
        return AdminClient(self.holder).get_current_checkpoint_storage_usage(project_id)

    async def get_audit_log_async(self, event_type: str = "all", day: dt.date | None = None) -> types.AuditLogResponse:
        warn_deprecated("RestClient.get_audit_log_async is deprecated; use `await AdminClient().get_audit_log(...)`")
        return await AdminClient(self.holder).get_audit_log(event_type, day)

    async def get_billing_usage_async(
        self, starting_on: dt.datetime | str, ending_before: dt.datetime | str
    ) -> types.BillingUsageResponse:
        warn_deprecated(
            "RestClient.get_billing_usage_async is deprecated; use `await AdminClient().get_billing_usage(...)`"
        )
        return await AdminClient(self.holder).get_billing_usage(starting_on, ending_before)

    async def get_current_checkpoint_storage_usage_async(
        self, project_id: str | None = None
    ) -> types.CurrentCheckpointStorageUsageResponse:
        warn_deprecated(
            "RestClient.get_current_checkpoint_storage_usage_async is deprecated; use "
            "`await AdminClient().get_current_checkpoint_storage_usage(...)`"
        )
        return await AdminClient(self.holder).get_current_checkpoint_storage_usage(project_id)

    # ---------------------------------------------------------------- deprecated async twins

    @deprecated_async("get_external_weights_urls")
    async def get_external_weights_urls_async(self, tinker_path: str) -> types.ExternalWeightsUrlsResponse:
        return await self.get_external_weights_urls(tinker_path)

    @deprecated_async("copy_weights")
    async def copy_weights_async(
        self,
        path: str,
        destination_project_id: str | None = None,
        *,
        ttl_seconds: int | None = None,
        weights_access_token: str | None = None,
    ) -> str:
        return await self.copy_weights(
            path, destination_project_id, ttl_seconds=ttl_seconds, weights_access_token=weights_access_token
        )

    @deprecated_async("assign_session_project")
    async def assign_session_project_async(self, session_id: str, project_id: str) -> None:
        await self.assign_session_project(session_id, project_id)

    @deprecated_async("export_session_trace")
    async def export_session_trace_async(self, session_id: str, poll_interval: float = 5.0) -> str:
        return await self.export_session_trace(session_id, poll_interval)

    @deprecated_async("get_training_run")
    async def get_training_run_async(self, training_run_id: str, access_scope: AccessScope = "owned") -> Any:
        return await self.get_training_run(training_run_id, access_scope)

    @deprecated_async("get_training_run_by_tinker_path")
    async def get_training_run_by_tinker_path_async(self, tinker_path: str, access_scope: AccessScope = "owned") -> Any:
        return await self.get_training_run_by_tinker_path(tinker_path, access_scope)

    @deprecated_async("list_training_runs")
    async def list_training_runs_async(
        self, limit: int = 20, offset: int = 0, access_scope: AccessScope = "owned", project_id: str | None = None
    ) -> Any:
        return await self.list_training_runs(limit, offset, access_scope, project_id)

    @deprecated_async("list_checkpoints")
    async def list_checkpoints_async(self, training_run_id: str) -> Any:
        return await self.list_checkpoints(training_run_id)

    @deprecated_async("list_user_checkpoints")
    async def list_user_checkpoints_async(self, limit: int = 100, offset: int = 0) -> Any:
        return await self.list_user_checkpoints(limit, offset)

    @deprecated_async("delete_checkpoint")
    async def delete_checkpoint_async(self, training_run_id: str, checkpoint_id: str) -> None:
        await self.delete_checkpoint(training_run_id, checkpoint_id)

    @deprecated_async("delete_checkpoint_from_tinker_path")
    async def delete_checkpoint_from_tinker_path_async(self, tinker_path: str) -> None:
        await self.delete_checkpoint_from_tinker_path(tinker_path)

    @deprecated_async("publish_checkpoint_from_tinker_path")
    async def publish_checkpoint_from_tinker_path_async(self, tinker_path: str) -> None:
        await self.publish_checkpoint_from_tinker_path(tinker_path)

    @deprecated_async("unpublish_checkpoint_from_tinker_path")
    async def unpublish_checkpoint_from_tinker_path_async(self, tinker_path: str) -> None:
        await self.unpublish_checkpoint_from_tinker_path(tinker_path)

    @deprecated_async("set_checkpoint_ttl_from_tinker_path")
    async def set_checkpoint_ttl_from_tinker_path_async(self, tinker_path: str, ttl_seconds: int | None) -> None:
        await self.set_checkpoint_ttl_from_tinker_path(tinker_path, ttl_seconds)

    @deprecated_async("get_session")
    async def get_session_async(self, session_id: str, access_scope: AccessScope = "owned") -> Any:
        return await self.get_session(session_id, access_scope)

    @deprecated_async("list_sessions")
    async def list_sessions_async(self, limit: int = 20, offset: int = 0, access_scope: AccessScope = "owned") -> Any:
        return await self.list_sessions(limit, offset, access_scope)

    @deprecated_async("get_sampler")
    async def get_sampler_async(self, sampler_id: str) -> Any:
        return await self.get_sampler(sampler_id)


class AdminClient(_RestBase):
    """Organisation-level data: audit log, billing usage and checkpoint storage."""

    @observed()
    def get_audit_log(self, event_type: str = "all", day: dt.date | None = None) -> APIFuture[types.AuditLogResponse]:
        kwargs: dict[str, Any] = {"event_type": event_type}
        if day is not None:
            kwargs["day"] = day
        return self._get(_get_audit_log, **kwargs)

    @observed()
    def get_billing_usage(
        self, starting_on: dt.datetime | str, ending_before: dt.datetime | str
    ) -> APIFuture[types.BillingUsageResponse]:
        def as_dt(v: dt.datetime | str) -> dt.datetime:
            return v if isinstance(v, dt.datetime) else dt.datetime.fromisoformat(v)

        return self._get(_get_billing_usage, starting_on=as_dt(starting_on), ending_before=as_dt(ending_before))

    @observed()
    def get_current_checkpoint_storage_usage(
        self, project_id: str | None = None
    ) -> APIFuture[types.CurrentCheckpointStorageUsageResponse]:
        kwargs: dict[str, Any] = {}
        if project_id is not None:
            kwargs["project_id"] = project_id
        return self._get(_get_storage_usage, **kwargs)

    @deprecated_async("get_audit_log")
    async def get_audit_log_async(self, event_type: str = "all", day: dt.date | None = None) -> Any:
        return await self.get_audit_log(event_type, day)

    @deprecated_async("get_billing_usage")
    async def get_billing_usage_async(self, starting_on: dt.datetime | str, ending_before: dt.datetime | str) -> Any:
        return await self.get_billing_usage(starting_on, ending_before)

    @deprecated_async("get_current_checkpoint_storage_usage")
    async def get_current_checkpoint_storage_usage_async(
        self, project_id: str | None = None
    ) -> types.CurrentCheckpointStorageUsageResponse:
        return await self.get_current_checkpoint_storage_usage(project_id)
