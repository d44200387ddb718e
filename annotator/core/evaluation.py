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
  false alarms and wrong classes;
- every case behind each confusion cell (`EvaluationViews.cases`, resolved to boxes by `EvaluationData.cases`).

Matching (the method of pycocotools' ``COCOeval.evaluateImg``, ``iouType="bbox"``, area range ``all``, no crowd
boxes): per image, detections are taken from the most to the least confident (a stable sort, so equal scores
keep their stored order); each matches the still unmatched ground-truth box *of its class* with the highest
IoU, if that IoU is at least the threshold (on equal IoU the later box wins, as in pycocotools). AP uses at most
``max_detections`` (100) detections per image and class; per class all detections are sorted by score (stable
merge sort), precision is made monotone from the right and read at the **101 recall points** 0, 0.01 ... 1
(COCO's 101-point interpolation, not VOC's 11-point or all-point area); AP is the mean of those 101 values.

Because matching is greedy in score order, the matches of the detections above any score threshold are the
first part of the matching of all detections: a score-threshold change only masks arrays, and an IoU-threshold
change redoes the matching once (cached per threshold), for all images at once
(`annotator.core.evaluation_matching`). Detections above the score threshold that matched no box
of their class, in an image where a box of another class is still unmatched, are then matched to it the same way
(any class, IoU at least the threshold): those pairs are *wrong classes*, counted neither as misses nor as false
alarms in the per-image counts and the confusion matrix (they are still false positives / misses of their class
in precision and recall, as in COCO).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from annotator.core.evaluation_matching import PairTable, greedy_match
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
        image_path: the image file, where known (the window opens it from a confusion cell).
    """

    image_id: str
    gt_boxes: np.ndarray
    gt_classes: np.ndarray
    det_boxes: np.ndarray = field(default_factory=lambda: np.zeros((0, 4)))
    det_scores: np.ndarray = field(default_factory=lambda: np.zeros(0))
    det_classes: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    image_path: str | None = None


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


@dataclass(frozen=True)
class CaseTable:
    """Every count of the confusion matrix as one row: which labelled box and which detection make it.

    Attributes (one entry per case): ``image`` (image index), ``gt`` (global ground-truth index, -1 for a false
    alarm), ``det`` (global detection index, -1 for a miss), ``row`` / ``col`` (the confusion cell: labelled and
    predicted class, ``len(class_names)`` for background), ``iou`` (0 for misses and false alarms).
    Resolve entries to boxes with `EvaluationData.cases`.
    """

    image: np.ndarray
    gt: np.ndarray
    det: np.ndarray
    row: np.ndarray
    col: np.ndarray
    iou: np.ndarray

    @classmethod
    def empty(cls) -> CaseTable:
        z = np.zeros(0, np.int64)
        return cls(z, z, z, z, z, np.zeros(0))

    def __len__(self) -> int:
        return len(self.image)

    def in_cell(self, row: int, col: int) -> np.ndarray:
        """Indices of the cases of one confusion cell, image by image (most confident detection first)."""
        return np.flatnonzero((self.row == row) & (self.col == col))


@dataclass
class Case:
    """One case of a confusion cell, resolved to boxes (xyxy, the space the boxes were stored in).

    ``gt_box`` / ``gt_index`` are None for a false alarm, ``det_box`` / ``det_index`` / ``score`` for a miss;
    the indices are positions in the image's `ImageResult` arrays as given.
    """

    image_index: int
    image_id: str
    labelled: str
    predicted: str
    gt_index: int | None
    det_index: int | None
    gt_box: np.ndarray | None
    det_box: np.ndarray | None
    score: float | None
    iou: float


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
    cases: CaseTable = field(default_factory=lambda: CaseTable.empty())

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

    matched_gt: np.ndarray  # (D,) global gt index or -1
    matched_iou: np.ndarray  # (D,) IoU with it, 0 when unmatched
    can_overlap: (
        np.ndarray
    )  # (D,) overlaps some box of any class at the threshold (a wrong class is possible)
    any_pairs: PairTable  # pairs of any class at the threshold (for wrong classes)


def _as_boxes(a) -> np.ndarray:
    return np.asarray(a, np.float64).reshape(-1, 4)


class EvaluationData:
    """Stored ground truth and detections of many images, ready to give `views` at any thresholds quickly.

    Detections are numbered image after image, each image's most confident first ("global" detection
    indices); ground-truth boxes image after image in stored order ("global" box indices).

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
        det_offsets, gt_offsets = [0], [0]
        scores, classes, det_boxes, det_stored, gt_boxes, gt_classes = [], [], [], [], [], []
        p_iou = []
        for img in images:
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
            iou = iou_matrix(db[order], gb)  # (D, G), detections in score order
            n_d, n_g = iou.shape
            p_iou.append(iou.ravel())
            self.image_ids.append(str(img.image_id))
            scores.append(ds[order])
            classes.append(dc[order])
            det_boxes.append(db[order])
            det_stored.append(order)
            gt_boxes.append(gb)
            gt_classes.append(gc)
            det_offsets.append(det_offsets[-1] + n_d)
            gt_offsets.append(gt_offsets[-1] + n_g)

        def cat(parts, shape=(0,), dtype=np.float64):
            return np.concatenate(parts) if parts else np.zeros(shape, dtype)

        self._det_offsets = np.asarray(det_offsets, np.int64)
        self._gt_offsets = np.asarray(gt_offsets, np.int64)
        n_img = len(self.image_ids)
        self.det_scores = cat(scores)
        self.det_classes = cat(classes, dtype=np.int64)
        self.det_image = np.repeat(np.arange(n_img, dtype=np.int64), np.diff(self._det_offsets))
        self._det_boxes = cat(det_boxes, (0, 4))
        self._det_stored = cat(det_stored, dtype=np.int64)
        self._gt_boxes = cat(gt_boxes, (0, 4))
        self.gt_classes = cat(gt_classes, dtype=np.int64)
        self.gt_image = np.repeat(np.arange(n_img, dtype=np.int64), np.diff(self._gt_offsets))
        self.n_gt_per_image = np.diff(self._gt_offsets)
        self.n_gt = np.bincount(self.gt_classes, minlength=n_cls)[:n_cls]
        # every (detection, box) pair of each image, row by row of its IoU matrix
        n_d, n_g = np.diff(self._det_offsets), self.n_gt_per_image
        pair_image = np.repeat(np.arange(n_img, dtype=np.int64), n_d * n_g)
        pair_offsets = np.concatenate([[0], np.cumsum(n_d * n_g)]).astype(np.int64)
        within = np.arange(len(pair_image), dtype=np.int64) - pair_offsets[pair_image]
        width = n_g[pair_image]
        pairs_det = self._det_offsets[pair_image] + within // np.maximum(width, 1)
        pairs_gt = self._gt_offsets[pair_image] + within % np.maximum(width, 1)
        pairs_iou = cat(p_iou)
        self._max_iou = np.full(len(self.det_scores), -1.0)  # a detection's best IoU with a box of any class
        np.maximum.at(self._max_iou, pairs_det, pairs_iou)
        rank = np.arange(len(self.det_scores), dtype=np.int64) - self._det_offsets[self.det_image]
        self._pairs = PairTable.build(pairs_det, pairs_gt, pairs_iou, rank[pairs_det])
        self._same_pairs = self._pairs.subset(
            self.det_classes[self._pairs.det] == self.gt_classes[self._pairs.gt]
        )
        # AP reads at most max_detections detections per image and class (in score order)
        group = self.det_image * max(n_cls, 1) + self.det_classes
        by_group = np.argsort(group, kind="mergesort")
        sorted_group = group[by_group]
        first = np.searchsorted(sorted_group, sorted_group, side="left")
        self._ap_keep = np.empty(len(group), bool)
        self._ap_keep[by_group] = np.arange(len(group)) - first < self.max_detections
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
        start_t = min(key, 1 - 1e-10)  # pycocotools' start value: a threshold of 1 still matches IoU 1
        same = self._same_pairs.subset(self._same_pairs.iou >= start_t)
        picked = greedy_match(same, np.zeros(len(self.gt_classes), bool))
        matched_gt = np.full(n, -1, np.int64)
        matched_iou = np.zeros(n)
        matched_gt[same.det[picked]] = same.gt[picked]
        matched_iou[same.det[picked]] = same.iou[picked]
        result = _Matching(
            matched_gt,
            matched_iou,
            self._max_iou >= start_t,
            self._pairs.subset(self._pairs.iou >= start_t),
        )
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
            sel = order[(self.det_classes[order] == c) & self._ap_keep[order]]
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
        n_img = len(self.image_ids)
        m = self._matching(iou_threshold)
        aps, curves = self._ap(iou_threshold)
        above = self.det_scores >= score_threshold
        tp = above & (m.matched_gt >= 0)
        tp_det = np.flatnonzero(tp)
        tp_per_class = np.bincount(self.det_classes[tp], minlength=n_cls)[:n_cls]
        det_per_class = np.bincount(self.det_classes[above], minlength=n_cls)[:n_cls]
        iou_sum = np.bincount(self.det_classes[tp], weights=m.matched_iou[tp], minlength=n_cls)[:n_cls]
        matches = np.bincount(self.det_image[tp], minlength=n_img)
        img_iou_sum = np.bincount(self.det_image[tp], weights=m.matched_iou[tp], minlength=n_img)

        # wrong classes: unmatched detections above the threshold take a still free box of another class,
        # in the same greedy order (only those overlapping some box at the threshold can)
        unmatched_det = above & (m.matched_gt < 0)
        taken = np.zeros(len(self.gt_classes), bool)
        taken[m.matched_gt[tp]] = True
        picked = greedy_match(m.any_pairs, taken, unmatched_det & m.can_overlap)
        wrong_det, wrong_gt = m.any_pairs.det[picked], m.any_pairs.gt[picked]
        wrong = np.bincount(self.det_image[wrong_det], minlength=n_img)
        is_wrong = np.zeros(len(self.det_scores), bool)
        is_wrong[wrong_det] = True
        miss_gt = np.flatnonzero(~taken)
        alarm_det = np.flatnonzero(unmatched_det & ~is_wrong)

        # confusion: rows labelled class (+ background), columns predicted class (+ background)
        bg = n_cls
        cases = CaseTable(
            image=np.concatenate(
                [
                    self.det_image[tp_det],
                    self.det_image[wrong_det],
                    self.gt_image[miss_gt],
                    self.det_image[alarm_det],
                ]
            ),
            gt=np.concatenate([m.matched_gt[tp_det], wrong_gt, miss_gt, np.full(len(alarm_det), -1)]).astype(
                np.int64
            ),
            det=np.concatenate([tp_det, wrong_det, np.full(len(miss_gt), -1), alarm_det]).astype(np.int64),
            row=np.concatenate(
                [
                    self.det_classes[tp_det],
                    self.gt_classes[wrong_gt],
                    self.gt_classes[miss_gt],
                    np.full(len(alarm_det), bg),
                ]
            ).astype(np.int64),
            col=np.concatenate(
                [
                    self.det_classes[tp_det],
                    self.det_classes[wrong_det],
                    np.full(len(miss_gt), bg),
                    self.det_classes[alarm_det],
                ]
            ).astype(np.int64),
            iou=np.concatenate(
                [m.matched_iou[tp_det], m.any_pairs.iou[picked], np.zeros(len(miss_gt) + len(alarm_det))]
            ),
        )
        confusion = np.zeros((n_cls + 1, n_cls + 1), np.int64)
        np.add.at(confusion, (cases.row, cases.col), 1)
        misses = self.n_gt_per_image - matches - wrong
        false_alarms = np.bincount(self.det_image[unmatched_det], minlength=n_img) - wrong

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
            cases=cases,
        )

    # -- cases -----------------------------------------------------------------------------------------
    def cases(self, views: EvaluationViews, row: int, col: int) -> list[Case]:
        """The cases behind one confusion cell of ``views`` (row: labelled class index, col: predicted; the
        class count for background), image by image, each image's most confident detection first."""
        names = [*self.class_names, BACKGROUND]
        table = views.cases
        found = table.in_cell(row, col)
        # image order, then the detection's rank (misses, without a detection, after the detections)
        det_key = np.where(table.det[found] >= 0, table.det[found], len(self.det_scores) + table.gt[found])
        found = found[np.lexsort((det_key, table.image[found]))]
        out = []
        for i in found.tolist():
            g, d, k = int(table.gt[i]), int(table.det[i]), int(table.image[i])
            out.append(
                Case(
                    image_index=k,
                    image_id=self.image_ids[k],
                    labelled=names[int(table.row[i])],
                    predicted=names[int(table.col[i])],
                    gt_index=g - int(self._gt_offsets[k]) if g >= 0 else None,
                    det_index=int(self._det_stored[d]) if d >= 0 else None,
                    gt_box=self._gt_boxes[g].copy() if g >= 0 else None,
                    det_box=self._det_boxes[d].copy() if d >= 0 else None,
                    score=float(self.det_scores[d]) if d >= 0 else None,
                    iou=float(table.iou[i]),
                )
            )
        return out
