"""COCO-style mAP: a hand-computed case and agreement with pycocotools on a random hand-made set."""

from __future__ import annotations

import contextlib
import io

import numpy as np
import pytest

from models.detection_metrics import ImageDetections, average_precision, mean_average_precision


def _img(gt, gc, det=(), ds=(), dc=(), ignore=None):
    return ImageDetections(
        np.array(gt, float).reshape(-1, 4),
        np.array(gc, int),
        np.array(det, float).reshape(-1, 4),
        np.array(ds, float),
        np.array(dc, int),
        None if ignore is None else np.array(ignore, bool),
    )


def test_hand_computed_case():
    # Class 0: two gt boxes; three detections: 0.9 hits gt A, 0.8 misses, 0.7 hits gt B.
    # Ranked: TP (P=1, R=.5), FP (P=.5, R=.5), TP (P=2/3, R=1). Monotone precision: 1 up to R=.5, 2/3 after.
    # 101 points: recall 0..0.50 (51 points) -> 1.0, 0.51..1.0 (50 points) -> 2/3.
    img = _img(
        gt=[[0, 0, 10, 10], [20, 20, 30, 30]],
        gc=[0, 0],
        det=[[0, 0, 10, 10], [50, 50, 60, 60], [20, 20, 30, 31]],
        ds=[0.9, 0.8, 0.7],
        dc=[0, 0, 0],
    )
    expected = (51 * 1.0 + 50 * 2 / 3) / 101
    ap = average_precision([img], 0, thresholds=np.array([0.5]))
    assert ap[0] == pytest.approx(expected)
    # At IoU 0.95 the third detection (IoU 10/11 = 0.909) no longer matches: TP, FP, FP -> R max 0.5.
    ap95 = average_precision([img], 0, thresholds=np.array([0.95]))
    assert ap95[0] == pytest.approx(51 / 101)


def test_perfect_and_empty_and_missing_classes():
    perfect = _img([[0, 0, 5, 5]], [1], [[0, 0, 5, 5]], [0.5], [1])
    res = mean_average_precision([perfect], num_classes=3)
    assert res["map50"] == pytest.approx(1.0) and res["map50_95"] == pytest.approx(1.0)
    assert np.isnan(res["ap50_per_class"][0]) and np.isnan(res["ap50_per_class"][2])
    nothing = _img([[0, 0, 5, 5]], [0])
    assert mean_average_precision([nothing], 1)["map50"] == 0.0
    assert mean_average_precision([_img([], [])], 2)["map50"] == 0.0


def test_difficult_boxes_are_neither_found_nor_missed():
    img = _img(
        gt=[[0, 0, 10, 10], [20, 20, 30, 30]],
        gc=[0, 0],
        det=[[0, 0, 10, 10], [20, 20, 30, 30]],
        ds=[0.9, 0.95],
        dc=[0, 0],
        ignore=[False, True],
    )
    assert mean_average_precision([img], 1)["map50"] == pytest.approx(1.0)


def _random_case(rng, n_images=12, n_classes=3):
    images = []
    for _ in range(n_images):
        n_gt = rng.integers(0, 5)
        xy = rng.uniform(0, 80, size=(n_gt, 2))
        wh = rng.uniform(5, 40, size=(n_gt, 2))
        gt = np.concatenate([xy, xy + wh], 1)
        gc = rng.integers(0, n_classes, n_gt)
        dets, dc = [], []
        for b, c in zip(gt, gc, strict=True):
            if rng.random() < 0.8:
                dets.append(b + rng.normal(0, 3, 4))
                dc.append(c if rng.random() < 0.85 else (c + 1) % n_classes)
        for _ in range(rng.integers(0, 4)):
            p = rng.uniform(0, 80, 2)
            dets.append(np.concatenate([p, p + rng.uniform(5, 40, 2)]))
            dc.append(rng.integers(0, n_classes))
        dets = np.array(dets).reshape(-1, 4)
        dets[:, 2:] = np.maximum(dets[:, 2:], dets[:, :2] + 1)
        images.append(_img(gt, gc, dets, rng.uniform(0.05, 1.0, len(dets)), dc))
    return images


def _pycocotools_map(images, n_classes):
    from pycocotools.coco import COCO
    from pycocotools.cocoeval import COCOeval

    gt_json = {"images": [], "annotations": [], "categories": [{"id": c + 1} for c in range(n_classes)]}
    dets = []
    for i, img in enumerate(images):
        gt_json["images"].append({"id": i + 1, "width": 200, "height": 200})
        for b, c in zip(img.gt_boxes, img.gt_classes, strict=True):
            w, h = b[2] - b[0], b[3] - b[1]
            ann = {"id": len(gt_json["annotations"]) + 1, "image_id": i + 1, "category_id": int(c) + 1}
            ann.update(bbox=[*b[:2].tolist(), w, h], area=w * h, iscrowd=0)
            gt_json["annotations"].append(ann)
        for b, s, c in zip(img.det_boxes, img.det_scores, img.det_classes, strict=True):
            bbox = [*b[:2].tolist(), b[2] - b[0], b[3] - b[1]]
            dets.append({"image_id": i + 1, "category_id": int(c) + 1, "bbox": bbox, "score": float(s)})
    with contextlib.redirect_stdout(io.StringIO()):
        coco = COCO()
        coco.dataset = gt_json
        coco.createIndex()
        ev = COCOeval(coco, coco.loadRes(dets), "bbox")
        ev.evaluate()
        ev.accumulate()
        ev.summarize()
    return ev.stats[0], ev.stats[1]


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_agrees_with_pycocotools(seed):
    pytest.importorskip("pycocotools")
    images = _random_case(np.random.default_rng(seed))
    ours = mean_average_precision(images, 3)
    ref_50_95, ref_50 = _pycocotools_map(images, 3)
    assert ours["map50"] == pytest.approx(ref_50, abs=1e-9)
    assert ours["map50_95"] == pytest.approx(ref_50_95, abs=1e-9)
