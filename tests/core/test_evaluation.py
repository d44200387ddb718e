"""Evaluation figures from stored predictions: crafted cases and pycocotools' per-class AP@0.5."""

from __future__ import annotations

import contextlib
import io

import numpy as np
import pytest

from annotator.core.evaluation import EvaluationData, ImageResult

NAMES = ["daisy", "rose", "tulip"]


def _img(iid, gt, gc, det=(), ds=(), dc=()):
    return ImageResult(
        iid,
        np.asarray(gt, float).reshape(-1, 4),
        np.asarray(gc, int),
        np.asarray(det, float).reshape(-1, 4),
        np.asarray(ds, float),
        np.asarray(dc, int),
    )


def test_crafted_match_miss_false_alarm_wrong_class():
    images = [
        # a perfect match of daisy
        _img("a", [[0, 0, 10, 10]], [0], [[0, 0, 10, 10]], [0.9], [0]),
        # a rose labelled, tulip predicted on it: wrong class
        _img("b", [[0, 0, 10, 10]], [1], [[0, 0, 10, 10]], [0.8], [2]),
        # a daisy missed (prediction elsewhere: false alarm of rose)
        _img("c", [[0, 0, 10, 10]], [0], [[50, 50, 60, 60]], [0.7], [1]),
        # a low-score detection only counts below its score
        _img("d", [[0, 0, 10, 10]], [2], [[0, 0, 10, 10]], [0.2], [2]),
    ]
    data = EvaluationData(images, NAMES)
    v = data.views(score_threshold=0.3, iou_threshold=0.5)
    assert v.confusion_labels == [*NAMES, "background"]
    expected = np.array(
        [
            [1, 0, 0, 1],  # daisy: one found, one missed
            [0, 0, 1, 0],  # rose: predicted as tulip
            [0, 0, 0, 1],  # tulip: missed at 0.3 (its detection scores 0.2)
            [0, 1, 0, 0],  # background: a rose false alarm
        ]
    )
    np.testing.assert_array_equal(v.confusion, expected)
    counts = {c.image_id: (c.matches, c.misses, c.false_alarms, c.wrong_classes) for c in v.images}
    assert counts == {"a": (1, 0, 0, 0), "b": (0, 0, 0, 1), "c": (0, 1, 1, 0), "d": (0, 1, 0, 0)}
    daisy, rose, tulip = v.per_class
    assert (daisy.n_gt, daisy.precision, daisy.recall, daisy.mean_iou) == (2, 1.0, 0.5, 1.0)
    assert rose.precision == 0.0 and rose.recall == 0.0
    assert tulip.recall == 0.0 and tulip.precision == 0.0  # its one detection above 0.3 is wrong
    # a lower threshold finds the tulip without asking anything again
    low = data.views(score_threshold=0.1, iou_threshold=0.5)
    assert low.per_class[2].recall == 1.0 and low.confusion[2, 2] == 1
    # AP does not depend on the score threshold; daisy found once out of twice at precision 1 -> 51/101
    assert daisy.ap == pytest.approx(51 / 101)
    assert v.per_class[2].ap == low.per_class[2].ap
    # a strict IoU threshold turns the match into a miss plus a false alarm
    shifted = EvaluationData([_img("e", [[0, 0, 10, 10]], [0], [[3, 0, 13, 10]], [0.9], [0])], NAMES)
    assert shifted.views(0.3, 0.5).images[0].matches == 1
    strict = shifted.views(0.3, 0.75).images[0]
    assert (strict.matches, strict.misses, strict.false_alarms) == (0, 1, 1)
    hist = shifted.views(0.3, 0.5).iou_histogram
    assert hist.sum() == 1 and hist[int(7 / 13 / 0.05)] == 1  # IoU 70 / 130


def test_json_fields_and_bad_threshold():
    data = EvaluationData([_img("a", [[0, 0, 10, 10]], [0], [[0, 0, 10, 10]], [0.9], [0])], NAMES)
    js = data.views().to_json()
    assert set(js["per_class"]) == set(NAMES)
    assert js["per_class"]["daisy"]["ap50"] == pytest.approx(1.0)
    assert js["per_class"]["rose"]["ap50"] is None  # no ground truth
    assert js["confusion"]["labels"][-1] == "background"
    assert len(js["confusion"]["matrix"]) == 4
    with pytest.raises(ValueError, match="score_threshold"):
        data.views(score_threshold=1.5)
    with pytest.raises(ValueError, match="class index"):
        EvaluationData([_img("a", [[0, 0, 1, 1]], [7])], NAMES)


def _coco_eval(images, n_cls):
    from pycocotools.coco import COCO
    from pycocotools.cocoeval import COCOeval

    gt = {
        "images": [],
        "annotations": [],
        "categories": [{"id": c + 1, "name": str(c)} for c in range(n_cls)],
    }
    dets = []
    for i, img in enumerate(images, start=1):
        gt["images"].append({"id": i, "width": 1000, "height": 1000})
        for b, c in zip(img.gt_boxes, img.gt_classes, strict=True):
            w, h = b[2] - b[0], b[3] - b[1]
            gt["annotations"].append(
                {
                    "id": len(gt["annotations"]) + 1,
                    "image_id": i,
                    "category_id": int(c) + 1,
                    "bbox": [b[0], b[1], w, h],
                    "area": w * h,
                    "iscrowd": 0,
                }
            )
        for b, s, c in zip(img.det_boxes, img.det_scores, img.det_classes, strict=True):
            dets.append(
                {
                    "image_id": i,
                    "category_id": int(c) + 1,
                    "score": float(s),
                    "bbox": [b[0], b[1], b[2] - b[0], b[3] - b[1]],
                }
            )
    with contextlib.redirect_stdout(io.StringIO()):
        coco = COCO()
        coco.dataset = gt
        coco.createIndex()
        ev = COCOeval(coco, coco.loadRes(dets) if dets else COCO(), "bbox")
        ev.evaluate()
        ev.accumulate()
    return ev


def _coco_ap50(images, n_cls):
    ev = _coco_eval(images, n_cls)
    # precision: [T, R, K, A, M]; IoU 0.5, area all, maxDets 100
    prec = ev.eval["precision"][0, :, :, 0, 2]
    return np.array([np.mean(prec[:, k]) if (prec[:, k] > -1).any() else np.nan for k in range(n_cls)])


def _random_images(seed, n_cls=3):
    rng = np.random.default_rng(seed)
    images = []
    for k in range(int(rng.integers(5, 15))):
        n_gt = int(rng.integers(1, 5))
        xy = rng.uniform(0, 400, (n_gt, 2))
        wh = rng.uniform(20, 200, (n_gt, 2))
        gt = np.concatenate([xy, xy + wh], 1).round(1)
        gc = rng.integers(0, n_cls, n_gt)
        # detections: jittered copies of the ground truth (some with the wrong class) plus random ones
        jitter = gt + rng.normal(0, 15, gt.shape)
        jitter[:, 2:] = np.maximum(jitter[:, 2:], jitter[:, :2] + 1)
        n_rand = int(rng.integers(0, 4))
        rxy = rng.uniform(0, 400, (n_rand, 2))
        rand = np.concatenate([rxy, rxy + rng.uniform(20, 200, (n_rand, 2))], 1)
        det = np.concatenate([jitter, rand]).round(1)
        dc = np.concatenate(
            [
                np.where(rng.random(n_gt) < 0.2, rng.integers(0, n_cls, n_gt), gc),
                rng.integers(0, n_cls, n_rand),
            ]
        )
        ds = rng.choice([0.2, 0.5, 0.9, *rng.random(3)], len(det))  # repeated scores test the tie order
        images.append(_img(str(k), gt, gc, det, ds, dc))
    return images


@pytest.mark.parametrize("seed", range(8))
def test_ap50_equals_pycocotools_on_random_cases(seed):
    n_cls = 3
    images = _random_images(seed, n_cls)
    ours = np.array([c.ap for c in EvaluationData(images, ["a", "b", "c"]).views(0.3, 0.5).per_class])
    np.testing.assert_allclose(ours, _coco_ap50(images, n_cls), atol=1e-12, equal_nan=True)


def test_ap50_equals_pycocotools_on_crafted_ties():
    # two boxes overlap one detection equally; duplicates; an image with detections only
    images = [
        _img(
            "1",
            [[0, 0, 10, 10], [0, 0, 10, 10]],
            [0, 0],
            [[0, 0, 10, 10], [0, 0, 10, 10], [0, 0, 10, 10]],
            [0.5, 0.5, 0.4],
            [0, 0, 0],
        ),
        _img("2", [[0, 0, 10, 20]], [1], [[0, 0, 10, 10], [0, 5, 10, 20]], [0.9, 0.9], [1, 1]),
        _img("3", np.zeros((0, 4)), [], [[5, 5, 30, 30]], [0.95], [0]),
    ]
    ours = np.array([c.ap for c in EvaluationData(images, ["a", "b"]).views().per_class])
    np.testing.assert_allclose(ours, _coco_ap50(images, 2), atol=1e-12, equal_nan=True)


@pytest.mark.parametrize("seed", range(4))
def test_matching_equals_pycocotools_at_every_iou_threshold(seed):
    """The matches behind the confusion diagonal are pycocotools' ``dtMatches`` at each of its IoU thresholds."""
    _assert_matches_like_coco(_random_images(seed + 100))


def test_matching_tie_goes_to_the_later_box_as_in_pycocotools():
    # the first detection overlaps both boxes with IoU 0.5 exactly: it takes the later one (B), so the second
    # detection, equal to A, still finds A; taking A first would leave the second detection only B (IoU 1/3)
    a, b = [0, 0, 10, 20], [0, 0, 20, 10]
    images = [
        _img("tie", [a, b], [0, 0], [[0, 0, 10, 10], a], [0.9, 0.8], [0, 0]),
        _img(
            "tie-3", [a, [0, 0, 10, 10], b], [1, 1, 1], [[0, 0, 10, 10], [0, 0, 10, 10]], [0.9, 0.9], [1, 1]
        ),
    ]
    views = EvaluationData(images, ["a", "b", "c"]).views(0.0, 0.5)
    assert views.images[0].matches == 2
    _assert_matches_like_coco(images)


def _assert_matches_like_coco(images):
    data = EvaluationData(images, ["a", "b", "c"])
    ev = _coco_eval(images, 3)
    # pycocotools numbers detections 1.. in the order given: image by image, stored order
    coco_det = {}
    for k, img in enumerate(images):
        for s in range(len(img.det_scores)):
            coco_det[len(coco_det) + 1] = (k, s)
    coco_gt = {}
    for k, img in enumerate(images):
        for g in range(len(img.gt_classes)):
            coco_gt[len(coco_gt) + 1] = (k, g)
    for t_index, t in enumerate(ev.params.iouThrs):
        expected = set()
        for e in ev.evalImgs:
            if e is None or list(e["aRng"]) != list(ev.params.areaRng[0]):
                continue
            for d_id, g_id in zip(e["dtIds"], e["dtMatches"][t_index], strict=True):
                if g_id:
                    expected.add((coco_det[d_id], coco_gt[int(g_id)]))
        views = data.views(0.0, float(t))
        got = set()
        for c in range(3):
            for case in data.cases(views, c, c):
                k, s, g = case.image_index, case.det_index, case.gt_index
                got.add(((k, s), (k, g)))
        assert got == expected, t


def _reference_counts(images, n_cls, score_t, iou_t):
    """Per image (matches, misses, false alarms, wrong classes) and the confusion matrix, one detection at a time:
    class-aware greedy matching in score order, then the unmatched detections take free boxes of other classes."""
    from annotator.core.geometry import iou_matrix

    confusion = np.zeros((n_cls + 1, n_cls + 1), int)
    counts = []
    t = min(iou_t, 1 - 1e-10)
    for img in images:
        order = np.argsort(-img.det_scores, kind="mergesort")
        order = [d for d in order if img.det_scores[d] >= score_t]
        iou = iou_matrix(img.det_boxes, img.gt_boxes)
        taken = [False] * len(img.gt_classes)
        left = []
        for d in order:
            best, g_best = t, -1
            for g in range(len(img.gt_classes)):
                ok = not taken[g] and img.gt_classes[g] == img.det_classes[d]
                if ok and iou[d, g] >= best:
                    best, g_best = iou[d, g], g
            if g_best >= 0:
                taken[g_best] = True
                confusion[img.gt_classes[g_best], img.det_classes[d]] += 1
            else:
                left.append(d)
        wrong = alarms = 0
        for d in left:
            best, g_best = t, -1
            for g in range(len(img.gt_classes)):
                if not taken[g] and iou[d, g] >= best:
                    best, g_best = iou[d, g], g
            if g_best >= 0:
                taken[g_best] = True
                wrong += 1
                confusion[img.gt_classes[g_best], img.det_classes[d]] += 1
            else:
                alarms += 1
                confusion[n_cls, img.det_classes[d]] += 1
        for g, was in enumerate(taken):
            if not was:
                confusion[img.gt_classes[g], n_cls] += 1
        n_match = len(order) - len(left)
        counts.append((n_match, taken.count(False), alarms, wrong))
    return counts, confusion


@pytest.mark.parametrize(
    ("seed", "score_t", "iou_t"), [(0, 0.3, 0.5), (1, 0.0, 0.0), (2, 0.5, 0.75), (3, 0.2, 1.0)]
)
def test_counts_confusion_and_cases_agree_with_a_one_at_a_time_reference(seed, score_t, iou_t):
    images = _random_images(seed + 200)
    data = EvaluationData(images, ["a", "b", "c"])
    views = data.views(score_t, iou_t)
    counts, confusion = _reference_counts(images, 3, score_t, iou_t)
    got = [(c.matches, c.misses, c.false_alarms, c.wrong_classes) for c in views.images]
    assert got == counts
    np.testing.assert_array_equal(views.confusion, confusion)
    # each cell's cases are exactly its count, and hold the boxes their kind says
    for row in range(4):
        for col in range(4):
            cases = data.cases(views, row, col)
            assert len(cases) == views.confusion[row, col]
            for case in cases:
                assert (case.gt_box is None) == (row == 3) and (case.det_box is None) == (col == 3)
                assert case.labelled == views.confusion_labels[row]
                if case.det_box is not None:
                    assert case.score >= score_t
