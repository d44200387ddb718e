"""The FCN-8s head's pieces: bilinear start, the structure, the masked loss and the mean IoU metric."""

from __future__ import annotations

import numpy as np
import pytest

keras = pytest.importorskip("keras")

from models.builder import HeadContext  # noqa: E402
from models.heads.seg.head import (  # noqa: E402
    BilinearUpsampling,
    MaskedSegLoss,
    MaskMeanIoU,
    build_seg,
    confusion_matrix,
    mean_iou,
)


def test_fcn8s_structure_and_bilinear_start():
    ctx = HeadContext(("a", "b"), 64, "mobilenetv2")
    taps = {8: keras.Input((8, 8, 5)), 16: keras.Input((4, 4, 6)), 32: keras.Input((2, 2, 7))}
    out = build_seg(taps, ctx)["mask"]
    assert out.shape == (None, 64, 64, 3)
    model = keras.Model([taps[8], taps[16], taps[32]], out)
    ups = [layer for layer in model.layers if isinstance(layer, keras.layers.Conv2DTranspose)]
    assert [u.strides for u in ups] == [(2, 2), (2, 2)]
    assert model.get_layer("mask_up8").size == (8, 8)  # fixed bilinear x8, as in FCN-8s
    learned = build_seg(taps, HeadContext(("a", "b"), 64, "mobilenetv2", {"final_upsampling": "learned"}))[
        "mask"
    ]
    assert learned.shape == (None, 64, 64, 3)
    assert {"mask_fuse16", "mask_fuse8"} <= {layer.name for layer in model.layers}
    # A bilinear x2 transposed conv keeps a constant map constant (away from the border).
    up = keras.layers.Conv2DTranspose(
        1, 4, strides=2, padding="same", use_bias=False, kernel_initializer=BilinearUpsampling()
    )
    y = np.asarray(up(np.ones((1, 6, 6, 1), np.float32)))[0, 2:-2, 2:-2, 0]
    np.testing.assert_allclose(y, 1.0, atol=1e-6)


def test_masked_loss_ignores_void_and_unlabelled_images():
    loss = MaskedSegLoss()
    logits = np.zeros((2, 4, 4, 3), np.float32)
    logits[..., 1] = 5.0  # confident "class 1" everywhere
    right = np.ones((2, 4, 4), np.int32)
    wrong = right.copy()
    wrong[:, :2] = 2
    voided = wrong.copy()
    voided[:, :2] = 255  # the wrong pixels are void: as good as right
    assert float(loss(voided, logits)) == pytest.approx(float(loss(right, logits)), abs=1e-6)
    assert float(loss(wrong, logits)) > float(loss(right, logits)) + 1.0
    all_void = np.full((2, 4, 4), 255, np.int32)
    assert float(loss(all_void, logits)) == 0.0
    mixed = np.stack([right[0], wrong[0]])
    assert float(loss(mixed, logits, sample_weight=np.array([1.0, 0.0]))) == pytest.approx(
        float(loss(right, logits, sample_weight=np.array([1.0, 0.0]))), abs=1e-6
    )


def test_mean_iou_numpy_and_metric_agree_on_a_known_case():
    true = np.array([[0, 0, 1, 1], [0, 2, 2, 255]])
    pred = np.array([[0, 1, 1, 1], [0, 2, 0, 1]])
    cm = confusion_matrix(true, pred, 3)
    # class 0: inter 2, union 4 (true 3, pred 3); class 1: inter 2, union 3; class 2: inter 1, union 2
    miou, per_class = mean_iou(cm)
    np.testing.assert_allclose(per_class, [2 / 4, 2 / 3, 1 / 2])
    assert miou == pytest.approx((0.5 + 2 / 3 + 0.5) / 3)
    metric = MaskMeanIoU(3)
    logits = np.eye(3, dtype=np.float32)[pred]  # one-hot logits -> argmax = pred
    metric.update_state(true[None], logits[None])
    metric.update_state(true[None], np.roll(logits, 1, axis=-1)[None], sample_weight=np.array([0.0]))
    assert float(metric.result()) == pytest.approx(miou, abs=1e-6)
    assert mean_iou(np.zeros((3, 3)))[0] == 0.0
