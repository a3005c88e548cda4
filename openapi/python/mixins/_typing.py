"""What a mixin is for type checkers: a pydantic model (its methods see the model's API); at run time, object."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pydantic import BaseModel as ModelBase
else:
    ModelBase = object

__all__ = ["ModelBase"]
