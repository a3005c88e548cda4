"""Session telemetry (``POST /api/v1/telemetry``): session start/end and failures, batched.

Off with ``TINKER_TELEMETRY=0``. Events carry event names, timings and exception types/messages only — never
request headers, so never credentials. A batch that cannot be sent is dropped (logged at debug level).
"""

from __future__ import annotations

import datetime as dt
import logging
import platform
import time
import uuid
from typing import TYPE_CHECKING, Any

from tinker_api import models

from tinker_wire._lazy import deferred_import

from ._exceptions import APIConnectionError, APIStatusError
from ._transport import Transport
from ._version import __version__

if TYPE_CHECKING:
    from tinker_api.api.telemetry import send_telemetry as _send_telemetry
else:
    _send_telemetry = deferred_import("tinker_api.api.telemetry.send_telemetry", globals())

__all__ = ["Telemetry"]

logger = logging.getLogger("tinker.telemetry")
_PROCESS_UUID = str(uuid.uuid4())
_MAX_BATCH = 100


class Telemetry:
    """Collects the events of one session and sends them in batches of at most 100."""

    def __init__(self, transport: Transport, session_id: str) -> None:
        self._transport = transport
        self.session_id = session_id
        self._events: list[dict[str, Any]] = []
        self._index = 0
        self._started = time.monotonic()

    def _record(self, event: str, severity: str = "INFO", **fields: Any) -> None:
        self._index += 1
        self._events.append(
            {
                "event": event,
                "event_id": str(uuid.uuid4()),
                "event_session_index": self._index,
                "severity": severity,
                "timestamp": dt.datetime.now(dt.UTC).isoformat().replace("+00:00", "Z"),
                **fields,
            }
        )

    def session_start(self) -> None:
        self._record("SESSION_START")

    def session_end(self) -> None:
        self._record("SESSION_END", duration=str(dt.timedelta(seconds=time.monotonic() - self._started)))

    def exception(self, exc: BaseException) -> None:
        self._record("UNHANDLED_EXCEPTION", "ERROR", error_type=type(exc).__name__, error_message=str(exc)[:2000])

    def generic(self, name: str, data: dict[str, Any] | None = None) -> None:
        self._record("GENERIC_EVENT", event_name=name, event_data=dict(data or {}))

    @property
    def pending(self) -> int:
        return len(self._events)

    async def flush(self) -> None:
        """Send what was recorded; failures drop the batch."""
        while self._events:
            batch, self._events = self._events[:_MAX_BATCH], self._events[_MAX_BATCH:]
            body = models.TelemetrySendRequest.model_validate(
                {
                    "events": batch,
                    "platform": platform.system() or "Unknown",
                    "sdk_version": __version__,
                    "session_id": self.session_id,
                    "process_uuid": _PROCESS_UUID,
                }
            )
            try:
                await self._transport.call(_send_telemetry, body=body, retry=False)
            except (APIStatusError, APIConnectionError, ValueError) as exc:  # ValueError: unencodable, e.g. NaN
                logger.debug("Dropped %d telemetry events: %s", len(batch), exc)
