"""Decoding images off the GUI thread, ahead of navigation, with a small cache.

One loader for display: `annotator.core.imaging.load_image` (EXIF orientation applied, so the frame shown is
the frame boxes are saved in). Decoding runs on worker threads (OpenCV releases the GIL); the GUI thread only
waits when the user asks for an image that is not decoded yet. Each result also carries a screen-sized
preview, made on the worker, that the canvas paints when zoomed out (cheap repaints of 12 MP photos).
"""

from __future__ import annotations

import sys
import threading
from collections import OrderedDict
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QImage, QImageIOHandler, QImageReader

from annotator.core.image_files import DEFAULT_MAX_PIXELS

PREVIEW_MAX_SIDE = 2048
_PLAIN_FORMATS = frozenset(
    {
        QImage.Format.Format_RGB32,
        QImage.Format.Format_RGB888,
        QImage.Format.Format_Grayscale8,
        QImage.Format.Format_Indexed8,
        QImage.Format.Format_Mono,
    }
)
"""Qt formats whose pixels the loader shows the same way (8-bit colour or grey, no alpha)."""


@dataclass(frozen=True)
class LoadedImage:
    """A decoded image, or why it could not be decoded.

    Attributes:
        path: the image file.
        image: full resolution, displayed frame (EXIF applied), ``None`` on error.
        preview: a copy at most `PREVIEW_MAX_SIDE` pixels on its long side, ``None`` when the image is small.
        error: a message for the user, ``""`` when decoding worked.
        size: ``(width, height)`` of the full-resolution displayed frame.
        partial: only ``preview`` is set (a quick reduced decode); the full image is still being decoded.
    """

    path: str
    image: QImage | None
    preview: QImage | None
    error: str = ""
    size: tuple[int, int] = (0, 0)
    partial: bool = False

    @property
    def ok(self) -> bool:
        return self.image is not None or self.partial


def decode(path: str) -> LoadedImage:
    """Decode ``path`` to a `LoadedImage` (safe to call on any thread; never raises for a bad file)."""
    from annotator.core import imaging  # OpenCV loads on the first decode, not at start

    try:
        array = imaging.load_image(path)
    except Exception as exc:  # ImageError, OSError, MemoryError: shown to the user, navigation goes on
        return LoadedImage(path, None, None, str(exc) or exc.__class__.__name__)
    return LoadedImage(path, _wrap(array), _preview(array), size=(array.shape[1], array.shape[0]))


def decode_reduced(path: str) -> LoadedImage:
    """A quick screen-sized decode (JPEG DCT scaling by 4) plus the full size from the header, for showing a
    big photo at once while its full decode finishes; a `LoadedImage` with ``partial=True``."""
    from annotator.core import imaging

    try:
        size = imaging.image_size(path)
        array = imaging.load_image(path, reduce=4)
    except Exception as exc:
        return LoadedImage(path, None, None, str(exc) or exc.__class__.__name__)
    return LoadedImage(path, None, _wrap_rgb32(array), size=tuple(size), partial=True)


def decoders_ready() -> bool:
    """Whether the project's image loader is imported (OpenCV, NumPy, Pillow: about 0.15-0.3 s, loaded on a
    thread once the window is up, see `annotator.ui.app.preload_core_in_background`)."""
    module = sys.modules.get("annotator.core.imaging")
    return module is not None and not getattr(getattr(module, "__spec__", None), "_initializing", False)


def decode_with_qt(path: str) -> LoadedImage | None:
    """A stand-in for the first image shown after start, while the image loader is still being imported: Qt's
    own decoder, in the same displayed frame (``setAutoTransform(True)`` applies the EXIF orientation exactly
    where `annotator.core.imaging` does). A `LoadedImage` with ``partial=True`` (the loader's decode replaces it
    when done, so every later pixel comes from the one loader); ``None`` for anything it does not show the way
    the loader would (an error, transparency, CMYK or 16-bit pixels, more than `DEFAULT_MAX_PIXELS`): the
    caller waits for the loader then."""
    reader = QImageReader(path)
    reader.setAutoTransform(True)
    stored = reader.size()  # before the EXIF transform
    if not stored.isValid() or stored.width() * stored.height() > DEFAULT_MAX_PIXELS:
        return None
    turned = bool(reader.transformation() & QImageIOHandler.Transformation.TransformationRotate90)
    size = (stored.height(), stored.width()) if turned else (stored.width(), stored.height())
    longest = max(size)
    if longest > PREVIEW_MAX_SIDE:  # a big photo: a screen-sized decode (JPEG DCT scaling), like the preview
        factor = PREVIEW_MAX_SIDE / longest
        reader.setScaledSize(stored.scaled(stored * factor, Qt.AspectRatioMode.KeepAspectRatio))
    image = reader.read()
    if image.isNull() or image.hasAlphaChannel() or image.format() not in _PLAIN_FORMATS:
        return None
    preview = image.convertToFormat(QImage.Format.Format_RGB32)
    return LoadedImage(path, None, preview, size=size, partial=True)


def _wrap(array) -> QImage:
    """A QImage over an (H, W, 3) uint8 RGB array without copying; the array stays referenced by the QImage's
    Python wrapper (``_buffer``) for as long as the image lives."""
    return _wrap_array(array, QImage.Format.Format_RGB888)


def _wrap_rgb32(array) -> QImage:
    """Like `_wrap`, as 32-bit ``0xffRRGGBB`` pixels: the format QPainter scales without converting, so a
    preview drawn at another zoom costs ~0.7 ms instead of ~6 ms for the same picture in 24-bit RGB."""
    import cv2

    return _wrap_array(cv2.cvtColor(array, cv2.COLOR_RGB2BGRA), QImage.Format.Format_RGB32)


def _wrap_array(array, fmt: QImage.Format) -> QImage:
    array = array if array.flags["C_CONTIGUOUS"] else array.copy()
    height, width = array.shape[:2]
    image = QImage(array.data, width, height, array.strides[0], fmt)
    image._buffer = array  # keep the pixels alive
    return image


def _preview(array) -> QImage | None:
    """A copy at most `PREVIEW_MAX_SIDE` on its long side (bilinear, by OpenCV, which releases the GIL),
    ``None`` when the image is that small already."""
    height, width = array.shape[:2]
    if max(width, height) <= PREVIEW_MAX_SIDE:
        return None
    import cv2

    factor = PREVIEW_MAX_SIDE / max(width, height)
    size = (max(1, round(width * factor)), max(1, round(height * factor)))
    # Bilinear: ~10x faster than INTER_AREA on 12 MP, and the preview is only shown at or below its own size.
    return _wrap_rgb32(cv2.resize(array, size, interpolation=cv2.INTER_LINEAR))


class ImageCache:
    """Decoded images by path: at most ``capacity`` kept, decodes scheduled on ``workers`` threads."""

    def __init__(self, capacity: int = 6, workers: int = 2) -> None:
        self.capacity = capacity
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="image-decode")
        self._quick_pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="image-quick")
        self._futures: OrderedDict[str, Future[LoadedImage]] = OrderedDict()
        self._lock = threading.Lock()

    def request(self, path: str | Path) -> Future[LoadedImage]:
        """Start decoding ``path`` unless it is cached or in flight; returns its future."""
        key = str(path)
        with self._lock:
            future = self._futures.get(key)
            if future is None:
                future = self._pool.submit(decode, key)
                self._futures[key] = future
            self._futures.move_to_end(key)
            while len(self._futures) > self.capacity:
                old_key, old = next(iter(self._futures.items()))
                if old_key == key:
                    break
                old.cancel()
                del self._futures[old_key]
        return future

    def prefetch(self, paths: list[str]) -> None:
        """Decode ``paths`` ahead (the next and previous images), keeping the most recent request newest."""
        for path in paths:
            self.request(path)

    def get(self, path: str | Path) -> LoadedImage:
        """The decoded image, waiting for the decode if needed while keeping the GUI's events flowing."""
        future = self.request(path)
        app = QCoreApplication.instance()
        while not future.done():
            try:
                return future.result(timeout=0.01)
            except TimeoutError:
                if app is not None:
                    app.processEvents()
        return future.result()

    def get_for_display(self, path: str | Path, big_side: int = PREVIEW_MAX_SIDE) -> LoadedImage:
        """The full image when it is decoded already (or small, so quick to wait for); else a quick reduced
        decode (``partial=True``) while the full decode goes on: poll `is_ready` and swap it in."""
        future = self.request(path)
        if future.done():
            return future.result()
        if not decoders_ready():  # the first image after start: show Qt's decode, not a wait for OpenCV
            stand_in = decode_with_qt(str(path))
            if stand_in is not None:
                return stand_in
        from annotator.core import imaging

        try:
            width, height = imaging.image_size(str(path))
        except Exception:  # unreadable header: the full decode reports the error
            return self.get(path)
        if max(width, height) <= big_side:
            return self.get(path)
        quick = self._quick_pool.submit(decode_reduced, str(path))
        app = QCoreApplication.instance()
        while not quick.done() and not future.done():
            try:
                quick.result(timeout=0.005)
            except TimeoutError:
                if app is not None:
                    app.processEvents()
        if future.done():
            return future.result()
        result = quick.result()
        return result if result.ok else self.get(path)

    def is_ready(self, path: str | Path) -> bool:
        future = self._futures.get(str(path))
        return future is not None and future.done()

    def forget(self, path: str | Path) -> None:
        with self._lock:
            self._futures.pop(str(path), None)

    def clear(self) -> None:
        with self._lock:
            for future in self._futures.values():
                future.cancel()
            self._futures.clear()

    def shutdown(self) -> None:
        self.clear()
        self._quick_pool.shutdown(wait=True, cancel_futures=True)
        self._pool.shutdown(wait=True, cancel_futures=True)
