from typing import Literal

CustomLossNodeOp = Literal[
    "call_function", "call_method", "call_module", "get_attr", "output", "placeholder"
]

CUSTOM_LOSS_NODE_OP_VALUES: set[CustomLossNodeOp] = {
    "call_function",
    "call_method",
    "call_module",
    "get_attr",
    "output",
    "placeholder",
}


def check_custom_loss_node_op(value: str) -> CustomLossNodeOp:
    if value in CUSTOM_LOSS_NODE_OP_VALUES:
        return value
    raise TypeError(
        f"Unexpected value {value!r}. Expected one of {CUSTOM_LOSS_NODE_OP_VALUES!r}"
    )
