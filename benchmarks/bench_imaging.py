"""Decode time of a 12-megapixel JPEG: `annotator.core.imaging.load_image` next to Pillow, OpenCV and Qt.

Writes a photo-like 4000 x 3000 JPEG (smooth gradients plus sensor-like noise, quality 92, about 5 MB) and the
same picture stored rotated with EXIF orientation 6 (portrait phone photo), then times, in one process:

- Pillow ``Image.open(...).convert("RGB")`` + ``np.asarray`` (baseline 1; EXIF *not* applied);
- OpenCV ``cv2.imdecode`` + ``cvtColor`` to RGB (baseline 2; OpenCV applies EXIF itself);
- Qt ``QImageReader`` with ``setAutoTransform(True)`` (what a Qt-only viewer would do), when PySide6 imports;
- ``load_image`` with ``reduce`` 1, 2, 4, 8, and ``image_size`` (header only).

Usage: ``python benchmarks/bench_imaging.py [--repeat 7]``
"""

from __future__ import annotations

import argparse
import io
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import cv2  # noqa: E402
import numpy as np  # noqa: E402
from PIL import Image  # noqa: E402

from annotator.core import imaging  # noqa: E402


def make_photo(path: Path, orientation: int = 1) -> None:
    h, w = 3000, 4000
    rng = np.random.default_rng(0)
    y, x = np.mgrid[0:h, 0:w].astype(np.float32)
    rgb = np.stack([(np.sin(x / 37) + np.cos(y / 53)) * 60 + 128, x / w * 255, y / h * 255], -1)
    rgb += rng.normal(0, 12, rgb.shape).astype(np.float32)
    im = Image.fromarray(np.clip(rgb, 0, 255).astype(np.uint8))
    exif = Image.Exif()
    if orientation != 1:
        im = im.transpose(Image.Transpose.ROTATE_90)  # stored sideways; orientation 6 turns it upright
        exif[274] = orientation
    im.save(path, quality=92, exif=exif.tobytes())


def timed_round_robin(rows, repeat: int) -> list[tuple[str, float, float]]:
    """Best and median ms per row; rows take turns so a busy machine slows them all alike."""
    for _, fn in rows:
        fn()  # warm-up: caches, lazy imports, thread pools
    times: list[list[float]] = [[] for _ in rows]
    for _ in range(repeat):
        for i, (_, fn) in enumerate(rows):
            t0 = time.perf_counter()
            fn()
            times[i].append(time.perf_counter() - t0)
    return [
        (label, min(t) * 1000, statistics.median(t) * 1000) for (label, _), t in zip(rows, times, strict=True)
    ]


def pillow_decode(path: Path) -> np.ndarray:
    with Image.open(path) as im:
        return np.asarray(im.convert("RGB"))


def opencv_decode(path: Path) -> np.ndarray:
    data = np.fromfile(path, np.uint8)
    return cv2.cvtColor(cv2.imdecode(data, cv2.IMREAD_COLOR), cv2.COLOR_BGR2RGB)


def qt_reader():
    try:
        from PySide6.QtGui import QGuiApplication, QImageReader
    except ImportError:
        return None
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    app = QGuiApplication.instance() or QGuiApplication([])

    def read(path: Path):
        reader = QImageReader(str(path))
        reader.setAutoTransform(True)
        return reader.read(), app

    return read


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    print(f"OpenCV {cv2.__version__}, Pillow {Image.__version__}, {cv2.getNumThreads()} OpenCV threads")
    with tempfile.TemporaryDirectory() as tmp:
        photo, portrait = Path(tmp, "photo.jpg"), Path(tmp, "portrait.jpg")
        make_photo(photo)
        make_photo(portrait, orientation=6)
        print(
            f"12 MP JPEG: {photo.stat().st_size / 1e6:.1f} MB; portrait (EXIF 6): {imaging.image_size(portrait)}"
        )
        rows = [
            ("Pillow open+convert+asarray (no EXIF)", lambda: pillow_decode(photo)),
            ("OpenCV imdecode + cvtColor", lambda: opencv_decode(photo)),
        ]
        qt = qt_reader()
        if qt is not None:
            rows.append(("Qt QImageReader autoTransform", lambda: qt(photo)))
        rows += [
            ("load_image", lambda: imaging.load_image(photo)),
            ("load_image, EXIF 6 portrait", lambda: imaging.load_image(portrait)),
            ("load_image reduce=2", lambda: imaging.load_image(photo, reduce=2)),
            ("load_image reduce=4", lambda: imaging.load_image(photo, reduce=4)),
            ("load_image reduce=8", lambda: imaging.load_image(photo, reduce=8)),
            ("image_size (header only)", lambda: imaging.image_size(portrait)),
            ("Pillow draft reduce=4 (no EXIF)", lambda: _pillow_draft(photo, 4)),
        ]
        print(f"{'':40s} {'best ms':>9s} {'median ms':>10s}")
        for label, best, median in timed_round_robin(rows, args.repeat):
            print(f"{label:40s} {best:9.1f} {median:10.1f}")


def _pillow_draft(path: Path, reduce: int) -> np.ndarray:
    with Image.open(io.BytesIO(path.read_bytes())) as im:
        im.draft("RGB", (im.width // reduce, im.height // reduce))
        return np.asarray(im.convert("RGB"))


if __name__ == "__main__":
    main()
