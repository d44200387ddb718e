"""Speed of the synthetic flower generator, next to the cost of just writing the same number of files.

Usage: python benchmarks/bench_sample_data.py [--count 100]

Prints, for 320x240 and 640x480 images:
- generate: `annotator.core.sample_data.generate` end to end (render + JPEG + VOC XML + palette PNG mask);
- render only: `render_sample` in memory (the drawing itself);
- baseline, files only: writing a JPEG, a VOC XML (voc.write) and a mask PNG per image of flat noise, the
  floor any generator that writes this layout pays on this machine.

Then how hard the classes are (``--separability N``, 0 to skip): N single-flower 160x120 images, each box crop
described by a colour histogram (hue x saturation, value) and/or a small HOG (shape), classified by a linear
ridge classifier trained on 80% and tested on 20%. Colour alone must not solve it; colour + shape should.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import cv2
import numpy as np

from annotator.core import voc
from annotator.core.annotation import BoxObject, ImageAnnotation
from annotator.core.masks import write_mask_png
from annotator.core.sample_data import generate, render_sample


def _files_only(out: Path, count: int, size: tuple[int, int]) -> float:
    w, h = size
    rng = np.random.default_rng(0)
    image = rng.integers(0, 256, (h, w, 3), dtype=np.uint8)
    mask = np.zeros((h, w), np.uint8)
    mask[h // 4 : h // 2, w // 4 : w // 2] = 1
    (out / "SegmentationClass").mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()
    for i in range(count):
        stem = f"flower_{i:05d}"
        cv2.imwrite(str(out / f"{stem}.jpg"), image, [cv2.IMWRITE_JPEG_QUALITY, 85])
        ann = ImageAnnotation(
            filename=f"{stem}.jpg",
            folder=out.name,
            width=w,
            height=h,
            objects=[BoxObject("daisy", w / 4, h / 4, w / 2, h / 2)],
        )
        voc.write(ann, out / f"{stem}.xml")
        write_mask_png(out / "SegmentationClass" / f"{stem}.png", mask)
    return time.perf_counter() - start


def _colour(crop: np.ndarray) -> np.ndarray:
    hsv = cv2.cvtColor(crop, cv2.COLOR_RGB2HSV).reshape(-1, 3).astype(np.float32)
    h = np.histogram2d(hsv[:, 0], hsv[:, 1], bins=(18, 4), range=((0, 180), (0, 256)))[0].ravel()
    v = np.histogram(hsv[:, 2], bins=8, range=(0, 256))[0]
    c = np.concatenate([h, v]).astype(np.float32)
    return c / c.sum()


def _hog(crop: np.ndarray, cells: int = 6, cell: int = 8, bins: int = 9) -> np.ndarray:
    side = cells * cell
    g = cv2.resize(cv2.cvtColor(crop, cv2.COLOR_RGB2GRAY), (side, side), interpolation=cv2.INTER_AREA)
    g = g.astype(np.float32)
    gx, gy = cv2.Sobel(g, cv2.CV_32F, 1, 0), cv2.Sobel(g, cv2.CV_32F, 0, 1)
    mag = np.hypot(gx, gy)
    b = np.minimum(((np.arctan2(gy, gx) % np.pi) / np.pi * bins).astype(int), bins - 1)
    out = np.zeros((cells, cells, bins), np.float32)
    for i in range(cells):
        for j in range(cells):
            sl = (slice(i * cell, (i + 1) * cell), slice(j * cell, (j + 1) * cell))
            out[i, j] = np.bincount(b[sl].ravel(), mag[sl].ravel(), bins)
    out /= np.linalg.norm(out, axis=2, keepdims=True) + 1e-6
    return out.ravel()


def _ridge_accuracy(x: np.ndarray, y: np.ndarray, n_train: int) -> float:
    best = 0.0
    x = (x - x[:n_train].mean(0)) / (x[:n_train].std(0) + 1e-6)
    x = np.hstack([x, np.ones((len(x), 1))])
    targets = np.eye(int(y.max()) + 1)[y[:n_train]] * 2 - 1
    for lam in (0.1, 1.0, 10.0, 100.0, 1000.0):
        a = x[:n_train]
        w = np.linalg.solve(a.T @ a + lam * np.eye(x.shape[1]), a.T @ targets)
        best = max(best, float(((x[n_train:] @ w).argmax(1) == y[n_train:]).mean()))
    return best


def separability(n: int) -> None:
    from annotator.core.resources import predefined_classes

    classes = predefined_classes()
    colour, shape, labels = [], [], []
    for i in range(n):
        scene, _ = render_sample(321, i, 1, (160, 120))
        x0, y0, x1, y1 = (int(v) for v in scene.objects[0].box)
        crop = scene.image[y0:y1, x0:x1]
        colour.append(_colour(crop))
        shape.append(_hog(crop))
        labels.append(classes.index(scene.objects[0].name))
    c, s, y = np.array(colour), np.array(shape), np.array(labels)
    n_train = int(n * 0.8)
    print(f"\nclass separability, {n} single-flower crops, linear classifier, test accuracy (chance 0.20):")
    print(f"  baseline, colour histogram only: {_ridge_accuracy(c, y, n_train):.2f}")
    print(f"  shape (HOG) only:                {_ridge_accuracy(s, y, n_train):.2f}")
    print(f"  colour + shape:                  {_ridge_accuracy(np.hstack([c, s]), y, n_train):.2f}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="synthetic flower generator speed")
    parser.add_argument("--count", type=int, default=100)
    parser.add_argument("--separability", type=int, default=1000, help="images for the class test (0: skip)")
    args = parser.parse_args(argv)
    n = args.count
    print(f"{'image size':>10}  {'generate':>16}  {'render only':>16}  {'baseline: files only':>22}")
    for size in ((320, 240), (640, 480)):
        with tempfile.TemporaryDirectory() as a, tempfile.TemporaryDirectory() as b:
            start = time.perf_counter()
            generate(a, n, seed=0, image_size=size)
            gen = time.perf_counter() - start
            start = time.perf_counter()
            for i in range(n):
                render_sample(0, i, 3, size)
            render = time.perf_counter() - start
            files = _files_only(Path(b), n, size)
        print(
            f"{size[0]:>4}x{size[1]:<5}  {n / gen:8.1f} images/s  {n / render:8.1f} images/s  "
            f"{n / files:14.1f} images/s"
        )
    print(f"({n} images each; 3 flowers at most; seed 0)")
    if args.separability:
        separability(args.separability)
    return 0


if __name__ == "__main__":
    sys.exit(main())
