"""Decoding images off the GUI thread, ahead of navigation, with a small cache.

One loader for display: `annotator.core.imaging.load_image` (EXIF orientation applied, so the frame shown is
the frame boxes are saved in). Decoding runs on worker threads (OpenCV releases the GIL); the GUI thread only
waits when the user asks for an image that is not decoded yet. Each result also carries a screen-sized
preview, made on the worker, that the canvas paints when zoomed out (cheap repaints of 12 MP photos).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QImage

PREVIEW_MAX_SIDE = 2048


@dataclass(frozen=True)
class LoadedImage:
    """A decoded image, or why it could not be decoded.

    Attributes:
        path: the image file.
        image: full resolution, displayed frame (EXIF applied), ``None`` on error.
        preview: a copy at most `PREVIEW_MAX_SIDE` pixels on its long side, ``None`` when the image is small.
        error: a message for the user, ``""`` when decoding worked.
    """

    path: str
    image: QImage | None
    preview: QImage | None
    error: str = ""

    @property
    def ok(self) -> bool:
        return self.image is not None


def decode(path: str) -> LoadedImage:
    """Decode ``path`` to a `LoadedImage` (safe to call on any thread; never raises for a bad file)."""
    from annotator.core import imaging  # OpenCV loads on the first decode, not at start

    try:
        array = imaging.load_image(path)
    except Exception as exc:  # ImageError, OSError, MemoryError: shown to the user, navigation goes on
        return LoadedImage(path, None, None, str(exc) or exc.__class__.__name__)
    height, width = array.shape[:2]
    image = QImage(array.data, width, height, array.strides[0], QImage.Format.Format_RGB888).copy()
    return LoadedImage(path, image, _preview(image))


def _preview(image: QImage) -> QImage | None:
    if max(image.width(), image.height()) <= PREVIEW_MAX_SIDE:
        return None
    return image.scaled(
        PREVIEW_MAX_SIDE,
        PREVIEW_MAX_SIDE,
        Qt.AspectRatioMode.KeepAspectRatio,
        Qt.TransformationMode.SmoothTransformation,
    )


class ImageCache:
    """Decoded images by path: at most ``capacity`` kept, decodes scheduled on ``workers`` threads."""

    def __init__(self, capacity: int = 6, workers: int = 2) -> None:
        self.capacity = capacity
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="image-decode")
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
        self._pool.shutdown(wait=True, cancel_futures=True)
