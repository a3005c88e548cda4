"""Behaviour of `SaveWeightsExternalResponse`."""

from __future__ import annotations

from ._console import ConsoleUrl


class SaveWeightsExternalResponseMixin(ConsoleUrl):
    pass
