"""Web-console addresses of checkpoints (used by the save results' ``get_console_url`` helpers)."""

from __future__ import annotations

from typing import TYPE_CHECKING
from urllib.parse import quote

CONSOLE_BASE_URL = "https://tinker.thinkingmachines.ai"
TINKER_SCHEME = "tinker://"
KIND_TO_TYPE = {"weights": "training", "sampler_weights": "sampler", "external_weights": "external"}


def split_tinker_path(tinker_path: str) -> tuple[str, str, str]:
    """``(training_run_id, kind, name)``; raises ``ValueError`` naming the problem if the path is malformed."""
    if not isinstance(tinker_path, str) or not tinker_path.startswith(TINKER_SCHEME):
        raise ValueError(f"invalid tinker path {tinker_path!r}: it must start with {TINKER_SCHEME!r}")
    parts = tinker_path[len(TINKER_SCHEME) :].split("/")
    if len(parts) != 3:
        raise ValueError(
            f"invalid tinker path {tinker_path!r}: expected tinker://<training_run_id>/<kind>/<name> "
            f"(3 segments), got {len(parts)} segment(s)"
        )
    run_id, kind, name = parts
    if kind not in KIND_TO_TYPE:
        raise ValueError(
            f"invalid tinker path {tinker_path!r}: the kind must be one of {', '.join(KIND_TO_TYPE)}, got {kind!r}"
        )
    if not run_id or not name:
        raise ValueError(f"invalid tinker path {tinker_path!r}: empty training run id or checkpoint name")
    return run_id, kind, name


def console_url(tinker_path: str) -> str:
    """The web-console page of a checkpoint."""
    run_id, kind, name = split_tinker_path(tinker_path)
    return f"{CONSOLE_BASE_URL}/checkpoints/{run_id}/{quote(f'{kind}/{name}', safe='')}"


class ConsoleUrl:
    if TYPE_CHECKING:  # fields of the generated model this is mixed into
        path: str

    def get_console_url(self) -> str:
        """The web-console page of this checkpoint."""
        return console_url(self.path)
