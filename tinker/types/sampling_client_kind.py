"""How a sampler obtained from a training client follows later weight saves."""

from __future__ import annotations

from typing import Literal

__all__ = ["SamplingClientKind"]

SamplingClientKind = Literal["snapshot", "inflight"]
"""``snapshot``: the sampler keeps the weights it was created with. ``inflight``: every sampler of the
same training model shares one mutable weights target that each later inflight save updates
(asynchronously; a generation may span several weight versions)."""
