from enum import StrEnum


class CustomLossNodeOp(StrEnum):
    CALL_FUNCTION = "call_function"
    CALL_METHOD = "call_method"
    CALL_MODULE = "call_module"
    GET_ATTR = "get_attr"
    OUTPUT = "output"
    PLACEHOLDER = "placeholder"

    def __str__(self) -> str:
        return str(self.value)
