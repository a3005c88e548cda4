"""Generated from openapi/tinker.yaml by codegen.sh; do not edit."""

from typing import Literal, TypeAlias

__all__ = ["LossFnType"]


LossFnType: TypeAlias = Literal[
    "cross_entropy",
    "importance_sampling",
    "ppo",
    "cispo",
    "dro",
    "gspo",
    "stable_reinforce",
    "custom",
]
