"""One contract operation as an HTTP endpoint: auth, parameters, body, the handler, errors and tracing."""

from __future__ import annotations

import email.utils
import inspect
import logging
import time
from collections.abc import Awaitable, Callable
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import ClientDisconnect, Request
from starlette.responses import RedirectResponse, Response

from .._errors import ApiError
from .._tenancy import CURRENT_OWNER
from ..service import ORDERED_OPS, Service, body_hash
from ..service.calls import SMALL_BODY_BYTES, Call, EventStream, Payload, Pending, Redirect
from ..service.futures import RESULT_WAIT
from .bodies import accepts_protobuf, decode_body, json_response
from .contract import Operation
from .limits import BodyBudget, read_body
from .observability import Observability
from .streaming import sse_response

__all__ = ["make_endpoint"]

log = logging.getLogger("tinker_local")

Endpoint = Callable[[Request], Awaitable[Response]]


def base_url(request: Request, public_url: str | None) -> str:
    """This server's URL for links it hands out (signed downloads): ``--public-url`` if set, else the address
    the connection arrived at — never the client-supplied Host header, which could point a signed link at
    another host."""
    if public_url:
        return public_url.rstrip("/") + "/"
    server = request.scope.get("server")
    if not server:
        raise ApiError(500, "cannot build a download URL: the server address is unknown; set --public-url")
    host, port = server[0], server[1]
    host = f"[{host}]" if ":" in str(host) else host
    return f"http://{host}:{port}/"


def to_response(result: Any, service: Service) -> Response:
    if isinstance(result, Payload):
        return Response(result.content, media_type=result.media_type, headers=result.headers)
    if isinstance(result, Pending):
        return json_response(result.body, 408)
    if isinstance(result, Redirect):
        expires = email.utils.formatdate(result.expires_at, usegmt=True)
        return RedirectResponse(result.url, status_code=302, headers={"Expires": expires})
    if isinstance(result, EventStream):
        return sse_response(result, service)
    return json_response(result)


def _release_seq(service: Service, op_id: str, owner: str, decoded: list[Any], raw: bytes, error: ApiError) -> None:
    """A training request refused on arrival still uses up its seq_id (see ModelQueue.refuse_seq)."""
    if not decoded:
        return
    body = decoded[-1]
    if isinstance(body, dict):
        key = (body.get("model_id"), body.get("seq_id"), body_hash(op_id, body))
    else:  # a protobuf request is identified by its bytes
        key = (getattr(body, "model_id", None), getattr(body, "seq_id", None), body_hash(op_id, raw))
    service.queue.refuse_seq(owner, *key, error)


def make_endpoint(
    op: Operation, handler: Callable[[Call], Any], service: Service, bodies: BodyBudget, observability: Observability
) -> Endpoint:
    op_id = op.operation_id
    secured = op_id != "healthz"
    blocking = not inspect.iscoroutinefunction(handler)
    reads_body = op.has_json_body or op.body_required or bool(op.body_media_types)
    config = service.config

    async def endpoint(request: Request) -> Response:
        t0 = time.time()
        scope = observability.begin(op_id, request)  # continues the caller's trace; ended with the response
        body: Any = None
        params: dict[str, Any] = {}
        decoded: list[Any] = []
        raw = b""
        owner = ""
        held = bodies.reservation()
        try:
            service.maybe_sweep()
            if secured:
                owner = service.state.keys.authenticate(request.headers.get("x-api-key"))
            query = {k: request.query_params.getlist(k) for k in request.query_params}
            params = op.parse_params(request.path_params, query, request.headers)
            if reads_body:
                raw = await read_body(
                    request.stream(),
                    request.headers.get("content-length"),
                    request.headers.get("content-encoding"),
                    config.max_body_bytes,
                    held,
                )
                ctype = request.headers.get("content-type")
                if len(raw) >= SMALL_BODY_BYTES:  # keep long-polls and streams served meanwhile
                    body = await run_in_threadpool(decode_body, op, raw, ctype, decoded)
                else:
                    body = decode_body(op, raw, ctype, decoded)
            call = Call(
                op_id,
                body,
                params,
                owner,
                lambda: base_url(request, config.public_url),
                raw=raw,
                accepts_protobuf=accepts_protobuf(request.headers.get("accept")),
            )
            as_owner = CURRENT_OWNER.set(owner if service.state.keys and secured else None)
            try:
                result = await (run_in_threadpool(handler, call) if blocking else handler(call))
            finally:
                CURRENT_OWNER.reset(as_owner)
            wait = params.get(RESULT_WAIT)
            if wait is not None and isinstance(result, dict) and "request_id" in result:
                held.release()  # the body is decoded: a submit held for its result must not keep the budget
                result = await service.futures.inline(result, float(wait), call.accepts_protobuf)
            resp = to_response(result, service)
        except ApiError as e:
            status = op.error_status(e.status)
            if op_id in ORDERED_OPS and 400 <= e.status < 500 and e.status not in (401, 403, 408, 429):
                _release_seq(service, op_id, owner, decoded, raw, e)
            if status >= 500 or e.status >= 500:
                log.warning(
                    "%s %s -> %d: %s (request id %s)",
                    request.method,
                    request.url.path,
                    status,
                    e.detail,
                    scope.request_id,
                )
            headers = {"Retry-After": "1"} if status == 503 else {}
            headers.update(e.headers)
            if e.status in (413, 503):  # the rest of the body is unread: close instead of draining it
                headers["Connection"] = "close"
            resp = json_response(e.body(), status, headers=headers)
        except ClientDisconnect:  # hung up before the body was complete: no one to answer, and no server error
            resp = json_response({"detail": "the client disconnected before sending the whole body"}, 499)
        except Exception as e:  # a bug: answer 500 JSON, log the traceback
            log.warning(
                "%s %s failed (request id %s)", request.method, request.url.path, scope.request_id, exc_info=True
            )
            detail = f"internal server error: {type(e).__name__}: {e}"
            resp = json_response({"detail": detail, "category": "server"}, 500)
        finally:
            held.release()
        scope.end(resp, owner, len(raw), body, params)
        status = resp.status_code
        t1 = time.time()
        level = logging.WARNING if status >= 500 else logging.DEBUG
        if log.isEnabledFor(level):  # request.url is built anew for each request: only when it is logged
            log.log(level, "%s %s -> %d (%.1f ms)", request.method, request.url.path, status, (t1 - t0) * 1e3)
        if secured:
            try:
                service.record_request(op_id, body, params, t0, t1, status)
            except Exception:  # pragma: no cover - tracing must never break a request
                log.debug("trace recording failed", exc_info=True)
        return resp

    endpoint.__name__ = op_id
    return endpoint
