from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.create_custom_loss_response import CreateCustomLossResponse
from ...models.create_model_response import CreateModelResponse
from ...models.error_response import ErrorResponse
from ...models.forward_backward_output import ForwardBackwardOutput
from ...models.future_complete_metadata import FutureCompleteMetadata
from ...models.future_pending_response import FuturePendingResponse
from ...models.future_retrieve_request import FutureRetrieveRequest
from ...models.load_weights_response import LoadWeightsResponse
from ...models.optim_step_response import OptimStepResponse
from ...models.request_failed_response import RequestFailedResponse
from ...models.sample_response import SampleResponse
from ...models.save_weights_external_response_internal import (
    SaveWeightsExternalResponseInternal,
)
from ...models.save_weights_for_sampler_response_internal import (
    SaveWeightsForSamplerResponseInternal,
)
from ...models.save_weights_response import SaveWeightsResponse
from ...models.try_again_response import TryAgainResponse
from ...models.unload_model_response import UnloadModelResponse
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    body: FutureRetrieveRequest,
    x_tinker_request_type: str | Unset = UNSET,
    x_tinker_request_iteration: str | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(x_tinker_request_type, Unset):
        headers["X-Tinker-Request-Type"] = x_tinker_request_type

    if not isinstance(x_tinker_request_iteration, Unset):
        headers["X-Tinker-Request-Iteration"] = x_tinker_request_iteration

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/api/v1/retrieve_future",
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> (
    CreateCustomLossResponse
    | CreateModelResponse
    | ForwardBackwardOutput
    | FutureCompleteMetadata
    | LoadWeightsResponse
    | OptimStepResponse
    | RequestFailedResponse
    | SampleResponse
    | SaveWeightsExternalResponseInternal
    | SaveWeightsForSamplerResponseInternal
    | SaveWeightsResponse
    | TryAgainResponse
    | UnloadModelResponse
    | ErrorResponse
    | FuturePendingResponse
    | None
):
    if response.status_code == 200:

        def _parse_response_200(
            data: object,
        ) -> (
            CreateCustomLossResponse
            | CreateModelResponse
            | ForwardBackwardOutput
            | FutureCompleteMetadata
            | LoadWeightsResponse
            | OptimStepResponse
            | RequestFailedResponse
            | SampleResponse
            | SaveWeightsExternalResponseInternal
            | SaveWeightsForSamplerResponseInternal
            | SaveWeightsResponse
            | TryAgainResponse
            | UnloadModelResponse
        ):
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                componentsschemas_future_retrieve_response_type_0 = (
                    TryAgainResponse.from_dict(data)
                )

                return componentsschemas_future_retrieve_response_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                componentsschemas_future_retrieve_response_type_1 = (
                    RequestFailedResponse.from_dict(data)
                )

                return componentsschemas_future_retrieve_response_type_1
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                componentsschemas_future_retrieve_response_type_2 = (
                    FutureCompleteMetadata.from_dict(data)
                )

                return componentsschemas_future_retrieve_response_type_2
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                componentsschemas_future_retrieve_response_type_3 = (
                    ForwardBackwardOutput.from_dict(data)
                )

                return componentsschemas_future_retrieve_response_type_3
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                componentsschemas_future_retrieve_response_type_4 = (
                    SampleResponse.from_dict(data)
                )

                return componentsschemas_future_retrieve_response_type_4
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                componentsschemas_future_retrieve_response_type_5 = (
                    CreateModelResponse.from_dict(data)
                )

                return componentsschemas_future_retrieve_response_type_5
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                componentsschemas_future_retrieve_response_type_6 = (
                    UnloadModelResponse.from_dict(data)
                )

                return componentsschemas_future_retrieve_response_type_6
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                componentsschemas_future_retrieve_response_type_7 = (
                    SaveWeightsResponse.from_dict(data)
                )

                return componentsschemas_future_retrieve_response_type_7
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                componentsschemas_future_retrieve_response_type_8 = (
                    LoadWeightsResponse.from_dict(data)
                )

                return componentsschemas_future_retrieve_response_type_8
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                componentsschemas_future_retrieve_response_type_9 = (
                    SaveWeightsForSamplerResponseInternal.from_dict(data)
                )

                return componentsschemas_future_retrieve_response_type_9
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                componentsschemas_future_retrieve_response_type_10 = (
                    SaveWeightsExternalResponseInternal.from_dict(data)
                )

                return componentsschemas_future_retrieve_response_type_10
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                componentsschemas_future_retrieve_response_type_11 = (
                    CreateCustomLossResponse.from_dict(data)
                )

                return componentsschemas_future_retrieve_response_type_11
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            if not isinstance(data, dict):
                raise TypeError()
            componentsschemas_future_retrieve_response_type_12 = (
                OptimStepResponse.from_dict(data)
            )

            return componentsschemas_future_retrieve_response_type_12

        response_200 = _parse_response_200(response.json())

        return response_200

    if response.status_code == 400:
        response_400 = ErrorResponse.from_dict(response.json())

        return response_400

    if response.status_code == 401:
        response_401 = ErrorResponse.from_dict(response.json())

        return response_401

    if response.status_code == 402:
        response_402 = ErrorResponse.from_dict(response.json())

        return response_402

    if response.status_code == 404:
        response_404 = ErrorResponse.from_dict(response.json())

        return response_404

    if response.status_code == 408:
        response_408 = FuturePendingResponse.from_dict(response.json())

        return response_408

    if response.status_code == 410:
        response_410 = ErrorResponse.from_dict(response.json())

        return response_410

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
) -> Response[
    CreateCustomLossResponse
    | CreateModelResponse
    | ForwardBackwardOutput
    | FutureCompleteMetadata
    | LoadWeightsResponse
    | OptimStepResponse
    | RequestFailedResponse
    | SampleResponse
    | SaveWeightsExternalResponseInternal
    | SaveWeightsForSamplerResponseInternal
    | SaveWeightsResponse
    | TryAgainResponse
    | UnloadModelResponse
    | ErrorResponse
    | FuturePendingResponse
]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: FutureRetrieveRequest,
    x_tinker_request_type: str | Unset = UNSET,
    x_tinker_request_iteration: str | Unset = UNSET,
) -> Response[
    CreateCustomLossResponse
    | CreateModelResponse
    | ForwardBackwardOutput
    | FutureCompleteMetadata
    | LoadWeightsResponse
    | OptimStepResponse
    | RequestFailedResponse
    | SampleResponse
    | SaveWeightsExternalResponseInternal
    | SaveWeightsForSamplerResponseInternal
    | SaveWeightsResponse
    | TryAgainResponse
    | UnloadModelResponse
    | ErrorResponse
    | FuturePendingResponse
]:
    """Long-poll a future. 408 = not ready yet (poll again); 410 = expired (resubmit).

     A completed forward/backward or sample result is sent as protobuf when the request's `Accept`
    includes `application/x-protobuf` (required by SDK >= 0.25), as JSON otherwise. Pending, failed and
    metadata-only replies are always JSON. The 200 JSON reply is the bare result object; its variants
    are
    tried in the order listed.

    Args:
        x_tinker_request_type (str | Unset):
        x_tinker_request_iteration (str | Unset):
        body (FutureRetrieveRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[CreateCustomLossResponse | CreateModelResponse | ForwardBackwardOutput | FutureCompleteMetadata | LoadWeightsResponse | OptimStepResponse | RequestFailedResponse | SampleResponse | SaveWeightsExternalResponseInternal | SaveWeightsForSamplerResponseInternal | SaveWeightsResponse | TryAgainResponse | UnloadModelResponse | ErrorResponse | FuturePendingResponse]
    """

    kwargs = _get_kwargs(
        body=body,
        x_tinker_request_type=x_tinker_request_type,
        x_tinker_request_iteration=x_tinker_request_iteration,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient | Client,
    body: FutureRetrieveRequest,
    x_tinker_request_type: str | Unset = UNSET,
    x_tinker_request_iteration: str | Unset = UNSET,
) -> (
    CreateCustomLossResponse
    | CreateModelResponse
    | ForwardBackwardOutput
    | FutureCompleteMetadata
    | LoadWeightsResponse
    | OptimStepResponse
    | RequestFailedResponse
    | SampleResponse
    | SaveWeightsExternalResponseInternal
    | SaveWeightsForSamplerResponseInternal
    | SaveWeightsResponse
    | TryAgainResponse
    | UnloadModelResponse
    | ErrorResponse
    | FuturePendingResponse
    | None
):
    """Long-poll a future. 408 = not ready yet (poll again); 410 = expired (resubmit).

     A completed forward/backward or sample result is sent as protobuf when the request's `Accept`
    includes `application/x-protobuf` (required by SDK >= 0.25), as JSON otherwise. Pending, failed and
    metadata-only replies are always JSON. The 200 JSON reply is the bare result object; its variants
    are
    tried in the order listed.

    Args:
        x_tinker_request_type (str | Unset):
        x_tinker_request_iteration (str | Unset):
        body (FutureRetrieveRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        CreateCustomLossResponse | CreateModelResponse | ForwardBackwardOutput | FutureCompleteMetadata | LoadWeightsResponse | OptimStepResponse | RequestFailedResponse | SampleResponse | SaveWeightsExternalResponseInternal | SaveWeightsForSamplerResponseInternal | SaveWeightsResponse | TryAgainResponse | UnloadModelResponse | ErrorResponse | FuturePendingResponse
    """

    return sync_detailed(
        client=client,
        body=body,
        x_tinker_request_type=x_tinker_request_type,
        x_tinker_request_iteration=x_tinker_request_iteration,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: FutureRetrieveRequest,
    x_tinker_request_type: str | Unset = UNSET,
    x_tinker_request_iteration: str | Unset = UNSET,
) -> Response[
    CreateCustomLossResponse
    | CreateModelResponse
    | ForwardBackwardOutput
    | FutureCompleteMetadata
    | LoadWeightsResponse
    | OptimStepResponse
    | RequestFailedResponse
    | SampleResponse
    | SaveWeightsExternalResponseInternal
    | SaveWeightsForSamplerResponseInternal
    | SaveWeightsResponse
    | TryAgainResponse
    | UnloadModelResponse
    | ErrorResponse
    | FuturePendingResponse
]:
    """Long-poll a future. 408 = not ready yet (poll again); 410 = expired (resubmit).

     A completed forward/backward or sample result is sent as protobuf when the request's `Accept`
    includes `application/x-protobuf` (required by SDK >= 0.25), as JSON otherwise. Pending, failed and
    metadata-only replies are always JSON. The 200 JSON reply is the bare result object; its variants
    are
    tried in the order listed.

    Args:
        x_tinker_request_type (str | Unset):
        x_tinker_request_iteration (str | Unset):
        body (FutureRetrieveRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[CreateCustomLossResponse | CreateModelResponse | ForwardBackwardOutput | FutureCompleteMetadata | LoadWeightsResponse | OptimStepResponse | RequestFailedResponse | SampleResponse | SaveWeightsExternalResponseInternal | SaveWeightsForSamplerResponseInternal | SaveWeightsResponse | TryAgainResponse | UnloadModelResponse | ErrorResponse | FuturePendingResponse]
    """

    kwargs = _get_kwargs(
        body=body,
        x_tinker_request_type=x_tinker_request_type,
        x_tinker_request_iteration=x_tinker_request_iteration,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    body: FutureRetrieveRequest,
    x_tinker_request_type: str | Unset = UNSET,
    x_tinker_request_iteration: str | Unset = UNSET,
) -> (
    CreateCustomLossResponse
    | CreateModelResponse
    | ForwardBackwardOutput
    | FutureCompleteMetadata
    | LoadWeightsResponse
    | OptimStepResponse
    | RequestFailedResponse
    | SampleResponse
    | SaveWeightsExternalResponseInternal
    | SaveWeightsForSamplerResponseInternal
    | SaveWeightsResponse
    | TryAgainResponse
    | UnloadModelResponse
    | ErrorResponse
    | FuturePendingResponse
    | None
):
    """Long-poll a future. 408 = not ready yet (poll again); 410 = expired (resubmit).

     A completed forward/backward or sample result is sent as protobuf when the request's `Accept`
    includes `application/x-protobuf` (required by SDK >= 0.25), as JSON otherwise. Pending, failed and
    metadata-only replies are always JSON. The 200 JSON reply is the bare result object; its variants
    are
    tried in the order listed.

    Args:
        x_tinker_request_type (str | Unset):
        x_tinker_request_iteration (str | Unset):
        body (FutureRetrieveRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        CreateCustomLossResponse | CreateModelResponse | ForwardBackwardOutput | FutureCompleteMetadata | LoadWeightsResponse | OptimStepResponse | RequestFailedResponse | SampleResponse | SaveWeightsExternalResponseInternal | SaveWeightsForSamplerResponseInternal | SaveWeightsResponse | TryAgainResponse | UnloadModelResponse | ErrorResponse | FuturePendingResponse
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
            x_tinker_request_type=x_tinker_request_type,
            x_tinker_request_iteration=x_tinker_request_iteration,
        )
    ).parsed
