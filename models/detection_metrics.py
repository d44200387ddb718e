"""Detection mAP, COCO style (101-point interpolated precision), plain numpy.

Boxes are xyxy in one space for ground truth and detections alike (image pixels or normalized: IoU does not
care). The computation follows pycocotools' ``COCOeval`` for ``iouType="bbox"``, area range "all" and
``maxDets`` detections per image:

1. Per image and class, detections are sorted by score (stable) and cut to ``max_detections``; each, in order,
   matches the still-unmatched ground-truth box of the same class with the highest IoU, if that IoU is
   >= the threshold. Ground-truth boxes marked ``ignore`` (VOC ``difficult``) can be matched but then
   the detection counts neither as a true nor a false positive, and they are not counted in recall.
2. Per class, all detections over all images are sorted by score (stable merge sort), cumulative precision and
   recall are computed, precision is made monotone from the right, and read at 101 recall points 0, 0.01 ... 1.
3. AP of a class is the mean of those 101 values; classes with no (non-ignored) ground truth are left out;
   mAP is the mean over the classes left. ``map50_95`` averages mAP over IoU thresholds 0.50, 0.55 ... 0.95.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from annotator.core.geometry import iou_matrix

IOU_THRESHOLDS = np.linspace(0.5, 0.95, 10)
RECALL_POINTS = np.linspace(0.0, 1.0, 101)


@dataclass
class ImageDetections:
    """Ground truth and detections of one image.

    Attributes:
        gt_boxes: (G, 4) xyxy.
        gt_classes: (G,) int class indices.
        det_boxes: (D, 4) xyxy, same space as ``gt_boxes``.
        det_scores: (D,) confidences.
        det_classes: (D,) int class indices.
        gt_ignore: (G,) bool, True for boxes that must neither be found nor count as missed (VOC difficult).
    """

    gt_boxes: np.ndarray
    gt_classes: np.ndarray
    det_boxes: np.ndarray
    det_scores: np.ndarray
    det_classes: np.ndarray
    gt_ignore: np.ndarray | None = field(default=None)


def _match_image(img: ImageDetections, cls: int, thresholds: np.ndarray, max_detections: int):
    """Per threshold: (scores (D,), is_tp (T, D), is_ignored (T, D)) and the count of non-ignored gt."""
    gt_sel = np.asarray(img.gt_classes).reshape(-1) == cls
    gt = np.asarray(img.gt_boxes, np.float64).reshape(-1, 4)[gt_sel]
    ignore = (
        np.zeros(len(gt), bool)
        if img.gt_ignore is None
        else np.asarray(img.gt_ignore, bool).reshape(-1)[gt_sel]
    )
    # pycocotools puts ignored ground truth last, so a detection prefers a real box on equal footing.
    gt_order = np.argsort(ignore, kind="stable")
    gt, ignore = gt[gt_order], ignore[gt_order]
    det_sel = np.asarray(img.det_classes).reshape(-1) == cls
    scores = np.asarray(img.det_scores, np.float64).reshape(-1)[det_sel]
    dets = np.asarray(img.det_boxes, np.float64).reshape(-1, 4)[det_sel]
    order = np.argsort(-scores, kind="mergesort")[:max_detections]
    scores, dets = scores[order], dets[order]
    n_t = len(thresholds)
    tp = np.zeros((n_t, len(dets)), bool)
    ign = np.zeros((n_t, len(dets)), bool)
    if len(dets) and len(gt):
        ious = iou_matrix(dets, gt)
        for ti, t in enumerate(thresholds):
            taken = np.zeros(len(gt), bool)
            for d in range(len(dets)):
                best, best_iou = -1, min(t, 1 - 1e-10)
                for g in range(len(gt)):
                    if taken[g]:
                        continue
                    # once a real box is matched, stop at the ignored ones (they come last)
                    if best > -1 and not ignore[best] and ignore[g]:
                        break
                    if ious[d, g] < best_iou:
                        continue
                    best, best_iou = g, ious[d, g]
                if best == -1:
                    continue
                taken[best] = True
                ign[ti, d] = ignore[best]
                tp[ti, d] = not ignore[best]
    return scores, tp, ign, int((~ignore).sum())


def average_precision(
    images: list[ImageDetections],
    cls: int,
    thresholds: np.ndarray = IOU_THRESHOLDS,
    max_detections: int = 100,
) -> np.ndarray:
    """AP of one class at each IoU threshold, shape (T,); ``nan`` where the class has no ground truth."""
    thresholds = np.asarray(thresholds, np.float64).reshape(-1)
    all_scores, all_tp, all_ign, n_gt = [], [], [], 0
    for img in images:
        s, tp, ign, n = _match_image(img, cls, thresholds, max_detections)
        all_scores.append(s)
        all_tp.append(tp)
        all_ign.append(ign)
        n_gt += n
    if n_gt == 0:
        return np.full(len(thresholds), np.nan)
    scores = np.concatenate(all_scores) if all_scores else np.zeros(0)
    order = np.argsort(-scores, kind="mergesort")
    tp = np.concatenate(all_tp, axis=1)[:, order] if all_tp else np.zeros((len(thresholds), 0), bool)
    ign = np.concatenate(all_ign, axis=1)[:, order] if all_ign else np.zeros_like(tp)
    ap = np.zeros(len(thresholds))
    for ti in range(len(thresholds)):
        keep = ~ign[ti]
        tps = np.cumsum(tp[ti][keep]).astype(np.float64)
        fps = np.cumsum(~tp[ti][keep]).astype(np.float64)
        if len(tps) == 0:
            continue
        recall = tps / n_gt
        precision = tps / np.maximum(tps + fps, np.spacing(1))
        precision = np.maximum.accumulate(precision[::-1])[::-1]
        idx = np.searchsorted(recall, RECALL_POINTS, side="left")
        sampled = np.where(idx < len(precision), precision[np.minimum(idx, len(precision) - 1)], 0.0)
        ap[ti] = sampled.mean()
    return ap


def mean_average_precision(
    images: list[ImageDetections], num_classes: int, max_detections: int = 100
) -> dict[str, float]:
    """COCO-style figures over a set of images.

    Args:
        images: one `ImageDetections` per image (images without ground truth still count: their detections
            are false positives).
        num_classes: class indices run over ``range(num_classes)``.
        max_detections: detections kept per image (and class), highest score first (COCO's 100).

    Returns:
        ``map50`` (mAP at IoU 0.5), ``map75``, ``map50_95`` (mean over 0.50:0.05:0.95), and ``ap50_per_class``
        as a list (``nan`` for classes without ground truth). ``0.0`` when no class has ground truth.
    """
    per_class = (
        np.stack([average_precision(images, c, IOU_THRESHOLDS, max_detections) for c in range(num_classes)])
        if num_classes
        else np.zeros((0, len(IOU_THRESHOLDS)))
    )
    present = ~np.isnan(per_class[:, 0]) if num_classes else np.zeros(0, bool)
    if not present.any():
        return {"map50": 0.0, "map75": 0.0, "map50_95": 0.0, "ap50_per_class": per_class[:, 0].tolist()}
    aps = per_class[present]
    return {
        "map50": float(aps[:, 0].mean()),
        "map75": float(aps[:, 5].mean()),
        "map50_95": float(aps.mean()),
        "ap50_per_class": per_class[:, 0].tolist(),
    }
