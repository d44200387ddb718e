"""Evaluation figures of a whole folder, computed from stored predictions (no model needed after prediction).

`EvaluationData` holds, per image, the ground truth and every stored detection (keep them with a low score
threshold, e.g. 0.01, so that any threshold can be applied later). All boxes are xyxy in one space per image
(image pixels, or normalized: IoU does not care). The IoU matrices are computed once; `EvaluationData.views`
then gives every figure for a score and an IoU threshold:

- per class: ground-truth count, AP at the IoU threshold (``ap50`` at 0.5), precision and recall of the
  detections scoring at least the score threshold, mean IoU of their matched boxes;
- a confusion matrix over the classes plus ``background`` (rows: the labelled class, columns: the predicted one;
  row ``background`` holds false alarms, column ``background`` holds misses);
- precision-recall curves per class, an IoU histogram of matched boxes, and per-image counts of matches, misses,
  false alarms and wrong classes.

Matching (the method of pycocotools' ``COCOeval.evaluateImg``, ``iouType="bbox"``, area range ``all``, no crowd
boxes): per image, detections are taken from the most to the least confident (a stable sort, so equal scores
keep their stored order); each matches the still unmatched ground-truth box *of its class* with the highest
IoU, if that IoU is at least the threshold (on equal IoU the later box wins, as in pycocotools). AP uses at most
``max_detections`` (100) detections per image and class; per class all detections are sorted by score (stable
merge sort), precision is made monotone from the right and read at the **101 recall points** 0, 0.01 ... 1
(COCO's 101-point interpolation, not VOC's 11-point or all-point area); AP is the mean of those 101 values.

Because matching is greedy in score order, the matches of the detections above any score threshold are the
first part of the matching of all detections: a score-threshold change only masks arrays, and an IoU-threshold
change redoes the matching once (cached per threshold). Detections above the score threshold that matched no box
of their class, in an image where a box of another class is still unmatched, are then matched to it the same way
(any class, IoU at least the threshold): those pairs are *wrong classes*, counted neither as misses nor as false
alarms in the per-image counts and the confusion matrix (they are still false positives / misses of their class
in precision and recall, as in COCO).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from annotator.core.geometry import DEFAULT_MATCH_IOU, DEFAULT_SCORE_THRESHOLD, iou_matrix

RECALL_POINTS = np.linspace(0.0, 1.0, 101)
IOU_BINS = np.linspace(0.0, 1.0, 21)
BACKGROUND = "background"


@dataclass
class ImageResult:
    """Ground truth and stored detections of one image.

    Attributes:
        image_id: the image's id (shown in reports and mistake lists).
        gt_boxes: (G, 4) xyxy; gt_classes: (G,) int indices into the class names.
        det_boxes: (D, 4) xyxy in the same space; det_scores: (D,); det_classes: (D,) int.
    """

    image_id: str
    gt_boxes: np.ndarray
    gt_classes: np.ndarray
    det_boxes: np.ndarray = field(default_factory=lambda: np.zeros((0, 4)))
    det_scores: np.ndarray = field(default_factory=lambda: np.zeros(0))
    det_classes: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))


@dataclass
class ClassFigures:
    """One class at the chosen thresholds (``nan`` where a figure has nothing to be computed from)."""

    name: str
    n_gt: int
    n_det: int
    ap: float
    precision: float
    recall: float
    mean_iou: float


@dataclass
class PRCurve:
    """Precision and recall after each detection of one class, most confident first (at the IoU threshold)."""

    scores: np.ndarray
    precision: np.ndarray
    recall: np.ndarray


@dataclass
class ImageCounts:
    """Per image at the chosen thresholds: matches, misses, false alarms, wrong classes and mean matched IoU."""

    image_id: str
    matches: int
    misses: int
    false_alarms: int
    wrong_classes: int
    mean_iou: float


@dataclass
class EvaluationViews:
    """Every figure at one score threshold and one IoU threshold (see the module docstring)."""

    score_threshold: float
    iou_threshold: float
    class_names: list[str]
    per_class: list[ClassFigures]
    confusion_labels: list[str]
    confusion: np.ndarray
    pr_curves: dict[str, PRCurve]
    iou_bins: np.ndarray
    iou_histogram: np.ndarray
    images: list[ImageCounts]

    @property
    def map(self) -> float:
        """Mean AP over the classes with ground truth (0.0 when none has any)."""
        aps = [c.ap for c in self.per_class if c.n_gt > 0]
        return float(np.mean(aps)) if aps else 0.0

    def to_json(self) -> dict:
        """``per_class`` (name -> ap50, precision, recall, n_gt, n_det, mean_iou) and ``confusion``
        (``labels``, ``matrix``): the figures ``flower-annotator evaluate --json`` adds; ``nan`` becomes null."""

        def num(v: float) -> float | None:
            return None if not np.isfinite(v) else float(v)

        return {
            "per_class": {
                c.name: {
                    "ap50": num(c.ap),
                    "precision": num(c.precision),
                    "recall": num(c.recall),
                    "n_gt": c.n_gt,
                    "n_det": c.n_det,
                    "mean_iou": num(c.mean_iou),
                }
                for c in self.per_class
            },
            "confusion": {"labels": list(self.confusion_labels), "matrix": self.confusion.tolist()},
            "score_threshold": self.score_threshold,
            "iou_threshold": self.iou_threshold,
        }


@dataclass
class _Matching:
    """The class-aware matching of every detection at one IoU threshold (flat over all images)."""

    matched_gt: np.ndarray  # (D,) local gt index or -1
    matched_iou: np.ndarray  # (D,) IoU with it, 0 when unmatched
    ap_keep: np.ndarray  # (D,) within the first max_detections of its image and class
    can_overlap: (
        np.ndarray
    )  # (D,) overlaps some box of any class at the threshold (a wrong class is possible)


def _as_boxes(a) -> np.ndarray:
    return np.asarray(a, np.float64).reshape(-1, 4)


class EvaluationData:
    """Stored ground truth and detections of many images, ready to give `views` at any thresholds quickly.

    Args:
        images: one `ImageResult` per image (images without ground truth count: their detections are false
            alarms).
        class_names: names of the class indices.
        max_detections: detections per image and class that AP uses (COCO's 100).

    Raises:
        ValueError: a class index outside ``class_names``, or arrays of mismatched lengths.
    """

    def __init__(
        self, images: Sequence[ImageResult], class_names: Sequence[str], *, max_detections: int = 100
    ) -> None:
        self.class_names = list(class_names)
        self.images = list(images)  # as given (the mistake finder reads them again)
        self.max_detections = int(max_detections)
        n_cls = len(self.class_names)
        self.image_ids: list[str] = []
        self._gt_cls: list[np.ndarray] = []
        self._det_cls: list[np.ndarray] = []
        self._iou: list[np.ndarray] = []  # (D, G) per image, detections in score order
        self._order: list[np.ndarray] = []  # stored index of each sorted detection
        det_offsets = [0]
        scores, classes, det_image = [], [], []
        gt_classes_all = []
        for k, img in enumerate(images):
            gb, db = _as_boxes(img.gt_boxes), _as_boxes(img.det_boxes)
            gc = np.asarray(img.gt_classes, np.int64).reshape(-1)
            ds = np.asarray(img.det_scores, np.float64).reshape(-1)
            dc = np.asarray(img.det_classes, np.int64).reshape(-1)
            if len(gc) != len(gb) or len(ds) != len(db) or len(dc) != len(db):
                raise ValueError(f"{img.image_id}: boxes, scores and classes differ in length")
            for name, arr in (("ground-truth", gc), ("detection", dc)):
                if arr.size and (arr.min() < 0 or arr.max() >= n_cls):
                    raise ValueError(f"{img.image_id}: {name} class index outside 0..{n_cls - 1}")
            order = np.argsort(-ds, kind="mergesort")
            self.image_ids.append(str(img.image_id))
            self._gt_cls.append(gc)
            self._det_cls.append(dc[order])
            self._order.append(order)
            self._iou.append(iou_matrix(db[order], gb))
            scores.append(ds[order])
            classes.append(dc[order])
            det_image.append(np.full(len(ds), k, np.int64))
            gt_classes_all.append(gc)
            det_offsets.append(det_offsets[-1] + len(ds))
        self._det_offsets = np.asarray(det_offsets, np.int64)
        self.det_scores = np.concatenate(scores) if scores else np.zeros(0)
        self.det_classes = np.concatenate(classes) if classes else np.zeros(0, np.int64)
        self.det_image = np.concatenate(det_image) if det_image else np.zeros(0, np.int64)
        self.n_gt_per_image = np.asarray([len(g) for g in self._gt_cls], np.int64)
        all_gt = np.concatenate(gt_classes_all) if gt_classes_all else np.zeros(0, np.int64)
        self.n_gt = np.bincount(all_gt, minlength=n_cls)[:n_cls]
        # the global order AP sorts detections in: by score, ties in image then stored order (pycocotools)
        self._global_order = np.argsort(-self.det_scores, kind="mergesort")
        self._matchings: dict[float, _Matching] = {}
        self._ap_cache: dict[float, tuple[np.ndarray, dict[str, PRCurve]]] = {}

    def __len__(self) -> int:
        return len(self.image_ids)

    # -- matching --------------------------------------------------------------------------------------
    def _matching(self, iou_threshold: float) -> _Matching:
        key = float(iou_threshold)
        if key in self._matchings:
            return self._matchings[key]
        n = len(self.det_scores)
        matched_gt = np.full(n, -1, np.int64)
        matched_iou = np.zeros(n)
        ap_keep = np.ones(n, bool)
        can_overlap = np.zeros(n, bool)
        start_t = min(key, 1 - 1e-10)
        for k in range(len(self.image_ids)):
            lo = int(self._det_offsets[k])
            dc, gc, iou = self._det_cls[k], self._gt_cls[k], self._iou[k]
            if len(dc) > self.max_detections:
                seen = np.zeros(len(self.class_names), np.int64)
                for d, c in enumerate(dc.tolist()):
                    seen[c] += 1
                    ap_keep[lo + d] = seen[c] <= self.max_detections
            if not len(gc) or not len(dc):
                continue
            can_overlap[lo : lo + len(dc)] = iou.max(axis=1) >= start_t
            allowed = np.where(dc[:, None] == gc[None, :], iou, -1.0)
            taken = np.zeros(len(gc), bool)
            for d in np.flatnonzero(allowed.max(axis=1) >= start_t).tolist():
                row = np.where(taken, -1.0, allowed[d])
                # pycocotools keeps the last box of the highest IoU: argmax on the reversed row
                g = len(row) - 1 - int(np.argmax(row[::-1]))
                if row[g] >= start_t:
                    taken[g] = True
                    matched_gt[lo + d] = g
                    matched_iou[lo + d] = row[g]
        result = _Matching(matched_gt, matched_iou, ap_keep, can_overlap)
        self._matchings[key] = result
        return result

    def _ap(self, iou_threshold: float) -> tuple[np.ndarray, dict[str, PRCurve]]:
        key = float(iou_threshold)
        if key in self._ap_cache:
            return self._ap_cache[key]
        m = self._matching(key)
        aps = np.full(len(self.class_names), np.nan)
        curves: dict[str, PRCurve] = {}
        order = self._global_order
        for c, name in enumerate(self.class_names):
            sel = order[(self.det_classes[order] == c) & m.ap_keep[order]]
            tp = m.matched_gt[sel] >= 0
            tps = np.cumsum(tp).astype(np.float64)
            fps = np.cumsum(~tp).astype(np.float64)
            n_gt = int(self.n_gt[c])
            recall = tps / n_gt if n_gt else np.zeros_like(tps)
            precision = tps / np.maximum(tps + fps, np.spacing(1))
            curves[name] = PRCurve(self.det_scores[sel], precision, recall)
            if n_gt == 0:
                continue
            if len(tps) == 0:
                aps[c] = 0.0
                continue
            monotone = np.maximum.accumulate(precision[::-1])[::-1]
            idx = np.searchsorted(recall, RECALL_POINTS, side="left")
            sampled = np.where(idx < len(monotone), monotone[np.minimum(idx, len(monotone) - 1)], 0.0)
            aps[c] = float(sampled.mean())
        self._ap_cache[key] = (aps, curves)
        return aps, curves

    # -- views -----------------------------------------------------------------------------------------
    def views(
        self,
        score_threshold: float = DEFAULT_SCORE_THRESHOLD,
        iou_threshold: float = DEFAULT_MATCH_IOU,
    ) -> EvaluationViews:
        """Every figure at these thresholds (detections with ``score >= score_threshold`` count).

        Raises:
            ValueError: a threshold outside ``[0, 1]``.
        """
        for name, v in (("score_threshold", score_threshold), ("iou_threshold", iou_threshold)):
            if not 0.0 <= float(v) <= 1.0:
                raise ValueError(f"{name} must be between 0 and 1, got {v!r}")
        n_cls = len(self.class_names)
        m = self._matching(iou_threshold)
        aps, curves = self._ap(iou_threshold)
        above = self.det_scores >= score_threshold
        tp = above & (m.matched_gt >= 0)
        n_img = len(self.image_ids)
        tp_per_class = np.bincount(self.det_classes[tp], minlength=n_cls)[:n_cls]
        det_per_class = np.bincount(self.det_classes[above], minlength=n_cls)[:n_cls]
        iou_sum = np.bincount(self.det_classes[tp], weights=m.matched_iou[tp], minlength=n_cls)[:n_cls]

        # confusion: rows labelled class (+ background), columns predicted class (+ background)
        confusion = np.zeros((n_cls + 1, n_cls + 1), np.int64)
        np.add.at(confusion, (self.det_classes[tp], self.det_classes[tp]), 1)
        matches = np.bincount(self.det_image[tp], minlength=n_img)
        wrong = np.zeros(n_img, np.int64)
        img_iou_sum = np.bincount(self.det_image[tp], weights=m.matched_iou[tp], minlength=n_img)
        unmatched_det = above & (m.matched_gt < 0)
        fa_per_image = np.bincount(self.det_image[unmatched_det], minlength=n_img)
        start_t = min(float(iou_threshold), 1 - 1e-10)
        misses_by_class = self.n_gt.copy() - tp_per_class
        false_alarm_by_class = det_per_class - tp_per_class
        # wrong classes: only images with both an unmatched detection above the threshold and an unmatched box
        # (detections overlapping no box at the threshold cannot be one: most false alarms are skipped here)
        maybe_wrong = unmatched_det & m.can_overlap
        with_maybe = np.bincount(self.det_image[maybe_wrong], minlength=n_img)
        candidates = np.flatnonzero((with_maybe > 0) & (self.n_gt_per_image > matches))
        for k in candidates.tolist():
            lo, hi = int(self._det_offsets[k]), int(self._det_offsets[k + 1])
            taken = np.zeros(len(self._gt_cls[k]), bool)
            taken[m.matched_gt[lo:hi][tp[lo:hi]]] = True
            iou = self._iou[k]
            for d in np.flatnonzero(maybe_wrong[lo:hi]).tolist():
                row = np.where(taken, -1.0, iou[d])
                g = len(row) - 1 - int(np.argmax(row[::-1]))
                if row[g] >= start_t:
                    taken[g] = True
                    gc, pc = int(self._gt_cls[k][g]), int(self._det_cls[k][d])
                    confusion[gc, pc] += 1
                    misses_by_class[gc] -= 1
                    false_alarm_by_class[pc] -= 1
                    wrong[k] += 1
        confusion[:n_cls, n_cls] = misses_by_class
        confusion[n_cls, :n_cls] = false_alarm_by_class
        misses = self.n_gt_per_image - matches - wrong
        false_alarms = fa_per_image - wrong

        with np.errstate(divide="ignore", invalid="ignore"):
            precision = np.where(det_per_class > 0, tp_per_class / np.maximum(det_per_class, 1), np.nan)
            recall = np.where(self.n_gt > 0, tp_per_class / np.maximum(self.n_gt, 1), np.nan)
            mean_iou = np.where(tp_per_class > 0, iou_sum / np.maximum(tp_per_class, 1), np.nan)
            img_mean_iou = np.where(matches > 0, img_iou_sum / np.maximum(matches, 1), np.nan)
        per_class = [
            ClassFigures(
                name,
                int(self.n_gt[c]),
                int(det_per_class[c]),
                float(aps[c]),
                float(precision[c]),
                float(recall[c]),
                float(mean_iou[c]),
            )
            for c, name in enumerate(self.class_names)
        ]
        images = [
            ImageCounts(iid, int(a), int(b), int(c), int(d), float(e))
            for iid, a, b, c, d, e in zip(
                self.image_ids,
                matches.tolist(),
                misses.tolist(),
                false_alarms.tolist(),
                wrong.tolist(),
                img_mean_iou.tolist(),
                strict=True,
            )
        ]
        hist, _ = np.histogram(m.matched_iou[tp], bins=IOU_BINS)
        return EvaluationViews(
            score_threshold=float(score_threshold),
            iou_threshold=float(iou_threshold),
            class_names=list(self.class_names),
            per_class=per_class,
            confusion_labels=[*self.class_names, BACKGROUND],
            confusion=confusion,
            pr_curves=curves,
            iou_bins=IOU_BINS.copy(),
            iou_histogram=hist.astype(np.int64),
            images=images,
        )
