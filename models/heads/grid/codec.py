"""The grid detector's target encoding and decoding (YOLOv2/v3 style), plain numpy.

Layout. The input (``H x W``, both multiples of 32) maps to ``S_r x S_c = H/32 x W/32`` cells. Each cell has
``B`` anchors; each anchor has ``5 + C`` numbers, so a raw head output is ``(S_r, S_c, B * (5 + C))`` (one
image; a leading batch axis is allowed where said). Per anchor, the raw numbers are logits::

    [tx, ty, tw, th, to, class logits (C)]

and decode as (boxes in cxcywh normalized to the input, i.e. to the resized image)::

    cx = (col + sigmoid(tx)) / S_c        cy = (row + sigmoid(ty)) / S_r
    w  = anchor_w * exp(tw)               h  = anchor_h * exp(th)
    objectness = sigmoid(to)              class probabilities = softmax(class logits)
    score = objectness * max class probability

Targets have the same shape as the raw output, so a Keras loss sees equal shapes. Per anchor::

    [cx, cy, w, h, owned, one-hot class (C)]

with the box in cxcywh normalized to the input, ``owned = 1`` for the one anchor that owns a ground-truth box
(the cell holding the box centre, the anchor with the best centred IoU to the box) and zeros elsewhere.
If that anchor is already taken by another box, the next best anchor of the same cell takes it; a box is lost
only when all ``B`` anchors of its cell are taken (counted in `EncodeStats`).

Anchors are ``(w, h)`` normalized to the input (see `models.heads.grid.anchors`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from annotator.core.geometry import DEFAULT_NMS_IOU, DEFAULT_SCORE_THRESHOLD, batched_nms, cxcywh_to_xyxy
from models.heads.grid.anchors import wh_iou

STRIDE = 32
_MAX_LOGIT = 20.0


def grid_shape_for(image_size: int | tuple[int, int]) -> tuple[int, int]:
    """Cells ``(S_r, S_c)`` for an input size ``N`` (square) or ``(height, width)``; each a multiple of 32."""
    h, w = (image_size, image_size) if isinstance(image_size, int) else image_size
    for name, v in (("height", h), ("width", w)):
        if v <= 0 or v % STRIDE:
            raise ValueError(f"input {name} must be a positive multiple of {STRIDE}, got {v!r}")
    return h // STRIDE, w // STRIDE


def channels_per_anchor(num_classes: int) -> int:
    """``5 + num_classes``: box (4), objectness (1), class logits."""
    return 5 + num_classes


@dataclass
class EncodeStats:
    """What happened to the boxes given to `encode_targets`.

    Attributes:
        encoded: boxes that own an anchor.
        moved: boxes that took their cell's next best anchor because the best one was taken.
        lost: boxes not encoded because every anchor of their cell was taken.
        skipped: padding rows or degenerate boxes (width or height <= 0 after clipping, class < 0).
    """

    encoded: int = 0
    moved: int = 0
    lost: int = 0
    skipped: int = 0


def encode_targets(
    boxes: np.ndarray,
    classes: np.ndarray,
    anchors: np.ndarray,
    grid_shape: tuple[int, int],
    num_classes: int,
    stats: EncodeStats | None = None,
) -> np.ndarray:
    """The grid target for one image.

    Args:
        boxes: (N, 4) xyxy normalized to the input (0..1). Rows with zero or negative size after clipping to
            [0, 1], or with a negative class, are padding and skipped.
        classes: (N,) class indices in ``[0, num_classes)`` (no background entry); -1 marks padding.
        anchors: (B, 2) anchor ``(w, h)`` normalized to the input.
        grid_shape: ``(S_r, S_c)``.
        num_classes: C.
        stats: when given, filled with counts of encoded / moved / lost / skipped boxes.

    Returns:
        float32 ``(S_r, S_c, B * (5 + C))`` target (layout in the module docstring).
    """
    anchors = np.asarray(anchors, np.float64).reshape(-1, 2)
    n_anchors = len(anchors)
    rows, cols = grid_shape
    depth = channels_per_anchor(num_classes)
    target = np.zeros((rows, cols, n_anchors, depth), np.float32)
    stats = stats if stats is not None else EncodeStats()
    boxes = np.clip(np.asarray(boxes, np.float64).reshape(-1, 4), 0.0, 1.0)
    classes = np.asarray(classes).reshape(-1).astype(np.int64)
    if len(classes) != len(boxes):
        raise ValueError(f"{len(boxes)} boxes but {len(classes)} classes")
    if np.any(classes >= num_classes):
        raise ValueError(f"class index {int(classes.max())} out of range for {num_classes} classes")
    w = boxes[:, 2] - boxes[:, 0]
    h = boxes[:, 3] - boxes[:, 1]
    valid = (w > 0) & (h > 0) & (classes >= 0)
    stats.skipped += int((~valid).sum())
    # Larger boxes first, so a small box never pushes a large one out of its best anchor.
    order = [i for i in np.argsort(-(w * h), kind="stable") if valid[i]]
    for i in order:
        cx = (boxes[i, 0] + boxes[i, 2]) / 2
        cy = (boxes[i, 1] + boxes[i, 3]) / 2
        col = min(int(cx * cols), cols - 1)
        row = min(int(cy * rows), rows - 1)
        ranked = np.argsort(-wh_iou(np.array([[w[i], h[i]]]), anchors)[0], kind="stable")
        free = [a for a in ranked if target[row, col, a, 4] == 0]
        if not free:
            stats.lost += 1
            continue
        a = free[0]
        stats.moved += int(a != ranked[0])
        stats.encoded += 1
        target[row, col, a, :4] = (cx, cy, w[i], h[i])
        target[row, col, a, 4] = 1.0
        target[row, col, a, 5 + classes[i]] = 1.0
    return target.reshape(rows, cols, n_anchors * depth)


def targets_to_boxes(target: np.ndarray, num_classes: int) -> tuple[np.ndarray, np.ndarray]:
    """The ground truth stored in a target: ``(boxes (N, 4) xyxy normalized, classes (N,))``, row-major order."""
    t = _split(target, num_classes)
    owned = t[..., 4] > 0.5
    cxcywh = t[owned][:, :4].astype(np.float64)
    classes = t[owned][:, 5:].argmax(axis=-1).astype(np.int32)
    return cxcywh_to_xyxy(cxcywh).reshape(-1, 4), classes


def ideal_logits(target: np.ndarray, anchors: np.ndarray, num_classes: int) -> np.ndarray:
    """Raw head outputs that decode exactly to ``target``: what a perfect grid head would output.

    Owned anchors get the box, objectness logit +20 and class logit +20 on the true class; every other
    anchor gets objectness -20. Used by tests (round trips, a loss that is ~0 at the optimum).
    """
    t = _split(target, num_classes).astype(np.float64)
    rows, cols, n_anchors, depth = t.shape
    anchors = np.asarray(anchors, np.float64).reshape(1, 1, n_anchors, 2)
    col_idx = np.arange(cols).reshape(1, cols, 1)
    row_idx = np.arange(rows).reshape(rows, 1, 1)
    owned = t[..., 4] > 0.5
    off_x = np.clip(t[..., 0] * cols - col_idx, 1e-6, 1 - 1e-6)
    off_y = np.clip(t[..., 1] * rows - row_idx, 1e-6, 1 - 1e-6)
    wh = np.where(owned[..., None], t[..., 2:4], anchors)
    out = np.zeros_like(t)
    out[..., 0] = np.where(owned, np.log(off_x / (1 - off_x)), 0.0)
    out[..., 1] = np.where(owned, np.log(off_y / (1 - off_y)), 0.0)
    out[..., 2:4] = np.log(np.maximum(wh, 1e-9) / anchors)
    out[..., 4] = np.where(owned, _MAX_LOGIT, -_MAX_LOGIT)
    out[..., 5:] = np.where(owned[..., None], (t[..., 5:] * 2 - 1) * _MAX_LOGIT, 0.0)
    return out.reshape(rows, cols, n_anchors * depth).astype(np.float32)


@dataclass
class DecodedGrid:
    """Every anchor's prediction for one image, flattened in (row, col, anchor) order.

    Attributes:
        boxes: (P, 4) xyxy normalized to the input, clipped to [0, 1].
        objectness: (P,) sigmoid of the objectness logit.
        class_probs: (P, C) softmax over the classes.
        scores: (P,) objectness times the best class probability.
        classes: (P,) the best class.
        grid_shape: (S_r, S_c); ``objectness.reshape(S_r, S_c, B)`` gives the per-cell map.
    """

    boxes: np.ndarray
    objectness: np.ndarray
    class_probs: np.ndarray
    scores: np.ndarray
    classes: np.ndarray
    grid_shape: tuple[int, int]


def decode(raw: np.ndarray, anchors: np.ndarray, num_classes: int) -> DecodedGrid:
    """Decode one image's raw grid output (``(S_r, S_c, B * (5 + C))`` logits) into boxes and scores."""
    t = _split(raw, num_classes).astype(np.float64)
    rows, cols, n_anchors, _ = t.shape
    anchors = np.asarray(anchors, np.float64).reshape(1, 1, n_anchors, 2)
    col_idx = np.arange(cols).reshape(1, cols, 1)
    row_idx = np.arange(rows).reshape(rows, 1, 1)
    cx = (col_idx + _sigmoid(t[..., 0])) / cols
    cy = (row_idx + _sigmoid(t[..., 1])) / rows
    wh = anchors * np.exp(np.clip(t[..., 2:4], -_MAX_LOGIT, _MAX_LOGIT / 2))
    cxcywh = np.stack([cx, cy, wh[..., 0], wh[..., 1]], axis=-1).reshape(-1, 4)
    boxes = np.clip(cxcywh_to_xyxy(cxcywh), 0.0, 1.0)
    objectness = _sigmoid(t[..., 4]).reshape(-1)
    logits = t[..., 5:].reshape(-1, num_classes)
    logits = logits - logits.max(axis=1, keepdims=True)
    probs = np.exp(logits)
    probs /= probs.sum(axis=1, keepdims=True)
    classes = probs.argmax(axis=1).astype(np.int32)
    scores = objectness * probs.max(axis=1)
    return DecodedGrid(
        boxes=boxes.astype(np.float32),
        objectness=objectness.astype(np.float32),
        class_probs=probs.astype(np.float32),
        scores=scores.astype(np.float32),
        classes=classes,
        grid_shape=(rows, cols),
    )


@dataclass
class Detections:
    """Final detections of one image: xyxy normalized boxes (N, 4), scores (N,), classes (N,), best first."""

    boxes: np.ndarray
    scores: np.ndarray
    classes: np.ndarray


def detect(
    raw: np.ndarray,
    anchors: np.ndarray,
    num_classes: int,
    *,
    score_threshold: float = DEFAULT_SCORE_THRESHOLD,
    nms_iou: float = DEFAULT_NMS_IOU,
    max_detections: int = 100,
) -> tuple[Detections, DecodedGrid]:
    """Decode, drop scores below ``score_threshold``, then per-class NMS at ``nms_iou``.

    Returns:
        ``(detections, decoded)``: the final boxes (normalized xyxy) and every anchor's decoded prediction
        (for the raw overlay and the objectness map).
    """
    decoded = decode(raw, anchors, num_classes)
    keep = batched_nms(
        decoded.boxes,
        decoded.scores,
        decoded.classes,
        iou_threshold=nms_iou,
        score_threshold=score_threshold,
        max_detections=max_detections,
    )
    dets = Detections(decoded.boxes[keep], decoded.scores[keep], decoded.classes[keep])
    return dets, decoded


def _split(arr: np.ndarray, num_classes: int) -> np.ndarray:
    arr = np.asarray(arr)
    depth = channels_per_anchor(num_classes)
    if arr.ndim != 3 or arr.shape[-1] % depth:
        raise ValueError(
            f"grid tensor must be (S_r, S_c, B * {depth}) for {num_classes} classes, got {arr.shape}"
        )
    return arr.reshape(arr.shape[0], arr.shape[1], arr.shape[2] // depth, depth)


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-np.clip(x, -60, 60)))
