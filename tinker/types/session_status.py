"""Public path of the generated `tinker_api.models.session_status` (written by codegen.sh; do not edit)."""

from __future__ import annotations

from tinker_api.models.session_status import ClientSessionFinishErrored as ClientSessionFinishErrored
from tinker_api.models.session_status import ClientSessionFinishInterrupted as ClientSessionFinishInterrupted
from tinker_api.models.session_status import ClientSessionFinishReason as ClientSessionFinishReason
from tinker_api.models.session_status import ClientSessionFinishSuccess as ClientSessionFinishSuccess
from tinker_api.models.session_status import ClientSessionFinished as ClientSessionFinished
from tinker_api.models.session_status import SessionActive as SessionActive
from tinker_api.models.session_status import SessionCancelled as SessionCancelled
from tinker_api.models.session_status import SessionFailed as SessionFailed
from tinker_api.models.session_status import SessionFailedReason as SessionFailedReason
from tinker_api.models.session_status import SessionFailedRequestReason as SessionFailedRequestReason
from tinker_api.models.session_status import SessionFailedSamplingSessionReason as SessionFailedSamplingSessionReason
from tinker_api.models.session_status import SessionFailedTrainingRunReason as SessionFailedTrainingRunReason
from tinker_api.models.session_status import SessionStatus as SessionStatus

__all__ = ['ClientSessionFinishErrored', 'ClientSessionFinishInterrupted', 'ClientSessionFinishReason', 'ClientSessionFinishSuccess', 'ClientSessionFinished', 'SessionActive', 'SessionCancelled', 'SessionFailed', 'SessionFailedReason', 'SessionFailedRequestReason', 'SessionFailedSamplingSessionReason', 'SessionFailedTrainingRunReason', 'SessionStatus']
