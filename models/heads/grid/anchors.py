"""Anchor boxes for the grid detector: k-means on box sizes with 1 - IoU as the distance (YOLOv2).

Plain numpy, no TensorFlow. Every size here is a ``(width, height)`` pair normalized to the image (or to the
network input: the same thing once the image is resized to it), so ``(0.5, 0.25)`` is a box half as wide and a
quarter as high as the image. Two sizes are compared as if both boxes shared one centre, which is what the
grid head does when it picks the anchor that owns a ground-truth box.

When the boxes have fewer distinct sizes than the anchors asked for, `kmeans_anchors` returns **fewer anchors**
(one per distinct size) rather than duplicates: a duplicated anchor would never own a box (ties go to the first)
and would waste a predictor in every cell. Callers size the head by ``len(anchors)``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from annotator.core.geometry import iou_matrix


def wh_iou(wh_a: np.ndarray, wh_b: np.ndarray) -> np.ndarray:
    """IoU of boxes given only by their sizes, as if each pair shared its centre.

    Args:
        wh_a: (N, 2) widths and heights (any consistent unit, e.g. normalized to the image).
        wh_b: (M, 2) widths and heights in the same unit.

    Returns:
        (N, M) float64 IoU in [0, 1]; 0 where both boxes have zero area.
    """
    a = np.asarray(wh_a, np.float64).reshape(-1, 2)
    b = np.asarray(wh_b, np.float64).reshape(-1, 2)
    # sharing a centre overlaps as much as sharing a corner: xyxy boxes (0, 0, w, h)
    return iou_matrix(np.concatenate([np.zeros_like(a), a], 1), np.concatenate([np.zeros_like(b), b], 1))


def mean_best_iou(wh: np.ndarray, anchors: np.ndarray) -> float:
    """The average, over boxes, of the IoU of each box to its best anchor (both centred; sizes normalized).

    Args:
        wh: (N, 2) box sizes.
        anchors: (K, 2) anchor sizes.

    Returns:
        The mean best IoU in [0, 1]; ``nan`` when there are no boxes.
    """
    wh = _check_wh(wh, allow_empty=True)
    if len(wh) == 0:
        return float("nan")
    return float(wh_iou(wh, anchors).max(axis=1).mean())


def square_anchors(k: int, *, low: float = 0.1, high: float = 0.9) -> np.ndarray:
    """The baseline: ``k`` square anchors whose sides are evenly spaced from ``low`` to ``high``.

    Args:
        k: how many anchors (>= 1).
        low, high: smallest and largest side, normalized to the image, ``0 < low <= high``.

    Returns:
        (k, 2) float32 ``(w, h)`` sizes, smallest first.
    """
    if k < 1:
        raise ValueError(f"k must be >= 1, got {k!r}")
    if not 0 < low <= high:
        raise ValueError(f"need 0 < low <= high, got low={low!r}, high={high!r}")
    sides = np.linspace(low, high, k) if k > 1 else np.array([(low + high) / 2])
    return np.stack([sides, sides], axis=1).astype(np.float32)


@dataclass(frozen=True)
class AnchorFit:
    """The result of `fit_anchors`: the anchors and how well they fit the boxes.

    Attributes:
        anchors: (K, 2) float32 ``(w, h)`` normalized sizes, sorted by area, smallest first.
        mean_iou: average IoU of each box to its best anchor.
        n_boxes: how many boxes the anchors were fitted on.
    """

    anchors: np.ndarray
    mean_iou: float
    n_boxes: int


def kmeans_anchors(
    wh: np.ndarray,
    k: int = 5,
    *,
    restarts: int = 5,
    iterations: int = 100,
    seed: int = 0,
) -> np.ndarray:
    """Anchor sizes by k-means on box sizes with distance ``1 - IoU`` (centred boxes), k-means++ start.

    Runs ``restarts`` independent k-means++ initialisations and keeps the one with the highest mean best IoU.
    Deterministic for a given ``seed``.

    Args:
        wh: (N, 2) box widths and heights, normalized to the image; every value must be > 0.
        k: how many anchors are wanted (>= 1).
        restarts: independent starts (>= 1).
        iterations: the most update steps per start.
        seed: random seed.

    Returns:
        (K, 2) float32 anchors sorted by area, smallest first, with ``K = min(k, number of distinct sizes)``
        (see the module docstring: fewer anchors, never duplicates).

    Raises:
        ValueError: no boxes, a size <= 0 or not finite, or bad ``k`` / ``restarts``.
    """
    wh = _check_wh(wh)
    if k < 1:
        raise ValueError(f"k must be >= 1, got {k!r}")
    if restarts < 1:
        raise ValueError(f"restarts must be >= 1, got {restarts!r}")
    distinct = np.unique(wh, axis=0)
    if len(distinct) <= k:
        return _sort_by_area(distinct)
    rng = np.random.default_rng(seed)
    best, best_score = None, -1.0
    for _ in range(restarts):
        centres = _kmeans_once(wh, k, iterations, rng)
        score = float(wh_iou(wh, centres).max(axis=1).mean())
        if score > best_score:
            best, best_score = centres, score
    assert best is not None
    return _sort_by_area(np.unique(best, axis=0))


def fit_anchors(wh: np.ndarray, k: int = 5, *, restarts: int = 5, seed: int = 0) -> AnchorFit:
    """`kmeans_anchors` plus the fit's mean IoU, the figure the model file and the CLI report."""
    anchors = kmeans_anchors(wh, k, restarts=restarts, seed=seed)
    wh = _check_wh(wh)
    return AnchorFit(anchors=anchors, mean_iou=mean_best_iou(wh, anchors), n_boxes=len(wh))


def boxes_to_wh(boxes_xyxy: np.ndarray, width: float, height: float) -> np.ndarray:
    """Box sizes normalized to the image from xyxy image-pixel boxes.

    Args:
        boxes_xyxy: (N, 4) xyxy in image pixels.
        width, height: the image size in pixels.

    Returns:
        (N, 2) float64 ``(w / width, h / height)``.
    """
    b = np.asarray(boxes_xyxy, np.float64).reshape(-1, 4)
    return np.stack([(b[:, 2] - b[:, 0]) / width, (b[:, 3] - b[:, 1]) / height], axis=1)


def _check_wh(wh: np.ndarray, *, allow_empty: bool = False) -> np.ndarray:
    arr = np.asarray(wh, np.float64)
    if arr.size == 0:
        if allow_empty:
            return arr.reshape(0, 2)
        raise ValueError("cannot fit anchors: no boxes")
    if arr.ndim != 2 or arr.shape[1] != 2:
        raise ValueError(f"box sizes must have shape (N, 2), got {arr.shape}")
    if not np.all(np.isfinite(arr)) or np.any(arr <= 0):
        bad = arr[~(np.isfinite(arr).all(axis=1) & (arr > 0).all(axis=1))][0]
        raise ValueError(f"box sizes must be finite and > 0, got {bad.tolist()}")
    return arr


def _sort_by_area(anchors: np.ndarray) -> np.ndarray:
    order = np.argsort(anchors[:, 0] * anchors[:, 1], kind="stable")
    return anchors[order].astype(np.float32)


def _kmeans_plus_plus(wh: np.ndarray, k: int, rng: np.random.Generator) -> np.ndarray:
    centres = [wh[rng.integers(len(wh))]]
    for _ in range(1, k):
        d = 1.0 - wh_iou(wh, np.array(centres)).max(axis=1)
        weights = d**2
        total = weights.sum()
        if total <= 0:  # every box already coincides with a centre
            break
        centres.append(wh[rng.choice(len(wh), p=weights / total)])
    return np.array(centres)


def _kmeans_once(wh: np.ndarray, k: int, iterations: int, rng: np.random.Generator) -> np.ndarray:
    centres = _kmeans_plus_plus(wh, k, rng)
    assign = None
    for _ in range(iterations):
        iou = wh_iou(wh, centres)
        new_assign = iou.argmax(axis=1)
        if assign is not None and np.array_equal(new_assign, assign) and len(centres) == k:
            break
        assign = new_assign
        new_centres = []
        for j in range(len(centres)):
            members = wh[assign == j]
            new_centres.append(members.mean(axis=0) if len(members) else centres[j])
        centres = np.array(new_centres)
        # An empty or missing cluster restarts at the box that fits its centre worst (a bounded repair).
        for _ in range(k):
            counts = np.bincount(wh_iou(wh, centres).argmax(axis=1), minlength=len(centres))
            if len(centres) == k and not np.any(counts == 0):
                break
            worst = wh[wh_iou(wh, centres).max(axis=1).argmin()]
            if len(centres) < k:
                centres = np.vstack([centres, worst])
            else:
                centres[int(np.argmin(counts))] = worst
    return centres
