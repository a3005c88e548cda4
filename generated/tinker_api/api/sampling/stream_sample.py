from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error_response import ErrorResponse
from ...models.sample_request import SampleRequest
from ...models.sample_stream_event import SampleStreamEvent
from ...types import Response


def _get_kwargs(
    *,
    body: SampleRequest,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/api/v1/stream_sample",
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ErrorResponse | SampleStreamEvent | None:
    if response.status_code == 200:
        response_200 = SampleStreamEvent.from_dict(response.content)

        return response_200

    if response.status_code == 400:
        response_400 = ErrorResponse.from_dict(response.json())

        return response_400

    if response.status_code == 401:
        response_401 = ErrorResponse.from_dict(response.json())

        return response_401

    if response.status_code == 404:
        response_404 = ErrorResponse.from_dict(response.json())

        return response_404

    if response.status_code == 409:
        response_409 = ErrorResponse.from_dict(response.json())

        return response_409

    if response.status_code == 413:
        response_413 = ErrorResponse.from_dict(response.json())

        return response_413

    if response.status_code == 422:
        response_422 = ErrorResponse.from_dict(response.json())

        return response_422

    if response.status_code == 429:
        response_429 = ErrorResponse.from_dict(response.json())

        return response_429

    if 500 <= response.status_code <= 599:
        response_5xx = ErrorResponse.from_dict(response.json())

        return response_5xx

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[ErrorResponse | SampleStreamEvent]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: SampleRequest,
) -> Response[ErrorResponse | SampleStreamEvent]:
    """Extension (not in the official API): stream sampled tokens as server-sent events.

     Same body as `asample`. Events: `token` (one sampled token of one sample, in order), `done` (one per
    sample, with its stop reason), `error` (the generation failed; the stream ends). Closing the
    connection
    cancels the generation.

    Args:
        body (SampleRequest): Addressed by `sampling_session_id` (+ `seq_id`), or directly by
            `base_model` / `model_path`.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorResponse | SampleStreamEvent]
    """

    kwargs = _get_kwargs(
        body=body,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient | Client,
    body: SampleRequest,
) -> ErrorResponse | SampleStreamEvent | None:
    """Extension (not in the official API): stream sampled tokens as server-sent events.

     Same body as `asample`. Events: `token` (one sampled token of one sample, in order), `done` (one per
    sample, with its stop reason), `error` (the generation failed; the stream ends). Closing the
    connection
    cancels the generation.

    Args:
        body (SampleRequest): Addressed by `sampling_session_id` (+ `seq_id`), or directly by
            `base_model` / `model_path`.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorResponse | SampleStreamEvent
    """

    return sync_detailed(
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: SampleRequest,
) -> Response[ErrorResponse | SampleStreamEvent]:
    """Extension (not in the official API): stream sampled tokens as server-sent events.

     Same body as `asample`. Events: `token` (one sampled token of one sample, in order), `done` (one per
    sample, with its stop reason), `error` (the generation failed; the stream ends). Closing the
    connection
    cancels the generation.

    Args:
        body (SampleRequest): Addressed by `sampling_session_id` (+ `seq_id`), or directly by
            `base_model` / `model_path`.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorResponse | SampleStreamEvent]
    """

    kwargs = _get_kwargs(
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    body: SampleRequest,
) -> ErrorResponse | SampleStreamEvent | None:
    """Extension (not in the official API): stream sampled tokens as server-sent events.

     Same body as `asample`. Events: `token` (one sampled token of one sample, in order), `done` (one per
    sample, with its stop reason), `error` (the generation failed; the stream ends). Closing the
    connection
    cancels the generation.

    Args:
        body (SampleRequest): Addressed by `sampling_session_id` (+ `seq_id`), or directly by
            `base_model` / `model_path`.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorResponse | SampleStreamEvent
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
        )
    ).parsed
