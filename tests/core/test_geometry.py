"""Box geometry: conversions, IoU (checked against pycocotools), non-max suppression and one-to-one matching."""

from __future__ import annotations

import math

import numpy as np
import pytest

from annotator.core import geometry as geo
from annotator.core.annotation import BoxObject


def random_xyxy(rng, n, size=100.0):
    xy = rng.uniform(0, size, (n, 2))
    wh = rng.uniform(0.5, size / 2, (n, 2))
    return np.concatenate([xy, xy + wh], axis=1)


# ---------------------------------------------------------------- conversions


def test_known_conversions():
    xyxy = np.array([[10.0, 20.0, 30.0, 60.0]])
    np.testing.assert_allclose(geo.xyxy_to_cxcywh(xyxy), [[20.0, 40.0, 20.0, 40.0]])
    np.testing.assert_allclose(geo.cxcywh_to_xyxy([[20.0, 40.0, 20.0, 40.0]]), xyxy)
    np.testing.assert_allclose(geo.normalize_xyxy(xyxy, 100, 200), [[0.1, 0.1, 0.3, 0.3]])
    np.testing.assert_allclose(geo.denormalize_xyxy([[0.1, 0.1, 0.3, 0.3]], 100, 200), xyxy)
    np.testing.assert_allclose(geo.box_area(xyxy), [800.0])


def test_round_trips_and_leading_dimensions():
    rng = np.random.default_rng(0)
    boxes = random_xyxy(rng, 24).reshape(2, 3, 4, 4)
    np.testing.assert_allclose(geo.cxcywh_to_xyxy(geo.xyxy_to_cxcywh(boxes)), boxes, atol=1e-12)
    np.testing.assert_allclose(geo.denormalize_xyxy(geo.normalize_xyxy(boxes, 640, 480), 640, 480), boxes)
    assert geo.box_area(boxes).shape == (2, 3, 4)
    single = geo.xyxy_to_cxcywh((0, 0, 4, 2))
    assert single.shape == (4,) and single.tolist() == [2.0, 1.0, 4.0, 2.0]


def test_clip_and_area_of_degenerate_boxes():
    boxes = [[-5, -5, 10, 10], [90, 40, 120, 70], [200, 200, 300, 300], [5, 5, 2, 2]]
    clipped = geo.clip_xyxy(boxes, 100, 50)
    assert clipped.tolist() == [[0, 0, 10, 10], [90, 40, 100, 50], [100, 50, 100, 50], [5, 5, 2, 2]]
    assert geo.box_area(clipped).tolist() == [100, 100, 0, 0]  # outside -> empty; inverted -> 0
    assert np.asarray(boxes).tolist()[0] == [-5, -5, 10, 10]  # input untouched


def test_empty_inputs_and_bad_shapes():
    assert geo.xyxy_to_cxcywh([]).shape == (0, 4)
    assert geo.box_area(np.zeros((0, 4))).shape == (0,)
    with pytest.raises(ValueError, match=r"shape \(\.\.\., 4\), got \(2, 3\)"):
        geo.xyxy_to_cxcywh(np.zeros((2, 3)))
    with pytest.raises(ValueError, match="width=0"):
        geo.normalize_xyxy([[0, 0, 1, 1]], 0, 10)


def test_xyxy_array_from_box_objects():
    objs = [BoxObject("daisy", 1.0, 2.0, 3.0, 4.0), BoxObject("tulips", 5, 6, 7, 8)]
    assert geo.xyxy_array(objs).tolist() == [[1, 2, 3, 4], [5, 6, 7, 8]]
    assert geo.xyxy_array([]).shape == (0, 4)
    assert geo.xyxy_array([(0, 0, 1, 1)]).shape == (1, 4)


# ---------------------------------------------------------------- IoU


def test_iou_matrix_matches_pycocotools():
    mask_utils = pytest.importorskip("pycocotools.mask")
    rng = np.random.default_rng(1)
    a, b = random_xyxy(rng, 17), random_xyxy(rng, 11)
    ours = geo.iou_matrix(a, b)
    xywh = lambda x: np.concatenate([x[:, :2], x[:, 2:] - x[:, :2]], axis=1)  # noqa: E731
    theirs = mask_utils.iou(xywh(a), xywh(b), [0] * len(b))
    assert ours.shape == (17, 11)
    np.testing.assert_allclose(ours, theirs, atol=1e-9)
    assert (ours > 0).any() and (ours == 0).any()  # the random boxes exercise both cases


def test_iou_known_values_empty_and_degenerate():
    assert geo.iou_matrix([[0, 0, 10, 10]], [[0, 0, 10, 10], [5, 0, 15, 10], [10, 10, 20, 20]]).tolist() == [
        [1.0, 50 / 150, 0.0]
    ]
    assert geo.iou_matrix(np.zeros((0, 4)), [[0, 0, 1, 1]]).shape == (0, 1)
    assert geo.iou_matrix([[0, 0, 1, 1]], []).shape == (1, 0)
    degenerate = geo.iou_matrix([[5, 5, 5, 5]], [[5, 5, 5, 5], [0, 0, 10, 10]])
    assert degenerate.tolist() == [[0.0, 0.0]] and not np.isnan(degenerate).any()


def test_paired_iou_is_the_diagonal_of_the_matrix():
    t = [[0, 0, 10, 10], [0, 0, 10, 10], [0, 0, 10, 10], [5, 5, 5, 5]]
    p = [[0, 0, 10, 10], [0, 0, 5, 10], [20, 20, 30, 30], [5, 5, 5, 5]]
    np.testing.assert_allclose(geo.paired_iou(t, p), [1.0, 0.5, 0.0, 0.0])
    rng = np.random.default_rng(3)
    a, b = random_xyxy(rng, 40), random_xyxy(rng, 40)
    np.testing.assert_array_equal(geo.paired_iou(a, b), np.diag(geo.iou_matrix(a, b)))
    assert geo.paired_iou(np.zeros((0, 4)), np.zeros((0, 4))).shape == (0,)
    with pytest.raises(ValueError, match="2 and 1"):
        geo.paired_iou(a[:2], b[:1])


# ---------------------------------------------------------------- non-max suppression


def test_nms_suppresses_overlaps_above_threshold_only():
    boxes = np.array(
        [
            [0, 0, 10, 10],
            [1, 0, 11, 10],  # IoU with 0: 9/11 = 0.82
            [5, 0, 15, 10],  # IoU with 0: 5/15 = 0.33
            [50, 50, 60, 60],
        ],
        float,
    )
    scores = np.array([0.9, 0.95, 0.8, 0.1])
    assert geo.nms(boxes, scores, 0.5).tolist() == [1, 2, 3]
    assert geo.nms(boxes, scores, 0.3).tolist() == [1, 3]  # 2 vs 1: IoU 6/14 = 0.43 > 0.3
    assert geo.nms(boxes, scores, 0.9).tolist() == [1, 0, 2, 3]


def test_nms_strict_threshold_ties_and_bad_input():
    boxes = [[0, 0, 10, 10], [5, 0, 15, 10], [0, 0, 10, 10]]  # 0-1: IoU exactly 1/3; 0-2 identical
    assert geo.nms(boxes, [0.5, 0.4, 0.5], 1 / 3).tolist() == [0, 1]  # 1/3 is not above 1/3: kept
    assert geo.nms(boxes, [0.5, 0.4, 0.5], 0.3).tolist() == [0]
    assert geo.nms(boxes, [0.5, 0.5, 0.5], 1.0).tolist() == [0, 1, 2]  # equal scores: earlier first
    assert geo.nms(np.zeros((0, 4)), []).tolist() == []
    with pytest.raises(ValueError, match="1.5"):
        geo.nms(boxes, [1, 1, 1], 1.5)
    with pytest.raises(ValueError, match="3 boxes but 2 scores"):
        geo.nms(boxes, [1, 1])


def test_batched_nms_keeps_overlapping_boxes_of_different_classes():
    boxes = np.array([[0, 0, 10, 10], [0, 0, 10, 10], [0, 0, 10, 10.5]], float)
    scores = np.array([0.9, 0.8, 0.7])
    classes = np.array([0, 1, 0])
    assert geo.batched_nms(boxes, scores, classes, iou_threshold=0.5).tolist() == [0, 1]
    assert geo.batched_nms(boxes, scores, classes, iou_threshold=0.5, score_threshold=0.85).tolist() == [0]
    assert geo.batched_nms(boxes, scores, classes, iou_threshold=0.5, max_detections=1).tolist() == [0]
    # equal scores across classes: the lower index first, whatever the class
    tie = geo.batched_nms([[0, 0, 1, 1], [5, 5, 6, 6], [9, 9, 10, 10]], [0.5, 0.5, 0.5], [2, 0, 1])
    assert tie.tolist() == [0, 1, 2]
    assert geo.batched_nms(np.zeros((0, 4)), [], []).dtype == np.int64


def test_batched_nms_on_random_scenes_keeps_exactly_what_the_rule_says():
    rng = np.random.default_rng(4)
    for _ in range(30):
        n = int(rng.integers(0, 40))
        boxes, scores, classes = random_xyxy(rng, n, 60.0), rng.random(n).round(2), rng.integers(0, 3, n)
        thr = float(rng.choice([0.0, 0.3, 0.45, 0.7, 1.0]))
        kept = geo.batched_nms(boxes, scores, classes, iou_threshold=thr)
        assert sorted(kept.tolist()) == sorted(set(kept.tolist()))
        assert kept.tolist() == sorted(kept.tolist(), key=lambda i: (-scores[i], i))
        iou = geo.iou_matrix(boxes, boxes)
        same = classes[:, None] == classes[None, :]
        k = np.zeros(n, bool)
        k[kept] = True
        for i in range(n):
            # a box earlier in score order (ties: lower index) of its class, kept, overlapping above thr
            better = (scores > scores[i]) | ((scores == scores[i]) & (np.arange(n) < i))
            blocked = (k & better & same[i] & (iou[i] > thr)).any()
            assert k[i] != blocked, (i, thr)


# ---------------------------------------------------------------- matching


def test_match_two_hits_a_miss_and_a_false_alarm():
    gt = [[0, 0, 10, 10], [20, 0, 30, 10], [100, 100, 110, 110]]
    pred = [[1, 0, 11, 10], [21, 0, 31, 10], [50, 50, 60, 60]]
    m = geo.match_boxes(gt, pred)
    assert m.pairs == [(0, 0, pytest.approx(9 / 11)), (1, 1, pytest.approx(9 / 11))]
    assert m.unmatched_gt.tolist() == [2] and m.unmatched_pred.tolist() == [2]
    assert m.gt_to_pred.tolist() == [0, 1, -1] and m.pred_to_gt.tolist() == [0, 1, -1]
    assert m.mean_iou == pytest.approx(2 * (9 / 11) / 3)
    assert m.mean_matched_iou == pytest.approx(9 / 11)
    assert (m.true_positives, m.false_positives, m.false_negatives) == (2, 1, 1)


def test_greedy_takes_the_best_pair_first():
    gt = [[0, 0, 10, 10], [5, 0, 15, 10]]
    pred = [[4, 0, 14, 10], [0, 0, 9, 10]]  # pred0 fits gt1 (0.82), pred1 fits gt0 (0.9)
    m = geo.match_boxes(gt, pred)
    assert [(g, p) for g, p, _ in m.pairs] == [(0, 1), (1, 0)]
    assert m.ious.tolist() == pytest.approx([0.9, 9 / 11])


def test_scores_decide_who_gets_a_box_coco_style():
    gt = [[0, 0, 10, 10]]
    pred = [[0, 0, 10, 10], [0, 0, 10, 8]]  # IoU 1.0 and 0.8
    assert geo.match_boxes(gt, pred).pairs == [(0, 0, 1.0)]
    m = geo.match_boxes(gt, pred, pred_scores=[0.5, 0.9])  # the confident one is taken first
    assert m.pairs == [(0, 1, pytest.approx(0.8))]
    assert m.unmatched_pred.tolist() == [0]
    assert m.best_iou_per_gt.tolist() == [1.0]
    with pytest.raises(ValueError, match=r"pred_scores must have shape \(2,\)"):
        geo.match_boxes(gt, pred, pred_scores=[0.5])


def test_threshold_and_best_iou_below_it():
    gt = [[0, 0, 10, 10]]
    pred = [[5, 0, 15, 10]]  # IoU 1/3
    m = geo.match_boxes(gt, pred, iou_threshold=0.5)
    assert m.pairs == [] and m.unmatched_gt.tolist() == [0] and m.unmatched_pred.tolist() == [0]
    assert m.best_iou_per_gt.tolist() == pytest.approx([1 / 3])
    assert geo.match_boxes(gt, pred, iou_threshold=0.3).pairs == [(0, 0, pytest.approx(1 / 3))]
    with pytest.raises(ValueError, match="got 1.5"):
        geo.match_boxes(gt, pred, iou_threshold=1.5)


def test_classes_must_agree_when_given():
    gt, pred = [[0, 0, 10, 10], [20, 0, 30, 10]], [[0, 0, 10, 10], [20, 0, 30, 10]]
    m = geo.match_boxes(gt, pred, gt_classes=["daisy", "roses"], pred_classes=["roses", "roses"])
    assert m.pairs == [(1, 1, 1.0)]
    assert m.best_iou_per_gt.tolist() == [0.0, 1.0]
    with pytest.raises(ValueError, match="both"):
        geo.match_boxes(gt, pred, gt_classes=["daisy", "roses"])


def test_empty_sides():
    m = geo.match_boxes([], [[0, 0, 1, 1], [2, 2, 3, 3]])
    assert m.unmatched_pred.tolist() == [0, 1] and m.unmatched_gt.size == 0
    assert math.isnan(m.mean_iou) and math.isnan(m.mean_matched_iou)
    m = geo.match_boxes([[0, 0, 1, 1]], np.zeros((0, 4)), pred_scores=[])
    assert m.unmatched_gt.tolist() == [0] and m.mean_iou == 0.0 and m.iou.shape == (1, 0)


def test_matching_is_one_to_one_and_greedy_on_random_scenes():
    rng = np.random.default_rng(2)
    for _ in range(50):
        gt = random_xyxy(rng, int(rng.integers(0, 8)))
        pred = np.concatenate([gt + rng.normal(0, 3, gt.shape), random_xyxy(rng, int(rng.integers(0, 4)))])
        rng.shuffle(pred)
        scores = rng.random(len(pred))
        for s in (None, scores):
            m = geo.match_boxes(gt, pred, 0.5, s)
            assert len(set(m.gt_indices.tolist())) == len(m.gt_indices)
            assert len(set(m.pred_indices.tolist())) == len(m.pred_indices)
            assert (m.ious >= 0.5).all()
            assert sorted([*m.gt_indices.tolist(), *m.unmatched_gt.tolist()]) == list(range(len(gt)))
            assert sorted([*m.pred_indices.tolist(), *m.unmatched_pred.tolist()]) == list(range(len(pred)))
            # Greedy and maximal: no unmatched gt and unmatched prediction could still be paired.
            left = m.iou[np.ix_(m.unmatched_gt, m.unmatched_pred)]
            assert not (left >= 0.5).any()
            if s is None and len(m.ious):
                assert m.ious[0] == m.iou.max()  # the best pair of all comes first
