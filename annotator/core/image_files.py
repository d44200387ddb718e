"""Which file names are images, without importing any decoder.

Kept apart from `annotator.core.imaging` (which loads OpenCV, NumPy and Pillow, about 0.15 s) so that listing a
folder (`annotator.core.dataset`) and the window's start never pay for the decoders before the first image.
"""

from __future__ import annotations

import os

__all__ = ["DEFAULT_MAX_PIXELS", "IMAGE_EXTENSIONS", "is_image_file"]

DEFAULT_MAX_PIXELS = 150_000_000
"""The most pixels an image may have (checked from its header before decoding: decompression bombs)."""

IMAGE_EXTENSIONS: frozenset[str] = frozenset(
    {
        ".bmp",
        ".gif",
        ".jfif",
        ".jpe",
        ".jpeg",
        ".jpg",
        ".pbm",
        ".pgm",
        ".png",
        ".ppm",
        ".tif",
        ".tiff",
        ".webp",
    }
)
"""Lower-case file suffixes (with the dot) that `annotator.core.dataset.scan` lists as images."""


def is_image_file(name: str | os.PathLike[str]) -> bool:
    """Whether a file name has one of `IMAGE_EXTENSIONS` (case-insensitive); the content is not checked."""
    return os.path.splitext(os.fspath(name))[1].lower() in IMAGE_EXTENSIONS
