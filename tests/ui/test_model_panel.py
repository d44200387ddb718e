"""The Model panel for someone new to models: one line and a Load button until a model is loaded, then only the
knobs its heads use; a prediction picked in the list is highlighted on the canvas and a click on a predicted box
picks it in the list, so Accept takes the box the user means; a click on a grid cell shows that cell's anchors.

Clicks are real mouse events through qtbot at the widget pixels that show the boxes. The predictions are crafted
(the worker's own `Prediction` dataclass) except in the test that loads the session's tiny trained model.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import Qt

from annotator.core.prediction import Prediction
from annotator.ui.model.features import install_model_features
from annotator.ui.model.panel import NO_MODEL_TEXT
from tests.ui.model_helpers import tiny_model
from tests.ui.ui_helpers import widget_point

# Three predictions on a 200 x 150 image: the surest on the left, a less sure one on the right, and a small one
# inside the right box (picked by a click inside it, not the big box around it).
BOXES = np.array([[10, 20, 70, 90], [110, 30, 190, 140], [140, 60, 160, 80]], np.float32)
SCORES = np.array([0.9, 0.7, 0.5], np.float32)
CLASSES = np.array([0, 1, 0], np.int32)
INFO = {
    "heads": ["loc", "grid"],
    "backbone": "mobilenetv2",
    "image_size": 96,
    "class_names": ["daisy", "roses"],
}


@pytest.fixture
def features(window):
    f = install_model_features(window)
    yield f
    f.client.shutdown()


def _show(window, f, *, grid: bool = False) -> Prediction:
    """Show a crafted prediction of the current image as if the worker had sent it."""
    extra = {}
    if grid:
        objectness = np.zeros((3, 4, 2), np.float32)
        objectness[1, 2, 0] = 0.8
        extra = {"objectness": objectness, "anchors": np.array([[0.2, 0.3], [0.4, 0.5]], np.float32)}
    prediction = Prediction(
        str(window.current_path), 200, 150, ["daisy", "roses"], BOXES, SCORES, CLASSES, **extra
    )
    f.model_panel.show_model("tiny.keras", INFO)
    f.scene.visible.update({"predictions", "grid"} if grid else {"predictions"})
    f.prediction.on_prediction(prediction)
    return prediction


def _rows(panel) -> list[int]:
    return [
        int(panel.predictions.item(r).data(Qt.ItemDataRole.UserRole))
        for r in range(panel.predictions.count())
    ]


def _pixel(window, x: float, y: float, dx: int = 0) -> tuple[int, int, int]:
    """The canvas colour at image point (x, y), ``dx`` widget pixels to the right."""
    image = window.canvas.grab().toImage()
    p = widget_point(window.canvas, x, y)
    c = image.pixelColor(p.x() + dx, p.y())
    return c.red(), c.green(), c.blue()


def test_without_a_model_the_panel_is_one_line_and_a_load_button(qtbot, window, features):
    panel = features.model_panel
    panel.show()
    qtbot.waitExposed(panel)
    assert panel.model_label.text() == NO_MODEL_TEXT
    assert panel.load_button.isVisible() and panel.load_button.text() == "Load model..."
    for knob in (
        panel.score_slider,
        panel.nms_slider,
        panel.heatmap_box,
        panel.predictions,
        panel.accept_button,
    ):
        assert not knob.isVisible()
    assert not panel.status_label.isVisible()  # no empty line taking room
    features.prediction.on_model_load_failed("/x/broken.keras", "not a Keras file")
    assert panel.model_label.text() == NO_MODEL_TEXT and not panel.score_slider.isVisible()
    assert panel.status_label.isVisible() and "broken.keras" in panel.status_label.text()


def test_a_box_only_model_shows_no_grid_or_mask_knobs(qtbot, window, features):
    panel = features.model_panel
    panel.show()
    panel.show_model("/runs/a/model.keras", {"heads": ["loc"], "backbone": "xception", "image_size": 224})
    assert panel.score_slider.isVisible() and panel.iou_slider.isVisible() and panel.predictions.isVisible()
    assert not panel.nms_slider.isVisible() and not panel.heatmap_box.isVisible()
    assert not panel.opacity_slider.isVisible() and not panel.cell_row_spin.isVisible()
    assert "finds: box + class" in panel.model_label.text()
    panel.show_no_model()
    assert not panel.score_slider.isVisible()


def test_loading_a_real_model_brings_the_knobs_of_its_heads(qtbot, window, features, tmp_path):
    data, model = tiny_model(tmp_path)
    window.open_path(data)
    panel = features.model_panel
    assert not panel.score_slider.isVisible()
    with qtbot.waitSignal(features.client.model_loaded, timeout=240000):
        features.prediction.load_model(str(model))
    assert panel.heads == ["loc", "grid", "seg"]
    for knob in (panel.score_slider, panel.nms_slider, panel.opacity_slider, panel.heatmap_box):
        assert knob.isVisible()
    assert "finds: box + class, YOLO grid, mask" in panel.model_label.text()


def test_a_prediction_picked_in_the_list_is_highlighted_and_accepted(qtbot, window, features, image_folder):
    window.open_path(image_folder)
    f, panel = features, features.model_panel
    _show(window, f)
    assert _rows(panel) == [0, 1, 2]
    plain = _pixel(window, 110, 85, dx=-2)  # just outside the second box's left edge (dashed, thin)
    item = panel.predictions.item(1)
    qtbot.mouseClick(
        panel.predictions.viewport(),
        Qt.MouseButton.LeftButton,
        pos=panel.predictions.visualItemRect(item).center(),
    )
    det = f.scene.detections()
    assert f.scene.selected == {f.scene.prediction_key(det, 1)}
    highlighted = _pixel(window, 110, 85, dx=-2)
    assert highlighted != plain and min(highlighted) > 240  # selected: solid, with a white outline
    n_boxes = len(window.document.objects)
    qtbot.mouseClick(panel.accept_button, Qt.MouseButton.LeftButton)
    assert len(window.document.objects) == n_boxes + 1
    accepted = window.document.objects[-1]
    assert accepted.name == "roses" and accepted.xyxy() == pytest.approx(tuple(BOXES[1]))
    assert _rows(panel) == [0, 2] and not panel.predictions.selectedItems() and not f.scene.selected


def test_clicking_a_predicted_box_on_the_canvas_selects_it_in_the_list(qtbot, window, features, image_folder):
    window.open_path(image_folder)
    f, panel = features, features.model_panel
    _show(window, f)
    canvas = window.canvas
    qtbot.mouseClick(canvas, Qt.MouseButton.LeftButton, pos=widget_point(canvas, 120, 120))
    assert [int(i.data(Qt.ItemDataRole.UserRole)) for i in panel.predictions.selectedItems()] == [1]
    qtbot.mouseClick(
        canvas, Qt.MouseButton.LeftButton, pos=widget_point(canvas, 150, 70)
    )  # the small box inside
    assert [int(i.data(Qt.ItemDataRole.UserRole)) for i in panel.predictions.selectedItems()] == [2]
    assert f.scene.selected == {f.scene.prediction_key(f.scene.detections(), 2)}
    n_boxes = len(window.document.objects)
    f.actions["accept_prediction"].trigger()  # the menu's Accept takes the picked box too
    assert window.document.objects[-1].xyxy() == pytest.approx(tuple(BOXES[2]))
    assert len(window.document.objects) == n_boxes + 1
    qtbot.mouseClick(canvas, Qt.MouseButton.LeftButton, pos=widget_point(canvas, 90, 10))  # on no prediction
    assert not panel.predictions.selectedItems() and not f.scene.selected
    # A drag is an edit gesture, not a pick: the selection stays as it was.
    qtbot.mouseClick(canvas, Qt.MouseButton.LeftButton, pos=widget_point(canvas, 40, 50))
    assert panel.selected_indices() == [0]
    qtbot.mousePress(canvas, Qt.MouseButton.LeftButton, pos=widget_point(canvas, 120, 120))
    qtbot.mouseMove(canvas, widget_point(canvas, 60, 120))
    qtbot.mouseRelease(canvas, Qt.MouseButton.LeftButton, pos=widget_point(canvas, 60, 120))
    assert panel.selected_indices() == [0] and len(f.scene.selected) == 1


def test_clicking_a_grid_cell_shows_its_anchors(qtbot, window, features, image_folder):
    window.open_path(image_folder)
    f, panel = features, features.model_panel
    _show(window, f, grid=True)
    assert panel.auto_cell.isChecked() and f.scene.chosen_cell() == (1, 0)  # the best box's cell
    canvas = window.canvas
    before = canvas.grab().toImage()
    qtbot.mouseClick(
        canvas, Qt.MouseButton.LeftButton, pos=widget_point(canvas, 180, 130)
    )  # row 2 of 3, col 3
    assert not panel.auto_cell.isChecked()
    assert (panel.cell_row_spin.value(), panel.cell_col_spin.value()) == (2, 3)
    assert f.scene.settings.chosen_cell == (2, 3) and f.scene.chosen_cell() == (2, 3)
    assert canvas.grab().toImage() != before  # the anchors are drawn around the new cell
    qtbot.mouseClick(canvas, Qt.MouseButton.LeftButton, pos=widget_point(canvas, 5, 5))
    assert f.scene.chosen_cell() == (0, 0)


def test_the_loaded_model_line_follows_a_language_switch(qtbot, window, features, image_folder: Path):
    window.open_path(image_folder)
    panel = features.model_panel
    panel.show_model("/runs/a/model.keras", INFO)
    window.actions.language_ko.trigger()
    try:
        assert "찾는 것: 상자 + 클래스, YOLO 그리드" in panel.model_label.text()
        assert panel.hint_label.text().startswith("여기나 이미지에서")
    finally:
        window.actions.language_en.trigger()
    assert "finds: box + class, YOLO grid" in panel.model_label.text()
