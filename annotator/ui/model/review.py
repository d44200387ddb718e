"""Model-assisted labelling: accept or reject predictions as undoable commands, and walk the hardest images.

Predictions live in the overlay scene, never in the document, until accepted: accepting pushes the ui's
`AddBoxesCommand` (inside our own command, so the review mark is undone with it). Rejecting only marks the
prediction reviewed, also undoably. Boxes are xyxy in continuous image pixels (displayed frame).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtGui import QUndoCommand

from annotator.core.annotation import BoxObject
from annotator.core.overlay_scene import OverlayScene
from annotator.ui.document import DocumentModel
from annotator.ui.translations import tr as _tr
from annotator.ui.undo import AddBoxesCommand


class _ReviewMark:
    """Adds/removes keys of the scene's ``reviewed`` set, if the scene still shows the same image."""

    def __init__(self, scene: OverlayScene, image_id: str, keys: list[tuple], on_change: Callable[[], None]):
        self.scene, self.image_id, self.keys, self.on_change = scene, image_id, keys, on_change

    def _same_image(self) -> bool:
        return self.scene.prediction is not None and self.scene.prediction.image_id == self.image_id

    def set(self, reviewed: bool) -> None:
        if self._same_image():
            if reviewed:
                self.scene.reviewed.update(self.keys)
            else:
                self.scene.reviewed.difference_update(self.keys)
        self.on_change()


class AcceptPredictionsCommand(QUndoCommand):
    """Turn predictions into labels: adds the boxes (one undo step) and marks them reviewed."""

    def __init__(
        self,
        document_model: DocumentModel,
        scene: OverlayScene,
        indices: list[int],
        on_change: Callable[[], None] = lambda: None,
    ) -> None:
        det = scene.detections()
        boxes = [
            BoxObject(scene.class_name(int(det.classes[i])), *(float(v) for v in det.boxes[i]))
            for i in indices
        ]
        text = (
            _tr("Accept prediction '%s'") % boxes[0].name
            if len(boxes) == 1
            else _tr("Accept %d predictions") % len(boxes)
        )
        super().__init__(text)
        self._add = AddBoxesCommand(document_model, boxes, text)
        image_id = scene.prediction.image_id if scene.prediction is not None else ""
        self._mark = _ReviewMark(scene, image_id, [scene.prediction_key(det, i) for i in indices], on_change)
        self.boxes = boxes

    def redo(self) -> None:
        self._add.redo()
        self._mark.set(True)

    def undo(self) -> None:
        self._add.undo()
        self._mark.set(False)


class RejectPredictionsCommand(QUndoCommand):
    """Mark predictions as wrong: hidden from the predictions overlay, the document is unchanged."""

    def __init__(
        self, scene: OverlayScene, indices: list[int], on_change: Callable[[], None] = lambda: None
    ) -> None:
        super().__init__(_tr("Reject %d prediction(s)") % len(indices))
        det = scene.detections()
        image_id = scene.prediction.image_id if scene.prediction is not None else ""
        self._mark = _ReviewMark(scene, image_id, [scene.prediction_key(det, i) for i in indices], on_change)

    def redo(self) -> None:
        self._mark.set(True)

    def undo(self) -> None:
        self._mark.set(False)


@dataclass
class ImageReview:
    """What the model said about one image, for the file list status and "next hardest" navigation.

    Attributes:
        confidence: the best score among the shown predictions (0 when the model found nothing).
        mean_iou: mean IoU of the ground truth with the predictions; NaN when the image has no boxes.
        pending: predictions not yet accepted or rejected.
    """

    confidence: float
    mean_iou: float
    pending: int


class ReviewTracker:
    """Per-image review figures, updated each time a prediction is shown or reviewed."""

    def __init__(self) -> None:
        self.images: dict[str, ImageReview] = {}

    def update(self, scene: OverlayScene) -> ImageReview | None:
        if scene.prediction is None:
            return None
        det = scene.detections()
        review = ImageReview(
            confidence=float(det.scores.max()) if len(det) else 0.0,
            mean_iou=scene.iou_summary().mean_iou,
            pending=len(scene.pending()),
        )
        self.images[scene.prediction.image_id] = review
        return review

    def status_text(self, image_id: str) -> str:
        review = self.images.get(image_id)
        if review is None or review.pending == 0:
            return ""
        return _tr("%d unreviewed prediction(s)") % review.pending

    def next_hardest(self, order: list[str], current: str | None, by: str) -> str | None:
        """The image after ``current`` in "hardest first" order among images the model has seen.

        Args:
            order: the file list's paths (ties keep this order).
            current: the shown image (skipped; the walk continues after it in the hardest-first order).
            by: ``"confidence"`` (lowest best score first) or ``"iou"`` (lowest mean IoU first; images without
                ground truth are skipped).
        """
        if by not in ("confidence", "iou"):
            raise ValueError(f"by must be 'confidence' or 'iou', got {by!r}")
        rank = {p: i for i, p in enumerate(order)}
        seen = [p for p in order if p in self.images]
        if by == "iou":
            seen = [p for p in seen if not math.isnan(self.images[p].mean_iou)]
            key = [(self.images[p].mean_iou, rank[p], p) for p in seen]
        else:
            key = [(self.images[p].confidence, rank[p], p) for p in seen]
        ranked = [p for *_, p in sorted(key)]
        if not ranked:
            return None
        if current in ranked:
            i = ranked.index(current)
            return ranked[i + 1] if i + 1 < len(ranked) else None
        return ranked[0]
