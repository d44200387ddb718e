"""What the prediction overlays show, computed without Qt: thresholds, NMS, IoU matches. Plain numpy.

Boxes are xyxy in continuous image pixels of the displayed frame (`annotator.core.annotation`). The scene is
shared by the canvas overlays, the review commands and the ``render`` command, so all three agree on which
predictions are "shown".
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from annotator.core.annotation import ImageAnnotation
from annotator.core.geometry import (
    DEFAULT_MATCH_IOU,
    DEFAULT_NMS_IOU,
    DEFAULT_SCORE_THRESHOLD,
    batched_nms,
    match_boxes,
)
from annotator.core.prediction import Prediction

OVERLAY_NAMES = ("boxes", "predictions", "iou", "grid", "mask", "cam")
"""Every overlay the canvas and ``render`` can draw (``boxes`` is the ground truth itself; ``cam`` the "why this
class" heat map)."""


@dataclass
class OverlaySettings:
    """User-facing knobs of the overlays.

    Attributes:
        score_threshold: predictions below this score are hidden (and not accepted by "accept all").
        nms_iou: non-max suppression IoU for the grid head's raw detections (per class).
        iou_threshold: a ground-truth box whose best prediction overlaps less than this is a miss, and that
            prediction a false alarm.
        before_nms: show the grid head's raw detections instead of the suppressed ones.
        chosen_cell: ``(row, col)`` whose anchors the grid overlay draws; ``None`` = the best detection's cell.
        heatmap: draw the objectness heat map under the grid.
        mask_opacity: 0..1 opacity of the segmentation mask.
        cam_class: the class the "why this class" heat map explains (index into the model's classes); None = the
            class the model predicts.
    """

    score_threshold: float = DEFAULT_SCORE_THRESHOLD
    nms_iou: float = DEFAULT_NMS_IOU
    iou_threshold: float = DEFAULT_MATCH_IOU
    before_nms: bool = False
    chosen_cell: tuple[int, int] | None = None
    heatmap: bool = True
    mask_opacity: float = 0.5
    cam_class: int | None = None


@dataclass
class Detections:
    """Shown predictions: ``boxes`` (N, 4) xyxy image pixels, ``scores`` (N,), ``classes`` (N,) int."""

    boxes: np.ndarray
    scores: np.ndarray
    classes: np.ndarray

    def __len__(self) -> int:
        return int(self.boxes.shape[0])


@dataclass
class IouSummary:
    """Ground truth vs shown predictions.

    Attributes:
        pairs: ``(gt_index, pred_index, iou)`` for every ground-truth box that overlaps a prediction (greedy).
        misses: ground-truth indices with no prediction at ``iou_threshold`` or more.
        false_alarms: prediction indices not matched to a ground-truth box at ``iou_threshold`` or more.
        mean_iou: mean over ground-truth boxes of their matched IoU (0 for a box nothing overlaps); NaN without
            ground truth.
    """

    pairs: list[tuple[int, int, float]] = field(default_factory=list)
    misses: list[int] = field(default_factory=list)
    false_alarms: list[int] = field(default_factory=list)
    mean_iou: float = float("nan")


@dataclass
class CamView:
    """What the "why this class" overlay shows (`OverlayScene.cam_view`).

    Attributes:
        heat: (h, w) float32 0..1 over the whole image (`annotator.core.prediction.Prediction.cam`).
        class_index, class_name: the class the map explains.
        probability: the loc head's probability of that class.
        predicted: that class is the one the model predicts.
        heat_in_box: share of the heat inside the loc head's box (0..1; NaN without heat).
        stale: the user picked another class; its map is on the way (this one is the previous class's).
    """

    heat: np.ndarray
    class_index: int
    class_name: str
    probability: float
    predicted: bool
    heat_in_box: float
    stale: bool


class OverlayScene:
    """The data the overlays draw: one image's prediction, its ground truth, the settings, the visible set."""

    def __init__(self) -> None:
        self.prediction: Prediction | None = None
        self.annotation: ImageAnnotation | None = None
        self.settings = OverlaySettings()
        self.visible: set[str] = set()
        self.reviewed: set[tuple] = set()
        """Keys (`prediction_key`) of predictions accepted or rejected on this image: no longer drawn as pending."""
        self._detections: tuple[tuple, Detections, Prediction | None] | None = None
        self.selected: set[tuple] = set()
        """Keys (`prediction_key`) of the predictions the user selected (list or canvas): drawn highlighted."""

    def set_prediction(self, prediction: Prediction | None) -> None:
        """Show another prediction; review marks are kept only when it is for the same image."""
        same = (
            prediction is not None
            and self.prediction is not None
            and prediction.image_id == self.prediction.image_id
        )
        if not same:
            self.reviewed = set()
            self.selected = set()
        self.prediction = prediction

    def prediction_key(self, det: Detections, index: int) -> tuple:
        """A key that names one shown prediction across re-thresholding: class and box rounded to 0.1 px."""
        return (int(det.classes[index]), *(round(float(v), 1) for v in det.boxes[index]))

    def prediction_at(self, x: float, y: float) -> int | None:
        """The pending prediction under image point ``(x, y)``: of the boxes (xyxy image pixels) holding it, the
        smallest, so a box inside another can still be picked; None when no pending box holds the point."""
        det = self.detections()
        best, best_area = None, float("inf")
        for i in self.pending():
            x0, y0, x1, y1 = (float(v) for v in det.boxes[i])
            area = (x1 - x0) * (y1 - y0)
            if x0 <= x <= x1 and y0 <= y <= y1 and area < best_area:
                best, best_area = i, area
        return best

    def pending(self) -> list[int]:
        """Indices into `detections()` of the predictions not yet accepted or rejected, best score first."""
        det = self.detections()
        order = np.argsort(-det.scores, kind="stable")
        return [int(i) for i in order if self.prediction_key(det, int(i)) not in self.reviewed]

    def detections(self) -> Detections:
        """The predictions to show: grid raw detections thresholded and suppressed here (so the sliders act at
        once, without asking the model again), else the final boxes above the score threshold.

        Cached per prediction and settings: every painter and the review panel ask for it on each repaint."""
        s = self.settings
        key = (id(self.prediction), s.score_threshold, s.nms_iou, s.before_nms)
        cached = self._detections
        if cached is not None and cached[0] == key and cached[2] is self.prediction:
            return cached[1]
        det = self._compute_detections()
        self._detections = (key, det, self.prediction)
        return det

    def _compute_detections(self) -> Detections:
        p = self.prediction
        if p is None:
            return Detections(np.zeros((0, 4), np.float32), np.zeros(0, np.float32), np.zeros(0, np.int32))
        s = self.settings
        if p.objectness is not None and len(p.raw_boxes):
            boxes = np.asarray(p.raw_boxes, np.float32).reshape(-1, 4)
            scores = np.asarray(p.raw_scores, np.float32)
            classes = np.asarray(p.raw_classes, np.int32)
            keep = scores >= s.score_threshold
            boxes, scores, classes = boxes[keep], scores[keep], classes[keep]
            if not s.before_nms:
                idx = batched_nms(boxes, scores, classes, iou_threshold=s.nms_iou)
                boxes, scores, classes = boxes[idx], scores[idx], classes[idx]
            return Detections(boxes, scores, classes)
        boxes = np.asarray(p.boxes, np.float32).reshape(-1, 4)
        scores = np.asarray(p.scores, np.float32)
        classes = np.asarray(p.classes, np.int32)
        keep = scores >= s.score_threshold
        return Detections(boxes[keep], scores[keep], classes[keep])

    def class_name(self, index: int) -> str:
        names = self.prediction.class_names if self.prediction is not None else []
        return names[index] if 0 <= index < len(names) else f"class {index}"

    def gt_boxes(self) -> np.ndarray:
        if self.annotation is None or not self.annotation.objects:
            return np.zeros((0, 4), np.float32)
        return np.asarray([o.xyxy() for o in self.annotation.objects], np.float32)

    def iou_summary(self) -> IouSummary:
        """Match ground truth to the shown predictions (`annotator.core.geometry.match_boxes`, greedy by IoU)."""
        gt = self.gt_boxes()
        det = self.detections()
        if len(gt) == 0:
            return IouSummary(false_alarms=list(range(len(det))))
        if len(det) == 0:
            return IouSummary(misses=list(range(len(gt))), mean_iou=0.0)
        matches = match_boxes(gt, det.boxes, iou_threshold=1e-9)
        pairs = [(int(g), int(d), float(v)) for g, d, v in _pairs(matches)]
        good = {(g, d) for g, d, v in pairs if v >= self.settings.iou_threshold}
        matched_gt = {g for g, _ in good}
        matched_det = {d for _, d in good}
        per_gt = np.zeros(len(gt), np.float64)
        for g, _, v in pairs:
            per_gt[g] = v
        return IouSummary(
            pairs=pairs,
            misses=[i for i in range(len(gt)) if i not in matched_gt],
            false_alarms=[i for i in range(len(det)) if i not in matched_det],
            mean_iou=float(per_gt.mean()),
        )

    def cam_view(self) -> CamView | None:
        """The heat map of the shown prediction and how to read it; None when it carries none."""
        from annotator.core.cam import heat_inside

        p = self.prediction
        if p is None or p.cam is None or p.loc_probs is None:
            return None
        probs = np.asarray(p.loc_probs, np.float32).reshape(-1)
        k = p.cam_class if isinstance(p.cam_class, int) else -1
        if not 0 <= k < len(probs):
            return None
        box = p.loc_box if p.loc_box is not None else (0, 0, p.width, p.height)
        return CamView(
            heat=np.asarray(p.cam, np.float32),
            class_index=k,
            class_name=self.class_name(k),
            probability=float(probs[k]),
            predicted=k == int(np.argmax(probs)),
            heat_in_box=heat_inside(p.cam, box, p.width, p.height),
            stale=k != self.wanted_cam_class(),
        )

    def wanted_cam_class(self) -> int | None:
        """The class the heat map should explain: the user's pick, else the predicted class (None without a loc
        head's probabilities)."""
        p = self.prediction
        if self.settings.cam_class is not None:
            return int(self.settings.cam_class)
        if p is None or p.loc_probs is None or np.asarray(p.loc_probs).size == 0:
            return None
        return int(np.argmax(p.loc_probs))

    def cam_missing(self) -> bool:
        """The shown prediction has no heat map of the class asked for (`OverlaySettings.cam_class`), so the
        worker must be asked for one; False without a prediction or without a loc head to explain."""
        p = self.prediction
        if p is None or p.loc_probs is None:
            return False
        return p.cam is None or p.cam_class != self.wanted_cam_class()

    def grid_cell_of(self, x: float, y: float) -> tuple[int, int] | None:
        """The ``(row, col)`` of the grid cell holding image point ``(x, y)``, or None without a grid head."""
        p = self.prediction
        if p is None or p.grid_shape is None or p.width <= 0 or p.height <= 0:
            return None
        rows, cols = p.grid_shape
        row = int(np.clip(y / p.height * rows, 0, rows - 1))
        col = int(np.clip(x / p.width * cols, 0, cols - 1))
        return row, col

    def responsible_cells(self) -> list[tuple[int, int]]:
        """Cells holding the centre of a shown detection (the cells that fired)."""
        cells = []
        for x0, y0, x1, y1 in self.detections().boxes:
            cell = self.grid_cell_of((x0 + x1) / 2, (y0 + y1) / 2)
            if cell is not None and cell not in cells:
                cells.append(cell)
        return cells

    def chosen_cell(self) -> tuple[int, int] | None:
        """The cell whose anchors are drawn: the user's choice, else the best detection's cell."""
        p = self.prediction
        if p is None or p.grid_shape is None:
            return None
        if self.settings.chosen_cell is not None:
            rows, cols = p.grid_shape
            r, c = self.settings.chosen_cell
            return min(max(r, 0), rows - 1), min(max(c, 0), cols - 1)
        cells = self.responsible_cells()
        if cells:
            return cells[0]
        obj = np.asarray(p.objectness).max(axis=-1)
        r, c = np.unravel_index(int(np.argmax(obj)), obj.shape)
        return int(r), int(c)


def _pairs(matches: object) -> list[tuple[int, int, float]]:
    """Matched ``(gt, pred, iou)`` triples of a `geometry.Matches`."""
    return [
        (int(g), int(d), float(v))
        for g, d, v in zip(matches.gt_indices, matches.pred_indices, matches.ious, strict=True)
    ]
