"""Model-assisted labelling: accept or reject predictions as undoable commands (the review figures and the
hardest-first ranking are Qt-free, in `annotator.core.prediction_review`).

Predictions live in the overlay scene, never in the document, until accepted: accepting pushes the ui's
`AddBoxesCommand` (inside our own command, so the review mark is undone with it). Rejecting only marks the
prediction reviewed, also undoably. Boxes are xyxy in continuous image pixels (displayed frame).
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtGui import QUndoCommand

from annotator.core.annotation import BoxObject
from annotator.core.overlay_scene import OverlayScene
from annotator.core.prediction_review import ReviewMark, ReviewTracker
from annotator.ui.document import DocumentModel
from annotator.ui.translations import tr as _tr
from annotator.ui.undo import AddBoxesCommand


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
        self._mark = ReviewMark(scene, image_id, [scene.prediction_key(det, i) for i in indices], on_change)
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
        self._mark = ReviewMark(scene, image_id, [scene.prediction_key(det, i) for i in indices], on_change)

    def redo(self) -> None:
        self._mark.set(True)

    def undo(self) -> None:
        self._mark.set(False)


def review_status_text(tracker: ReviewTracker, image_id: str) -> str:
    """The file list's extra status for ``image_id``: ``"2 unreviewed prediction(s)"``, or ``""``."""
    pending = tracker.pending(image_id)
    return _tr("%d unreviewed prediction(s)") % pending if pending else ""
