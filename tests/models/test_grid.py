"""Grid encoding/decoding round trips (numpy only; the NMS it uses is tested in tests/core/test_geometry.py)."""

from __future__ import annotations

import numpy as np
import pytest

from models.heads.grid.codec import (
    EncodeStats,
    decode,
    detect,
    encode_targets,
    grid_shape_for,
    ideal_logits,
    targets_to_boxes,
)

ANCHORS = np.array([[0.1, 0.1], [0.2, 0.4], [0.4, 0.2], [0.5, 0.5], [0.8, 0.8]], np.float32)


def _sorted(boxes, classes):
    order = np.lexsort((boxes[:, 1], boxes[:, 0]))
    return boxes[order], classes[order]


@pytest.mark.parametrize("size", [224, 320, (224, 416)])
def test_encode_then_decode_gives_the_boxes_back(size):
    shape = grid_shape_for(size)
    boxes = np.array(
        [[0.1, 0.1, 0.3, 0.5], [0.5, 0.55, 0.95, 0.75], [0.02, 0.6, 0.2, 0.98], [0.4, 0.0, 1.0, 1.0]]
    )
    classes = np.array([0, 2, 1, 1])
    target = encode_targets(boxes, classes, ANCHORS, shape, 3)
    assert target.shape == (*shape, 5 * 8)
    got_boxes, got_classes = targets_to_boxes(target, 3)
    gb, gc = _sorted(got_boxes, got_classes)
    eb, ec = _sorted(boxes, classes)
    np.testing.assert_allclose(gb, eb, atol=1e-6)
    np.testing.assert_array_equal(gc, ec)

    raw = ideal_logits(target, ANCHORS, 3)
    dets, decoded = detect(raw, ANCHORS, 3, score_threshold=0.5, nms_iou=0.45)
    assert decoded.boxes.shape == (shape[0] * shape[1] * 5, 4)
    db, dc = _sorted(dets.boxes.astype(np.float64), dets.classes)
    np.testing.assert_allclose(db, eb, atol=1e-4)
    np.testing.assert_array_equal(dc, ec)
    assert np.all(dets.scores > 0.99)


def test_owner_is_centre_cell_and_best_anchor():
    target = encode_targets(np.array([[0.5, 0.1, 0.7, 0.5]]), np.array([1]), ANCHORS, (7, 7), 2)
    t = target.reshape(7, 7, 5, 7)
    owned = np.argwhere(t[..., 4] == 1)
    # centre (0.6, 0.3) -> col 4, row 2; size 0.2 x 0.4 -> anchor 1
    assert owned.tolist() == [[2, 4, 1]]
    assert t[2, 4, 1, 5:].tolist() == [0.0, 1.0]


def test_collision_moves_to_next_anchor_and_counts():
    boxes = np.array([[0.40, 0.40, 0.60, 0.60], [0.41, 0.41, 0.61, 0.61], [0.0, 0.0, 0.0, 0.5]])
    stats = EncodeStats()
    target = encode_targets(boxes, np.array([0, 0, 0]), ANCHORS, (7, 7), 1, stats=stats)
    assert stats.encoded == 2 and stats.moved == 1 and stats.skipped == 1 and stats.lost == 0
    assert target.reshape(7, 7, 5, 6)[..., 4].sum() == 2


def test_padding_rows_are_skipped_and_bad_class_raises():
    target = encode_targets(np.zeros((3, 4)), np.array([-1, -1, -1]), ANCHORS, (2, 2), 2)
    assert target.sum() == 0
    with pytest.raises(ValueError, match="class index"):
        encode_targets(np.array([[0.1, 0.1, 0.2, 0.2]]), np.array([5]), ANCHORS, (2, 2), 2)


def test_input_size_must_be_multiple_of_32():
    assert grid_shape_for(256) == (8, 8)
    with pytest.raises(ValueError, match="multiple of 32"):
        grid_shape_for(250)


def test_decode_shapes_and_formula():
    raw = np.zeros((2, 3, 2 * 6), np.float32)  # 2 anchors, 1 class, all logits 0
    anchors = np.array([[0.2, 0.3], [0.5, 0.5]])
    d = decode(raw, anchors, 1)
    # cell (row 1, col 2), anchor 1: centre ((2 + .5) / 3, (1 + .5) / 2), size = anchor
    b = d.boxes.reshape(2, 3, 2, 4)[1, 2, 1]
    cx, cy = 2.5 / 3, 0.75
    np.testing.assert_allclose(b, np.clip([cx - 0.25, cy - 0.25, cx + 0.25, cy + 0.25], 0, 1), atol=1e-6)
    np.testing.assert_allclose(d.objectness, 0.5)
    np.testing.assert_allclose(d.scores, 0.5)
