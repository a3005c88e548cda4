from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import (
    TYPE_CHECKING,
    Any,
    Literal,
    Self,
    TypeVar,
    cast,
)

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.telemetry_event_common_severity import (
    TelemetryEventCommonSeverity,
    check_telemetry_event_common_severity,
)
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.generic_event_event_data import GenericEventEventData


T = TypeVar("T", bound="GenericEvent")


@_attrs_define
class GenericEvent:
    event_id: str
    event_session_index: int
    severity: TelemetryEventCommonSeverity
    timestamp: datetime.datetime
    event: Literal["GENERIC_EVENT"]
    event_name: str
    event_data: GenericEventEventData | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        event_id = self.event_id

        event_session_index = self.event_session_index

        severity: str = self.severity

        timestamp = self.timestamp.isoformat()

        event = self.event

        event_name = self.event_name

        event_data: dict[str, Any] | Unset = UNSET
        if not isinstance(self.event_data, Unset):
            event_data = self.event_data.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "event_id": event_id,
                "event_session_index": event_session_index,
                "severity": severity,
                "timestamp": timestamp,
                "event": event,
                "event_name": event_name,
            }
        )
        if event_data is not UNSET:
            field_dict["event_data"] = event_data

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.generic_event_event_data import GenericEventEventData

        d = dict(src_dict)
        event_id = d.pop("event_id")

        event_session_index = d.pop("event_session_index")

        severity = check_telemetry_event_common_severity(d.pop("severity"))

        timestamp = datetime.datetime.fromisoformat(d.pop("timestamp"))

        event = cast(Literal["GENERIC_EVENT"], d.pop("event"))
        if event != "GENERIC_EVENT":
            raise ValueError(f"event must match const 'GENERIC_EVENT', got '{event}'")

        event_name = d.pop("event_name")

        _event_data = d.pop("event_data", UNSET)
        event_data: GenericEventEventData | Unset
        if isinstance(_event_data, Unset):
            event_data = UNSET
        else:
            event_data = GenericEventEventData.from_dict(_event_data)

        generic_event = cls(
            event_id=event_id,
            event_session_index=event_session_index,
            severity=severity,
            timestamp=timestamp,
            event=event,
            event_name=event_name,
            event_data=event_data,
        )

        generic_event.additional_properties = d
        return generic_event

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
