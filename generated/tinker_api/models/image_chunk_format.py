from typing import Literal

ImageChunkFormat = Literal["jpeg", "png"]

IMAGE_CHUNK_FORMAT_VALUES: set[ImageChunkFormat] = {
    "jpeg",
    "png",
}


def check_image_chunk_format(value: str) -> ImageChunkFormat:
    if value in IMAGE_CHUNK_FORMAT_VALUES:
        return value
    raise TypeError(
        f"Unexpected value {value!r}. Expected one of {IMAGE_CHUNK_FORMAT_VALUES!r}"
    )
