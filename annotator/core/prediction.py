"""What a model says about one image, as plain numpy: the currency between the model worker and the UI.

Every box here is xyxy in continuous image pixels of the displayed frame (EXIF applied), the same space as
`annotator.core.annotation.BoxObject`. Class indices point into ``class_names`` (no background entry), except
``mask`` where 0 is background and ``k + 1`` is ``class_names[k]``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np


def _empty_boxes() -> np.ndarray:
    return np.zeros((0, 4), np.float32)


def _empty(dtype: type = np.float32) -> np.ndarray:
    return np.zeros((0,), dtype)


@dataclass
class Prediction:
    """One image's predictions from every head the model has.

    Attributes:
        image_id: the image's path as the request named it; results for an image no longer shown are dropped.
        width, height: the image size the boxes refer to (displayed frame).
        class_names: the model's classes.
        boxes, scores, classes: final detections after thresholds and NMS, xyxy image pixels, (N, 4) / (N,) / (N,).
            From the grid head when the model has one, else the localization head's single box.
        loc_box: the localization head's box, xyxy image pixels, shape (4,), or None.
        loc_probs: the classification head's softmax over ``class_names``, shape (C,), or None.
        raw_boxes, raw_scores, raw_classes: grid detections above the score threshold before NMS.
        objectness: grid objectness after the sigmoid, shape (S_rows, S_cols, B), or None.
        anchors: the grid head's anchors as (width, height) normalized to the input, shape (B, 2), or None.
        mask: per-pixel class index in image pixels, shape (height, width), uint8, 0 = background, or None.
        cam: the "why this class" heat map of class ``cam_class`` (Grad-CAM of the loc head's class decision,
            `annotator.core.cam`): float32 in 0..1 over the whole image, shape (height, width) scaled down to
            `annotator.core.cam.CAM_MAX_SIDE` on the longer side for larger images; None unless asked for.
        cam_class: the class index ``cam`` explains, -1 without a heat map.
        latency_ms: time the model took for this image (decode + forward + post-processing).
    """

    image_id: str
    width: int
    height: int
    class_names: list[str]
    boxes: np.ndarray = field(default_factory=_empty_boxes)
    scores: np.ndarray = field(default_factory=_empty)
    classes: np.ndarray = field(default_factory=lambda: _empty(np.int32))
    loc_box: np.ndarray | None = None
    loc_probs: np.ndarray | None = None
    raw_boxes: np.ndarray = field(default_factory=_empty_boxes)
    raw_scores: np.ndarray = field(default_factory=_empty)
    raw_classes: np.ndarray = field(default_factory=lambda: _empty(np.int32))
    objectness: np.ndarray | None = None
    anchors: np.ndarray | None = None
    mask: np.ndarray | None = None
    cam: np.ndarray | None = None
    cam_class: int = -1
    latency_ms: float = 0.0

    @property
    def grid_shape(self) -> tuple[int, int] | None:
        """(rows, cols) of the grid head's cells, or None without a grid head."""
        if self.objectness is None:
            return None
        return int(self.objectness.shape[0]), int(self.objectness.shape[1])
