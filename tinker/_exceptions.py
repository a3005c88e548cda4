"""The exception tree of the Tinker SDK.

::

    TinkerError
    ├── APIError(message, request, *, body)
    │   ├── APIStatusError(message, response, body)         .response .status_code
    │   │   ├── BadRequestError 400, AuthenticationError 401, BillingError 402,
    │   │   ├── PermissionDeniedError 403, NotFoundError 404, ConflictError 409,
    │   │   └── UnprocessableEntityError 422, RateLimitError 429, InternalServerError >= 500
    │   ├── APIConnectionError(request, message="Connection error.")
    │   │   └── APITimeoutError(request)
    │   └── APIResponseValidationError(response, body, message=None)
    └── RequestFailedError(message, request_id, category)

Constructors take their arguments positionally in the order above (as the official SDK does) or by
keyword. Every exception pickles. Pickling replaces the attached httpx request/response with copies whose
credential headers are redacted, and ``repr``/``str`` never render headers.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any, Literal

from tinker_api.models import RequestErrorCategory

if TYPE_CHECKING:
    import httpx

__all__ = [
    "SENSITIVE_HEADERS",
    "APIConnectionError",
    "APIError",
    "APIResponseValidationError",
    "APIStatusError",
    "APITimeoutError",
    "AuthenticationError",
    "BadRequestError",
    "BillingError",
    "ConflictError",
    "ExperimentalWarning",
    "InternalServerError",
    "NotFoundError",
    "PermissionDeniedError",
    "RateLimitError",
    "RequestFailedError",
    "TinkerError",
    "UnprocessableEntityError",
    "redact_headers",
    "status_error_for",
]

SENSITIVE_HEADERS = frozenset(
    {"x-api-key", "authorization", "x-tinker-weights-access-token", "proxy-authorization", "cookie"}
)
"""Header names (lower case) whose values must never be rendered or persisted."""

_REDACTED = "<redacted>"


def redact_headers(headers: Mapping[str, str] | Iterable[tuple[str, str]]) -> dict[str, str]:
    """A copy of ``headers`` with the values of credential headers replaced by ``"<redacted>"``."""
    items = headers.items() if isinstance(headers, Mapping) else headers
    return {name: (_REDACTED if name.lower() in SENSITIVE_HEADERS else value) for name, value in items}


def _has_secrets(headers: Any) -> bool:
    return any(name.lower() in SENSITIVE_HEADERS for name in headers)


def _safe_request(request: Any) -> Any:
    """A copy of an httpx request without credential headers (the request itself when it has none)."""
    if request is None or not _has_secrets(getattr(request, "headers", {})):
        return request
    import httpx

    try:
        content = request.content
    except httpx.RequestNotRead:
        content = b""
    return httpx.Request(
        request.method, request.url, headers=redact_headers(request.headers.multi_items()), content=content
    )


def _safe_response(response: Any) -> Any:
    """A copy of an httpx response whose attached request carries no credential headers."""
    if response is None:
        return None
    import httpx

    try:
        request = response.request
    except RuntimeError:
        request = None
    if not _has_secrets(response.headers) and (request is None or not _has_secrets(request.headers)):
        return response
    try:
        content = response.content
    except httpx.ResponseNotRead:
        content = b""
    return httpx.Response(
        response.status_code,
        headers=redact_headers(response.headers.multi_items()),
        content=content,
        request=_safe_request(request),
    )


def _rebuild(cls: type[BaseException], args: tuple[Any, ...], state: dict[str, Any]) -> BaseException:
    exc = cls.__new__(cls)
    exc.args = args
    exc.__dict__.update(state)
    return exc


class TinkerError(Exception):
    """Base class of every error the SDK raises on purpose."""

    def __reduce__(self) -> tuple[Any, ...]:
        state = dict(self.__dict__)
        if "request" in state:
            state["request"] = _safe_request(state["request"])
        if "response" in state:
            state["response"] = _safe_response(state["response"])
        return (_rebuild, (type(self), self.args, state))


class APIError(TinkerError):
    """An error tied to an HTTP exchange with the service.

    ``body`` is the decoded JSON error body, the raw text when it is not JSON, or ``None``.
    """

    message: str
    request: httpx.Request
    body: object | None

    def __init__(self, message: str, request: httpx.Request, *, body: object | None) -> None:
        super().__init__(message)
        self.message = message
        self.request = request
        self.body = body

    def __str__(self) -> str:
        return self.message

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.message!r})"


def _response_request(response: httpx.Response) -> Any:
    try:
        return response.request
    except RuntimeError:  # a response built without a request
        return None


class APIStatusError(APIError):
    """The service answered with an error status (4xx/5xx)."""

    response: httpx.Response
    status_code: int

    def __init__(self, message: str, response: httpx.Response, body: object | None) -> None:
        super().__init__(message, _response_request(response), body=body)
        self.response = response
        self.status_code = response.status_code

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.message!r}, status_code={self.status_code})"


class BadRequestError(APIStatusError):
    """HTTP 400."""

    status_code: Literal[400] = 400


class AuthenticationError(APIStatusError):
    """HTTP 401: missing, invalid or expired credential."""

    status_code: Literal[401] = 401


class BillingError(APIStatusError):
    """HTTP 402: a billing problem (the SDK pauses and retries for a while before raising it)."""

    status_code: Literal[402] = 402


class PermissionDeniedError(APIStatusError):
    """HTTP 403."""

    status_code: Literal[403] = 403


class NotFoundError(APIStatusError):
    """HTTP 404."""

    status_code: Literal[404] = 404


class ConflictError(APIStatusError):
    """HTTP 409 (e.g. a checkpoint name already in use)."""

    status_code: Literal[409] = 409


class UnprocessableEntityError(APIStatusError):
    """HTTP 422: the request body failed validation."""

    status_code: Literal[422] = 422


class RateLimitError(APIStatusError):
    """HTTP 429."""

    status_code: Literal[429] = 429


class InternalServerError(APIStatusError):
    """HTTP 500 or above."""


_STATUS_CLASSES: dict[int, type[APIStatusError]] = {
    400: BadRequestError,
    401: AuthenticationError,
    402: BillingError,
    403: PermissionDeniedError,
    404: NotFoundError,
    409: ConflictError,
    422: UnprocessableEntityError,
    429: RateLimitError,
}


def status_error_for(status_code: int, message: str, response: httpx.Response, body: object | None) -> APIStatusError:
    """Build the :class:`APIStatusError` subclass matching ``status_code``.

    Statuses without a dedicated class (e.g. 405, 410) give a plain :class:`APIStatusError`.
    """
    cls = _STATUS_CLASSES.get(status_code)
    if cls is None:
        cls = InternalServerError if status_code >= 500 else APIStatusError
    return cls(message, response=response, body=body)


class APIConnectionError(APIError):
    """The service could not be reached (DNS, refused connection, TLS, reset, ...)."""

    def __init__(self, request: httpx.Request, message: str = "Connection error.") -> None:
        super().__init__(message, request, body=None)


class APITimeoutError(APIConnectionError):
    """The request timed out."""

    def __init__(self, request: httpx.Request) -> None:
        super().__init__(request, "Request timed out.")


class APIResponseValidationError(APIError):
    """A response did not match the expected schema."""

    response: httpx.Response
    status_code: int

    def __init__(self, response: httpx.Response, body: object | None, message: str | None = None) -> None:
        super().__init__(
            message or "Data returned by API invalid for expected schema.",
            _response_request(response),
            body=body,
        )
        self.response = response
        self.status_code = response.status_code


class RequestFailedError(TinkerError):
    """The service accepted a request but reported it as failed when its future completed.

    ``category`` tells whether the caller (``user``), the service (``server``) or neither (``unknown``)
    is at fault.
    """

    def __init__(self, message: str, request_id: str, category: RequestErrorCategory | str) -> None:
        super().__init__(message)
        self.message = message
        self.request_id = request_id
        self.category = RequestErrorCategory.parse(category)

    def __str__(self) -> str:
        return self.message

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}({self.message!r}, request_id={self.request_id!r}, category={self.category.value!r})"
        )


class ExperimentalWarning(FutureWarning):
    """Emitted when calling an API marked experimental (it may change without notice)."""
