"""Public path of the generated `tinker_api.models.session_status_query` (written by codegen.sh; do not edit)."""

from __future__ import annotations

from tinker_api.models.session_status_query import ActiveSessionStatusQuery as ActiveSessionStatusQuery
from tinker_api.models.session_status_query import CancelledSessionStatusQuery as CancelledSessionStatusQuery
from tinker_api.models.session_status_query import ClientFinishedSessionStatusQuery as ClientFinishedSessionStatusQuery
from tinker_api.models.session_status_query import ClientSessionFinishReasonType as ClientSessionFinishReasonType
from tinker_api.models.session_status_query import FailedSessionStatusQuery as FailedSessionStatusQuery
from tinker_api.models.session_status_query import SessionStatusQuery as SessionStatusQuery

__all__ = ['ActiveSessionStatusQuery', 'CancelledSessionStatusQuery', 'ClientFinishedSessionStatusQuery', 'ClientSessionFinishReasonType', 'FailedSessionStatusQuery', 'SessionStatusQuery']
