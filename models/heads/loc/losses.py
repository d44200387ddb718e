"""Box losses for the localization head: GIoU plus a small L1 term (default) or the classic MSE.

Boxes here are **normalized cxcywh** (centre x, centre y, width, height as fractions of the image side),
the format of the ``box`` output; they are converted to normalized xyxy for the overlap terms.
"""

from __future__ import annotations

import keras
from keras import ops

BOX_LOSSES = ("giou", "mse")
# loss weights per output for each box loss; MSE uses the classic 0.8 / 0.2 recipe.
LOSS_WEIGHTS = {"giou": {"cls": 1.0, "box": 2.0}, "mse": {"cls": 0.8, "box": 0.2}}


def cxcywh_to_xyxy(boxes):
    """Normalized cxcywh (..., 4) -> normalized xyxy (..., 4), as tensors: the graph's twin of
    `annotator.core.geometry.cxcywh_to_xyxy` (tested equal in tests/models/test_geometry_twins.py)."""
    cx, cy, w, h = boxes[..., 0], boxes[..., 1], boxes[..., 2], boxes[..., 3]
    return ops.stack([cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2], axis=-1)


def iou_and_giou(true_cxcywh, pred_cxcywh):
    """Elementwise IoU and generalized IoU of two (..., 4) normalized cxcywh tensors.

    Returns:
        ``(iou, giou)``, each of shape (...,); GIoU is in [-1, 1], IoU in [0, 1] (the IoU equals
        `annotator.core.geometry.paired_iou`, tested in tests/models/test_geometry_twins.py).
    """
    t = cxcywh_to_xyxy(ops.cast(true_cxcywh, "float32"))
    p = cxcywh_to_xyxy(ops.cast(pred_cxcywh, "float32"))
    inter_w = ops.maximum(ops.minimum(t[..., 2], p[..., 2]) - ops.maximum(t[..., 0], p[..., 0]), 0.0)
    inter_h = ops.maximum(ops.minimum(t[..., 3], p[..., 3]) - ops.maximum(t[..., 1], p[..., 1]), 0.0)
    inter = inter_w * inter_h
    area_t = ops.maximum(t[..., 2] - t[..., 0], 0.0) * ops.maximum(t[..., 3] - t[..., 1], 0.0)
    area_p = ops.maximum(p[..., 2] - p[..., 0], 0.0) * ops.maximum(p[..., 3] - p[..., 1], 0.0)
    union = area_t + area_p - inter
    iou = inter / ops.maximum(union, 1e-7)
    hull_w = ops.maximum(t[..., 2], p[..., 2]) - ops.minimum(t[..., 0], p[..., 0])
    hull_h = ops.maximum(t[..., 3], p[..., 3]) - ops.minimum(t[..., 1], p[..., 1])
    hull = ops.maximum(hull_w * hull_h, 1e-7)
    return iou, iou - (hull - union) / hull


@keras.saving.register_keras_serializable(package="flower_annotator")
class BoxLoss(keras.losses.Loss):
    """Per-sample loss between normalized cxcywh boxes.

    Args:
        kind: ``"giou"``: ``1 - GIoU + l1_weight * mean |t - p|``; ``"mse"``: mean squared error.
        l1_weight: weight of the L1 term with ``"giou"``.
    """

    def __init__(self, kind: str = "giou", l1_weight: float = 0.5, name: str = "box_loss", **kwargs) -> None:
        if kind not in BOX_LOSSES:
            raise ValueError(f"box loss must be one of {BOX_LOSSES}, got {kind!r}")
        super().__init__(name=name, **kwargs)
        self.kind = kind
        self.l1_weight = float(l1_weight)

    def call(self, y_true, y_pred):
        y_true = ops.cast(y_true, "float32")
        y_pred = ops.cast(y_pred, "float32")
        if self.kind == "mse":
            return ops.mean(ops.square(y_true - y_pred), axis=-1)
        _, giou = iou_and_giou(y_true, y_pred)
        return 1.0 - giou + self.l1_weight * ops.mean(ops.abs(y_true - y_pred), axis=-1)

    def get_config(self) -> dict:
        config = super().get_config()
        config.update(kind=self.kind, l1_weight=self.l1_weight)
        return config


def loc_losses(box_loss: str = "giou") -> dict[str, keras.losses.Loss]:
    """The localization head's losses: ``cls`` sparse categorical cross-entropy, ``box`` `BoxLoss`."""
    return {"cls": keras.losses.SparseCategoricalCrossentropy(), "box": BoxLoss(box_loss)}
