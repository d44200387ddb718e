"""The one image loader of the project: display, training and prediction all see the same pixels.

Frame: every array returned here is in the *displayed* frame, the one Qt 6 shows with
``QImageReader.setAutoTransform(True)``: the EXIF orientation (tag 274, values 1-8) is applied for JPEG
(including multi-picture ``.jpg`` files) and TIFF, exactly the formats whose Qt image plugins apply it. PNG and
WebP files can carry an ``eXIf`` chunk too, but Qt ignores it, and so does this module, so that a box drawn in
the window is the box the model sees. Boxes (``annotator.core.annotation``) live in continuous pixels of this
frame; `image_size` gives its width and height without decoding.

Pixels: ``(H, W, 3)`` ``uint8`` RGB, C-contiguous. Grayscale and 1-bit images are replicated to three channels;
palette, CMYK (Adobe-inverted JPEGs included), YCbCr and LAB images are converted to RGB; 16-bit samples keep
their high byte (``v >> 8``, so ``257 * k`` maps to ``k``); 32-bit integer samples are clipped to 16 bits first and
float samples are taken as 0..1 when their maximum is at most 1, else as 0..255. Transparent images are
composited over white (alpha 0 gives white, whatever RGB hides beneath), the same for every format and every
caller.

Speed: 8-bit RGB and grayscale JPEGs, the bulk of any photo dataset, are decoded by OpenCV (libjpeg-turbo, about
1.7x faster than Pillow for a 12 MP photo, see ``benchmarks/bench_imaging.py``); everything else by Pillow.
Pillow also reads every header, so the EXIF orientation comes from one parser for every path.

Safety: the pixel count is checked from the header *before* anything is decoded (decompression bombs), a
zero-byte, truncated, non-image or undecodable file raises `ImageError` naming the file.
"""

from __future__ import annotations

import math
import os
import struct
import warnings
from dataclasses import dataclass
from typing import IO

import cv2
import numpy as np
from PIL import Image, UnidentifiedImageError

from annotator.core.image_files import DEFAULT_MAX_PIXELS, IMAGE_EXTENSIONS, is_image_file

__all__ = [
    "DEFAULT_MAX_PIXELS",
    "IMAGE_EXTENSIONS",
    "ImageError",
    "ImageInfo",
    "apply_orientation",
    "image_info",
    "image_size",
    "is_image_file",
    "load_image",
]

_REDUCE_FLAGS = {
    1: cv2.IMREAD_COLOR,
    2: cv2.IMREAD_REDUCED_COLOR_2,
    4: cv2.IMREAD_REDUCED_COLOR_4,
    8: cv2.IMREAD_REDUCED_COLOR_8,
}
_HAS_RGB_FLAG = hasattr(cv2, "IMREAD_COLOR_RGB")
_ORIENTATION_TAG = 274
# Formats whose Qt 6 image plugin honours the EXIF orientation with autoTransform (checked in the tests).
_ORIENTED_FORMATS = frozenset({"JPEG", "MPO", "TIFF"})
_JPEG_FORMATS = frozenset({"JPEG", "MPO"})
_ALPHA_MODES = frozenset({"RGBA", "RGBa", "LA", "La", "PA"})

# We check the pixel count ourselves (stricter by default) before Pillow decodes anything; Pillow's own warning
# for images over ~89 MP would only repeat it. Pillow still refuses more than ~179 MP outright at open, which
# is reported as ImageError too.
warnings.filterwarnings("ignore", category=Image.DecompressionBombWarning)


class ImageError(ValueError):
    """An image file cannot be shown: missing, empty, truncated, not an image, too large or undecodable.

    The message names the file and says which.
    """


@dataclass(frozen=True)
class ImageInfo:
    """What the header of an image file says, read without decoding the pixels.

    Attributes:
        width, height: size of the displayed frame (EXIF orientation applied: swapped for orientations 5-8).
        stored_width, stored_height: size of the pixel grid as stored in the file.
        orientation: the EXIF orientation that is applied, 1 (none) to 8; always 1 for formats Qt does not
            auto-transform (PNG, WebP, BMP, GIF, ...).
        format: Pillow's format name, e.g. ``"JPEG"``, ``"PNG"``.
        mode: Pillow's mode of the stored pixels, e.g. ``"RGB"``, ``"L"``, ``"I;16"``, ``"CMYK"``, ``"P"``.
    """

    width: int
    height: int
    stored_width: int
    stored_height: int
    orientation: int
    format: str
    mode: str

    @property
    def pixels(self) -> int:
        return self.width * self.height


def _orientation_of(im: Image.Image) -> int:
    """The EXIF orientation to apply to ``im`` (1 when none, invalid, or for a format Qt does not rotate).

    Only the EXIF tag counts: Pillow's ``getexif`` would also read an XMP orientation, which Qt ignores.
    """
    if im.format not in _ORIENTED_FORMATS:
        return 1
    value = None
    try:
        if im.format == "TIFF":
            value = im.tag_v2.get(_ORIENTATION_TAG)  # type: ignore[attr-defined]
        else:
            raw = im.info.get("exif")
            if raw:
                exif = Image.Exif()
                exif.load(raw)
                value = exif.get(_ORIENTATION_TAG)
    except Exception:  # A broken EXIF block must not make the picture unreadable; Qt shows it unrotated too.
        return 1
    if isinstance(value, (tuple, list)) and value:
        value = value[0]
    try:
        value = int(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return 1
    return value if 1 <= value <= 8 else 1


def _open(path: str, fp: IO[bytes]) -> Image.Image:
    """Pillow's lazy open (header only) with every failure turned into `ImageError`."""
    try:
        return Image.open(fp)
    except Image.DecompressionBombError as exc:
        raise ImageError(f"{path}: image is too large to open safely ({exc})") from exc
    except UnidentifiedImageError as exc:
        raise ImageError(f"{path}: not an image, or an image format that is not supported") from exc
    except (OSError, SyntaxError, ValueError, EOFError, IndexError, struct.error) as exc:
        raise ImageError(f"{path}: unreadable image header ({exc})") from exc


def _info_from_open(im: Image.Image) -> ImageInfo:
    stored_w, stored_h = im.size
    if im.format == "TIFF":
        # Recent Pillow reports a TIFF's size already rotated (and rotates its pixels on load); the tags
        # hold the stored grid whatever the version.
        tags = im.tag_v2  # type: ignore[attr-defined]
        stored_w, stored_h = int(tags.get(256, stored_w)), int(tags.get(257, stored_h))
    orientation = _orientation_of(im)
    w, h = (stored_h, stored_w) if orientation >= 5 else (stored_w, stored_h)
    return ImageInfo(w, h, stored_w, stored_h, orientation, im.format or "", im.mode)


def _open_file(path: str) -> IO[bytes]:
    try:
        size = os.stat(path).st_size
    except FileNotFoundError as exc:
        raise ImageError(f"{path}: file not found") from exc
    except OSError as exc:
        raise ImageError(f"{path}: cannot read the file ({exc.strerror or exc})") from exc
    if os.path.isdir(path):
        raise ImageError(f"{path}: is a folder, not an image")
    if size == 0:
        raise ImageError(f"{path}: the file is empty (0 bytes)")
    try:
        return open(path, "rb")
    except OSError as exc:
        raise ImageError(f"{path}: cannot read the file ({exc.strerror or exc})") from exc


def image_info(path: str | os.PathLike[str]) -> ImageInfo:
    """Read the header of an image file (no pixel decoding).

    Raises:
        ImageError: missing, empty or not an image (a truncated body is only noticed by `load_image`).
    """
    p = os.fspath(path)
    with _open_file(p) as fp:
        with _open(p, fp) as im:
            return _info_from_open(im)


def image_size(path: str | os.PathLike[str]) -> tuple[int, int]:
    """``(width, height)`` of the displayed frame, from the header only (EXIF applied, swapped for 5-8).

    This is the size of the array `load_image` returns with ``reduce=1`` and the size to write in a VOC file.

    Raises:
        ImageError: missing, empty or not an image.
    """
    info = image_info(path)
    return info.width, info.height


def apply_orientation(pixels: np.ndarray, orientation: int) -> np.ndarray:
    """Turn stored pixels into the displayed frame for an EXIF orientation 1-8 (other values: unchanged).

    Args:
        pixels: ``(H, W)`` or ``(H, W, C)`` array as stored in the file.
        orientation: 1 identity, 2 mirror left-right, 3 rotate 180, 4 mirror top-bottom, 5 transpose,
            6 rotate 90 clockwise, 7 transverse, 8 rotate 90 counter-clockwise (the EXIF 2.3 meanings).

    Returns:
        A C-contiguous array (``pixels`` itself for orientation 1).
    """
    if orientation == 2:
        return cv2.flip(pixels, 1)
    if orientation == 3:
        return cv2.rotate(pixels, cv2.ROTATE_180)
    if orientation == 4:
        return cv2.flip(pixels, 0)
    if orientation == 5:
        return cv2.transpose(pixels)
    if orientation == 6:
        return cv2.rotate(pixels, cv2.ROTATE_90_CLOCKWISE)
    if orientation == 7:
        return cv2.rotate(cv2.transpose(pixels), cv2.ROTATE_180)
    if orientation == 8:
        return cv2.rotate(pixels, cv2.ROTATE_90_COUNTERCLOCKWISE)
    return pixels


def _jpeg_has_end(data: bytes) -> bool:
    """Whether a JPEG stream reaches its end-of-image marker after the first scan.

    OpenCV fills a truncated JPEG with grey (or gives up silently), so the fast path checks first. Marker
    segments before the first SOS are skipped by their length (an EXIF thumbnail holds its own EOI); inside
    entropy-coded data ``FF D9`` cannot occur (0xFF is always stuffed), so any later ``FF D9`` is the real end.
    """
    n = len(data)
    i = 2
    while i + 4 <= n:
        if data[i] != 0xFF:
            return False
        marker = data[i + 1]
        if marker == 0xFF:
            i += 1
            continue
        if marker == 0xDA:
            return data.find(b"\xff\xd9", i) != -1
        if 0xD0 <= marker <= 0xD8 or marker == 0x01:
            i += 2
            continue
        i += 2 + int.from_bytes(data[i + 2 : i + 4], "big")
    return False


def _decode_jpeg_cv2(data: bytes, reduce: int) -> np.ndarray | None:
    flags = _REDUCE_FLAGS[reduce] | cv2.IMREAD_IGNORE_ORIENTATION
    buf = np.frombuffer(data, np.uint8)
    if _HAS_RGB_FLAG:
        return cv2.imdecode(buf, (flags & ~cv2.IMREAD_COLOR_BGR) | cv2.IMREAD_COLOR_RGB)
    bgr = cv2.imdecode(buf, flags)
    return None if bgr is None else cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB)


def _to_uint8(arr: np.ndarray) -> np.ndarray:
    """High-bit-depth samples to 8 bits (see the module docstring for the rules)."""
    if arr.dtype == np.uint8:
        return arr
    if arr.dtype.kind == "f":
        arr = np.nan_to_num(arr.astype(np.float32), nan=0.0, posinf=255.0, neginf=0.0)
        scale = 255.0 if arr.size and float(arr.max()) <= 1.0 else 1.0
        return np.clip(np.rint(arr * scale), 0, 255).astype(np.uint8)
    if arr.dtype == np.bool_:
        return arr.astype(np.uint8) * 255
    return (np.clip(arr.astype(np.int64), 0, 65535) >> 8).astype(np.uint8)


def _composite_over_white(rgba: np.ndarray) -> np.ndarray:
    rgb = rgba[..., :3].astype(np.uint16)
    alpha = rgba[..., 3:4].astype(np.uint16)
    out = (rgb * alpha + 255 * (255 - alpha) + 127) // 255
    return out.astype(np.uint8)


def _decode_pillow(im: Image.Image, reduce: int) -> np.ndarray:
    """Decode any Pillow image to ``(H, W, 3)`` uint8 RGB in the stored frame, scaled by ``1 / reduce``."""
    target_w, target_h = math.ceil(im.width / reduce), math.ceil(im.height / reduce)
    if reduce > 1 and im.format in _JPEG_FORMATS:
        # DCT-domain scaling, like OpenCV's IMREAD_REDUCED_*; gives ceil(size / reduce).
        im.draft(im.mode, (target_w, target_h))
    im.load()  # a multi-frame GIF / TIFF / MPO is at its first frame after open
    mode = im.mode
    if mode in _ALPHA_MODES or (mode in ("P", "L", "RGB", "1") and "transparency" in im.info):
        rgb = _composite_over_white(np.asarray(im.convert("RGBA")))
    elif mode.startswith("I") or mode == "F":
        gray = _to_uint8(np.asarray(im))
        rgb = np.repeat(gray[..., None], 3, axis=2)
    elif mode == "RGB":
        rgb = np.asarray(im)
    else:  # 1, L, P, CMYK, YCbCr, LAB, HSV, RGBX, ...
        rgb = np.asarray(im.convert("RGB"))
    if rgb.ndim == 2:
        rgb = np.repeat(rgb[..., None], 3, axis=2)
    rgb = _to_uint8(rgb)
    if rgb.shape[:2] != (target_h, target_w):
        # im.size is the frame Pillow decodes to (a TIFF's may already be rotated), so this keeps its frame.
        rgb = cv2.resize(rgb, (target_w, target_h), interpolation=cv2.INTER_AREA)
    return rgb


def load_image(
    path: str | os.PathLike[str], *, reduce: int = 1, max_pixels: int = DEFAULT_MAX_PIXELS
) -> np.ndarray:
    """Decode an image file into the displayed frame.

    Args:
        path: the image file (any Unicode path).
        reduce: 1, 2, 4 or 8. With ``r > 1`` a smaller version is decoded (JPEGs by DCT scaling, which is
            several times faster; other formats are decoded fully, then area-resized) for previews. It is the
            same displayed frame scaled by ``1 / r``: its size is ``(ceil(H / r), ceil(W / r))`` of the full
            frame, so a pixel coordinate ``x`` of the full frame is ``x * reduced_width / full_width`` here.
        max_pixels: refuse images with more pixels than this, checked from the header before decoding
            (Pillow itself refuses more than about 179 MP at open, whatever this says).

    Returns:
        ``(H, W, 3)`` ``uint8`` RGB, C-contiguous, in the displayed frame (see the module docstring);
        ``H, W`` equal `image_size` swapped to ``(height, width)`` when ``reduce == 1``.

    Raises:
        ImageError: missing, empty, not an image, truncated, over ``max_pixels`` or undecodable.
        ValueError: ``reduce`` is not 1, 2, 4 or 8.
    """
    if reduce not in _REDUCE_FLAGS:
        raise ValueError(f"reduce must be 1, 2, 4 or 8, got {reduce!r}")
    p = os.fspath(path)
    with _open_file(p) as fp:
        with _open(p, fp) as im:
            info = _info_from_open(im)
            if info.width <= 0 or info.height <= 0:
                raise ImageError(f"{p}: the header gives an empty size {info.width} x {info.height}")
            if info.pixels > max_pixels:
                raise ImageError(
                    f"{p}: {info.width} x {info.height} = {info.pixels:,} pixels is over the limit of "
                    f"{max_pixels:,} pixels (refused before decoding, as a guard against decompression bombs)"
                )
            rgb = None
            if info.format in _JPEG_FORMATS and info.mode in ("RGB", "L"):
                fp.seek(0)
                data = fp.read()
                if _jpeg_has_end(data):
                    rgb = _decode_jpeg_cv2(data, reduce)
                # else: let Pillow decide, it tells a truncated file from an odd but complete one.
            if rgb is None:
                try:
                    rgb = _decode_pillow(im, reduce)
                except Image.DecompressionBombError as exc:
                    raise ImageError(f"{p}: image is too large to decode safely ({exc})") from exc
                except OSError as exc:
                    if "truncated" in str(exc):
                        raise ImageError(
                            f"{p}: the file is truncated (it ends before the image data does)"
                        ) from exc
                    raise ImageError(f"{p}: cannot decode the image ({exc})") from exc
                except (ValueError, SyntaxError, EOFError, IndexError, MemoryError) as exc:
                    raise ImageError(f"{p}: cannot decode the image ({exc})") from exc
            # Recent Pillow applies a TIFF's orientation itself on load and then deletes the tag.
            applied = info.format == "TIFF" and _ORIENTATION_TAG not in im.tag_v2  # type: ignore[attr-defined]
    if not applied:
        rgb = apply_orientation(rgb, info.orientation)
    return np.ascontiguousarray(rgb)
