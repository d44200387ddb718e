"""Box geometry with numpy, vectorised over any number of boxes.

Formats (the last axis always has 4 numbers):

- ``xyxy``: ``(xmin, ymin, xmax, ymax)`` edges, the project's format (see `annotator.core.annotation`);
- ``cxcywh``: ``(centre x, centre y, width, height)``.

Spaces: *image pixels* are continuous pixels of the displayed frame (EXIF applied), origin at the top-left
corner of the top-left pixel; *normalized* means x divided by the image width and y by the image height, so the
image spans ``[0, 1]`` on both axes. Functions keep the space of their input unless their name says otherwise.
Inputs may be lists, tuples or arrays of shape ``(..., 4)``; outputs are ``float64`` arrays of the same shape.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

__all__ = [
    "Matches",
    "box_area",
    "clip_xyxy",
    "cxcywh_to_xyxy",
    "denormalize_xyxy",
    "iou_matrix",
    "match_boxes",
    "normalize_xyxy",
    "xyxy_array",
    "xyxy_to_cxcywh",
]


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
    ix0 = np.maximum(a[:, None, 0], b[None, :, 0])
    iy0 = np.maximum(a[:, None, 1], b[None, :, 1])
    ix1 = np.minimum(a[:, None, 2], b[None, :, 2])
    iy1 = np.minimum(a[:, None, 3], b[None, :, 3])
    inter = np.clip(ix1 - ix0, 0.0, None) * np.clip(iy1 - iy0, 0.0, None)
    union = box_area(a)[:, None] + box_area(b)[None, :] - inter
    with np.errstate(divide="ignore", invalid="ignore"):
        iou = np.where(union > 0, inter / np.where(union > 0, union, 1.0), 0.0)
    return np.clip(iou, 0.0, 1.0)


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
    iou_threshold: float = 0.5,
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
