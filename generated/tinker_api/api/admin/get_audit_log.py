import datetime
from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.audit_log_response import AuditLogResponse
from ...models.error_response import ErrorResponse
from ...models.get_audit_log_event_type import (
    GetAuditLogEventType,
)
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    event_type: GetAuditLogEventType | Unset = "all",
    day: datetime.date | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    json_event_type: str | Unset = UNSET
    if not isinstance(event_type, Unset):
        json_event_type = event_type

    params["event_type"] = json_event_type

    json_day: str | Unset = UNSET
    if not isinstance(day, Unset):
        json_day = day.isoformat()
    params["day"] = json_day

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/api/v1/audit",
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> AuditLogResponse | ErrorResponse | None:
    if response.status_code == 200:
        response_200 = AuditLogResponse.from_dict(response.json())

        return response_200

    if response.status_code == 401:
        response_401 = ErrorResponse.from_dict(response.json())

        return response_401

    if response.status_code == 403:
        response_403 = ErrorResponse.from_dict(response.json())

        return response_403

    if response.status_code == 422:
        response_422 = ErrorResponse.from_dict(response.json())

        return response_422

    if 500 <= response.status_code <= 599:
        response_5xx = ErrorResponse.from_dict(response.json())

        return response_5xx

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[AuditLogResponse | ErrorResponse]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    event_type: GetAuditLogEventType | Unset = "all",
    day: datetime.date | Unset = UNSET,
) -> Response[AuditLogResponse | ErrorResponse]:
    """The organisation's audit log for one UTC day (admin role).

    Args:
        event_type (GetAuditLogEventType | Unset):  Default: 'all'.
        day (datetime.date | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[AuditLogResponse | ErrorResponse]
    """

    kwargs = _get_kwargs(
        event_type=event_type,
        day=day,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient | Client,
    event_type: GetAuditLogEventType | Unset = "all",
    day: datetime.date | Unset = UNSET,
) -> AuditLogResponse | ErrorResponse | None:
    """The organisation's audit log for one UTC day (admin role).

    Args:
        event_type (GetAuditLogEventType | Unset):  Default: 'all'.
        day (datetime.date | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        AuditLogResponse | ErrorResponse
    """

    return sync_detailed(
        client=client,
        event_type=event_type,
        day=day,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    event_type: GetAuditLogEventType | Unset = "all",
    day: datetime.date | Unset = UNSET,
) -> Response[AuditLogResponse | ErrorResponse]:
    """The organisation's audit log for one UTC day (admin role).

    Args:
        event_type (GetAuditLogEventType | Unset):  Default: 'all'.
        day (datetime.date | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[AuditLogResponse | ErrorResponse]
    """

    kwargs = _get_kwargs(
        event_type=event_type,
        day=day,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    event_type: GetAuditLogEventType | Unset = "all",
    day: datetime.date | Unset = UNSET,
) -> AuditLogResponse | ErrorResponse | None:
    """The organisation's audit log for one UTC day (admin role).

    Args:
        event_type (GetAuditLogEventType | Unset):  Default: 'all'.
        day (datetime.date | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        AuditLogResponse | ErrorResponse
    """

    return (
        await asyncio_detailed(
            client=client,
            event_type=event_type,
            day=day,
        )
    ).parsed
