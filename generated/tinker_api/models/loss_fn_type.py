from enum import StrEnum


class LossFnType(StrEnum):
    CISPO = "cispo"
    CROSS_ENTROPY = "cross_entropy"
    CUSTOM = "custom"
    DRO = "dro"
    GSPO = "gspo"
    IMPORTANCE_SAMPLING = "importance_sampling"
    PPO = "ppo"
    STABLE_REINFORCE = "stable_reinforce"

    def __str__(self) -> str:
        return str(self.value)
