from enum import StrEnum


class ImageAssetPointerChunkFormat(StrEnum):
    JPEG = "jpeg"
    PNG = "png"

    def __str__(self) -> str:
        return str(self.value)
