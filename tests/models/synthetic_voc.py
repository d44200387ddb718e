"""A tiny synthetic VOC dataset for model tests: coloured shapes on noise, written with voc.write + masks."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np

from annotator.core import masks, voc
from annotator.core.annotation import BoxObject, ImageAnnotation

# Three classes with distinct colours and shapes, named like the predefined flowers.
SHAPES = {
    "daisy": ((250, 250, 250), "circle"),
    "roses": ((220, 30, 40), "square"),
    "tulips": ((240, 220, 20), "diamond"),
}


def make_dataset(
    root: Path, count: int, *, seed: int = 0, size: tuple[int, int] = (80, 64), with_masks: bool = True
) -> list[str]:
    """Write ``count`` images (PNG) with one shape each, its VOC XML beside it and a VOC mask; returns ids."""
    rng = np.random.default_rng(seed)
    root.mkdir(parents=True, exist_ok=True)
    (root / "SegmentationClass").mkdir(exist_ok=True)
    names = list(SHAPES)
    ids = []
    w, h = size
    for i in range(count):
        image = rng.integers(40, 120, (h, w, 3), dtype=np.uint8)
        image = cv2.GaussianBlur(image, (5, 5), 0)
        mask = np.zeros((h, w), np.uint8)
        name = names[i % len(names)]
        color, shape = SHAPES[name]
        bw = int(rng.integers(w // 4, w // 2))
        bh = int(rng.integers(h // 4, h // 2))
        x0 = int(rng.integers(0, w - bw))
        y0 = int(rng.integers(0, h - bh))
        shape_mask = np.zeros((h, w), np.uint8)
        if shape == "circle":
            cv2.ellipse(shape_mask, (x0 + bw // 2, y0 + bh // 2), (bw // 2, bh // 2), 0, 0, 360, 1, -1)
        elif shape == "square":
            shape_mask[y0 : y0 + bh, x0 : x0 + bw] = 1
        else:
            pts = np.array(
                [
                    [x0 + bw // 2, y0],
                    [x0 + bw - 1, y0 + bh // 2],
                    [x0 + bw // 2, y0 + bh - 1],
                    [x0, y0 + bh // 2],
                ]
            )
            cv2.fillConvexPoly(shape_mask, pts.astype(np.int32), 1)
        image[shape_mask == 1] = color
        mask[shape_mask == 1] = ["daisy", "dandelion", "roses", "sunflowers", "tulips"].index(name) + 1
        stem = f"img_{i:04d}"
        path = root / f"{stem}.png"
        cv2.imwrite(str(path), image[:, :, ::-1])
        ann = ImageAnnotation(filename=path.name, folder=root.name, width=w, height=h)
        ann.objects.append(BoxObject(name, float(x0), float(y0), float(x0 + bw), float(y0 + bh)))
        voc.write(ann, root / f"{stem}.xml")
        if with_masks:
            masks.write_mask_png(root / "SegmentationClass" / f"{stem}.png", mask)
        ids.append(stem)
    return ids
