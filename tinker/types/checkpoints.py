"""Checkpoints: listing, tinker paths, weights info and save/load/copy/export bodies."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal
from urllib.parse import quote

from ._base import RequestModel, ResponseModel
from .checkpoint_type import CheckpointType
from .model_id import ModelID
from .optimizer import OptimizerConfig
from .sampling_client_kind import SamplingClientKind

__all__ = [
    "Checkpoint",
    "CheckpointArchiveUrlResponse",
    "CheckpointsListResponse",
    "CopyWeightsRequest",
    "CopyWeightsResponse",
    "Cursor",
    "ExternalWeightsUrlsResponse",
    "LoadWeightsRequest",
    "LoadWeightsResponse",
    "ParsedCheckpointTinkerPath",
    "SaveWeightsExternalRequest",
    "SaveWeightsExternalResponse",
    "SaveWeightsExternalResponseInternal",
    "SaveWeightsForSamplerRequest",
    "SaveWeightsForSamplerResponse",
    "SaveWeightsForSamplerResponseInternal",
    "SaveWeightsRequest",
    "SaveWeightsResponse",
    "WeightsInfoRequest",
    "WeightsInfoResponse",
]

CONSOLE_BASE_URL = "https://tinker.thinkingmachines.ai"
"""Base address of the web console used by the ``get_console_url`` helpers."""

TINKER_SCHEME = "tinker://"
_KIND_TO_TYPE: dict[str, CheckpointType] = {
    "weights": "training",
    "sampler_weights": "sampler",
    "external_weights": "external",
}


class Cursor(ResponseModel):
    """Offset/limit page position; another page exists while ``offset + limit < total_count``."""

    offset: int
    limit: int
    total_count: int


class Checkpoint(ResponseModel):
    """A saved checkpoint of a training run."""

    checkpoint_id: str
    """``"<kind>/<name>"``, e.g. ``"weights/step-10"``."""
    checkpoint_type: CheckpointType
    time: datetime
    """Creation time."""
    tinker_path: str
    """``tinker://<training_run_id>/<kind>/<name>``."""
    size_bytes: int | None = None
    public: bool = False
    expires_at: datetime | None = None
    """When the checkpoint is deleted; ``None``: never."""
    user_metadata: dict[str, str] | None = None
    training_run_id: str | None = None
    """Run the checkpoint belongs to (sent by some servers on cross-run listings)."""


class CheckpointsListResponse(ResponseModel):
    """A page of checkpoints (``cursor`` is ``None`` for the per-run listing)."""

    checkpoints: list[Checkpoint]
    cursor: Cursor | None = None


class CheckpointArchiveUrlResponse(ResponseModel):
    """Signed download address of a checkpoint archive (pre-0.36 servers; not in 0.38's ``tinker.types``)."""

    url: str
    expires: datetime


class ParsedCheckpointTinkerPath(ResponseModel):
    """The parts of a checkpoint path ``tinker://<training_run_id>/<kind>/<name>``.

    ``kind`` is ``weights`` (training checkpoint), ``sampler_weights`` (sampler checkpoint) or
    ``external_weights`` (external export); ``checkpoint_id`` is ``"<kind>/<name>"``.
    """

    tinker_path: str
    training_run_id: str
    checkpoint_type: CheckpointType
    checkpoint_id: str

    @classmethod
    def from_tinker_path(cls, tinker_path: str) -> ParsedCheckpointTinkerPath:
        """Parse a checkpoint path; raises ``ValueError`` (naming the problem) if it is malformed."""
        if not isinstance(tinker_path, str) or not tinker_path.startswith(TINKER_SCHEME):
            raise ValueError(f"invalid tinker path {tinker_path!r}: it must start with {TINKER_SCHEME!r}")
        parts = tinker_path[len(TINKER_SCHEME) :].split("/")
        if len(parts) != 3:
            raise ValueError(
                f"invalid tinker path {tinker_path!r}: expected tinker://<training_run_id>/<kind>/<name> "
                f"(3 segments), got {len(parts)} segment(s)"
            )
        run_id, kind, name = parts
        checkpoint_type = _KIND_TO_TYPE.get(kind)
        if checkpoint_type is None:
            raise ValueError(
                f"invalid tinker path {tinker_path!r}: the kind must be one of "
                f"{', '.join(_KIND_TO_TYPE)}, got {kind!r}"
            )
        if not run_id or not name:
            raise ValueError(f"invalid tinker path {tinker_path!r}: empty training run id or checkpoint name")
        return cls(
            tinker_path=tinker_path,
            training_run_id=run_id,
            checkpoint_type=checkpoint_type,
            checkpoint_id=f"{kind}/{name}",
        )


def _console_url(path: str) -> str:
    parsed = ParsedCheckpointTinkerPath.from_tinker_path(path)
    return f"{CONSOLE_BASE_URL}/checkpoints/{parsed.training_run_id}/{quote(parsed.checkpoint_id, safe='')}"


class WeightsInfoRequest(RequestModel):
    """Body of ``POST /api/v1/weights_info``."""

    tinker_path: str


class WeightsInfoResponse(ResponseModel):
    """What a checkpoint contains: base model, LoRA settings and optimizer family."""

    base_model: str
    is_lora: bool
    lora_rank: int | None = None
    train_unembed: bool | None = None
    train_mlp: bool | None = None
    train_attn: bool | None = None
    optimizer_config: OptimizerConfig | None = None


# --------------------------------------------------------------------------- save / load


class SaveWeightsRequest(RequestModel):
    """Body of ``POST /api/v1/save_weights`` (a full training checkpoint; ``path`` is the name)."""

    model_id: ModelID
    path: str | None = None
    seq_id: int | None = None
    ttl_seconds: int | None = None
    """Lifetime in seconds (3600 s ... 10 years); ``None``: never expires."""
    overwrite: bool = False
    user_metadata: dict[str, str] | None = None
    type: Literal["save_weights"] = "save_weights"


class SaveWeightsResponse(ResponseModel):
    """Result of ``save_weights``: ``path`` is ``tinker://<run>/weights/<name>``."""

    path: str
    type: Literal["save_weights"] | None = None

    def get_console_url(self) -> str:
        """The web-console page of this checkpoint."""
        return _console_url(self.path)


class SaveWeightsForSamplerRequest(RequestModel):
    """Body of ``POST /api/v1/save_weights_for_sampler``.

    Named saves send ``path``; ephemeral saves (used to create a sampler directly) send
    ``sampling_session_seq_id`` instead.
    """

    model_id: ModelID
    path: str | None = None
    sampling_session_seq_id: int | None = None
    seq_id: int | None = None
    ttl_seconds: int | None = None
    kind: SamplingClientKind = "snapshot"
    user_metadata: dict[str, str] | None = None
    type: Literal["save_weights_for_sampler"] = "save_weights_for_sampler"


class SaveWeightsForSamplerResponseInternal(ResponseModel):
    """What the future of ``save_weights_for_sampler`` returns (named: ``path``; ephemeral: session id)."""

    path: str | None = None
    sampling_session_id: str | None = None
    type: Literal["save_weights_for_sampler"] | None = None


class SaveWeightsForSamplerResponse(ResponseModel):
    """Result of a named sampler save: ``path`` is ``tinker://<run>/sampler_weights/<name>``."""

    path: str
    type: Literal["save_weights_for_sampler"] | None = None

    def get_console_url(self) -> str:
        """The web-console page of this checkpoint."""
        return _console_url(self.path)

    def get_playground_url(self) -> str:
        """The web-console playground opened on this checkpoint."""
        return f"{CONSOLE_BASE_URL}/playground?mode=checkpoint&checkpoint={quote(self.path, safe='')}"


class SaveWeightsExternalRequest(RequestModel):
    """Body of ``POST /api/v1/save_weights_external`` (export in an external format, e.g. a PEFT adapter)."""

    model_id: ModelID
    path: str
    seq_id: int | None = None
    ttl_seconds: int | None = None
    age_encryption_recipients: list[str] | None = None
    """``age1...`` or SSH public keys; when given every exported file is encrypted (``.age`` suffix)."""
    type: Literal["save_weights_external"] = "save_weights_external"


class SaveWeightsExternalResponseInternal(ResponseModel):
    """What the future of ``save_weights_external`` returns."""

    path: str | None = None
    size_bytes: int | None = None
    type: Literal["save_weights_external"] | None = None


class SaveWeightsExternalResponse(ResponseModel):
    """Result of an external export: ``path`` is ``tinker://<run>/external_weights/<name>``."""

    path: str
    type: Literal["save_weights_external"] | None = None

    def get_console_url(self) -> str:
        """The web-console page of this checkpoint."""
        return _console_url(self.path)


class ExternalWeightsUrlsResponse(ResponseModel):
    """Signed download addresses of an external export's files, keyed by path relative to its root."""

    urls: dict[str, str]
    expires: datetime


class LoadWeightsRequest(RequestModel):
    """Body of ``POST /api/v1/load_weights``.

    Legacy addressing loads into an existing model (``model_id`` + ``seq_id``); create-via-load addressing
    (``session_id`` + ``model_seq_id``) creates the model from the checkpoint.
    """

    model_id: ModelID | None = None
    seq_id: int | None = None
    session_id: str | None = None
    model_seq_id: int | None = None
    base_model: str | None = None
    user_metadata: dict[str, Any] | None = None
    path: str
    optimizer: bool
    """Also restore the optimizer state."""
    optimizer_config: OptimizerConfig | None = None
    weights_access_token: str | None = None
    type: Literal["load_weights"] = "load_weights"


class LoadWeightsResponse(ResponseModel):
    """Result of ``load_weights``."""

    path: str | None = None
    model_id: ModelID | None = None
    type: Literal["load_weights"] | None = None


class CopyWeightsRequest(RequestModel):
    """Body of ``POST /api/v1/copy_weights``: copy a checkpoint into another project (or session)."""

    source_path: str
    destination_project_id: str | None = None
    session_id: str | None = None
    model_seq_id: int | None = None
    ttl_seconds: int | None = None
    weights_access_token: str | None = None


class CopyWeightsResponse(ResponseModel):
    """Result of ``copy_weights``: the new checkpoint's path."""

    tinker_path: str
