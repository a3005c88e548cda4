"""Public path of the generated `tinker_api.models.lora_config` (written by codegen.sh; do not edit)."""

from __future__ import annotations

from tinker_api.models.lora_config import LoraConfig

__all__ = ["LoraConfig"]
