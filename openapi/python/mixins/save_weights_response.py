"""Behaviour of `SaveWeightsResponse`."""

from __future__ import annotations

from ._console import ConsoleUrl


class SaveWeightsResponseMixin(ConsoleUrl):
    pass
