"""Metrics: the box IoU reported during training and the numpy figures used by `models.evaluate`.

Training-time boxes are **normalized cxcywh**; the numpy helpers say their format in each docstring.
"""

from __future__ import annotations

import keras
import numpy as np

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


def pairwise_iou_xyxy(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """IoU of row i of ``a`` with row i of ``b``; both (N, 4) xyxy in the same space. Returns (N,)."""
    a = np.asarray(a, np.float64).reshape(-1, 4)
    b = np.asarray(b, np.float64).reshape(-1, 4)
    iw = np.clip(np.minimum(a[:, 2], b[:, 2]) - np.maximum(a[:, 0], b[:, 0]), 0, None)
    ih = np.clip(np.minimum(a[:, 3], b[:, 3]) - np.maximum(a[:, 1], b[:, 1]), 0, None)
    inter = iw * ih
    area_a = np.clip(a[:, 2] - a[:, 0], 0, None) * np.clip(a[:, 3] - a[:, 1], 0, None)
    area_b = np.clip(b[:, 2] - b[:, 0], 0, None) * np.clip(b[:, 3] - b[:, 1], 0, None)
    union = area_a + area_b - inter
    return np.where(union > 0, inter / np.maximum(union, 1e-12), 0.0)


def cxcywh_to_xyxy_np(boxes: np.ndarray) -> np.ndarray:
    """(N, 4) cxcywh -> (N, 4) xyxy, in whatever space the input is (normalized or pixels)."""
    b = np.asarray(boxes, np.float64).reshape(-1, 4)
    return np.stack(
        [b[:, 0] - b[:, 2] / 2, b[:, 1] - b[:, 3] / 2, b[:, 0] + b[:, 2] / 2, b[:, 1] + b[:, 3] / 2], 1
    )


def xyxy_to_cxcywh_np(boxes: np.ndarray) -> np.ndarray:
    """(N, 4) xyxy -> (N, 4) cxcywh, in whatever space the input is."""
    b = np.asarray(boxes, np.float64).reshape(-1, 4)
    return np.stack(
        [(b[:, 0] + b[:, 2]) / 2, (b[:, 1] + b[:, 3]) / 2, b[:, 2] - b[:, 0], b[:, 3] - b[:, 1]], 1
    )


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
    iou = pairwise_iou_xyxy(true_xyxy, pred_xyxy)
    return {
        "n_images": n,
        "mean_iou": float(iou.mean()),
        "iou50_rate": float((iou >= 0.5).mean()),
        "accuracy": float((np.asarray(true_classes) == np.asarray(pred_classes)).mean()),
    }
