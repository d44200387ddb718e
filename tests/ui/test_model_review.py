"""Review commands and hardest-first ordering on crafted predictions (no worker)."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtGui import QUndoStack

from annotator.core.annotation import BoxObject, ImageAnnotation
from annotator.core.overlay_scene import OverlayScene
from annotator.core.prediction import Prediction
from annotator.core.prediction_review import ReviewTracker
from annotator.ui.document import DocumentModel
from annotator.ui.model.review import AcceptPredictionsCommand, RejectPredictionsCommand, review_status_text


def _scene(image_id: str = "a.jpg") -> tuple[OverlayScene, DocumentModel]:
    doc = DocumentModel(
        ImageAnnotation(width=100, height=80, objects=[BoxObject("daisy", 10, 10, 40, 40)]), image_id
    )
    scene = OverlayScene()
    scene.annotation = doc.annotation
    scene.set_prediction(
        Prediction(
            image_id,
            100,
            80,
            ["daisy", "roses"],
            boxes=np.array([[11, 10, 40, 41], [60, 20, 90, 70], [0, 0, 5, 5]], np.float32),
            scores=np.array([0.9, 0.6, 0.1], np.float32),
            classes=np.array([0, 1, 1], np.int32),
        )
    )
    return scene, doc


def test_accept_adds_labels_in_one_undo_step_and_marks_them_reviewed(qapp):
    scene, doc = _scene()
    stack = QUndoStack()
    assert scene.pending() == [0, 1]  # 0.1 is under the 0.3 threshold
    changes = []
    stack.push(AcceptPredictionsCommand(doc, scene, [0, 1], lambda: changes.append(1)))
    assert [o.name for o in doc.boxes] == ["daisy", "daisy", "roses"]
    assert doc.boxes[2].xyxy() == (60.0, 20.0, 90.0, 70.0) and doc.boxes[2].score is None
    assert scene.pending() == [] and changes
    stack.undo()
    assert len(doc) == 1 and scene.pending() == [0, 1]
    stack.redo()
    assert len(doc) == 3


def test_reject_changes_no_label_and_undo_brings_the_prediction_back(qapp):
    scene, doc = _scene()
    stack = QUndoStack()
    stack.push(RejectPredictionsCommand(scene, [1]))
    assert scene.pending() == [0] and len(doc) == 1
    stack.undo()
    assert scene.pending() == [0, 1]


def test_review_marks_survive_a_new_prediction_of_the_same_image_only(qapp):
    scene, _ = _scene()
    RejectPredictionsCommand(scene, [1]).redo()
    same = scene.prediction
    scene.set_prediction(same)
    assert scene.pending() == [0]
    other, _ = _scene("b.jpg")
    scene.set_prediction(other.prediction)
    assert scene.pending() == [0, 1]


def test_tracker_counts_pending_predictions_and_shows_them_as_a_status():
    t = ReviewTracker()
    scene, _ = _scene()
    review = t.update(scene)
    assert review.confidence == pytest.approx(0.9) and review.pending == 2
    assert review.mean_iou == pytest.approx(870 / (900 + 899 - 870))
    assert review_status_text(t, "a.jpg") == "2 unreviewed prediction(s)" and t.pending("zzz.jpg") == 0
    assert review_status_text(t, "zzz.jpg") == ""
