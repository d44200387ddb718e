"""GIoU + L1 and MSE box losses, the IoU metric, and the numpy evaluation figures."""

from __future__ import annotations

import numpy as np
import pytest

from models.heads.loc.losses import BoxLoss, iou_and_giou
from models.metrics import BoxIoU, localization_summary


def test_iou_and_giou_on_hand_computed_boxes():
    # cxcywh: unit-square quarter boxes; a = [0,0,0.5,0.5], b = [0.25,0,0.75,0.5] -> IoU 1/3
    a = np.array([[0.25, 0.25, 0.5, 0.5]], np.float32)
    b = np.array([[0.5, 0.25, 0.5, 0.5]], np.float32)
    iou, giou = (np.asarray(t) for t in iou_and_giou(a, b))
    assert iou[0] == pytest.approx(1 / 3, abs=1e-5)
    assert giou[0] == pytest.approx(1 / 3, abs=1e-5)  # hull equals the union here
    far = np.array([[0.9, 0.9, 0.1, 0.1]], np.float32)
    iou, giou = (np.asarray(t) for t in iou_and_giou(a, far))
    assert iou[0] == 0 and giou[0] < -0.5  # disjoint boxes still get a gradient signal


def test_box_loss_kinds_and_sample_weights():
    t = np.array([[0.5, 0.5, 0.4, 0.4], [0.5, 0.5, 0.4, 0.4]], np.float32)
    p = np.array([[0.5, 0.5, 0.4, 0.4], [0.2, 0.2, 0.1, 0.1]], np.float32)
    giou = BoxLoss("giou")
    assert float(giou(t[:1], p[:1])) == pytest.approx(0.0, abs=1e-6)
    assert float(giou(t, p)) > 0.5
    # weight 0 on the bad sample: only the perfect one counts
    assert float(giou(t, p, sample_weight=np.array([1.0, 0.0]))) == pytest.approx(0.0, abs=1e-6)
    mse = BoxLoss("mse")
    assert float(mse(t, p)) == pytest.approx(np.mean((t - p) ** 2), rel=1e-5)
    with pytest.raises(ValueError, match="'huber'"):
        BoxLoss("huber")
    assert BoxLoss.from_config(giou.get_config()).kind == "giou"


def test_box_iou_metric_honours_weights():
    m = BoxIoU()
    t = np.array([[0.5, 0.5, 0.4, 0.4], [0.5, 0.5, 0.4, 0.4]], np.float32)
    p = np.array([[0.5, 0.5, 0.4, 0.4], [0.9, 0.9, 0.1, 0.1]], np.float32)
    m.update_state(t, p, sample_weight=np.array([1.0, 1.0]))
    assert float(m.result()) == pytest.approx(0.5, abs=1e-5)
    m.reset_state()
    m.update_state(t, p, sample_weight=np.array([1.0, 0.0]))
    assert float(m.result()) == pytest.approx(1.0, abs=1e-5)


def test_localization_summary():
    t = np.array([[0, 0, 10, 10], [0, 0, 10, 10], [0, 0, 10, 10]], float)
    p = np.array([[0, 0, 10, 10], [0, 0, 5, 10], [20, 20, 30, 30]], float)
    s = localization_summary(t, p, [0, 1, 2], [0, 1, 0])
    assert s == {
        "n_images": 3,
        "mean_iou": pytest.approx(0.5),
        "iou50_rate": pytest.approx(2 / 3),
        "accuracy": pytest.approx(2 / 3),
    }
    assert localization_summary(np.zeros((0, 4)), np.zeros((0, 4)), [], [])["n_images"] == 0
