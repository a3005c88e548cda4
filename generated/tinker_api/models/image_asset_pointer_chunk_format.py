from typing import Literal

ImageAssetPointerChunkFormat = Literal["jpeg", "png"]

IMAGE_ASSET_POINTER_CHUNK_FORMAT_VALUES: set[ImageAssetPointerChunkFormat] = {
    "jpeg",
    "png",
}


def check_image_asset_pointer_chunk_format(value: str) -> ImageAssetPointerChunkFormat:
    if value in IMAGE_ASSET_POINTER_CHUNK_FORMAT_VALUES:
        return value
    raise TypeError(
        f"Unexpected value {value!r}. Expected one of {IMAGE_ASSET_POINTER_CHUNK_FORMAT_VALUES!r}"
    )
