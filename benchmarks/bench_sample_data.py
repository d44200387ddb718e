"""Speed of the synthetic flower generator, next to the cost of just writing the same number of files.

Usage: python benchmarks/bench_sample_data.py [--count 100]

Prints, for 320x240 and 640x480 images:
- generate: `annotator.core.sample_data.generate` end to end (render + JPEG + VOC XML + palette PNG mask);
- render only: `render_sample` in memory (the drawing itself);
- baseline, files only: writing a JPEG, a VOC XML (voc.write) and a mask PNG per image of flat noise, the
  floor any generator that writes this layout pays on this machine.
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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="synthetic flower generator speed")
    parser.add_argument("--count", type=int, default=100)
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
    return 0


if __name__ == "__main__":
    sys.exit(main())
