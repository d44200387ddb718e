"""Box geometry with numpy, vectorised over any number of boxes.

Formats (the last axis always has 4 numbers):

- ``xyxy``: ``(xmin, ymin, xmax, ymax)`` edges, the project's format (see `annotator.core.annotation`);
- ``cxcywh``: ``(centre x, centre y, width, height)``.

Spaces: *image pixels* are continuous pixels of the displayed frame (EXIF applied), origin at the top-left
corner of the top-left pixel; *normalized* means x divided by the image width and y by the image height, so the
image spans ``[0, 1]`` on both axes. Functions keep the space of their input unless their name says otherwise.
Inputs may be lists, tuples or arrays of shape ``(..., 4)``; outputs are ``float64`` arrays of the same shape.

This is the project's one implementation of IoU, non-max suppression and the box conversions, and the one place
the default thresholds are written: the window, ``render``, the metrics, grid decoding, prediction and the
model worker all use it. TensorFlow twins live in ``models`` only where a graph needs them, tested equal to these.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

__all__ = [
    "DEFAULT_MATCH_IOU",
    "DEFAULT_NMS_IOU",
    "DEFAULT_SCORE_THRESHOLD",
    "PREDICT_SCORE_FLOOR",
    "Matches",
    "batched_nms",
    "box_area",
    "clip_xyxy",
    "cxcywh_to_xyxy",
    "denormalize_xyxy",
    "iou_matrix",
    "match_boxes",
    "nms",
    "normalize_xyxy",
    "paired_iou",
    "xyxy_array",
    "xyxy_to_cxcywh",
]

DEFAULT_SCORE_THRESHOLD = 0.3
"""Predictions scoring below this are not shown, not written by ``predict`` and not counted in precision and
recall, unless the user picks another threshold."""
DEFAULT_NMS_IOU = 0.45
"""Non-max suppression drops a box whose IoU with a better box of its class is above this."""
DEFAULT_MATCH_IOU = 0.5
"""A prediction matches a ground-truth box at this IoU or more (below it: a miss and a false alarm)."""
PREDICT_SCORE_FLOOR = 0.05
"""The window and ``render`` ask the model worker for every detection at or above this score, so that the
score slider (which filters in `annotator.core.overlay_scene`) can go down without asking the model again."""


def _boxes(boxes, name: str = "boxes") -> np.ndarray:
    arr = np.asarray(boxes, dtype=np.float64)
    if arr.size == 0 and arr.shape[-1:] != (4,):
        return arr.reshape(0, 4)
    if arr.ndim == 0 or arr.shape[-1] != 4:
        raise ValueError(f"{name} must have shape (..., 4), got {arr.shape}")
    return arr


def xyxy_array(objects: Iterable) -> np.ndarray:
    """``(N, 4)`` xyxy array from objects with an ``xyxy()`` method (e.g. `BoxObject`) or 4-sequences.

    Same space as the input (image pixels for `BoxObject`); an empty input gives shape ``(0, 4)``.
    """
    rows = [o.xyxy() if hasattr(o, "xyxy") else tuple(o) for o in objects]
    return _boxes(np.asarray(rows, dtype=np.float64).reshape(-1, 4))


def xyxy_to_cxcywh(boxes) -> np.ndarray:
    """xyxy -> cxcywh, any space (pixels in, pixels out; normalized in, normalized out)."""
    b = _boxes(boxes)
    out = np.empty_like(b)
    out[..., 0] = (b[..., 0] + b[..., 2]) / 2
    out[..., 1] = (b[..., 1] + b[..., 3]) / 2
    out[..., 2] = b[..., 2] - b[..., 0]
    out[..., 3] = b[..., 3] - b[..., 1]
    return out


def cxcywh_to_xyxy(boxes) -> np.ndarray:
    """cxcywh -> xyxy, any space; the exact inverse of `xyxy_to_cxcywh` (up to float rounding)."""
    b = _boxes(boxes)
    out = np.empty_like(b)
    half_w = b[..., 2] / 2
    half_h = b[..., 3] / 2
    out[..., 0] = b[..., 0] - half_w
    out[..., 1] = b[..., 1] - half_h
    out[..., 2] = b[..., 0] + half_w
    out[..., 3] = b[..., 1] + half_h
    return out


def _check_size(width: float, height: float) -> None:
    if not (width > 0 and height > 0):
        raise ValueError(f"image size must be positive, got width={width!r}, height={height!r}")


def normalize_xyxy(boxes, width: float, height: float) -> np.ndarray:
    """xyxy in image pixels -> xyxy normalized to ``[0, 1]`` (not clipped: a box outside stays outside).

    Raises:
        ValueError: a non-positive width or height.
    """
    _check_size(width, height)
    return _boxes(boxes) / np.array([width, height, width, height], dtype=np.float64)


def denormalize_xyxy(boxes, width: float, height: float) -> np.ndarray:
    """xyxy normalized -> xyxy in image pixels of an image ``width`` x ``height``."""
    _check_size(width, height)
    return _boxes(boxes) * np.array([width, height, width, height], dtype=np.float64)


def clip_xyxy(boxes, width: float, height: float) -> np.ndarray:
    """Clip xyxy boxes in image pixels to the image ``[0, width] x [0, height]``.

    A box entirely outside becomes a zero-area box on the border; callers that must not keep it filter with
    `box_area`. For normalized boxes pass ``width = height = 1``.
    """
    b = _boxes(boxes).copy()
    b[..., 0::2] = np.clip(b[..., 0::2], 0.0, float(width))
    b[..., 1::2] = np.clip(b[..., 1::2], 0.0, float(height))
    return b


def box_area(boxes) -> np.ndarray:
    """Area of xyxy boxes (square pixels, or a fraction of the image for normalized boxes); inverted -> 0."""
    b = _boxes(boxes)
    return np.clip(b[..., 2] - b[..., 0], 0.0, None) * np.clip(b[..., 3] - b[..., 1], 0.0, None)


def _iou(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """IoU of xyxy boxes ``a`` and ``b`` broadcast against each other over their leading axes."""
    iw = np.clip(np.minimum(a[..., 2], b[..., 2]) - np.maximum(a[..., 0], b[..., 0]), 0.0, None)
    ih = np.clip(np.minimum(a[..., 3], b[..., 3]) - np.maximum(a[..., 1], b[..., 1]), 0.0, None)
    inter = iw * ih
    union = box_area(a) + box_area(b) - inter
    with np.errstate(divide="ignore", invalid="ignore"):
        iou = np.where(union > 0, inter / np.where(union > 0, union, 1.0), 0.0)
    return np.clip(iou, 0.0, 1.0)


def iou_matrix(a, b) -> np.ndarray:
    """Intersection over union of every box of ``a`` with every box of ``b``.

    Args:
        a: ``(N, 4)`` xyxy boxes; b: ``(M, 4)`` xyxy boxes, in the same space (pixels or normalized).

    Returns:
        ``(N, M)`` float64 in ``[0, 1]``; ``(0, M)`` / ``(N, 0)`` for empty inputs. Two boxes whose union has
        zero area (degenerate boxes) have IoU 0, never NaN.
    """
    a = _boxes(a, "a").reshape(-1, 4)
    b = _boxes(b, "b").reshape(-1, 4)
    if len(a) == 0 or len(b) == 0:
        return np.zeros((len(a), len(b)), dtype=np.float64)
    return _iou(a[:, None, :], b[None, :, :])


def paired_iou(a, b) -> np.ndarray:
    """IoU of row ``i`` of ``a`` with row ``i`` of ``b`` (the diagonal of `iou_matrix`, without the matrix).

    Args:
        a, b: ``(N, 4)`` xyxy boxes in the same space (pixels or normalized).

    Returns:
        ``(N,)`` float64 in ``[0, 1]``; 0 where a union has zero area.

    Raises:
        ValueError: ``a`` and ``b`` hold different numbers of boxes.
    """
    a = _boxes(a, "a").reshape(-1, 4)
    b = _boxes(b, "b").reshape(-1, 4)
    if len(a) != len(b):
        raise ValueError(f"paired_iou needs as many boxes in a as in b, got {len(a)} and {len(b)}")
    return _iou(a, b)


def nms(boxes, scores, iou_threshold: float = DEFAULT_NMS_IOU) -> np.ndarray:
    """Greedy non-max suppression over one set of boxes (class-agnostic).

    A box is dropped when its IoU with a higher-scoring kept box is strictly greater than ``iou_threshold``
    (at 1 nothing is dropped; at 0 any overlap is). Equal scores keep the earlier box first.

    Args:
        boxes: ``(N, 4)`` xyxy boxes, any one space (IoU does not care).
        scores: ``(N,)`` scores.
        iou_threshold: overlap above which the lower-scoring box is suppressed, in ``[0, 1]``.

    Returns:
        int64 indices into ``boxes`` of the kept boxes, highest score first.

    Raises:
        ValueError: a threshold outside ``[0, 1]``, or not as many scores as boxes.
    """
    if not 0.0 <= iou_threshold <= 1.0:
        raise ValueError(f"iou_threshold must be in [0, 1], got {iou_threshold!r}")
    boxes = _boxes(boxes).reshape(-1, 4)
    scores = np.asarray(scores, np.float64).reshape(-1)
    if len(boxes) != len(scores):
        raise ValueError(f"{len(boxes)} boxes but {len(scores)} scores")
    order = np.argsort(-scores, kind="stable")
    keep: list[int] = []
    while order.size:
        i = int(order[0])
        keep.append(i)
        overlaps = _iou(boxes[i], boxes[order[1:]])
        order = order[1:][overlaps <= iou_threshold]
    return np.asarray(keep, np.int64)


def batched_nms(
    boxes,
    scores,
    classes,
    *,
    iou_threshold: float = DEFAULT_NMS_IOU,
    score_threshold: float | None = None,
    max_detections: int | None = None,
) -> np.ndarray:
    """Per-class NMS (`nms` within each class): boxes of different classes never suppress each other.

    Args:
        boxes: ``(N, 4)`` xyxy boxes, any one space.
        scores: ``(N,)`` scores.
        classes: ``(N,)`` class labels (ints or strings).
        iou_threshold: see `nms`.
        score_threshold: boxes scoring below it are dropped first; None keeps every box.
        max_detections: the most boxes returned overall (the best ones); None returns all kept.

    Returns:
        int64 indices of the kept boxes over all classes, highest score first; equal scores keep the lower
        index first, whatever their classes.

    Raises:
        ValueError: a threshold outside ``[0, 1]``, or arrays of different lengths.
    """
    boxes = _boxes(boxes).reshape(-1, 4)
    scores = np.asarray(scores, np.float64).reshape(-1)
    classes = np.asarray(classes).reshape(-1)
    if not len(boxes) == len(scores) == len(classes):
        raise ValueError(f"{len(boxes)} boxes, {len(scores)} scores and {len(classes)} classes")
    candidates = np.arange(len(scores))
    if score_threshold is not None:
        candidates = np.flatnonzero(scores >= score_threshold)
    kept = [np.zeros(0, np.int64)]
    for c in np.unique(classes[candidates]):
        idx = candidates[classes[candidates] == c]
        kept.append(idx[nms(boxes[idx], scores[idx], iou_threshold)])
    all_kept = np.sort(np.concatenate(kept))
    ranked = all_kept[np.argsort(-scores[all_kept], kind="stable")]
    return ranked if max_detections is None else ranked[:max_detections]


@dataclass(frozen=True)
class Matches:
    """One-to-one matching between ground-truth and predicted boxes of one image.

    Attributes:
        gt_indices, pred_indices, ious: the matched pairs, ``(K,)`` each, in matching order (K = true
            positives); every pair has ``iou >= iou_threshold``.
        unmatched_gt: ``(N - K,)`` indices of ground-truth boxes no prediction matched (misses), ascending.
        unmatched_pred: ``(M - K,)`` indices of predictions that matched nothing (false alarms), ascending.
        gt_to_pred: ``(N,)`` matched prediction index per ground-truth box, -1 when unmatched.
        pred_to_gt: ``(M,)`` matched ground-truth index per prediction, -1 when unmatched.
        best_iou_per_gt: ``(N,)`` highest IoU of each ground-truth box with any prediction (of its class when
            classes were given), whatever the threshold; 0 when there is none.
        iou: the full ``(N, M)`` IoU matrix.
    """

    gt_indices: np.ndarray
    pred_indices: np.ndarray
    ious: np.ndarray
    unmatched_gt: np.ndarray
    unmatched_pred: np.ndarray
    gt_to_pred: np.ndarray
    pred_to_gt: np.ndarray
    best_iou_per_gt: np.ndarray
    iou: np.ndarray

    @property
    def pairs(self) -> list[tuple[int, int, float]]:
        """The matched pairs as ``(gt_index, pred_index, iou)`` tuples."""
        return [
            (int(g), int(p), float(v))
            for g, p, v in zip(self.gt_indices, self.pred_indices, self.ious, strict=True)
        ]

    @property
    def mean_iou(self) -> float:
        """Mean over ground-truth boxes of `best_iou_per_gt` (a miss counts 0); NaN without ground truth."""
        return float(self.best_iou_per_gt.mean()) if self.best_iou_per_gt.size else float("nan")

    @property
    def mean_matched_iou(self) -> float:
        """Mean IoU of the matched pairs only; NaN when nothing matched."""
        return float(self.ious.mean()) if self.ious.size else float("nan")

    @property
    def true_positives(self) -> int:
        return int(self.ious.size)

    @property
    def false_positives(self) -> int:
        return int(self.unmatched_pred.size)

    @property
    def false_negatives(self) -> int:
        return int(self.unmatched_gt.size)


def match_boxes(
    gt,
    pred,
    iou_threshold: float = DEFAULT_MATCH_IOU,
    pred_scores=None,
    *,
    gt_classes=None,
    pred_classes=None,
) -> Matches:
    """Match predictions to ground truth one-to-one, greedily.

    Without scores, the pair with the highest IoU is matched first, then the next highest among the boxes
    left, and so on (ties: lower gt index, then lower prediction index). With ``pred_scores``, predictions are
    taken from the most to the least confident (ties: higher IoU first, then lower index), each matched to the
    unmatched ground-truth box it overlaps most: the COCO / VOC evaluation rule. A pair needs
    ``iou >= iou_threshold``.

    Args:
        gt: ``(N, 4)`` xyxy ground-truth boxes; pred: ``(M, 4)`` xyxy predictions, in the same space.
        iou_threshold: the minimum IoU of a match, in ``[0, 1]``.
        pred_scores: optional ``(M,)`` confidences.
        gt_classes, pred_classes: optional ``(N,)`` / ``(M,)`` labels (ints or strings); when both are given,
            only boxes of the same class can match (and `Matches.best_iou_per_gt` only looks at those).

    Raises:
        ValueError: mismatched lengths, a threshold outside ``[0, 1]``, or only one of the class arrays.
    """
    if not 0.0 <= iou_threshold <= 1.0:
        raise ValueError(f"iou_threshold must be between 0 and 1, got {iou_threshold!r}")
    gt_b = _boxes(gt, "gt").reshape(-1, 4)
    pred_b = _boxes(pred, "pred").reshape(-1, 4)
    n, m = len(gt_b), len(pred_b)
    iou = iou_matrix(gt_b, pred_b)
    allowed = iou
    if (gt_classes is None) != (pred_classes is None):
        raise ValueError("give both gt_classes and pred_classes, or neither")
    if gt_classes is not None:
        gc, pc = np.asarray(gt_classes), np.asarray(pred_classes)
        if gc.shape != (n,) or pc.shape != (m,):
            raise ValueError(
                f"class arrays must have shapes ({n},) and ({m},), got {gc.shape} and {pc.shape}"
            )
        allowed = np.where(gc[:, None] == pc[None, :], iou, 0.0) if n and m else iou
    gt_to_pred = np.full(n, -1, dtype=np.int64)
    pred_to_gt = np.full(m, -1, dtype=np.int64)
    order_g: list[int] = []
    order_p: list[int] = []
    if n and m:
        if pred_scores is not None:
            scores = np.asarray(pred_scores, dtype=np.float64).reshape(-1)
            if scores.shape != (m,):
                raise ValueError(f"pred_scores must have shape ({m},), got {scores.shape}")
            best = allowed.max(axis=0)
            for p in np.lexsort((np.arange(m), -best, -scores)):
                row = np.where(gt_to_pred < 0, allowed[:, p], -1.0)
                g = int(np.argmax(row))
                if row[g] >= iou_threshold and row[g] > 0:
                    gt_to_pred[g], pred_to_gt[p] = p, g
                    order_g.append(g)
                    order_p.append(int(p))
        else:
            gi, pi = np.nonzero((allowed >= iou_threshold) & (allowed > 0))
            values = allowed[gi, pi]
            for k in np.lexsort((pi, gi, -values)):
                g, p = int(gi[k]), int(pi[k])
                if gt_to_pred[g] < 0 and pred_to_gt[p] < 0:
                    gt_to_pred[g], pred_to_gt[p] = p, g
                    order_g.append(g)
                    order_p.append(p)
    g_idx = np.asarray(order_g, dtype=np.int64)
    p_idx = np.asarray(order_p, dtype=np.int64)
    return Matches(
        gt_indices=g_idx,
        pred_indices=p_idx,
        ious=iou[g_idx, p_idx] if g_idx.size else np.zeros(0, dtype=np.float64),
        unmatched_gt=np.flatnonzero(gt_to_pred < 0),
        unmatched_pred=np.flatnonzero(pred_to_gt < 0),
        gt_to_pred=gt_to_pred,
        pred_to_gt=pred_to_gt,
        best_iou_per_gt=allowed.max(axis=1) if m else np.zeros(n, dtype=np.float64),
        iou=iou,
    )
