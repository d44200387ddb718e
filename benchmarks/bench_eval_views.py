"""Time to recompute every evaluation view after a threshold change, for 1,000 images of stored predictions.

Stored predictions (`annotator.core.evaluation.EvaluationData`): 1,000 images, 1-4 labelled boxes each over 5
classes, with jittered detections (some of another class) plus random false alarms, 20 stored detections per image
at most (what `evaluate` keeps above a 0.01 score). Times, in the same run:

- first computation: building `EvaluationData` (IoU matrices) and the first `views` (matching, AP, curves);
- a score-threshold change: `views` at another score threshold (the window's slider);
- an IoU-threshold change (first time at that threshold: the matching is redone) and back again (cached).

Baseline, measured in the same run on the same data: the previous implementation (matching one detection at a
time in a Python loop per image), loaded from git at commit ``BASELINE_COMMIT``; the figures of both must agree.
``--panel`` also times the window's Evaluation panel (table, confusion heat map, curves, histogram and the file
list's 1,000 per-image counts) redrawn after a threshold change, offscreen.

Target: a threshold change under 100 ms. Usage:
``python benchmarks/bench_eval_views.py [--images 1000] [--panel]``
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
import types
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from annotator.core.evaluation import EvaluationData, ImageResult  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
BASELINE_COMMIT = "dea410c"
"""The last commit whose `annotator.core.evaluation` matched one detection at a time."""


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


def baseline_module() -> types.ModuleType | None:
    """`annotator.core.evaluation` as it was at ``BASELINE_COMMIT`` (None when git cannot show it)."""
    try:
        source = subprocess.run(
            ["git", "show", f"{BASELINE_COMMIT}:annotator/core/evaluation.py"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    except (OSError, subprocess.CalledProcessError):
        return None
    module = types.ModuleType("evaluation_baseline")
    sys.modules[module.__name__] = module  # dataclasses look their module up there
    exec(compile(source, f"evaluation.py@{BASELINE_COMMIT}", "exec"), module.__dict__)  # noqa: S102
    return module


def time_views(module, images, names, repeat: int) -> dict[str, float]:
    data_ms, first_ms = [], []
    for _ in range(3):  # the median of three: the first call also pays for cold caches
        t0 = time.perf_counter()
        data = module.EvaluationData(images, names)
        t1 = time.perf_counter()
        data.views(0.3, 0.5)
        t2 = time.perf_counter()
        data_ms.append((t1 - t0) * 1000)
        first_ms.append((t2 - t0) * 1000)
    score_ms, iou_new_ms, iou_back_ms = [], [], []
    for k in range(repeat):
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
    return {
        "data": statistics.median(data_ms),
        "first": statistics.median(first_ms),
        "score": statistics.median(score_ms),
        "iou_new": statistics.median(iou_new_ms),
        "iou_back": statistics.median(iou_back_ms),
        "_data": data,
    }


def same_figures(a, b) -> bool:
    """The per-image counts, confusion matrices and APs of two implementations agree at a few thresholds."""
    for score, iou in ((0.3, 0.5), (0.1, 0.75), (0.6, 0.3)):
        va, vb = a.views(score, iou), b.views(score, iou)
        counts = [(c.matches, c.misses, c.false_alarms, c.wrong_classes) for c in va.images]
        if counts != [(c.matches, c.misses, c.false_alarms, c.wrong_classes) for c in vb.images]:
            return False
        if not np.array_equal(va.confusion, vb.confusion):
            return False
        if not np.allclose([c.ap for c in va.per_class], [c.ap for c in vb.per_class], equal_nan=True):
            return False
    return True


def time_panel(data: EvaluationData, repeat: int) -> dict[str, float]:
    """The Evaluation panel and the file list redrawn after threshold changes (offscreen Qt)."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    from annotator.core.dataset import ImageStatus
    from annotator.core.evaluation_lists import images_shown, sort_keys
    from annotator.ui.file_list import FileListPanel
    from annotator.ui.model.evaluation_dock import EvaluationDock

    app = QApplication.instance() or QApplication([])
    files = FileListPanel()
    files.model.set_images(
        [f"/data/{i}.jpg" for i in data.image_ids], [ImageStatus.LABELLED] * len(data.image_ids)
    )
    dock = EvaluationDock()
    dock.resize(420, 900)
    files.resize(300, 700)
    dock.show()
    files.show()
    paths = {iid: f"/data/{iid}.jpg" for iid in data.image_ids}
    dock.show_result(data, paths)
    dock.file_counts_changed.connect(lambda counts: files.model.set_extra_statuses(counts, key="evaluation"))
    filtered = [False]

    def filter_and_sort(views) -> None:  # what the window does with "With misses" + "Most misses first"
        if filtered[0]:
            shown = images_shown(views, "misses")
            keys = sort_keys(views, "misses") or {}
            files.arrange([paths[i] for i in shown or []], {paths[i]: v for i, v in keys.items()})

    dock.views_changed.connect(filter_and_sort)
    app.processEvents()
    out: dict[str, float] = {}
    for mode in ("plain", "filtered"):
        filtered[0] = mode == "filtered"
        score_ms, iou_ms = [], []
        for k in range(repeat):
            dock.iou_slider.setValue(50 - k)  # thresholds not seen yet in each round
            app.processEvents()
            for slider, value, times in (
                (dock.score_slider, 20 + 5 * k, score_ms),
                (dock.iou_slider, 56 + 3 * k + (1 if filtered[0] else 0), iou_ms),
            ):
                a = time.perf_counter()
                slider.setValue(value)  # recomputes the views and refills every widget
                dock.repaint()
                files.repaint()
                app.processEvents()
                times.append((time.perf_counter() - a) * 1000)
            dock.score_slider.setValue(30)
            app.processEvents()
        out[f"{mode}_score"] = statistics.median(score_ms)
        out[f"{mode}_iou"] = statistics.median(iou_ms)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--images", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--panel", action="store_true", help="also time the window's Evaluation panel")
    args = parser.parse_args()
    images = make_images(args.images)
    names = [f"class{i}" for i in range(5)]
    n_det = sum(len(i.det_scores) for i in images)
    n_gt = sum(len(i.gt_classes) for i in images)
    from annotator.core import evaluation

    new = time_views(evaluation, images, names, args.repeat)
    old_module = baseline_module()
    old = time_views(old_module, images, names, args.repeat) if old_module is not None else None
    print(
        f"{args.images} images, {n_gt} labelled boxes, {n_det} stored detections, load {os.getloadavg()[0]:.1f}"
    )
    base = f"baseline: {BASELINE_COMMIT}, one detection at a time"
    print(f"{'':44s} {'now':>9s}   {base}")
    rows = (
        ("first computation (median of 3)", "first"),
        ("  of which building the stored data", "data"),
        (f"score threshold change (median of {args.repeat})", "score"),
        ("IoU threshold change, new threshold", "iou_new"),
        ("IoU threshold change, back (cached)", "iou_back"),
    )
    for label, key in rows:
        then = f"{old[key]:9.1f} ms" if old else "  (git unavailable)"
        print(f"  {label:42s} {new[key]:6.1f} ms   {then}")
    if old:
        agree = same_figures(new["_data"], old["_data"])
        print(f"  figures of both implementations agree: {'yes' if agree else 'NO'}")
    if args.panel:
        panel = time_panel(new["_data"], args.repeat)
        print(
            f"Evaluation panel + file list of {args.images} images redrawn (offscreen), median of {args.repeat}:"
        )
        for mode, what in (("plain", "all images listed"), ("filtered", "list filtered + sorted by misses")):
            print(
                f"  {what:34s} score change {panel[mode + '_score']:6.1f} ms, "
                f"new IoU threshold {panel[mode + '_iou']:6.1f} ms"
            )


if __name__ == "__main__":
    main()
