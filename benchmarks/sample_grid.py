"""Contact sheet of generated sample flowers with their boxes and labels, plus generation speed.

Usage: python benchmarks/sample_grid.py [--count 30] [--seed 0] [--out /tmp/sample_grid.png] [--width 1600]
The README figure: --count 20 --seed 2 --columns 5 --width 850 --reduce-bits 2 --out docs/images/sample_grid.png

Generates ``count`` images into a temporary folder with `annotator.core.sample_data.generate` (timed: images/s,
all files written), reads back each JPEG, XML and mask, and tiles them: boxes and labels drawn over the photo,
the mask's outline in the class colour, truncated boxes dashed-looking (thin) and tagged "T".
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
from annotator.core.masks import VOC_PALETTE, read_mask_png
from annotator.core.resources import predefined_classes
from annotator.core.sample_data import generate, output_paths


def tile(image_path: Path, classes: list[str], cell: tuple[int, int]) -> np.ndarray:
    """One cell: the photo with boxes, labels and the mask outline, letterboxed to ``cell`` (w, h)."""
    img = cv2.imread(str(image_path), cv2.IMREAD_COLOR)
    ann = voc.read(image_path.with_suffix(".xml"))
    _, _, mask_path = output_paths(image_path.parent, int(image_path.stem.split("_")[-1]))
    mask = read_mask_png(mask_path)
    edges = cv2.morphologyEx((mask > 0).astype(np.uint8), cv2.MORPH_GRADIENT, np.ones((3, 3), np.uint8)) > 0
    colours = VOC_PALETTE[mask][..., ::-1]
    img[edges] = (0.4 * img[edges] + 0.6 * colours[edges]).astype(np.uint8)
    for obj in ann.objects:
        k = classes.index(obj.name) + 1
        colour = tuple(int(c) for c in VOC_PALETTE[k][::-1] // 2 + 100)
        p0 = (int(obj.xmin), int(obj.ymin))
        p1 = (int(obj.xmax) - 1, int(obj.ymax) - 1)
        cv2.rectangle(img, p0, p1, colour, 1 if obj.truncated else 2)
        text = obj.name + (" T" if obj.truncated else "")
        (tw, th), _ = cv2.getTextSize(text, cv2.FONT_HERSHEY_SIMPLEX, 0.4, 1)
        y = max(p0[1], th + 3)
        cv2.rectangle(img, (p0[0], y - th - 3), (p0[0] + tw + 2, y), colour, -1)
        cv2.putText(img, text, (p0[0] + 1, y - 2), cv2.FONT_HERSHEY_SIMPLEX, 0.4, (0, 0, 0), 1, cv2.LINE_AA)
    h, w = img.shape[:2]
    scale = min(cell[0] / w, cell[1] / h)
    small = cv2.resize(img, (int(w * scale), int(h * scale)), interpolation=cv2.INTER_AREA)
    out = np.full((cell[1], cell[0], 3), 32, np.uint8)
    out[: small.shape[0], : small.shape[1]] = small
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=30)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--max-flowers", type=int, default=3)
    parser.add_argument("--columns", type=int, default=6)
    parser.add_argument("--width", type=int, default=1600, help="width of the sheet in pixels")
    parser.add_argument("--varied", action="store_true", help="mixed image sizes (image_size=None)")
    parser.add_argument("--out", default="/tmp/sample_grid.png")
    parser.add_argument(
        "--reduce-bits", type=int, default=0, help="drop N low bits per channel: a smaller PNG for the docs"
    )
    args = parser.parse_args(argv)
    classes = predefined_classes()
    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        paths = generate(tmp, args.count, args.seed, args.max_flowers, None if args.varied else (320, 240))
        seconds = time.perf_counter() - start
        print(f"generated {len(paths)} images in {seconds:.2f} s: {len(paths) / seconds:.1f} images/s")
        cols = args.columns
        cw = args.width // cols
        cell = (cw, cw * 3 // 4)
        tiles = [tile(p, classes, cell) for p in paths]
    while len(tiles) % cols:
        tiles.append(np.full_like(tiles[0], 32))
    rows = [np.hstack(tiles[i : i + cols]) for i in range(0, len(tiles), cols)]
    sheet = np.vstack(rows)
    if args.reduce_bits > 0:
        b = args.reduce_bits
        sheet = ((sheet >> b) << b) + np.uint8(1 << (b - 1))
    cv2.imwrite(args.out, sheet, [cv2.IMWRITE_PNG_COMPRESSION, 9])
    print(f"wrote {args.out} ({sheet.shape[1]}x{sheet.shape[0]})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
