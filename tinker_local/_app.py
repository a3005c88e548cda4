"""The Starlette application: routing, auth, body decoding, validation and content negotiation."""

from __future__ import annotations

import asyncio
import email.utils
import io
import logging
import secrets
import tarfile
import threading
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import FileResponse, RedirectResponse, Response, StreamingResponse
from starlette.routing import Route

from . import _wire as wire
from . import engine as eng
from ._config import ServerConfig
from ._errors import ApiError, gone, not_found
from ._futures import FAILED
from ._limits import BodyBudget, read_body
from ._service import UNSUPPORTED_CUSTOM_LOSS, Service, body_hash
from ._spec import Operation, load_spec
from ._tenancy import CURRENT_OWNER, owner_of
from .engine._atomic import reading

__all__ = ["create_app"]

#: Operations a model runs in seq_id order.
ORDERED_OPS = frozenset(
    {
        "forward",
        "forward_backward",
        "optim_step",
        "save_weights",
        "load_weights",
        "save_weights_for_sampler",
        "save_weights_external",
    }
)

log = logging.getLogger("tinker_local")


def _json(obj: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    return Response(wire.dumps(obj), status_code=status, media_type=wire.JSON, headers=headers)


def _accepts_protobuf(accept: str | None) -> bool:
    if not accept:
        return False
    for item in accept.split(","):
        parts = item.split(";")
        if parts[0].strip().lower() != wire.PROTOBUF:
            continue
        q = 1.0
        for p in parts[1:]:
            k, _, v = p.strip().partition("=")
            if k == "q":
                try:
                    q = float(v)
                except ValueError:
                    q = 0.0
        if q > 0:
            return True
    return False


def _media_type(header: str | None) -> str:
    return (header or "").split(";", 1)[0].strip().lower()


@dataclass
class Ctx:
    request: Request
    op: Operation
    service: Service
    params: dict[str, Any]
    body: Any
    raw: bytes
    owner: str
    #: JSON documents decoded for this request, kept even when invalid (see App._release_seq)
    seen: list[Any] = field(default_factory=list)
    #: (model_id, seq_id, body hash) of a protobuf training request, once decoded
    ordered: tuple[Any, Any, str] | None = None

    @property
    def base_url(self) -> str:
        """This server's URL for links it hands out (signed downloads): ``--public-url`` if set, else the
        address the connection arrived at — never the client-supplied Host header, which could point a
        signed link at another host."""
        if self.service.config.public_url:
            return self.service.config.public_url.rstrip("/") + "/"
        server = self.request.scope.get("server")
        if not server:
            raise ApiError(500, "cannot build a download URL: the server address is unknown; set --public-url")
        host, port = server[0], server[1]
        host = f"[{host}]" if ":" in str(host) else host
        return f"http://{host}:{port}/"


Handler = Callable[[Ctx], Awaitable[Any]]


def _sync(fn: Callable[[Ctx], Any]) -> Handler:
    """A blocking handler, run on a worker thread so the event loop keeps serving long-polls."""

    async def run(ctx: Ctx) -> Any:
        return await run_in_threadpool(fn, ctx)

    return run


class App:
    def __init__(self, service: Service) -> None:
        self.service = service
        self.spec = load_spec()
        self.bodies = BodyBudget(service.config.max_inflight_body_bytes)

    # -------------------------------------------------------------- body handling
    def parse_json(self, raw: bytes, op: Operation, seen: list[Any] | None = None) -> Any:
        """Decode and validate a JSON body; ``seen`` receives the decoded document even when it is invalid
        (so a refused ordered request can still release its ``seq_id``)."""
        if not raw.strip():
            if op.body_required:
                raise ApiError(422, "body: a JSON request body is required")
            return None
        try:
            # long number arrays (tokens, tensors) decode straight into numpy: ~1-2x the JSON size in memory
            # instead of ~6-17x as Python objects; the schema check runs on a small skeleton of the same verdict
            lean = wire.loads_lean(raw)
        except wire.WireError as e:
            raise ApiError(422, f"body: {e}") from None
        if seen is not None:
            seen.append(lean.doc)
        op.validate_body(lean.skeleton if lean.arrays else lean.doc)
        return lean.doc

    # -------------------------------------------------------------- endpoint wrapper
    def endpoint(
        self, op_id: str, handler: Handler, *, json_body: bool = True
    ) -> Callable[[Request], Awaitable[Response]]:
        op = self.spec.operations[op_id]
        service = self.service
        secured = op_id != "healthz"

        async def ep(request: Request) -> Response:
            t0 = time.time()
            status = 500
            body: Any = None
            params: dict[str, Any] = {}
            seen: list[Any] = []
            ctx: Ctx | None = None
            owner = ""
            held = self.bodies.reservation()
            try:
                service.maybe_sweep()
                if secured:
                    owner = self.authenticate(request.headers.get("x-api-key"))
                query = {k: request.query_params.getlist(k) for k in request.query_params}
                params = op.parse_params(request.path_params, query, request.headers)
                raw = b""
                if op.has_json_body or op.body_required:
                    raw = await read_body(
                        request.stream(),
                        request.headers.get("content-length"),
                        request.headers.get("content-encoding"),
                        service.config.max_body_bytes,
                        held,
                    )
                    if json_body:
                        body = self.parse_json(raw, op, seen)
                ctx = Ctx(request, op, service, params, body, raw, owner, seen)
                as_owner = CURRENT_OWNER.set(owner if service.keys and secured else None)
                try:
                    result = await handler(ctx)
                finally:
                    CURRENT_OWNER.reset(as_owner)
                resp = result if isinstance(result, Response) else _json(result)
            except ApiError as e:
                status = op.error_status(e.status)
                if op_id in ORDERED_OPS and 400 <= e.status < 500 and e.status not in (401, 403, 408, 429):
                    self._release_seq(op_id, owner, seen, ctx.ordered if ctx is not None else None, e)
                if status >= 500 or e.status >= 500:
                    log.warning("%s %s -> %d: %s", request.method, request.url.path, status, e.detail)
                headers = {"Retry-After": "1"} if status == 503 else {}
                if e.status in (413, 503):  # the rest of the body is unread: close instead of draining it
                    headers["Connection"] = "close"
                resp = _json(e.body(), status, headers=headers)
            except Exception as e:  # a bug: answer 500 JSON, log the traceback
                log.warning("%s %s failed", request.method, request.url.path, exc_info=True)
                resp = _json({"detail": f"internal server error: {type(e).__name__}: {e}", "category": "server"}, 500)
            finally:
                held.release()
            status = resp.status_code
            t1 = time.time()
            if status >= 400:
                log.log(
                    logging.WARNING if status >= 500 else logging.DEBUG,
                    "%s %s -> %d (%.1f ms)",
                    request.method,
                    request.url.path,
                    status,
                    (t1 - t0) * 1e3,
                )
            else:
                log.debug("%s %s -> %d (%.1f ms)", request.method, request.url.path, status, (t1 - t0) * 1e3)
            if secured:
                try:
                    service.record_request(op_id, service.session_of(body, params), t0, t1, status)
                except Exception:  # pragma: no cover - tracing must never break a request
                    log.debug("trace recording failed", exc_info=True)
            return resp

        ep.__name__ = op_id
        return ep

    def authenticate(self, key: str | None) -> str:
        """The owner id of a request's API key; 401 for a missing key, or (with --api-key) an unknown one."""
        keys = self.service.keys
        if key is None or not key.strip():
            hint = (
                "send one of the server's API keys"
                if keys
                else "send any non-empty key (this server runs without accounts)"
            )
            raise ApiError(401, f"missing X-API-Key header: {hint}", category="user")
        if keys and not keys.accepts(key):
            raise ApiError(
                401, "X-API-Key: this key is not accepted by the server; check TINKER_API_KEY", category="user"
            )
        return owner_of(key)

    def _release_seq(
        self, op_id: str, owner: str, seen: list[Any], key: tuple[Any, Any, str] | None, error: ApiError
    ) -> None:
        """A training request refused on arrival still uses up its seq_id (see Service.refuse_seq)."""
        if key is None and seen and isinstance(seen[-1], dict):
            doc = seen[-1]
            key = (doc.get("model_id"), doc.get("seq_id"), body_hash(op_id, doc))
        if key is not None:
            self.service.refuse_seq(owner, key[0], key[1], key[2], error)

    # -------------------------------------------------------------- special handlers
    def forward_backward_proto(self, ctx: Ctx) -> Any:
        s = ctx.service
        try:
            req = wire.decode_forward_backward_request(ctx.raw)
        except wire.WireError as e:
            raise ApiError(400, f"body: invalid protobuf ForwardBackwardRequest: {e}") from None
        if not req.model_id:
            raise ApiError(400, "model_id: required (empty in the protobuf body)")
        if req.seq_id < 0:
            raise ApiError(400, f"seq_id: must be >= 0, got {req.seq_id}")
        h = body_hash("forward_backward", ctx.raw)
        ctx.ordered = (req.model_id, req.seq_id, h)
        datums, loss_fn, cfg = s.parse_fb_proto(req)
        return s.submit_forward_backward(
            req.model_id, req.seq_id or None, datums, loss_fn, cfg, req.forward_only, h, "body"
        )

    def _fb_json(self, ctx: Ctx, body: dict[str, Any], key: str, forward_only: bool) -> Any:
        s = ctx.service
        datums, loss_fn, cfg = s.parse_fb_json(body[key], key)
        seq = body.get("seq_id")
        h = body_hash("forward" if forward_only else "forward_backward", body)
        return s.submit_forward_backward(
            body["model_id"],
            int(seq) if seq is not None else None,
            datums,
            loss_fn,
            cfg,
            forward_only,
            h,
            key,
        )

    async def retrieve_future(self, ctx: Ctx) -> Any:
        s = ctx.service
        rid = ctx.body["request_id"]
        rec = s.futures.get(rid)
        if rec is None:
            if s.futures.was_issued(rid):
                raise gone(f"request_id: the result of {rid!r} expired; submit the request again")
            raise not_found(f"request_id: future {rid!r} not found")
        if not rec.terminal:
            done = await s.futures.wait(rec, s.config.retrieve_timeout_s)
            if not done:
                return _json(
                    {
                        "detail": f"request {rid} is still {rec.status}; poll again",
                        "request_id": rid,
                        "queue_state": "active",
                    },
                    408,
                )
        if rec.status == FAILED:
            s.futures.mark_delivered(rec)
            return {"error": rec.error or "failed", "category": rec.category or "unknown"}
        payload, media = rec.payload(_accepts_protobuf(ctx.request.headers.get("accept")))
        if ctx.body.get("allow_metadata_only") and len(payload) > s.config.metadata_only_threshold_bytes:
            return {"status": "complete_metadata", "response_payload_size": len(payload)}
        s.futures.mark_delivered(rec)
        return Response(payload, media_type=media)

    async def archive(self, ctx: Ctx) -> Any:
        p = ctx.params
        url, exp = ctx.service.archive_url(
            p["training_run_id"], p["checkpoint_kind"], p["checkpoint_name"], ctx.base_url
        )
        return RedirectResponse(url, status_code=302, headers={"Expires": email.utils.formatdate(exp, usegmt=True)})

    async def stream_sample(self, ctx: Ctx) -> Any:
        s = ctx.service
        plan = await run_in_threadpool(s.plan_sample, ctx.body)
        loop = asyncio.get_running_loop()
        queue: asyncio.Queue[Any] = asyncio.Queue()
        cancel = threading.Event()
        tag = f"stream-{secrets.token_hex(6)}"

        def put(item: Any) -> None:
            try:
                loop.call_soon_threadsafe(queue.put_nowait, item)
            except RuntimeError:
                cancel.set()

        def produce() -> None:
            try:
                for ev, data in s.stream_events(plan, cancel, tag):
                    if cancel.is_set():
                        break
                    put((ev, data))
            except eng.EngineInputError as e:
                put(("error", {"error": str(e), "category": "user"}))
            except ApiError as e:
                put(("error", {"error": e.detail, "category": e.category or "user"}))
            except Exception as e:
                log.warning("stream_sample failed", exc_info=True)
                put(
                    (
                        "error",
                        {
                            "error": f"internal error during sampling: {type(e).__name__}: {e}",
                            "category": "server",
                        },
                    )
                )
            finally:
                put(None)
                s._stream_threads.discard(threading.current_thread())

        async def events() -> Any:
            t = threading.Thread(target=produce, name="tinker-local-stream", daemon=True)
            s._stream_threads.add(t)
            t.start()
            try:
                while True:
                    item = await queue.get()
                    if item is None:
                        break
                    ev, data = item
                    yield b"event: " + ev.encode() + b"\ndata: " + wire.dumps(data) + b"\n\n"
            finally:
                cancel.set()

        return StreamingResponse(
            events(),
            media_type="text/event-stream",
            headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
        )

    async def download(self, request: Request) -> Response:
        try:
            path, mode, fname = self.service.verify(request.path_params["token"])
        except ApiError as e:
            return _json(e.body(), e.status)
        if mode == "tar":

            def build() -> bytes:
                buf = io.BytesIO()
                with reading(path), tarfile.open(fileobj=buf, mode="w:gz") as tar:
                    tar.add(path, arcname=path.name)  # under the read lock: never a mix of two saves
                return buf.getvalue()

            return Response(
                await run_in_threadpool(build),
                media_type="application/gzip",
                headers={"Content-Disposition": f'attachment; filename="{fname}"'},
            )
        if not path.is_file():
            return _json({"detail": "download: not a file"}, 404)
        return FileResponse(path, filename=fname)


def create_app(config: ServerConfig | None = None, **overrides: Any) -> Starlette:
    """Build the ASGI app. ``app.state.service`` is the :class:`Service` (close it when done)."""
    if config is None:
        config = ServerConfig.from_kwargs(**overrides)
    elif overrides:
        config = config.replace(**overrides)
    service = Service(config)
    app_ = App(service)
    S = service
    E = app_.endpoint

    def p(ctx: Ctx, name: str, default: Any = None) -> Any:
        return ctx.params.get(name, default)

    def ck(ctx: Ctx) -> tuple[str, str, str]:
        return ctx.params["training_run_id"], ctx.params["checkpoint_kind"], ctx.params["checkpoint_name"]

    def fb(ctx: Ctx) -> Any:
        ctype = _media_type(ctx.request.headers.get("content-type"))
        if ctype == wire.PROTOBUF:
            return app_.forward_backward_proto(ctx)
        if ctype and ctype != wire.JSON and not ctype.endswith("+json"):
            raise ApiError(
                415,
                f"Content-Type {ctype!r} is not supported: send application/json or application/x-protobuf",
            )
        body = app_.parse_json(ctx.raw, ctx.op, ctx.seen)
        ctx.body = body
        return app_._fb_json(ctx, body, "forward_backward_input", False)

    async def retrieve_futures(ctx: Ctx) -> Any:
        return await S.op_retrieve_futures(ctx.body)

    def custom_loss(ctx: Ctx) -> Any:
        if ctx.body.get("session_id") is not None:
            S._session(ctx.body["session_id"])
        raise ApiError(400, f"create_custom_loss: {UNSUPPORTED_CUSTOM_LOSS}")

    def trace(ctx: Ctx) -> Any:
        return S.op_trace_export(ctx.params["session_id"], ctx.base_url)

    V = "/api/v1"
    R = "/api/v1/training_runs/{training_run_id}/checkpoints/{checkpoint_kind}/{checkpoint_name}"
    table: list[tuple[str, str, str, Handler, bool]] = [
        ("GET", f"{V}/healthz", "healthz", _sync(lambda c: S.op_healthz()), True),
        (
            "GET",
            f"{V}/get_server_capabilities",
            "get_server_capabilities",
            _sync(lambda c: S.op_capabilities()),
            True,
        ),
        ("POST", f"{V}/client/config", "get_client_config", _sync(lambda c: S.op_client_config()), True),
        (
            "POST",
            f"{V}/client/dynamic_config",
            "get_client_dynamic_config",
            _sync(lambda c: S.op_dynamic_config()),
            True,
        ),
        (
            "POST",
            f"{V}/create_session",
            "create_session",
            _sync(lambda c: S.op_create_session(c.body, c.owner)),
            True,
        ),
        (
            "POST",
            f"{V}/session_heartbeat",
            "session_heartbeat",
            _sync(lambda c: S.op_heartbeat(c.body)),
            True,
        ),
        (
            "POST",
            f"{V}/sessions/{{session_id}}/finish",
            "finish_session",
            _sync(lambda c: S.op_finish_session(c.params["session_id"], c.body)),
            True,
        ),
        (
            "POST",
            f"{V}/create_model",
            "create_model",
            _sync(lambda c: S.op_create_model(c.body, c.owner)),
            True,
        ),
        ("POST", f"{V}/get_info", "get_info", _sync(lambda c: S.op_get_info(c.body)), True),
        ("POST", f"{V}/unload_model", "unload_model", _sync(lambda c: S.op_unload_model(c.body)), True),
        (
            "POST",
            f"{V}/forward",
            "forward",
            _sync(lambda c: app_._fb_json(c, c.body, "forward_input", True)),
            True,
        ),
        ("POST", f"{V}/forward_backward", "forward_backward", _sync(fb), False),
        ("POST", f"{V}/optim_step", "optim_step", _sync(lambda c: S.op_optim_step(c.body)), True),
        ("POST", f"{V}/create_custom_loss", "create_custom_loss", _sync(custom_loss), True),
        ("POST", f"{V}/save_weights", "save_weights", _sync(lambda c: S.op_save_weights(c.body)), True),
        (
            "POST",
            f"{V}/load_weights",
            "load_weights",
            _sync(lambda c: S.op_load_weights(c.body, c.owner)),
            True,
        ),
        (
            "POST",
            f"{V}/save_weights_for_sampler",
            "save_weights_for_sampler",
            _sync(lambda c: S.op_save_weights_for_sampler(c.body)),
            True,
        ),
        (
            "POST",
            f"{V}/save_weights_external",
            "save_weights_external",
            _sync(lambda c: S.op_save_weights_external(c.body)),
            True,
        ),
        (
            "POST",
            f"{V}/copy_weights",
            "copy_weights",
            _sync(lambda c: S.op_copy_weights(c.body, c.owner, p(c, "X-Idempotency-Key"))),
            True,
        ),
        (
            "POST",
            f"{V}/create_sampling_session",
            "create_sampling_session",
            _sync(lambda c: S.op_create_sampling_session(c.body)),
            True,
        ),
        (
            "POST",
            f"{V}/join_sampling_session",
            "join_sampling_session",
            _sync(lambda c: S.op_join_sampling_session(c.body)),
            True,
        ),
        ("POST", f"{V}/asample", "asample", _sync(lambda c: S.op_asample(c.body)), True),
        ("POST", f"{V}/stream_sample", "stream_sample", app_.stream_sample, True),
        (
            "GET",
            f"{V}/tokenizer",
            "get_tokenizer",
            _sync(lambda c: S.op_tokenizer(c.params["model_name"])),
            True,
        ),
        ("POST", f"{V}/retrieve_future", "retrieve_future", app_.retrieve_future, True),
        ("POST", f"{V}/retrieve_futures", "retrieve_futures", retrieve_futures, True),
        ("POST", f"{V}/cancel_future", "cancel_future", _sync(lambda c: S.op_cancel_future(c.body)), True),
        ("POST", f"{V}/telemetry", "send_telemetry", _sync(lambda c: S.op_telemetry(c.body)), True),
        (
            "GET",
            f"{V}/training_runs",
            "list_training_runs",
            _sync(lambda c: S.op_list_training_runs(p(c, "limit", 20), p(c, "offset", 0), p(c, "project_id"))),
            True,
        ),
        (
            "GET",
            f"{V}/training_runs/{{training_run_id}}",
            "get_training_run",
            _sync(lambda c: S.op_get_training_run(c.params["training_run_id"])),
            True,
        ),
        (
            "GET",
            f"{V}/training_runs/{{training_run_id}}/checkpoints",
            "list_checkpoints",
            _sync(lambda c: S.op_list_checkpoints(c.params["training_run_id"])),
            True,
        ),
        ("DELETE", R, "delete_checkpoint", _sync(lambda c: S.op_delete_checkpoint(*ck(c))), True),
        ("GET", f"{R}/archive", "get_checkpoint_archive_url", app_.archive, True),
        ("POST", f"{R}/publish", "publish_checkpoint", _sync(lambda c: S.op_publish(*ck(c), True)), True),
        (
            "DELETE",
            f"{R}/publish",
            "unpublish_checkpoint",
            _sync(lambda c: S.op_publish(*ck(c), False)),
            True,
        ),
        ("PUT", f"{R}/ttl", "set_checkpoint_ttl", _sync(lambda c: S.op_set_ttl(*ck(c), c.body)), True),
        (
            "GET",
            f"{R}/external_weights_urls",
            "get_external_weights_urls",
            _sync(lambda c: S.op_external_urls(*ck(c), c.base_url)),
            True,
        ),
        (
            "GET",
            f"{V}/checkpoints",
            "list_user_checkpoints",
            _sync(lambda c: S.op_list_user_checkpoints(p(c, "limit", 100), p(c, "offset", 0))),
            True,
        ),
        ("POST", f"{V}/weights_info", "get_weights_info", _sync(lambda c: S.op_weights_info(c.body)), True),
        (
            "GET",
            f"{V}/sessions",
            "list_sessions",
            _sync(lambda c: S.op_list_sessions(p(c, "limit", 20), p(c, "offset", 0))),
            True,
        ),
        (
            "POST",
            f"{V}/sessions/search",
            "search_sessions",
            _sync(lambda c: S.op_search_sessions(c.body, c.owner)),
            True,
        ),
        (
            "GET",
            f"{V}/sessions/{{session_id}}",
            "get_session",
            _sync(lambda c: S.op_get_session(c.params["session_id"])),
            True,
        ),
        (
            "PUT",
            f"{V}/sessions/{{session_id}}/project",
            "assign_session_project",
            _sync(lambda c: S.op_assign_project(c.params["session_id"], c.body)),
            True,
        ),
        ("GET", f"{V}/sessions/{{session_id}}/trace_export", "export_session_trace", _sync(trace), True),
        (
            "GET",
            f"{V}/samplers/{{sampler_id}}",
            "get_sampler",
            _sync(lambda c: S.op_get_sampler(c.params["sampler_id"])),
            True,
        ),
        ("POST", f"{V}/auth/token", "exchange_auth_token", _sync(lambda c: S.op_auth_token(c.owner)), True),
        ("GET", f"{V}/auth/apikey/me", "get_api_key_info", _sync(lambda c: S.op_api_key_info(c.owner)), True),
        ("DELETE", f"{V}/auth/apikey/me", "delete_api_key", _sync(lambda c: {}), True),
        (
            "GET",
            f"{V}/audit",
            "get_audit_log",
            _sync(lambda c: S.op_audit(p(c, "event_type", "all"), p(c, "day"))),
            True,
        ),
        (
            "GET",
            f"{V}/billing/usage/events",
            "get_billing_usage",
            _sync(lambda c: S.op_billing_usage(c.params["starting_on"], c.params["ending_before"])),
            True,
        ),
        (
            "GET",
            f"{V}/billing/usage/checkpoints/current",
            "get_current_checkpoint_storage_usage",
            _sync(lambda c: S.op_storage_usage(p(c, "project_id"))),
            True,
        ),
    ]
    missing = set(app_.spec.operations) - {t[2] for t in table}
    if missing:  # pragma: no cover - guards the contract/table pairing
        raise RuntimeError(f"operations without a handler: {sorted(missing)}")
    by_path: dict[str, dict[str, Callable[[Request], Awaitable[Response]]]] = {}
    for m, path, op_id, h, jb in table:
        by_path.setdefault(path, {})[m] = E(op_id, h, json_body=jb)

    def dispatch(
        handlers: dict[str, Callable[[Request], Awaitable[Response]]],
    ) -> Callable[[Request], Awaitable[Response]]:
        async def ep(request: Request) -> Response:
            method = "GET" if request.method == "HEAD" else request.method
            return await handlers[method](request)

        return ep

    # one route per path, so a 405 lists every method of the path in Allow
    routes = [Route(path, dispatch(hs), methods=list(hs)) for path, hs in by_path.items()]
    routes.append(Route("/local/files/{token}", app_.download, methods=["GET"]))

    async def http_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, HTTPException)
        detail = {
            404: f"no such endpoint: {request.method} {request.url.path}",
            405: f"method {request.method} is not allowed on {request.url.path}",
        }.get(exc.status_code, exc.detail)
        return _json({"detail": detail}, exc.status_code, headers=exc.headers)

    from contextlib import asynccontextmanager

    @asynccontextmanager
    async def lifespan(_app: Starlette) -> Any:
        try:
            yield
        finally:
            await asyncio.get_running_loop().run_in_executor(None, service.close)

    app = Starlette(routes=routes, exception_handlers={HTTPException: http_error}, lifespan=lifespan)
    app.state.service = service
    app.state.config = config
    return app
