"""The `length` of image chunks, whose token count the model decides (shared by both image chunk kinds)."""

from __future__ import annotations

from typing import TYPE_CHECKING


class ExpectedTokensLength:
    if TYPE_CHECKING:  # fields of the generated model this is mixed into
        expected_tokens: int | None

    @property
    def length(self) -> int:
        """Token count of the image; raises ``ValueError`` unless ``expected_tokens`` was given."""
        expected = self.expected_tokens
        if expected is None:
            raise ValueError(
                f"{type(self).__name__}.length is unknown: set expected_tokens to compute it"
            )
        return int(expected)
