from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.accessible_sessions_filter import AccessibleSessionsFilter
    from ..models.client_finished_status_query import ClientFinishedStatusQuery
    from ..models.own_sessions_filter import OwnSessionsFilter
    from ..models.session_search_cursor import SessionSearchCursor
    from ..models.simple_session_status_query import SimpleSessionStatusQuery
    from ..models.user_metadata import UserMetadata
    from ..models.user_sessions_filter import UserSessionsFilter


T = TypeVar("T", bound="SessionSearchRequest")


@_attrs_define
class SessionSearchRequest:
    session_id: None | str | Unset = UNSET
    project_ids: list[str] | None | Unset = UNSET
    user_metadata: UserMetadata | Unset = UNSET
    """ Free-form string metadata kept with a session, run or checkpoint. """
    display_name: None | str | Unset = UNSET
    owner: AccessibleSessionsFilter | OwnSessionsFilter | Unset | UserSessionsFilter = (
        UNSET
    )
    statuses: (
        list[ClientFinishedStatusQuery | SimpleSessionStatusQuery] | None | Unset
    ) = UNSET
    limit: int | Unset = 50
    cursor: None | SessionSearchCursor | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.accessible_sessions_filter import AccessibleSessionsFilter
        from ..models.own_sessions_filter import OwnSessionsFilter
        from ..models.session_search_cursor import SessionSearchCursor
        from ..models.simple_session_status_query import SimpleSessionStatusQuery

        session_id: None | str | Unset
        if isinstance(self.session_id, Unset):
            session_id = UNSET
        else:
            session_id = self.session_id

        project_ids: list[str] | None | Unset
        if isinstance(self.project_ids, Unset):
            project_ids = UNSET
        elif isinstance(self.project_ids, list):
            project_ids = self.project_ids

        else:
            project_ids = self.project_ids

        user_metadata: dict[str, Any] | Unset = UNSET
        if not isinstance(self.user_metadata, Unset):
            user_metadata = self.user_metadata.to_dict()

        display_name: None | str | Unset
        if isinstance(self.display_name, Unset):
            display_name = UNSET
        else:
            display_name = self.display_name

        owner: dict[str, Any] | Unset
        if isinstance(self.owner, Unset):
            owner = UNSET
        elif isinstance(self.owner, OwnSessionsFilter) or isinstance(
            self.owner, AccessibleSessionsFilter
        ):
            owner = self.owner.to_dict()
        else:
            owner = self.owner.to_dict()

        statuses: list[dict[str, Any]] | None | Unset
        if isinstance(self.statuses, Unset):
            statuses = UNSET
        elif isinstance(self.statuses, list):
            statuses = []
            for statuses_type_0_item_data in self.statuses:
                statuses_type_0_item: dict[str, Any]
                if isinstance(statuses_type_0_item_data, SimpleSessionStatusQuery):
                    statuses_type_0_item = statuses_type_0_item_data.to_dict()
                else:
                    statuses_type_0_item = statuses_type_0_item_data.to_dict()

                statuses.append(statuses_type_0_item)

        else:
            statuses = self.statuses

        limit = self.limit

        cursor: dict[str, Any] | None | Unset
        if isinstance(self.cursor, Unset):
            cursor = UNSET
        elif isinstance(self.cursor, SessionSearchCursor):
            cursor = self.cursor.to_dict()
        else:
            cursor = self.cursor

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if session_id is not UNSET:
            field_dict["session_id"] = session_id
        if project_ids is not UNSET:
            field_dict["project_ids"] = project_ids
        if user_metadata is not UNSET:
            field_dict["user_metadata"] = user_metadata
        if display_name is not UNSET:
            field_dict["display_name"] = display_name
        if owner is not UNSET:
            field_dict["owner"] = owner
        if statuses is not UNSET:
            field_dict["statuses"] = statuses
        if limit is not UNSET:
            field_dict["limit"] = limit
        if cursor is not UNSET:
            field_dict["cursor"] = cursor

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.accessible_sessions_filter import AccessibleSessionsFilter
        from ..models.client_finished_status_query import ClientFinishedStatusQuery
        from ..models.own_sessions_filter import OwnSessionsFilter
        from ..models.session_search_cursor import SessionSearchCursor
        from ..models.simple_session_status_query import SimpleSessionStatusQuery
        from ..models.user_metadata import UserMetadata
        from ..models.user_sessions_filter import UserSessionsFilter

        d = dict(src_dict)

        def _parse_session_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        session_id = _parse_session_id(d.pop("session_id", UNSET))

        def _parse_project_ids(data: object) -> list[str] | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                project_ids_type_0 = cast(list[str], data)

                return project_ids_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[str] | None | Unset, data)

        project_ids = _parse_project_ids(d.pop("project_ids", UNSET))

        _user_metadata = d.pop("user_metadata", UNSET)
        user_metadata: UserMetadata | Unset
        if isinstance(_user_metadata, Unset):
            user_metadata = UNSET
        else:
            user_metadata = UserMetadata.from_dict(_user_metadata)

        def _parse_display_name(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        display_name = _parse_display_name(d.pop("display_name", UNSET))

        def _parse_owner(
            data: object,
        ) -> AccessibleSessionsFilter | OwnSessionsFilter | Unset | UserSessionsFilter:
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                componentsschemas_session_owner_filter_type_0 = (
                    OwnSessionsFilter.from_dict(data)
                )

                return componentsschemas_session_owner_filter_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                componentsschemas_session_owner_filter_type_1 = (
                    AccessibleSessionsFilter.from_dict(data)
                )

                return componentsschemas_session_owner_filter_type_1
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            if not isinstance(data, dict):
                raise TypeError()
            componentsschemas_session_owner_filter_type_2 = (
                UserSessionsFilter.from_dict(data)
            )

            return componentsschemas_session_owner_filter_type_2

        owner = _parse_owner(d.pop("owner", UNSET))

        def _parse_statuses(
            data: object,
        ) -> list[ClientFinishedStatusQuery | SimpleSessionStatusQuery] | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                statuses_type_0 = []
                _statuses_type_0 = data
                for statuses_type_0_item_data in _statuses_type_0:

                    def _parse_statuses_type_0_item(
                        data: object,
                    ) -> ClientFinishedStatusQuery | SimpleSessionStatusQuery:
                        try:
                            if not isinstance(data, dict):
                                raise TypeError()
                            componentsschemas_session_status_query_type_0 = (
                                SimpleSessionStatusQuery.from_dict(data)
                            )

                            return componentsschemas_session_status_query_type_0
                        except (TypeError, ValueError, AttributeError, KeyError):
                            pass
                        if not isinstance(data, dict):
                            raise TypeError()
                        componentsschemas_session_status_query_type_1 = (
                            ClientFinishedStatusQuery.from_dict(data)
                        )

                        return componentsschemas_session_status_query_type_1

                    statuses_type_0_item = _parse_statuses_type_0_item(
                        statuses_type_0_item_data
                    )

                    statuses_type_0.append(statuses_type_0_item)

                return statuses_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(
                list[ClientFinishedStatusQuery | SimpleSessionStatusQuery]
                | None
                | Unset,
                data,
            )

        statuses = _parse_statuses(d.pop("statuses", UNSET))

        limit = d.pop("limit", UNSET)

        def _parse_cursor(data: object) -> None | SessionSearchCursor | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                cursor_type_0 = SessionSearchCursor.from_dict(data)

                return cursor_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | SessionSearchCursor | Unset, data)

        cursor = _parse_cursor(d.pop("cursor", UNSET))

        session_search_request = cls(
            session_id=session_id,
            project_ids=project_ids,
            user_metadata=user_metadata,
            display_name=display_name,
            owner=owner,
            statuses=statuses,
            limit=limit,
            cursor=cursor,
        )

        session_search_request.additional_properties = d
        return session_search_request

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
