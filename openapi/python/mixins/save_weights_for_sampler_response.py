"""Behaviour of `SaveWeightsForSamplerResponse`."""

from __future__ import annotations

from urllib.parse import quote

from ._console import CONSOLE_BASE_URL, ConsoleUrl


class SaveWeightsForSamplerResponseMixin(ConsoleUrl):
    def get_playground_url(self) -> str:
        """The web-console playground opened on this checkpoint."""
        return f"{CONSOLE_BASE_URL}/playground?mode=checkpoint&checkpoint={quote(getattr(self, 'path'), safe='')}"
