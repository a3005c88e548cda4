"""Behaviour of `CustomLossInput`."""

from __future__ import annotations

import re

from pydantic import field_validator

_INPUT_NAME = re.compile(r"[a-z_][a-z0-9_]{0,63}")


class CustomLossInputMixin:
    @field_validator("name")
    @classmethod
    def _check_name(cls, value: str) -> str:
        """Checked when built, so a bad name fails in the caller's code rather than as a server 400."""
        if not _INPUT_NAME.fullmatch(value):
            raise ValueError(
                f"custom loss input names must match [a-z_][a-z0-9_]{{0,63}}, got {value!r}"
            )
        return value
