"""The Evaluation panel driven with real events: a real worker evaluates a tiny trained model on its folder, the
class table fills and sorts, a confusion cell filters the file list and steps through its cases with their boxes
highlighted, and threshold changes update every view without asking the worker again."""

from __future__ import annotations

import os
import signal

import numpy as np
import pytest
from PySide6.QtCore import Qt

from annotator.ui.model.features import install_model_features
from tests.ui.model_helpers import tiny_model

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


@pytest.fixture
def loaded(qtbot, window, tmp_path):
    """The window on the tiny model's folder with the model loaded: (features, data folder)."""
    data, model = tiny_model(tmp_path)
    window.open_path(data)
    f = install_model_features(window)
    with qtbot.waitSignal(f.client.model_loaded, timeout=120000):
        f.prediction.load_model(str(model))
    return f, data


def _click(qtbot, widget, pos=None):
    if pos is None:
        qtbot.mouseClick(widget, Qt.MouseButton.LeftButton)
    else:
        qtbot.mouseClick(widget, Qt.MouseButton.LeftButton, pos=pos)


def _evaluate(qtbot, f):
    dock = f.evaluation_dock
    progress = []
    f.client.evaluation_progress.connect(lambda *args: progress.append(args))
    with qtbot.waitSignal(f.client.evaluation_finished, timeout=180000) as finished:
        _click(qtbot, dock.evaluate_button)
        assert dock.progress.isVisible() and dock.cancel_button.isVisible()
    assert finished.args[1] is False  # not cancelled
    assert progress and not dock.progress.isVisible()
    return progress


def _table(dock) -> dict[str, list[str]]:
    t = dock.table
    return {
        t.item(r, 0).text(): [t.item(r, c).text() for c in range(1, t.columnCount())]
        for r in range(t.rowCount())
    }


def _expected_table(views) -> dict[str, list[str]]:
    def fig(v):
        return f"{v:.3f}" if np.isfinite(v) else "–"

    return {
        c.name: [str(c.n_gt), fig(c.ap), fig(c.precision), fig(c.recall), fig(c.mean_iou)]
        for c in views.per_class
    }


def test_evaluate_then_confusion_cell_filters_and_steps_and_thresholds_update_views(
    qtbot, window, loaded, image_folder
):
    f, data = loaded
    dock, files = f.evaluation_dock, window.file_panel
    assert f.actions["toggle_evaluation_dock"] in f.menu.actions()
    # the model trained on this folder: its validation split is offered first; pick all labelled images instead
    val = (data / "ImageSets" / "Main" / "val.txt").read_text().split()
    assert (
        dock.split_combo.currentData() == "val" and f"({len(val)} images)" in dock.split_combo.currentText()
    )
    dock.split_combo.setFocus()
    qtbot.keyClick(dock.split_combo, Qt.Key.Key_Down)
    assert dock.split_combo.currentData() == "all"
    _evaluate(qtbot, f)
    result_data = dock.data
    assert len(result_data) == 10 and "Evaluated 10 images" in dock.status_label.text()

    # the class table is the core's figures at the sliders' thresholds, and sorts by a header click
    views = result_data.views(0.3, 0.5)
    assert _table(dock) == _expected_table(views)
    header = dock.table.horizontalHeader()
    for _ in range(2):  # a header click sorts by AP, a second click the other way round
        _click(qtbot, header.viewport(), _section_center(header, 2))
        aps = [dock.table.item(r, 2).value for r in range(dock.table.rowCount())]
        descending = header.sortIndicatorOrder() == Qt.SortOrder.DescendingOrder
        assert header.sortIndicatorSection() == 2 and aps == sorted(aps, reverse=descending)

    # per-image counts in the file list
    for c in views.images:
        path = dock.paths[c.image_id]
        text = files.model.extra_status(path, "evaluation")
        assert text and (f"{c.misses} missed" in text) == (c.misses > 0), text

    # a confusion cell: the file list shows its images, Next steps through its cases with boxes highlighted
    tabs = dock.tabs
    _click(qtbot, tabs.tabBar(), tabs.tabBar().tabRect(1).center())
    assert tabs.currentIndex() == 1
    qtbot.waitExposed(dock.confusion)
    cell = _busiest_cell(views.confusion)
    cases = result_data.cases(views, *cell)
    _click(qtbot, dock.confusion, dock.confusion.cell_rect(*cell).center())
    assert f.evaluation.cell == cell and len(f.evaluation.cases) == views.confusion[cell]
    case_paths = {dock.paths[c.image_id] for c in cases}
    assert set(files.visible_paths()) == case_paths
    assert window.current_path == dock.paths[cases[0].image_id]
    assert f.evaluation.layer.current is not None and f.evaluation.layer.current.image_id == cases[0].image_id
    assert dock.case_bar.isVisible() and f"case 1 of {len(cases)}" in dock.case_label.text()
    if len(cases) > 1:
        qtbot.waitUntil(
            lambda: dock.next_case_button.height() > 0
        )  # the case bar laid out, as a user sees it
        _click(qtbot, dock.next_case_button)
        assert window.current_path == dock.paths[cases[1].image_id]
        assert f"case 2 of {len(cases)}" in dock.case_label.text()
        current = f.evaluation.layer.current
        assert (current.image_id, current.gt_index, current.det_index) == (
            cases[1].image_id,
            cases[1].gt_index,
            cases[1].det_index,
        )
    _click(qtbot, dock.prev_case_button)
    assert window.current_path == dock.paths[cases[0].image_id]

    # thresholds: every view follows, the worker is not asked again
    sent = f.client._process.new_id()
    dock.score_slider.setFocus()
    qtbot.keyClick(dock.score_slider, Qt.Key.Key_PageUp)
    dock.iou_slider.setFocus()
    qtbot.keyClick(dock.iou_slider, Qt.Key.Key_PageUp)
    assert (dock.score_threshold, dock.iou_threshold) == (0.35, 0.55)
    later = result_data.views(0.35, 0.55)
    assert dock.views.score_threshold == 0.35 and dock.views.iou_threshold == 0.55
    assert _table(dock) == _expected_table(later)
    np.testing.assert_array_equal(dock.confusion.matrix, later.confusion)
    np.testing.assert_array_equal(
        dock.curves.curve_points(later.class_names[0])[0], later.pr_curves[later.class_names[0]].recall
    )
    assert len(f.evaluation.cases) == later.confusion[cell]
    for c in later.images:
        text = files.model.extra_status(dock.paths[c.image_id], "evaluation")
        assert (f"{c.matches} found" in text) == (c.matches > 0), text
    assert f.client._process.new_id() == sent + 1  # no request was sent since

    # back to every image; then only the images with misses, most misses first
    _click(qtbot, dock.clear_case_button)
    assert f.evaluation.cell is None and len(files.visible_paths()) == 10 and not dock.case_bar.isVisible()
    combo = f.evaluation.file_bar.filter_combo
    combo.setFocus()
    while combo.currentData() != "misses":
        qtbot.keyClick(combo, Qt.Key.Key_Down)
    sort = f.evaluation.file_bar.sort_combo
    sort.setFocus()
    qtbot.keyClick(sort, Qt.Key.Key_Down)
    assert sort.currentData() == "misses"
    with_misses = [c for c in later.images if c.misses]
    shown = files.visible_paths()
    assert set(shown) == {dock.paths[c.image_id] for c in with_misses}
    misses = {dock.paths[c.image_id]: c.misses for c in later.images}
    assert [misses[p] for p in shown] == sorted((misses[p] for p in shown), reverse=True)

    # another folder: the results belonged to the old one and go, the list shows the new folder whole
    window.open_path(image_folder)
    assert dock.data is None and dock.views is None and not dock.tabs.isVisibleTo(dock)
    assert not f.evaluation.file_bar.isVisibleTo(files)
    assert files.visible_paths() == [str(p) for p in sorted(image_folder.glob("*.jpg"))]
    assert not any(files.model.extra_status(p, "evaluation") for p in files.visible_paths())


def test_no_model_then_cancel_a_running_evaluation(qtbot, window, tmp_path):
    data, model = tiny_model(tmp_path)
    window.open_path(data)
    f = install_model_features(window)
    dock = f.evaluation_dock
    assert not dock.evaluate_button.isEnabled() and "Load a model first" in dock.status_label.text()
    with qtbot.waitSignal(f.client.model_loaded, timeout=120000):
        f.prediction.load_model(str(model))
    assert dock.evaluate_button.isEnabled()
    # the worker paused: Evaluate and Cancel reach it together, so the cancel always lands
    pid = f.client.worker_pid
    os.kill(pid, signal.SIGSTOP)
    try:
        _click(qtbot, dock.evaluate_button)
        assert dock.cancel_button.isVisible()
        _click(qtbot, dock.cancel_button)
    finally:
        os.kill(pid, signal.SIGCONT)
    with qtbot.waitSignal(f.client.evaluation_finished, timeout=120000) as finished:
        pass
    assert finished.args[1] is True
    assert dock.status_label.text() == "Evaluation cancelled." and dock.data is None
    assert dock.evaluate_button.isEnabled() and not dock.cancel_button.isVisible()
    assert f.evaluation.request_id is None
    # evaluated, then another model loaded: the results were the old model's and go
    _evaluate(qtbot, f)
    assert dock.data is not None and any(
        window.file_panel.model.extra_status(p, "evaluation") for p in dock.paths.values()
    )
    other = tmp_path / "other.keras"
    other.write_bytes(model.read_bytes())
    with qtbot.waitSignal(f.client.model_loaded, timeout=120000):
        f.prediction.load_model(str(other))
    assert dock.data is None and not f.evaluation.file_bar.isVisibleTo(window.file_panel)
    assert not any(
        window.file_panel.model.extra_status(p, "evaluation") for p in window.file_panel.model.paths()
    )


def test_panel_speaks_korean(qtbot, window, image_folder):
    window.open_path(image_folder)
    f = install_model_features(window)
    dock = f.evaluation_dock
    window.actions.language_ko.trigger()
    try:
        assert dock.windowTitle() == "평가"
        assert dock.evaluate_button.text() == "평가 실행"
        assert [dock.tabs.tabText(i) for i in range(3)] == ["클래스", "혼동 행렬", "곡선"]
        assert dock.status_label.text() == "먼저 모델을 불러오세요 (모델 패널 또는 Ctrl+Alt+O)."
        assert f.actions["toggle_evaluation_dock"].text() == "평가 패널(&E)"
    finally:
        window.actions.language_en.trigger()
    assert dock.windowTitle() == "Evaluation"


def _section_center(header, section):
    from PySide6.QtCore import QPoint

    return QPoint(
        header.sectionViewportPosition(section) + header.sectionSize(section) // 2, header.height() // 2
    )


def _busiest_cell(confusion):
    """The off-diagonal cell with the most cases (misses, false alarms or wrong classes), else the diagonal's."""
    n = len(confusion)
    off = [(int(confusion[r, c]), (r, c)) for r in range(n) for c in range(n) if r != c]
    best = max(off)
    if best[0] == 0:
        best = max((int(confusion[i, i]), (i, i)) for i in range(n - 1))
    assert best[0] > 0, confusion
    return best[1]


def test_results_get_most_of_the_side(qtbot, window, tmp_path):
    """A 1920 x 1080 screen's first window (1440 x 900), the panels placed as the app places them: Ctrl+Alt+E
    opens the Evaluation panel, Evaluate fills it, and the results get most of the side's height (as a started
    training run does), the file list and the boxes keeping their minimum. (On a 1366 x 768 laptop those minimums
    leave the panel about 320 px whatever the share: its body scrolls.)"""
    data, model = tiny_model(tmp_path)
    window.resize(1440, 900)
    window.open_path(data)
    f = install_model_features(window)
    window.place_side_docks(f.side_docks)  # as run_gui does
    with qtbot.waitSignal(f.client.model_loaded, timeout=120000):
        f.prediction.load_model(str(model))
    dock = f.evaluation_dock
    window.activateWindow()
    qtbot.keyClick(
        window, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier
    )
    qtbot.waitUntil(lambda: dock.isVisible())
    opened = dock.height()
    column = opened + window.file_dock.height() + window.box_dock.height()
    assert opened < 0.6 * column  # what opening it gives (the Model panel's share)
    _evaluate(qtbot, f)
    qtbot.waitUntil(
        lambda: dock.height() >= 0.6 * column
    )  # 0.54 before (the files and boxes at their minimum)
    for side in (window.file_dock, window.box_dock):
        assert side.height() >= side.minimumSizeHint().height()
