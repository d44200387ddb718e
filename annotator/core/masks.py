"""Pascal VOC segmentation masks: palette PNGs whose pixel values are class indices.

A mask is a ``(H, W)`` uint8 array in image pixels (row ``y``, column ``x``, the displayed frame of the image it
belongs to). Values: ``0`` background, ``k + 1`` the k-th class of the class list (by default
``resources/predefined_classes.txt`` order: 1 daisy, 2 dandelion, 3 roses, 4 sunflowers, 5 tulips),
``255`` void (boundary / "don't care", ignored by the metrics, as in the VOC devkit).

Files are written as 8-bit palette ("P" mode) PNGs with the standard VOC colour map, so they look like the
``SegmentationClass/`` files of VOC2012 and every VOC tool reads them.
"""

from __future__ import annotations

import io
import os
from pathlib import Path

import numpy as np
from PIL import Image

from annotator.core.atomic import atomic_write_bytes

BACKGROUND = 0
VOID = 255

# Masks larger than this are refused on reading (same bound as the image loader: decompression bombs).
MAX_MASK_PIXELS = 150_000_000


class MaskError(ValueError):
    """A mask file cannot be read as class indices, or a mask array cannot be written."""


def _voc_colormap(n: int = 256) -> np.ndarray:
    """The VOC devkit's ``labelcolormap``: bits of the index spread over the high bits of R, G and B."""
    cmap = np.zeros((n, 3), dtype=np.uint8)
    for i in range(n):
        r = g = b = 0
        c = i
        for j in range(8):
            r |= ((c >> 0) & 1) << (7 - j)
            g |= ((c >> 1) & 1) << (7 - j)
            b |= ((c >> 2) & 1) << (7 - j)
            c >>= 3
        cmap[i] = (r, g, b)
    return cmap


VOC_PALETTE: np.ndarray = _voc_colormap()
"""(256, 3) uint8 RGB: the colour of each class index (0 black, 1 dark red, ..., 255 cream for void)."""
VOC_PALETTE.setflags(write=False)

_COLOR_TO_INDEX: dict[int, int] = {}
for _i in range(255, -1, -1):  # lower indices win if two indices ever shared a colour
    _r, _g, _b = (int(v) for v in VOC_PALETTE[_i])
    _COLOR_TO_INDEX[(_r << 16) | (_g << 8) | _b] = _i


def encode_mask_png(mask: np.ndarray, palette: np.ndarray | None = None) -> bytes:
    """The PNG bytes of ``mask`` as an 8-bit palette image (deterministic: same mask, same bytes).

    Args:
        mask: ``(H, W)`` array of class indices 0..255 (any integer dtype; bool is taken as 0/1).
        palette: ``(N, 3)`` uint8 RGB colours, N <= 256; the VOC colour map by default.

    Raises:
        MaskError: not a 2-D array, empty, non-integer, or values outside 0..255.
    """
    arr = np.asarray(mask)
    if arr.ndim != 2:
        raise MaskError(f"a mask must be a 2-D (H, W) array of class indices, got shape {arr.shape}")
    if arr.size == 0:
        raise MaskError(f"a mask must not be empty, got shape {arr.shape}")
    if arr.dtype == bool:
        arr = arr.astype(np.uint8)
    if not np.issubdtype(arr.dtype, np.integer):
        raise MaskError(f"a mask must hold integer class indices, got dtype {arr.dtype}")
    if arr.dtype != np.uint8:
        lo, hi = int(arr.min()), int(arr.max())
        if lo < 0 or hi > 255:
            raise MaskError(f"mask class indices must be within 0..255, got {lo}..{hi}")
        arr = arr.astype(np.uint8)
    pal = VOC_PALETTE if palette is None else np.asarray(palette, dtype=np.uint8)
    if pal.ndim != 2 or pal.shape[1] != 3 or not 1 <= pal.shape[0] <= 256:
        raise MaskError(f"a palette must be (N, 3) with N <= 256, got shape {pal.shape}")
    image = Image.fromarray(np.ascontiguousarray(arr), mode="P")
    image.putpalette(pal.reshape(-1).tolist())
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=False, compress_level=6)
    return buffer.getvalue()


def write_mask_png(path: str | os.PathLike[str], mask: np.ndarray, palette: np.ndarray | None = None) -> None:
    """Write ``mask`` to ``path`` as a VOC palette PNG, atomically (old file or new file, never a torn one).

    Args:
        path: destination ``.png``; its folder must exist.
        mask: ``(H, W)`` class indices, see the module docstring.
        palette: colours to store in the file, the VOC colour map by default.

    Raises:
        MaskError: the array is not a valid mask (see `encode_mask_png`).
        OSError: the file cannot be written.
    """
    atomic_write_bytes(path, encode_mask_png(mask, palette))


def _rgb_to_indices(rgb: np.ndarray, path: Path) -> np.ndarray:
    """Map VOC palette colours back to class indices; any other colour is an error naming a pixel."""
    packed = (rgb[..., 0].astype(np.uint32) << 16) | (rgb[..., 1].astype(np.uint32) << 8) | rgb[..., 2]
    colours, inverse = np.unique(packed.reshape(-1), return_inverse=True)
    lut = np.empty(len(colours), dtype=np.int32)
    for n, colour in enumerate(colours.tolist()):
        index = _COLOR_TO_INDEX.get(colour)
        if index is None:
            where = np.argwhere(packed == colour)[0]
            rgb_text = ((colour >> 16) & 255, (colour >> 8) & 255, colour & 255)
            raise MaskError(
                f"{path}: colour RGB{rgb_text} at pixel (x={where[1]}, y={where[0]}) is not a VOC palette "
                f"colour, so it cannot be mapped to a class index (save masks as palette or grayscale PNGs)"
            )
        lut[n] = index
    return lut[inverse].reshape(packed.shape).astype(np.uint8)


def read_mask_png(path: str | os.PathLike[str], expected_size: tuple[int, int] | None = None) -> np.ndarray:
    """Read a segmentation mask as class indices.

    Accepts palette PNGs (the pixel values are the indices, whatever the palette), 8-bit grayscale (values are
    indices), 16-bit grayscale with values <= 255, and RGB/RGBA images whose colours are all VOC palette colours
    (what some tools save after converting a palette mask). Alpha is ignored.

    Args:
        path: the mask file.
        expected_size: ``(width, height)`` of the image the mask belongs to; a mask of another size is an error.

    Returns:
        ``(H, W)`` uint8 array of class indices (0 background, k+1 class k, 255 void).

    Raises:
        MaskError: missing, unreadable or oversized file, colours that are not VOC palette colours, 16-bit values
            above 255, or a size different from ``expected_size``. The message names the file.
    """
    p = Path(path)
    try:
        with Image.open(p) as image:
            width, height = image.size
            if width * height > MAX_MASK_PIXELS:
                raise MaskError(f"{p}: mask of {width}x{height} pixels is over the {MAX_MASK_PIXELS} limit")
            if expected_size is not None and (width, height) != tuple(expected_size):
                raise MaskError(
                    f"{p}: mask is {width}x{height} pixels but its image is "
                    f"{expected_size[0]}x{expected_size[1]}"
                )
            mode = image.mode
            if mode in ("P", "L"):
                out = np.array(image, dtype=np.uint8)
            elif mode == "PA":
                out = np.array(image.getchannel(0), dtype=np.uint8)
            elif mode in ("I", "I;16", "I;16B", "I;16L"):
                values = np.array(image).astype(np.int64)
                if values.size and (values.min() < 0 or values.max() > 255):
                    raise MaskError(
                        f"{p}: 16-bit mask values {values.min()}..{values.max()} do not fit class indices 0..255"
                    )
                out = values.astype(np.uint8)
            elif mode in ("RGB", "RGBA", "LA"):
                if mode == "LA":
                    out = np.array(image.getchannel(0), dtype=np.uint8)
                else:
                    out = _rgb_to_indices(np.array(image.convert("RGB"), dtype=np.uint8), p)
            elif mode == "1":
                out = np.array(image, dtype=np.uint8)
            else:
                raise MaskError(
                    f"{p}: mask image mode {mode!r} is not supported (use a palette or grayscale PNG)"
                )
    except MaskError:
        raise
    except FileNotFoundError as exc:
        raise MaskError(f"{p}: mask file not found") from exc
    except (OSError, ValueError, Image.DecompressionBombError) as exc:
        raise MaskError(f"{p}: cannot read mask image: {exc}") from exc
    return out


def class_index_map(class_names: list[str] | None = None) -> dict[str, int]:
    """Mask value of each class name: ``k + 1`` for the k-th name (``resources/predefined_classes.txt`` order
    when ``class_names`` is None). Background is 0 and void 255, so at most 254 classes fit.

    Raises:
        MaskError: more than 254 classes, or a name given twice.
    """
    if class_names is None:
        from annotator.core.resources import predefined_classes

        class_names = predefined_classes()
    names = list(class_names)
    if len(names) > 254:
        raise MaskError(f"a VOC mask holds at most 254 classes (1..254), got {len(names)}")
    if len(set(names)) != len(names):
        dupes = sorted({n for n in names if names.count(n) > 1})
        raise MaskError(f"class names must be distinct, got {dupes} more than once")
    return {name: k + 1 for k, name in enumerate(names)}
