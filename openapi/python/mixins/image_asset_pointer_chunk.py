"""Behaviour of `ImageAssetPointerChunk`."""

from __future__ import annotations

from ._expected_tokens import ExpectedTokensLength


class ImageAssetPointerChunkMixin(ExpectedTokensLength):
    pass
