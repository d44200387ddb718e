"""The grid loss in TensorFlow: zero at the optimum, the ignore rule, sample weights, tf.data encoding."""

from __future__ import annotations

import numpy as np
import pytest

tf = pytest.importorskip("tensorflow")

from models.heads.grid.codec import encode_targets, grid_shape_for, ideal_logits  # noqa: E402
from models.heads.grid.loss import GridLoss, decode_tf, encode_targets_tf, grid_loss  # noqa: E402

ANCHORS = np.array([[0.1, 0.1], [0.2, 0.4], [0.5, 0.5], [0.8, 0.8]], np.float32)
BOXES = np.array([[0.25, 0.25, 0.75, 0.75], [0.05, 0.1, 0.25, 0.5]])
CLASSES = np.array([1, 0])


def _target():
    return encode_targets(BOXES, CLASSES, ANCHORS, (7, 7), 2)


def test_loss_is_near_zero_at_the_ideal_logits_and_large_elsewhere():
    t = _target()[None]
    ideal = ideal_logits(t[0], ANCHORS, 2)[None]
    best = float(grid_loss(t, ideal, ANCHORS, 2)[0])
    assert best < 1e-3
    worse = float(grid_loss(t, np.zeros_like(ideal), ANCHORS, 2)[0])
    assert worse > 50 * max(best, 1e-4)


def test_decode_tf_matches_numpy_decode():
    from models.heads.grid.codec import decode

    raw = np.random.default_rng(0).normal(size=(7, 7, 4 * 7)).astype(np.float32)
    d_np = decode(raw, ANCHORS, 2)
    d_tf = decode_tf(raw[None], ANCHORS, 2)
    boxes_tf = np.clip(d_tf["boxes"].numpy().reshape(-1, 4), 0, 1)
    np.testing.assert_allclose(boxes_tf, d_np.boxes, atol=1e-5)
    np.testing.assert_allclose(d_tf["objectness"].numpy().reshape(-1), d_np.objectness, atol=1e-6)


def test_good_unowned_prediction_is_not_punished_as_background():
    t = _target()
    ideal = ideal_logits(t, ANCHORS, 2).reshape(7, 7, 4, 7)
    tt = t.reshape(7, 7, 4, 7)
    (row, col, owner), *_ = np.argwhere((tt[..., 4] == 1) & (tt[..., 2] == 0.5))
    other = 3 if owner != 3 else 2
    assert tt[row, col, other, 4] == 0
    # The unowned anchor predicts the same box as the owner, with high objectness.
    ideal[row, col, other, :2] = ideal[row, col, owner, :2]
    ideal[row, col, other, 2:4] = np.log(tt[row, col, owner, 2:4] / ANCHORS[other])
    confident = ideal.copy()
    confident[row, col, other, 4] = 5.0
    args = (t[None], ANCHORS, 2)
    base = float(grid_loss(args[0], ideal.reshape(1, 7, 7, -1), *args[1:])[0])
    ignored = float(grid_loss(args[0], confident.reshape(1, 7, 7, -1), *args[1:])[0])
    punished = float(grid_loss(args[0], confident.reshape(1, 7, 7, -1), *args[1:], ignore_iou=1.0)[0])
    assert ignored == pytest.approx(base, abs=1e-4)
    assert punished > base + 4.0  # BCE of logit 5 towards 0 is ~5.0


def test_sample_weight_masks_images_without_boxes():
    loss = GridLoss(ANCHORS, 2)
    t = np.stack([_target(), _target()])
    good = ideal_logits(t[0], ANCHORS, 2)
    y_pred = np.stack([good, np.random.default_rng(1).normal(size=good.shape).astype(np.float32) * 5])
    only_first = float(loss(t, y_pred, sample_weight=np.array([1.0, 0.0])))
    both = float(loss(t, y_pred))
    assert only_first < 1e-3 < both
    config = loss.get_config()
    again = GridLoss.from_config(config)
    assert float(again(t, y_pred, sample_weight=np.array([1.0, 0.0]))) == pytest.approx(only_first, abs=1e-6)


def test_encode_targets_tf_inside_tf_data():
    shape = grid_shape_for(64)
    padded = np.concatenate([BOXES, np.zeros((2, 4))]).astype(np.float32)
    classes = np.array([1, 0, -1, -1], np.int32)
    ds = tf.data.Dataset.from_tensors((padded, classes)).map(
        lambda b, c: encode_targets_tf(b, c, ANCHORS, shape, 2)
    )
    (out,) = list(ds)
    assert out.shape == (2, 2, 4 * 7)
    np.testing.assert_allclose(out.numpy(), encode_targets(BOXES, CLASSES, ANCHORS, shape, 2))
