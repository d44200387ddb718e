"""The TensorFlow twins of `annotator.core.geometry` (kept only where a graph needs them) give its numbers."""

from __future__ import annotations

import numpy as np
import pytest

tf = pytest.importorskip("tensorflow")

from annotator.core import geometry as geo  # noqa: E402
from models.heads.grid.loss import iou_matrix_tf  # noqa: E402
from models.heads.loc.head import loc_targets  # noqa: E402
from models.heads.loc.losses import cxcywh_to_xyxy, iou_and_giou  # noqa: E402


def _cxcywh(rng, n):
    centre = rng.uniform(0.1, 0.9, (n, 2))
    size = rng.uniform(0.01, 0.6, (n, 2))
    return np.concatenate([centre, size], axis=1).astype(np.float32)


def test_loss_conversion_and_iou_equal_the_numpy_ones():
    rng = np.random.default_rng(5)
    t, p = _cxcywh(rng, 64), _cxcywh(rng, 64)
    p[:8] = t[:8]  # identical pairs: IoU 1
    p[8:16, 0] = t[8:16, 0] + 2.0  # far apart: IoU 0
    np.testing.assert_allclose(np.asarray(cxcywh_to_xyxy(tf.constant(t))), geo.cxcywh_to_xyxy(t), atol=1e-6)
    iou, _ = iou_and_giou(t, p)
    expected = geo.paired_iou(geo.cxcywh_to_xyxy(t), geo.cxcywh_to_xyxy(p))
    assert (expected[:8] == 1).all() and (expected[8:16] == 0).all() and (expected > 0.1).any()
    np.testing.assert_allclose(np.asarray(iou), expected, atol=1e-5)


def test_grid_loss_iou_matrix_equals_the_numpy_one_per_image():
    rng = np.random.default_rng(6)
    a = np.stack([geo.cxcywh_to_xyxy(_cxcywh(rng, 30)) for _ in range(2)]).astype(np.float32)
    b = np.stack([geo.cxcywh_to_xyxy(_cxcywh(rng, 7)) for _ in range(2)]).astype(np.float32)
    b[1, 6] = [0.5, 0.5, 0.5, 0.5]  # a padding row of zero area: IoU 0 with everything
    got = np.asarray(iou_matrix_tf(tf.constant(a), tf.constant(b)))
    for i in range(2):
        np.testing.assert_allclose(got[i], geo.iou_matrix(a[i], b[i]), atol=1e-6)
    assert (got[1, :, 6] == 0).all() and (got > 0).any()


def test_loc_targets_convert_the_largest_box_as_numpy_does():
    boxes = np.array([[0.1, 0.2, 0.3, 0.5], [0.05, 0.1, 0.95, 0.7], [0.6, 0.6, 0.9, 0.9]], np.float32)
    sample = {"boxes": tf.constant(boxes), "classes": tf.constant([0, 2, 1]), "has_boxes": tf.constant(True)}
    targets, weights = loc_targets(sample, None)
    largest = int(np.argmax(geo.box_area(boxes)))
    np.testing.assert_allclose(np.asarray(targets["box"]), geo.xyxy_to_cxcywh(boxes[largest]), atol=1e-6)
    assert int(targets["cls"]) == 2 and float(weights["box"]) == 1.0
