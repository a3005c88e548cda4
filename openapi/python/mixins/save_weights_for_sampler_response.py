"""Behaviour of `SaveWeightsForSamplerResponse`."""

from __future__ import annotations

from typing import TYPE_CHECKING
from urllib.parse import quote

from ._console import CONSOLE_BASE_URL, ConsoleUrl


class SaveWeightsForSamplerResponseMixin(ConsoleUrl):
    if TYPE_CHECKING:  # fields of the generated model this is mixed into
        path: str

    def get_playground_url(self) -> str:
        """The web-console playground opened on this checkpoint."""
        return f"{CONSOLE_BASE_URL}/playground?mode=checkpoint&checkpoint={quote(self.path, safe='')}"
