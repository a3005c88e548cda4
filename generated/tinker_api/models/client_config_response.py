from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.client_config_response_credential_default_source import (
    ClientConfigResponseCredentialDefaultSource,
    check_client_config_response_credential_default_source,
)
from ..types import UNSET, Unset

T = TypeVar("T", bound="ClientConfigResponse")


@_attrs_define
class ClientConfigResponse:
    """Feature flags; clients use their defaults for absent fields."""

    pjwt_auth_enabled: bool | Unset = False
    credential_default_source: ClientConfigResponseCredentialDefaultSource | Unset = (
        "api_key"
    )
    sample_dispatch_bytes_semaphore_size: int | Unset = 10485760
    inflight_response_bytes_semaphore_size: int | Unset = 52428800
    parallel_fwdbwd_chunks: bool | Unset = True
    proto_compress_fwdbwd: bool | Unset = False
    fwdbwd_max_chunk_len: int | Unset = 1024
    fwdbwd_max_chunk_bytes_count: int | Unset = 5000000
    fwdbwd_dispatch_bytes_semaphore_size: int | Unset = 50000000
    billing_exception_max_pause_duration_sec: int | Unset = 3600
    sample_no_retries: bool | Unset = False
    sample_enable_stuck_detection: bool | Unset = True
    sample_max_concurrent_requests: int | Unset = 2000
    use_pyqwest_transport: bool | Unset = True
    create_model_via_load_weights: bool | Unset = False
    sample_use_retrieve_futures: bool | Unset = False
    custom_loss_server_side: bool | Unset = False
    sample_join_sampling_session: bool | Unset = False
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        pjwt_auth_enabled = self.pjwt_auth_enabled

        credential_default_source: str | Unset = UNSET
        if not isinstance(self.credential_default_source, Unset):
            credential_default_source = self.credential_default_source

        sample_dispatch_bytes_semaphore_size = self.sample_dispatch_bytes_semaphore_size

        inflight_response_bytes_semaphore_size = (
            self.inflight_response_bytes_semaphore_size
        )

        parallel_fwdbwd_chunks = self.parallel_fwdbwd_chunks

        proto_compress_fwdbwd = self.proto_compress_fwdbwd

        fwdbwd_max_chunk_len = self.fwdbwd_max_chunk_len

        fwdbwd_max_chunk_bytes_count = self.fwdbwd_max_chunk_bytes_count

        fwdbwd_dispatch_bytes_semaphore_size = self.fwdbwd_dispatch_bytes_semaphore_size

        billing_exception_max_pause_duration_sec = (
            self.billing_exception_max_pause_duration_sec
        )

        sample_no_retries = self.sample_no_retries

        sample_enable_stuck_detection = self.sample_enable_stuck_detection

        sample_max_concurrent_requests = self.sample_max_concurrent_requests

        use_pyqwest_transport = self.use_pyqwest_transport

        create_model_via_load_weights = self.create_model_via_load_weights

        sample_use_retrieve_futures = self.sample_use_retrieve_futures

        custom_loss_server_side = self.custom_loss_server_side

        sample_join_sampling_session = self.sample_join_sampling_session

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if pjwt_auth_enabled is not UNSET:
            field_dict["pjwt_auth_enabled"] = pjwt_auth_enabled
        if credential_default_source is not UNSET:
            field_dict["credential_default_source"] = credential_default_source
        if sample_dispatch_bytes_semaphore_size is not UNSET:
            field_dict["sample_dispatch_bytes_semaphore_size"] = (
                sample_dispatch_bytes_semaphore_size
            )
        if inflight_response_bytes_semaphore_size is not UNSET:
            field_dict["inflight_response_bytes_semaphore_size"] = (
                inflight_response_bytes_semaphore_size
            )
        if parallel_fwdbwd_chunks is not UNSET:
            field_dict["parallel_fwdbwd_chunks"] = parallel_fwdbwd_chunks
        if proto_compress_fwdbwd is not UNSET:
            field_dict["proto_compress_fwdbwd"] = proto_compress_fwdbwd
        if fwdbwd_max_chunk_len is not UNSET:
            field_dict["fwdbwd_max_chunk_len"] = fwdbwd_max_chunk_len
        if fwdbwd_max_chunk_bytes_count is not UNSET:
            field_dict["fwdbwd_max_chunk_bytes_count"] = fwdbwd_max_chunk_bytes_count
        if fwdbwd_dispatch_bytes_semaphore_size is not UNSET:
            field_dict["fwdbwd_dispatch_bytes_semaphore_size"] = (
                fwdbwd_dispatch_bytes_semaphore_size
            )
        if billing_exception_max_pause_duration_sec is not UNSET:
            field_dict["billing_exception_max_pause_duration_sec"] = (
                billing_exception_max_pause_duration_sec
            )
        if sample_no_retries is not UNSET:
            field_dict["sample_no_retries"] = sample_no_retries
        if sample_enable_stuck_detection is not UNSET:
            field_dict["sample_enable_stuck_detection"] = sample_enable_stuck_detection
        if sample_max_concurrent_requests is not UNSET:
            field_dict["sample_max_concurrent_requests"] = (
                sample_max_concurrent_requests
            )
        if use_pyqwest_transport is not UNSET:
            field_dict["use_pyqwest_transport"] = use_pyqwest_transport
        if create_model_via_load_weights is not UNSET:
            field_dict["create_model_via_load_weights"] = create_model_via_load_weights
        if sample_use_retrieve_futures is not UNSET:
            field_dict["sample_use_retrieve_futures"] = sample_use_retrieve_futures
        if custom_loss_server_side is not UNSET:
            field_dict["custom_loss_server_side"] = custom_loss_server_side
        if sample_join_sampling_session is not UNSET:
            field_dict["sample_join_sampling_session"] = sample_join_sampling_session

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        pjwt_auth_enabled = d.pop("pjwt_auth_enabled", UNSET)

        _credential_default_source = d.pop("credential_default_source", UNSET)
        credential_default_source: ClientConfigResponseCredentialDefaultSource | Unset
        if isinstance(_credential_default_source, Unset):
            credential_default_source = UNSET
        else:
            credential_default_source = (
                check_client_config_response_credential_default_source(
                    _credential_default_source
                )
            )

        sample_dispatch_bytes_semaphore_size = d.pop(
            "sample_dispatch_bytes_semaphore_size", UNSET
        )

        inflight_response_bytes_semaphore_size = d.pop(
            "inflight_response_bytes_semaphore_size", UNSET
        )

        parallel_fwdbwd_chunks = d.pop("parallel_fwdbwd_chunks", UNSET)

        proto_compress_fwdbwd = d.pop("proto_compress_fwdbwd", UNSET)

        fwdbwd_max_chunk_len = d.pop("fwdbwd_max_chunk_len", UNSET)

        fwdbwd_max_chunk_bytes_count = d.pop("fwdbwd_max_chunk_bytes_count", UNSET)

        fwdbwd_dispatch_bytes_semaphore_size = d.pop(
            "fwdbwd_dispatch_bytes_semaphore_size", UNSET
        )

        billing_exception_max_pause_duration_sec = d.pop(
            "billing_exception_max_pause_duration_sec", UNSET
        )

        sample_no_retries = d.pop("sample_no_retries", UNSET)

        sample_enable_stuck_detection = d.pop("sample_enable_stuck_detection", UNSET)

        sample_max_concurrent_requests = d.pop("sample_max_concurrent_requests", UNSET)

        use_pyqwest_transport = d.pop("use_pyqwest_transport", UNSET)

        create_model_via_load_weights = d.pop("create_model_via_load_weights", UNSET)

        sample_use_retrieve_futures = d.pop("sample_use_retrieve_futures", UNSET)

        custom_loss_server_side = d.pop("custom_loss_server_side", UNSET)

        sample_join_sampling_session = d.pop("sample_join_sampling_session", UNSET)

        client_config_response = cls(
            pjwt_auth_enabled=pjwt_auth_enabled,
            credential_default_source=credential_default_source,
            sample_dispatch_bytes_semaphore_size=sample_dispatch_bytes_semaphore_size,
            inflight_response_bytes_semaphore_size=inflight_response_bytes_semaphore_size,
            parallel_fwdbwd_chunks=parallel_fwdbwd_chunks,
            proto_compress_fwdbwd=proto_compress_fwdbwd,
            fwdbwd_max_chunk_len=fwdbwd_max_chunk_len,
            fwdbwd_max_chunk_bytes_count=fwdbwd_max_chunk_bytes_count,
            fwdbwd_dispatch_bytes_semaphore_size=fwdbwd_dispatch_bytes_semaphore_size,
            billing_exception_max_pause_duration_sec=billing_exception_max_pause_duration_sec,
            sample_no_retries=sample_no_retries,
            sample_enable_stuck_detection=sample_enable_stuck_detection,
            sample_max_concurrent_requests=sample_max_concurrent_requests,
            use_pyqwest_transport=use_pyqwest_transport,
            create_model_via_load_weights=create_model_via_load_weights,
            sample_use_retrieve_futures=sample_use_retrieve_futures,
            custom_loss_server_side=custom_loss_server_side,
            sample_join_sampling_session=sample_join_sampling_session,
        )

        client_config_response.additional_properties = d
        return client_config_response

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
