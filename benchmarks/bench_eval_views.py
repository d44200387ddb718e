"""Time to recompute every evaluation view after a threshold change, for 1,000 images of stored predictions.

Stored predictions (`annotator.core.evaluation.EvaluationData`): 1,000 images, 1-4 labelled boxes each over 5
classes, with jittered detections (some of another class) plus random false alarms, 20 stored detections per image
at most (what `evaluate` keeps above a 0.01 score). Times, in the same run:

- first computation: building `EvaluationData` (IoU matrices) and the first `views` (matching, AP, curves);
- a score-threshold change: `views` at another score threshold (the window's slider);
- an IoU-threshold change (first time at that threshold: the matching is redone) and back again (cached).

Target: a threshold change under 100 ms. Usage: ``python benchmarks/bench_eval_views.py [--images 1000]``
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from annotator.core.evaluation import EvaluationData, ImageResult  # noqa: E402


def make_images(n: int, n_classes: int = 5, seed: int = 0) -> list[ImageResult]:
    rng = np.random.default_rng(seed)
    images = []
    for k in range(n):
        g = int(rng.integers(1, 5))
        xy = rng.uniform(0, 500, (g, 2))
        gt = np.concatenate([xy, xy + rng.uniform(30, 200, (g, 2))], 1)
        gc = rng.integers(0, n_classes, g)
        det = gt + rng.normal(0, 12, gt.shape)
        dc = np.where(rng.random(g) < 0.1, rng.integers(0, n_classes, g), gc)
        r = int(rng.integers(2, 20 - g + 1))
        rxy = rng.uniform(0, 500, (r, 2))
        det = np.concatenate([det, np.concatenate([rxy, rxy + rng.uniform(20, 150, (r, 2))], 1)])
        dc = np.concatenate([dc, rng.integers(0, n_classes, r)])
        ds = np.concatenate([rng.uniform(0.3, 1.0, g), rng.uniform(0.01, 0.6, r)])
        images.append(ImageResult(f"img{k:04d}", gt, gc, det, ds, dc))
    return images


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--images", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    images = make_images(args.images)
    names = [f"class{i}" for i in range(5)]
    n_det = sum(len(i.det_scores) for i in images)
    n_gt = sum(len(i.gt_classes) for i in images)

    t0 = time.perf_counter()
    data = EvaluationData(images, names)
    t1 = time.perf_counter()
    data.views(0.3, 0.5)
    t2 = time.perf_counter()
    score_ms, iou_new_ms, iou_back_ms = [], [], []
    for k in range(args.repeat):
        a = time.perf_counter()
        data.views(0.2 + 0.05 * k, 0.5)
        b = time.perf_counter()
        data.views(0.3, 0.55 + 0.05 * k)  # a threshold not seen yet: matching redone
        c = time.perf_counter()
        data.views(0.3, 0.5)
        d = time.perf_counter()
        score_ms.append((b - a) * 1000)
        iou_new_ms.append((c - b) * 1000)
        iou_back_ms.append((d - c) * 1000)
    print(
        f"{args.images} images, {n_gt} labelled boxes, {n_det} stored detections, load {os.getloadavg()[0]:.1f}"
    )
    print(
        f"  first computation (IoU matrices + views): {(t2 - t0) * 1000:8.1f} ms "
        f"(data {(t1 - t0) * 1000:.1f} + views {(t2 - t1) * 1000:.1f})"
    )
    print(f"  score threshold change (median of {args.repeat}): {statistics.median(score_ms):8.1f} ms")
    print(f"  IoU threshold change, new threshold:     {statistics.median(iou_new_ms):8.1f} ms")
    print(f"  IoU threshold change, back (cached):     {statistics.median(iou_back_ms):8.1f} ms")


if __name__ == "__main__":
    main()
