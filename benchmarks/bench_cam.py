"""What the "why this class" heat map costs per image: `Predictor.predict_with_cam` against plain `predict` on the
same images in the same run (the window asks for the map with every image while the overlay is on).

    python benchmarks/bench_cam.py MODEL DATA [--images 30] [--repeats 3]

Prints the median and p90 latency of both, and the share of the heat inside the labelled box of each image whose
single largest flower the model classifies right (the figure `tests/models/test_gradcam.py` checks).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("model")
    parser.add_argument("data", help="a labelled folder (flower-annotator sample-data)")
    parser.add_argument("--images", type=int, default=30)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()

    from annotator.core import voc
    from annotator.core.cam import heat_inside
    from models.predict import Predictor

    predictor = Predictor(args.model)
    images = sorted(Path(args.data).glob("*.jpg"))[: args.images]
    predictor.predict_with_cam(images[0])  # both traced once before timing
    predictor.predict(images[0])
    plain, cam = [], []
    for _ in range(args.repeats):
        for image in images:
            t0 = time.perf_counter()
            predictor.predict(image)
            plain.append(1000 * (time.perf_counter() - t0))
            t0 = time.perf_counter()
            predictor.predict_with_cam(image)
            cam.append(1000 * (time.perf_counter() - t0))
    inside, shares = [], []
    for image in images:
        xml = image.with_suffix(".xml")
        if not xml.is_file():
            continue
        objects = voc.read(xml).objects
        flower = max(objects, key=lambda o: (o.xmax - o.xmin) * (o.ymax - o.ymin))
        p = predictor.predict_with_cam(image)
        if predictor.class_names[p.cam_class] == flower.name:
            inside.append(heat_inside(p.cam, flower.xyxy(), p.width, p.height))
            x0, y0, x1, y1 = flower.xyxy()
            shares.append((x1 - x0) * (y1 - y0) / (p.width * p.height))
    info = predictor.info
    print(f"model: {info.backbone} {info.image_size} px, heads {','.join(info.heads)}; {len(images)} images")
    for name, values in (("predict (baseline)", plain), ("predict_with_cam", cam)):
        print(f"{name:20s} median {np.median(values):7.1f} ms   p90 {np.percentile(values, 90):7.1f} ms")
    print(f"heat map adds {np.median(cam) - np.median(plain):.1f} ms at the median")
    if inside:
        print(
            f"heat inside the largest flower's box: {np.nanmean(inside):.2f} over {len(inside)} images classified "
            f"right (the boxes cover {np.mean(shares):.2f} of the image)"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
