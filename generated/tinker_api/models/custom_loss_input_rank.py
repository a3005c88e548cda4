from typing import Literal

CustomLossInputRank = Literal[0, 1, 2]

CUSTOM_LOSS_INPUT_RANK_VALUES: set[CustomLossInputRank] = {
    0,
    1,
    2,
}


def check_custom_loss_input_rank(value: int) -> CustomLossInputRank:
    if value in CUSTOM_LOSS_INPUT_RANK_VALUES:
        return value
    raise TypeError(
        f"Unexpected value {value!r}. Expected one of {CUSTOM_LOSS_INPUT_RANK_VALUES!r}"
    )
