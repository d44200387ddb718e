"""Metrics: the box IoU reported during training and the loc head's figures used by `models.evaluate`.

Training-time boxes are **normalized cxcywh**; the numpy figures take xyxy boxes and get their IoU from
`annotator.core.geometry` (the one numpy implementation).
"""

from __future__ import annotations

import keras
import numpy as np

from annotator.core.geometry import paired_iou
from models.heads.loc.losses import iou_and_giou


@keras.saving.register_keras_serializable(package="flower_annotator")
class BoxIoU(keras.metrics.Mean):
    """Mean IoU between true and predicted normalized cxcywh boxes (sample weights honoured)."""

    def __init__(self, name: str = "iou", dtype=None) -> None:
        super().__init__(name=name, dtype=dtype)

    def update_state(self, y_true, y_pred, sample_weight=None):
        iou, _ = iou_and_giou(y_true, y_pred)
        return super().update_state(iou, sample_weight=sample_weight)

    def get_config(self) -> dict:
        return {"name": self.name, "dtype": self.dtype}


def loc_metrics() -> dict[str, list]:
    """Metrics of the localization head: ``cls_accuracy`` and ``box_iou`` in Keras' logs."""
    return {"cls": [keras.metrics.SparseCategoricalAccuracy(name="accuracy")], "box": [BoxIoU()]}


def localization_summary(
    true_xyxy: np.ndarray, pred_xyxy: np.ndarray, true_classes: np.ndarray, pred_classes: np.ndarray
) -> dict[str, float]:
    """The loc head's figures over N images (one ground-truth box, the largest, per image).

    Args:
        true_xyxy, pred_xyxy: (N, 4) xyxy boxes in one space (normalized or pixels).
        true_classes, pred_classes: (N,) class indices.

    Returns:
        ``n_images``, ``mean_iou``, ``iou50_rate`` (share of images with IoU >= 0.5) and ``accuracy``.
    """
    n = int(len(true_classes))
    if n == 0:
        return {"n_images": 0, "mean_iou": 0.0, "iou50_rate": 0.0, "accuracy": 0.0}
    iou = paired_iou(true_xyxy, pred_xyxy)
    return {
        "n_images": n,
        "mean_iou": float(iou.mean()),
        "iou50_rate": float((iou >= 0.5).mean()),
        "accuracy": float((np.asarray(true_classes) == np.asarray(pred_classes)).mean()),
    }
