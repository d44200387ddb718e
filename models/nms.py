"""Box overlap and non-max suppression, plain numpy (used by grid decoding, prediction and the mAP metric).

Boxes are xyxy; any consistent space works (normalized to the image or image pixels), since IoU does not care.
"""

from __future__ import annotations

import numpy as np


def iou_xyxy(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Pairwise IoU of two sets of xyxy boxes.

    Args:
        a: (N, 4) xyxy boxes.
        b: (M, 4) xyxy boxes in the same space.

    Returns:
        (N, M) float64 IoU; 0 where a union is empty (degenerate boxes).
    """
    a = np.asarray(a, np.float64).reshape(-1, 4)
    b = np.asarray(b, np.float64).reshape(-1, 4)
    iw = np.minimum(a[:, None, 2], b[None, :, 2]) - np.maximum(a[:, None, 0], b[None, :, 0])
    ih = np.minimum(a[:, None, 3], b[None, :, 3]) - np.maximum(a[:, None, 1], b[None, :, 1])
    inter = np.clip(iw, 0, None) * np.clip(ih, 0, None)
    area_a = np.clip(a[:, 2] - a[:, 0], 0, None) * np.clip(a[:, 3] - a[:, 1], 0, None)
    area_b = np.clip(b[:, 2] - b[:, 0], 0, None) * np.clip(b[:, 3] - b[:, 1], 0, None)
    union = area_a[:, None] + area_b[None, :] - inter
    return np.divide(inter, union, out=np.zeros_like(inter), where=union > 0)


def nms(boxes: np.ndarray, scores: np.ndarray, iou_threshold: float = 0.45) -> np.ndarray:
    """Greedy non-max suppression over one set of boxes (class-agnostic).

    A box is dropped when its IoU with a higher-scoring kept box is strictly greater than ``iou_threshold``.
    Equal scores keep the earlier box first.

    Args:
        boxes: (N, 4) xyxy boxes.
        scores: (N,) scores.
        iou_threshold: overlap above which the lower-scoring box is suppressed, in [0, 1].

    Returns:
        int64 indices into ``boxes`` of the kept boxes, highest score first.
    """
    if not 0.0 <= iou_threshold <= 1.0:
        raise ValueError(f"iou_threshold must be in [0, 1], got {iou_threshold!r}")
    boxes = np.asarray(boxes, np.float64).reshape(-1, 4)
    scores = np.asarray(scores, np.float64).reshape(-1)
    if len(boxes) != len(scores):
        raise ValueError(f"{len(boxes)} boxes but {len(scores)} scores")
    order = np.argsort(-scores, kind="stable")
    keep: list[int] = []
    while order.size:
        i = int(order[0])
        keep.append(i)
        if order.size == 1:
            break
        overlaps = iou_xyxy(boxes[i : i + 1], boxes[order[1:]])[0]
        order = order[1:][overlaps <= iou_threshold]
    return np.asarray(keep, np.int64)


def batched_nms(
    boxes: np.ndarray,
    scores: np.ndarray,
    classes: np.ndarray,
    *,
    iou_threshold: float = 0.45,
    score_threshold: float = 0.0,
    max_detections: int = 100,
) -> np.ndarray:
    """Per-class NMS: boxes of different classes never suppress each other.

    Args:
        boxes: (N, 4) xyxy boxes.
        scores: (N,) scores.
        classes: (N,) integer class indices.
        iou_threshold: see `nms`.
        score_threshold: boxes with a score below it are dropped first.
        max_detections: the most boxes returned overall.

    Returns:
        int64 indices of the kept boxes over all classes, highest score first.
    """
    boxes = np.asarray(boxes, np.float64).reshape(-1, 4)
    scores = np.asarray(scores, np.float64).reshape(-1)
    classes = np.asarray(classes).reshape(-1)
    candidates = np.flatnonzero(scores >= score_threshold)
    kept: list[np.ndarray] = []
    for c in np.unique(classes[candidates]):
        idx = candidates[classes[candidates] == c]
        kept.append(idx[nms(boxes[idx], scores[idx], iou_threshold)])
    if not kept:
        return np.zeros((0,), np.int64)
    all_kept = np.concatenate(kept)
    order = np.argsort(-scores[all_kept], kind="stable")
    return all_kept[order][:max_detections].astype(np.int64)
